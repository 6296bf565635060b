"""Helpers shared by the test modules."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
STRICT_ENV = "EKS_LBC_REQUIRE_ALL_TIERS"


def require(available: object, tool: str) -> None:
    """Skip the test with a reason naming ``tool`` unless ``available`` is truthy.

    With ``$EKS_LBC_REQUIRE_ALL_TIERS=1`` (set by ``.ci/run``) a missing tool fails the
    test instead, so CI cannot pass by skipping. Usable from fixtures of any scope;
    tests get it as the ``require_tool`` fixture.
    """
    if available:
        return
    message = f"needs {tool}"
    if os.environ.get(STRICT_ENV) == "1":
        pytest.fail(f"{message} ({STRICT_ENV}=1 forbids skipping)")
    pytest.skip(message)


def new_stack(name: str = "test"):  # -> TerraformStack
    """An empty stack in a test app (``Testing.synth_scope`` does not work from Python)."""
    from eks_lbc._cdk import TerraformStack, Testing

    return TerraformStack(Testing.app(), name)


def synth(stack) -> dict[str, Any]:
    """The stack's Terraform JSON as a dict."""
    from eks_lbc._cdk import Testing

    return json.loads(Testing.synth(stack))


def only(synthesized: dict[str, Any], block: str, kind: str) -> dict[str, Any]:
    """The single ``block`` (resource/data) of ``kind``; fails if there is not exactly one."""
    found = synthesized.get(block, {}).get(kind, {})
    assert len(found) == 1, f"expected one {block} {kind}, found {sorted(found)}"
    return next(iter(found.values()))


def address(synthesized: dict[str, Any], block: str, kind: str) -> str:
    """Terraform address of the single ``kind`` in ``block`` (``data.`` prefixed for data sources)."""
    found = synthesized.get(block, {}).get(kind, {})
    assert len(found) == 1, f"expected one {block} {kind}, found {sorted(found)}"
    name = next(iter(found))
    return f"data.{kind}.{name}" if block == "data" else f"{kind}.{name}"


def differences(a: object, b: object, path: tuple = ()) -> list[tuple]:
    """Paths (tuples of keys and indexes) where two JSON documents differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for key in sorted(set(a) | set(b)) for d in differences(a.get(key), b.get(key), (*path, key))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, (*path, i))]
    return [] if a == b else [path]


CDKTN_VENV_PYTHON = REPO / ".venv-cdktn" / "bin" / "python"  # `make test` creates it: pip install -e '.[cdktn,test]'


def runtime_python(runtime: str) -> str | None:
    """A Python that runs eks_lbc on ``runtime`` ("cdktf" or "cdktn"), or None if there is none here.

    This environment's when it has that runtime installed, else the ``[cdktn]`` test venv
    (which has both: the extra adds cdktn next to cdktf). Run it with
    ``EKS_LBC_RUNTIME=<runtime>`` to be explicit. A tier that synthesizes in a subprocess
    (``main.py``) runs under both runtimes by parametrizing over ("cdktf", "cdktn") and
    using this Python, with ``require_tool(python is not None, ...)``.
    """
    import sys

    from eks_lbc.runtime import is_installed

    if is_installed(runtime):
        return sys.executable
    if CDKTN_VENV_PYTHON.exists():
        return str(CDKTN_VENV_PYTHON)
    return None


CONTROLLER_RELEASE_NAME = "aws-load-balancer-controller"


def controller_release_address(synthesized: dict[str, Any]) -> str:
    """Address of the controller's ``helm_release`` (a stack with LoadBalancerController also has the CRD release)."""
    found = [
        name
        for name, body in synthesized.get("resource", {}).get("helm_release", {}).items()
        if body["name"] == CONTROLLER_RELEASE_NAME
    ]
    assert len(found) == 1, f"expected one helm_release named {CONTROLLER_RELEASE_NAME}, found {found}"
    return f"helm_release.{found[0]}"


def controller_release(synthesized: dict[str, Any]) -> dict[str, Any]:
    """The controller's ``helm_release`` body."""
    return synthesized["resource"]["helm_release"][controller_release_address(synthesized).split(".", 1)[1]]


def set_string(reference: str) -> str:
    """The ``set`` value of a string token ``${<reference>}``: escaped for Helm's --set parser at apply time.

    (``eks_lbc/constructs/_release_values.py``: a backslash before each backslash, comma and ``{``.)
    """
    return r"${replace(" + reference + r', "/[\\\\,{]/", "\\$0")}'
