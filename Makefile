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
# Its lock needs Python >= 3.11 (check-jsonschema, zizmor): TOOLS_PYTHON=python3.11 if PYTHON is 3.10.
TOOLS       := $(VENV)/tools
TOOLS_STAMP := $(TOOLS)/.installed
TOOLS_PYTHON ?= $(PYTHON)
# Node.js 22 from npm's `node` package, for the Node 22 test and the benchmark (jsii reads JSII_NODE).
NODE22 := .node22/node_modules/node/bin/node
RUNS   ?= 5

# Every venv installs exactly what a lock file lists (hashes checked), then the project itself without
# dependencies and without build isolation (so its build backend is the locked setuptools too).
# `make lock` writes the lock files from pyproject.toml and tools-requirements.txt.
LOCK_TEST  := requirements/test.txt
LOCK_CDKTN := requirements/cdktn.txt
LOCK_TOOLS := requirements/tools.txt

# uv (from PyPI) creates and fills the venvs: the `uv` on PATH, else uv $(UV_VERSION) installed from PyPI
# into .uv/ on first use. `make UV= synth` (or test) uses `python -m venv` and pip on the same lock files
# instead: slower, same versions.
UV_VERSION   := 0.13.9
UV_BOOTSTRAP := .uv/bin/uv
UV ?= $(or $(shell command -v uv 2>/dev/null),$(UV_BOOTSTRAP))
UV_NEEDED := $(filter $(UV_BOOTSTRAP),$(UV))

ifneq ($(strip $(UV)),)
new_venv        = test -x $(1)/bin/python || $(UV) venv --quiet --python $(2) $(1)
install_lock    = $(UV) pip sync --quiet --python $(1)/bin/python $(2)
install_project = $(UV) pip install --quiet --python $(1)/bin/python --no-deps --no-build-isolation -e .
else
new_venv        = $(2) -m venv $(1)
install_lock    = $(1)/bin/python -m pip install --quiet --require-hashes -r $(2)
install_project = $(1)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
endif

.PHONY: synth preflight test tools schema lint bench bench-setup bench-tier node22 vendor clean lock lock-check

$(UV_BOOTSTRAP):
	$(PYTHON) -m venv .uv
	.uv/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): pyproject.toml $(LOCK_TEST) | $(UV_NEEDED)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "eks-lbc needs Python >= 3.10; set PYTHON=/path/to/python3.x")'
	$(call new_venv,$(VENV),$(PYTHON))
	$(call install_lock,$(VENV),$(LOCK_TEST))
	$(call install_project,$(VENV))
	$(PY) -m eks_lbc.jsii_cache
	@touch $@

# The same checkout on CDK Terrain: the [cdktn] extra installs cdktn next to cdktf and makes it the runtime.
$(STAMP_CDKTN): pyproject.toml $(LOCK_CDKTN) | $(UV_NEEDED)
	$(call new_venv,$(VENV_CDKTN),$(PYTHON))
	$(call install_lock,$(VENV_CDKTN),$(LOCK_CDKTN))
	$(call install_project,$(VENV_CDKTN))
	EKS_LBC_RUNTIME=cdktn $(PY_CDKTN) -m eks_lbc.jsii_cache
	@touch $@

$(TOOLS_STAMP): $(LOCK_TOOLS) | $(STAMP) $(UV_NEEDED)
	$(call new_venv,$(TOOLS),$(TOOLS_PYTHON))
	$(call install_lock,$(TOOLS),$(LOCK_TOOLS))
	@touch $@

# Pins already in a lock file are kept unless its input no longer allows them (uv reads the output file
# as preferences); `make lock UPGRADE=1` moves everything to the newest allowed. Needs PyPI.
LOCK_FLAGS = --quiet --universal --generate-hashes --custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade)
define compile_locks
	$(UV) --directory $(1) pip compile $(LOCK_FLAGS) --python-version 3.10 pyproject.toml --extra test -o $(LOCK_TEST)
	$(UV) --directory $(1) pip compile $(LOCK_FLAGS) --python-version 3.10 pyproject.toml --extra cdktn --extra test -o $(LOCK_CDKTN)
	$(UV) --directory $(1) pip compile $(LOCK_FLAGS) --python-version 3.11 tools-requirements.txt -o $(LOCK_TOOLS)
endef

lock: | $(UV_NEEDED)
	$(call compile_locks,.)

# Fails when a lock file differs from what `make lock` would write now (an input changed without it).
# Compiles in a copy, so nothing here changes. Needs PyPI; tests/test_locks.py checks the same offline, roughly.
lock-check: | $(UV_NEEDED)
	@rm -rf .lock-check && mkdir -p .lock-check/requirements
	@cp pyproject.toml tools-requirements.txt README.md LICENSE .lock-check/ && cp requirements/*.txt .lock-check/requirements/
	$(call compile_locks,.lock-check)
	@diff -u requirements .lock-check/requirements && rm -rf .lock-check && echo "lock files are up to date" \
	  || { echo "lock files are out of date: run make lock"; rm -rf .lock-check; exit 1; }

tools: $(TOOLS_STAMP)

synth: $(STAMP)
	$(PY) main.py

# Read-only checks of the AWS account of every configured cluster (README: "Before you deploy: preflight").
# PREFLIGHT_ARGS=--json for CI. Exit 0: nothing fails; 1: a check fails; 2: bad settings.
preflight: $(STAMP)
	$(PY) -m eks_lbc.preflight $(PREFLIGHT_ARGS)

# The two passes run at the same time (they share nothing but the read-only checkout). The CDK Terrain pass has
# less to do, so CDKTF_SECOND (runtime-independent tests that need none of the tiers' background work: preflight
# and the feature chart renders) runs after it, in .venv, instead of in the cdktf pass: both cores then stay busy
# to the end (docs/performance.md, "Test time"). The cdktf pass reports as it goes, the others when all are done.
CDKTF_SECOND := tests/preflight tests/integration/test_release_renders_features.py
# The suite starts dozens of Python processes that import the same modules (jsii, the providers, boto3, moto;
# the eager synth all 2,214 modules of the AWS binding): each must compile them from source unless bytecode is
# written once and read after, so PYTHONDONTWRITEBYTECODE (set on some machines and CI images) is off for it.
test: export PYTHONDONTWRITEBYTECODE :=
test: $(STAMP) $(STAMP_CDKTN) $(TOOLS_STAMP)
	@{ EKS_LBC_RUNTIME=cdktn $(PY_CDKTN) -m pytest -p no:cacheprovider > $(VENV_CDKTN)/pytest.log 2>&1; cdktn=$$?; \
	   $(PY) -m pytest -p no:cacheprovider $(CDKTF_SECOND) > $(VENV)/pytest-second.log 2>&1; second=$$?; \
	   test $$cdktn -eq 0 && test $$second -eq 0; } & others=$$!; \
	echo "== cdktf pass ($(VENV)) but $(CDKTF_SECOND); the CDK Terrain pass ($(VENV_CDKTN)), then those, run meanwhile"; \
	$(PY) -m pytest $(addprefix --ignore=,$(CDKTF_SECOND)); cdktf_status=$$?; \
	wait $$others; others_status=$$?; \
	echo "== cdktf pass ($(VENV)): $(CDKTF_SECOND)"; cat $(VENV)/pytest-second.log; \
	echo "== CDK Terrain pass ($(VENV_CDKTN), EKS_LBC_RUNTIME=cdktn)"; cat $(VENV_CDKTN)/pytest.log; \
	test $$cdktf_status -eq 0 && test $$others_status -eq 0

# Not part of `make test`: timings belong here, never in tests. RUNS=5 runs per case.
bench: $(STAMP) $(STAMP_CDKTN) $(NODE22)
	$(PY) bench/synth.py --runs $(RUNS) --node $(NODE22) --cdktn-python $(PY_CDKTN)
	$(PY) bench/preflight.py --runs $(RUNS)

# Set-up times from a fresh clone (`make synth`, `make test` with and without set-up). RUNS=3 is plenty: minutes
# each. BENCH_ARGS adds cases: --cold-caches, --setup-only, --pip, --without-tier (see bench/setup.py).
bench-setup: $(STAMP)
	$(PY) bench/setup.py --runs $(RUNS) $(BENCH_ARGS)

# The Terraform-on-moto tier alone (its recorded cycle, no assertions), RUNS rounds interleaved with the same
# tier at BASELINE (a git ref, default main): wall and CPU medians and their ratio (see bench/terraform_tier.py).
bench-tier: $(STAMP) $(STAMP_CDKTN)
	$(PY) bench/terraform_tier.py --runs $(RUNS) --baseline $(or $(BASELINE),main)

node22: $(NODE22)

$(NODE22):
	npm install --prefix .node22 --no-audit --no-fund --loglevel=error node@22

# Vendor a chart release from ../shared/upstream (or $$EKS_LBC_UPSTREAM): `make vendor VERSION=3.6.0`.
# Without VERSION it only re-derives eks_lbc/data from upstream. Fails, writing nothing, when anything is missing.
vendor: $(STAMP)
	$(PY) -m tools.vendor_upstream_data $(if $(VERSION),--chart $(VERSION))

# docs/settings.schema.json: the JSON Schema of cdktf.json's context.eks-lbc, derived from the declared settings.
schema: $(STAMP)
	$(PY) -m eks_lbc.settings > docs/settings.schema.json

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf cdktf.out .pytest_cache build dist *.egg-info .lock-check
