"""eks_lbc/_cdk.py: one runtime per process, and both runtimes synthesize the same stacks.

The cross-runtime test synthesizes the default stack and a non-default one under cdktf and
under cdktn (subprocesses of a Python that has both: the [cdktn] test venv) and asserts the
JSON differs only in the runtime's version in the metadata and the provider version
constraints of CONSTRAINTS_BY_RUNTIME; and that each runtime's constraints admit the provider
versions its bindings were generated for, and the AWS provider 5.100.0 the moto tier applies.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from eks_lbc import _cdk, runtime
from tests.support import REPO, differences, runtime_python

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

# Synthesizes two stacks as main.py does, and the provider versions the bindings pin when left alone.
SYNTH_AND_BINDINGS = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from eks_lbc import _cdk
    from eks_lbc.app import build_app
    from eks_lbc.settings import load_settings

    build_app(load_settings(Path("cdktf.json"), environ={}), outdir="out").synth()
    stack = _cdk.TerraformStack(_cdk.Testing.app(), "bare")
    _cdk.AwsProvider(stack, "aws", region="eu-west-1")
    _cdk.TlsProvider(stack, "tls")
    _cdk.KubernetesProvider(stack, "kubernetes")
    _cdk.HelmProvider(stack, "helm")
    required = json.loads(_cdk.Testing.synth(stack))["terraform"]["required_providers"]
    print(json.dumps({"runtime": _cdk.RUNTIME, "bindings": {k: v["version"] for k, v in required.items()}}))
    """
)

TWO_STACKS = {
    "clusters": [
        {"clusterName": "demo", "region": "ap-northeast-1"},
        {
            "clusterName": "prod_eu",
            "region": "eu-central-1",
            "namespace": "aws-lbc",
            "serviceAccountName": "lbc",
            "chartVersion": "1.5.3",
            "vpcId": "vpc-0123456789abcdef0",
        },
    ]
}


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
@pytest.mark.parametrize("name", RUNTIMES)
def test_a_process_imports_one_runtime_even_with_both_installed(tmp_path, name, require_tool):
    python = runtime_python(name)
    require_tool(python is not None, f"the {name} runtime (make test creates .venv-cdktn)")
    seen = run(python, IMPORTED, tmp_path, name)
    assert seen == {"runtime": name, "imported": sorted(runtime.PACKAGES[name])}


@pytest.mark.slow
@pytest.mark.runtime("cdktf")  # once per `make test`: it runs both runtimes itself
def test_runtimes_synthesize_the_same_json_but_for_versions(tmp_path, require_tool):
    python = runtime_python("cdktn")
    both = python is not None and runtime_python("cdktf") is not None
    require_tool(both, "both runtimes (make test creates .venv-cdktn)")
    document = json.loads((REPO / "cdktf.json").read_text())
    document["context"]["eks-lbc"] = TWO_STACKS
    stacks, bindings = {}, {}
    for name in RUNTIMES:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "cdktf.json").write_text(json.dumps(document))
        shutil.copy(REPO / "main.py", folder / "main.py")
        report = run(runtime_python(name), SYNTH_AND_BINDINGS, folder, name)
        assert report["runtime"] == name
        bindings[name] = report["bindings"]
        stacks[name] = {
            p.parent.name: json.loads(p.read_text()) for p in sorted((folder / "out" / "stacks").glob("*/cdk.tf.json"))
        }

    assert sorted(stacks["cdktf"]) == sorted(stacks["cdktn"]) == ["eks-lbc-demo", "eks-lbc-prod_eu"]
    differing_constraints = {
        ("terraform", "required_providers", provider, "version")
        for provider in _cdk.CONSTRAINTS_BY_RUNTIME["cdktf"]
        if _cdk.CONSTRAINTS_BY_RUNTIME["cdktf"][provider] != _cdk.CONSTRAINTS_BY_RUNTIME["cdktn"][provider]
    }
    for stack in stacks["cdktf"]:
        found = set(differences(stacks["cdktf"][stack], stacks["cdktn"][stack]))
        assert found == {("//", "metadata", "version"), *differing_constraints}, stack
        for name in RUNTIMES:
            assert stacks[name][stack]["//"]["metadata"]["version"] == _runtime_version(name, python)

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


def _runtime_version(name: str, python: str) -> str:
    distribution = runtime.PACKAGES[name][0]
    return subprocess.run(
        [python, "-c", f"from importlib.metadata import version; print(version({distribution!r}))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


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
