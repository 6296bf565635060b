# Two set-up commands: `make synth` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Node.js 22 from npm's `node` package, for the Node 22 test and the benchmark (jsii reads JSII_NODE).
NODE22 := .node22/node_modules/node/bin/node
RUNS   ?= 5

.PHONY: synth test lint bench node22 clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "eks-lbc needs Python >= 3.10; set PYTHON=/path/to/python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

synth: $(STAMP)
	$(PY) main.py

test: $(STAMP)
	$(PY) -m pytest

# Not part of `make test`: timings belong here, never in tests. RUNS=5 runs per case.
bench: $(STAMP) $(NODE22)
	$(PY) bench/synth.py --runs $(RUNS) --node $(NODE22)

node22: $(NODE22)

$(NODE22):
	npm install --prefix .node22 --no-audit --no-fund --loglevel=error node@22

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf cdktf.out .pytest_cache build dist *.egg-info
