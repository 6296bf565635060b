"""eks_lbc/_node.py: jsii's Node 20 end-of-life banner stays out of synth output; nothing else does."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eks_lbc import _node
from tests.support import REPO

# What is tested is eks_lbc._node with the jsii runtime, the same package (jsii 1.142) in both venvs:
# once per `make test`, in the cdktf pass.
pytestmark = pytest.mark.runtime("cdktf")

BANNER = "is end-of-life and not supported anymore"
NODE22 = REPO / ".node22" / "node_modules" / "node" / "bin" / "node"  # `make node22`


def node_major(node: str) -> int:
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    return int(re.match(r"v(\d+)", version).group(1))


def test_sets_only_its_variable_and_only_node_20():
    environ: dict[str, str] = {}
    _node.quiet_end_of_life_banner(environ)
    assert environ == {"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}


@pytest.mark.parametrize("users", ["18", "", "20,22"])
def test_the_users_own_setting_wins(users):
    environ = {"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": users}
    _node.quiet_end_of_life_banner(environ)
    assert environ == {"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": users}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the kernel's /proc/<pid>/environ")
def test_jsiis_kernel_was_started_with_the_banner_quiet_and_this_process_was_left_as_it_was():
    """eks_lbc._runtime_setup sets the variable for the kernel's start only (tests/test_runtime_setup.py: the rest)."""
    from jsii._runtime import kernel

    import eks_lbc._cdk  # noqa: F401  (starts the kernel, if no test has yet)

    environ = Path(f"/proc/{kernel.provider._process._process.pid}/environ").read_bytes().split(b"\0")
    assert f"{_node.END_OF_LIFE_SILENCE_VARIABLE}=20".encode() in environ
    assert _node.END_OF_LIFE_SILENCE_VARIABLE not in os.environ


# A preload of the user's own, printing a warning from inside jsii's kernel (the Node process that prints the banner).
USER_WARNING = """
if (process.env.JSII_AGENT && process.argv[1].endsWith("program.js")) {
  process.emitWarning("a warning of the user's own", "UserWarning");
}
"""


def synth(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    for name in ("main.py", "cdktf.json"):
        shutil.copy(REPO / name, tmp_path / name)
    (tmp_path / "warn.js").write_text(USER_WARNING)
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("EKS_LBC_") and k not in ("NODE_OPTIONS", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION")
    }
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), environ.get("PYTHONPATH")]))
    environ["NODE_OPTIONS"] = f'--require "{tmp_path / "warn.js"}"'
    environ.update(env)
    result = subprocess.run(
        [sys.executable, "main.py"], cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.mark.slow
def test_synth_output_has_no_banner_but_other_warnings_come_through(tmp_path):
    result = synth(tmp_path)
    assert BANNER not in result.stderr
    assert "!!!!!!" not in result.stderr
    assert "UserWarning: a warning of the user's own" in result.stderr
    assert "eks-lbc: synthesized eks-lbc-demo" in result.stderr


@pytest.mark.slow
def test_a_user_who_silences_other_versions_still_sees_the_node_20_banner(tmp_path):
    result = synth(tmp_path, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="18")
    node = os.environ.get("JSII_NODE", "node")
    # jsii shows the banner for Node 20 (end of jsii support 2026-10-30); on Node >= 22 there is none to show.
    assert (BANNER in result.stderr) is (node_major(node) == 20)


@pytest.mark.slow
def test_node_22_synthesizes_the_same_json_without_any_jsii_banner(tmp_path, require_tool):
    """Node >= 22 is supported: byte-identical output to the default Node's, and jsii has nothing to warn about."""
    require_tool(NODE22.exists() and node_major(str(NODE22)) == 22, f"Node.js 22 at {NODE22} (`make node22`)")
    outputs = []
    for folder, env in (("default", {}), ("node22", {"JSII_NODE": str(NODE22)})):
        (tmp_path / folder).mkdir()
        result = synth(tmp_path / folder, **env)
        if env:
            assert "!!" not in result.stderr
        # One stack, named by cluster and region since names carry the region (eks-lbc-demo-ap-northeast-1).
        (stack,) = (tmp_path / folder / "cdktf.out" / "stacks").glob("eks-lbc-demo-*/cdk.tf.json")
        outputs.append(stack.read_bytes())
    assert outputs[0] == outputs[1]
