# Two set-up commands: `make synth` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Command-line tools the test tiers run, with pins that clash with the project's own
# dependencies (checkov pins boto3, packaging, ...): a venv of their own inside $(VENV).
TOOLS       := $(VENV)/tools
TOOLS_STAMP := $(TOOLS)/.installed

.PHONY: synth test tools lint clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "eks-lbc needs Python >= 3.10; set PYTHON=/path/to/python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

$(TOOLS_STAMP): tools-requirements.txt | $(STAMP)
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS)/bin/python -m pip install --quiet -r tools-requirements.txt
	@touch $@

tools: $(TOOLS_STAMP)

synth: $(STAMP)
	$(PY) main.py

test: $(STAMP) $(TOOLS_STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf cdktf.out .pytest_cache build dist *.egg-info
