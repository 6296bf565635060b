"""eks_lbc/_cdk.py: one runtime per process, and each runtime's provider ranges admit what it must.

Each runtime's constraints (CONSTRAINTS_BY_RUNTIME) admit the provider versions its bindings
were generated for (asked of the bindings in a subprocess per runtime), and the AWS provider
5.100.0 the moto tier applies; cdktn's also admit cdktf's. That the two runtimes synthesize the
same stacks but for those ranges and the metadata version is asserted on the integration
tiers' stacks (tests/integration/test_terraform_moto.py), which are synthesized under both anyway.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from eks_lbc import _cdk, runtime
from tests.support import REPO, runtime_python

RUNTIMES = tuple(runtime.PACKAGES)

IMPORTED = textwrap.dedent(
    """
    import json, sys
    import eks_lbc.constructs, eks_lbc.stacks
    from eks_lbc import _cdk
    ours = {name for names in __import__("eks_lbc.runtime").runtime.PACKAGES.values() for name in names}
    print(json.dumps({"runtime": _cdk.RUNTIME, "imported": sorted({m.split(".")[0] for m in sys.modules} & ours)}))
    """
)

# The provider versions the bindings pin when left alone.
BINDINGS = textwrap.dedent(
    """
    import json
    from eks_lbc import _cdk

    stack = _cdk.TerraformStack(_cdk.Testing.app(), "bare")
    _cdk.AwsProvider(stack, "aws", region="eu-west-1")
    _cdk.TlsProvider(stack, "tls")
    _cdk.KubernetesProvider(stack, "kubernetes")
    _cdk.HelmProvider(stack, "helm")
    required = json.loads(_cdk.Testing.synth(stack))["terraform"]["required_providers"]
    print(json.dumps({"runtime": _cdk.RUNTIME, "bindings": {k: v["version"] for k, v in required.items()}}))
    """
)


def run(python: str, script: str, cwd: Path, runtime_name: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("EKS_LBC_")}
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), environ.get("PYTHONPATH")]))
    environ["EKS_LBC_RUNTIME"] = runtime_name
    result = subprocess.run([python, "-c", script], cwd=cwd, env=environ, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def admits(constraint: str, version: str) -> bool:
    """Whether a ``>= a, < b`` constraint admits ``version``."""
    as_tuple = lambda v: tuple(int(x) for x in v.split("."))  # noqa: E731
    bounds = dict(part.strip().split(" ", 1) for part in constraint.split(","))
    return as_tuple(bounds[">="]) <= as_tuple(version) < as_tuple(bounds["<"])


def test_this_process_runs_on_the_selected_runtime_only():
    assert _cdk.RUNTIME == runtime.selected()
    assert _cdk.App.__module__.split(".")[0] == runtime.PACKAGES[_cdk.RUNTIME][0]
    assert _cdk.IamRole.__module__.split(".")[0] == runtime.PACKAGES[_cdk.RUNTIME][1]
    assert _cdk.PROVIDER_CONSTRAINTS == _cdk.CONSTRAINTS_BY_RUNTIME[_cdk.RUNTIME]


@pytest.mark.slow
@pytest.mark.runtime("cdktf")  # once per `make test`: each case runs its runtime's Python itself
@pytest.mark.parametrize("name", RUNTIMES)
def test_a_process_imports_one_runtime_even_with_both_installed(tmp_path, name, require_tool):
    python = runtime_python(name)
    require_tool(python is not None, f"the {name} runtime (make test creates .venv-cdktn)")
    seen = run(python, IMPORTED, tmp_path, name)
    assert seen == {"runtime": name, "imported": sorted(runtime.PACKAGES[name])}


@pytest.mark.slow
@pytest.mark.runtime("cdktf")  # once per `make test`: it asks both runtimes itself
def test_each_runtimes_ranges_admit_its_bindings_and_the_tested_aws_provider(tmp_path, require_tool):
    both = runtime_python("cdktn") is not None and runtime_python("cdktf") is not None
    require_tool(both, "both runtimes (make test creates .venv-cdktn)")
    bindings = {}
    for name in RUNTIMES:
        report = run(runtime_python(name), BINDINGS, tmp_path, name)
        assert report["runtime"] == name
        bindings[name] = report["bindings"]
    # Each runtime's ranges admit its own bindings' provider versions and aws 5.100.0; cdktn's also admit
    # cdktf's (the JSON is the same), so moving a deployed stack to cdktn needs no provider change.
    for name in RUNTIMES:
        constraints = _cdk.CONSTRAINTS_BY_RUNTIME[name]
        assert admits(constraints["aws"][1], "5.100.0")
        for provider, version in bindings[name].items():
            assert admits(constraints[provider][1], version), (name, provider, version)
    for provider, version in bindings["cdktf"].items():
        assert admits(_cdk.CONSTRAINTS_BY_RUNTIME["cdktn"][provider][1], version)
    assert bindings["cdktf"] != bindings["cdktn"]  # they really are different provider builds


@pytest.mark.parametrize(
    ("constraint", "version", "expected"),
    [
        (">= 2.38.0, < 4.0.0", "3.4.0", True),
        (">= 2.38.0, < 3.0.0", "3.4.0", False),
        (">= 5.100.0, < 7.0.0", "5.99.9", False),
    ],
)
def test_admits(constraint, version, expected):
    assert admits(constraint, version) is expected
