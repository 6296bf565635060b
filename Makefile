# Two set-up commands: `make synth` and `make test`. Both create .venv on first use;
# `make test` also creates .venv-cdktn (the [cdktn] extra) and runs the suite on both runtimes.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
VENV_CDKTN  ?= .venv-cdktn
PY_CDKTN    := $(VENV_CDKTN)/bin/python
STAMP_CDKTN := $(VENV_CDKTN)/.installed
# Command-line tools the test tiers run, with pins that clash with the project's own
# dependencies (checkov pins boto3, packaging, ...): a venv of their own inside $(VENV).
TOOLS       := $(VENV)/tools
TOOLS_STAMP := $(TOOLS)/.installed
# Node.js 22 from npm's `node` package, for the Node 22 test and the benchmark (jsii reads JSII_NODE).
NODE22 := .node22/node_modules/node/bin/node
RUNS   ?= 5

.PHONY: synth test tools lint bench node22 vendor clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "eks-lbc needs Python >= 3.10; set PYTHON=/path/to/python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m eks_lbc.jsii_cache
	@touch $@

# The same checkout on CDK Terrain: the [cdktn] extra installs cdktn next to cdktf and makes it the runtime.
$(STAMP_CDKTN): pyproject.toml
	$(PYTHON) -m venv $(VENV_CDKTN)
	$(PY_CDKTN) -m pip install --quiet --upgrade pip
	$(PY_CDKTN) -m pip install --quiet -e '.[cdktn,test]'
	EKS_LBC_RUNTIME=cdktn $(PY_CDKTN) -m eks_lbc.jsii_cache
	@touch $@

$(TOOLS_STAMP): tools-requirements.txt | $(STAMP)
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS)/bin/python -m pip install --quiet -r tools-requirements.txt
	@touch $@

tools: $(TOOLS_STAMP)

synth: $(STAMP)
	$(PY) main.py

# The two passes run at the same time (a 2-core machine is busy only then; they share nothing
# but the read-only checkout). The cdktf pass reports as it goes, the CDK Terrain pass when both are done.
test: $(STAMP) $(STAMP_CDKTN) $(TOOLS_STAMP)
	@EKS_LBC_RUNTIME=cdktn $(PY_CDKTN) -m pytest -p no:cacheprovider > $(VENV_CDKTN)/pytest.log 2>&1 & cdktn=$$!; \
	echo "== cdktf pass ($(VENV)); the CDK Terrain pass ($(VENV_CDKTN)) runs meanwhile"; \
	$(PY) -m pytest; cdktf_status=$$?; \
	wait $$cdktn; cdktn_status=$$?; \
	echo "== CDK Terrain pass ($(VENV_CDKTN), EKS_LBC_RUNTIME=cdktn)"; cat $(VENV_CDKTN)/pytest.log; \
	test $$cdktf_status -eq 0 && test $$cdktn_status -eq 0

# Not part of `make test`: timings belong here, never in tests. RUNS=5 runs per case.
bench: $(STAMP) $(STAMP_CDKTN) $(NODE22)
	$(PY) bench/synth.py --runs $(RUNS) --node $(NODE22) --cdktn-python $(PY_CDKTN)

node22: $(NODE22)

$(NODE22):
	npm install --prefix .node22 --no-audit --no-fund --loglevel=error node@22

# Vendor a chart release from ../shared/upstream (or $$EKS_LBC_UPSTREAM): `make vendor VERSION=3.6.0`.
# Without VERSION it only re-derives eks_lbc/data from upstream. Fails, writing nothing, when anything is missing.
vendor: $(STAMP)
	$(PY) -m tools.vendor_upstream_data $(if $(VERSION),--chart $(VERSION))

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf cdktf.out .pytest_cache build dist *.egg-info
