"""eks_lbc/_runtime_setup.py: importing eks_lbc changes nothing; jsii's kernel still gets what it needs.

Pure modules: every module of eks_lbc except ``eks_lbc._cdk`` and what imports it, the packages
``eks_lbc.constructs`` and ``eks_lbc.stacks`` (``__main__`` modules are entry points, not imported).
Importing them changes nothing in the process. Importing ``_cdk`` (through constructs or stacks)
sets the process up: the import hook goes into ``sys.meta_path`` and stays, and jsii's kernel is
started with ``NODE_OPTIONS`` (the Node half of the lazy bindings) and the Node 20 banner's silence,
which ``os.environ`` then no longer holds. Each case runs in a fresh process.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import pytest

from eks_lbc import _lazy_providers as lazy
from eks_lbc import _node
from eks_lbc import _runtime_setup as setup
from tests.conftest import RUNTIME
from tests.support import REPO
from tests.test_node import BANNER, node_major

CDK_MODULES = ("eks_lbc._cdk", "eks_lbc.constructs", "eks_lbc.stacks")
SILENCE = _node.END_OF_LIFE_SILENCE_VARIABLE
AWS_PACKAGE = {"cdktf": "@cdktf/provider-aws", "cdktn": "@cdktn/provider-aws"}[RUNTIME]
ON_LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the kernel's /proc/<pid>/environ")


def package_modules() -> list[str]:
    """Every module of the eks_lbc package, found on disk (importing packages to walk them would be a side effect)."""
    names = []
    for path in sorted((REPO / "eks_lbc").rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def is_cdk_module(name: str) -> bool:
    return any(name == cdk or name.startswith(cdk + ".") for cdk in CDK_MODULES)


PURE_MODULES = [name for name in package_modules() if not is_cdk_module(name)]
JSII_CODE = ("jsii", "constructs", "cdktf", "cdktn", *lazy.PACKAGE_PREFIXES)


def third_party_imports(modules: list[str]) -> list[str]:
    """Top-level packages outside eks_lbc and the standard library that ``modules`` import (read, not run).

    Some change the process on their own import (botocore puts six's importer into ``sys.meta_path`` and
    urllib3 adds warning filters): that is theirs, not eks_lbc's, so they are imported before the comparison.
    jsii code is never among them (a pure module must not import it; the test checks that separately).
    """
    found = set()
    for name in modules:
        path = REPO / Path(*name.split("."))
        source = (path / "__init__.py" if path.is_dir() else path.with_suffix(".py")).read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return sorted(
        top
        for top in found
        if top != "eks_lbc" and top not in sys.stdlib_module_names and not top.startswith(JSII_CODE)
    )


# Everything of the process a module could change on import, as comparable data.
STATE = textwrap.dedent(
    """
    import atexit, os, signal, sys, threading, warnings
    def state():
        return {
            "environ": dict(os.environ),
            "meta_path": [repr(type(f)) for f in sys.meta_path],
            "path_hooks": [repr(h) for h in sys.path_hooks],
            "path": list(sys.path),
            "warnings": [repr(f) for f in warnings.filters],
            "threads": threading.active_count(),
            "atexit": atexit._ncallbacks(),
            "signals": [repr(signal.getsignal(s)) for s in (signal.SIGINT, signal.SIGTERM)],
            "hooks": [repr(h) for h in (sys.excepthook, sys.displayhook, sys.stdout, sys.stderr)],
            "cwd": os.getcwd(),
        }
    """
)

IMPORT_PURE = STATE + textwrap.dedent(
    """
    import importlib, json
    third_party, ours = json.loads(sys.argv[1])
    for name in third_party:
        importlib.import_module(name)
    before = state()
    changed = {}
    for name in ours:
        importlib.import_module(name)
        now = state()
        if now != before:
            changed[name] = sorted(key for key in now if now[key] != before[key])
            before = now
    jsii_code = sorted(m for m in sys.modules if m.split(".")[0] in ("jsii", "constructs", "cdktf", "cdktn"))
    print(json.dumps({"changed": changed, "jsii_code": jsii_code}))
    """
)

# What a library user does: eks_lbc.constructs first, then a stack with a provider and a construct, synthesized.
USE_THE_CDK = """
import eks_lbc.constructs
from eks_lbc._cdk import RUNTIME, App, AwsProvider, TerraformStack
from eks_lbc.constructs import ControllerPolicy
app = App(outdir=sys.argv[1])
stack = TerraformStack(app, "s")
AwsProvider(stack, "aws", region="eu-west-1")
ControllerPolicy(stack, "policy", name="lbc")
app.synth()
"""
# Only the set-up and the runtime's core, no provider package: cheap also where the bindings would load eagerly.
PREPARE_ONLY = """
import importlib
from eks_lbc import _runtime_setup
RUNTIME = _runtime_setup.prepare()
importlib.import_module(RUNTIME).Token.is_unresolved("x")
"""


def reporting_kernel(use: str) -> str:
    """A script that runs ``use`` and reports the process before and after, and the jsii kernel it started."""
    report = textwrap.dedent(
        """
        import json
        after = state()
        from jsii._runtime import kernel
        pid = kernel.provider._process._process.pid
        with open(f"/proc/{pid}/environ", "rb") as f:
            kernel_environ = dict(e.decode().split("=", 1) for e in f.read().split(b"\\0") if e)
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            node = f.read().split(b"\\0")[0].decode()
        print(json.dumps({
            "changed": sorted(k for k in after if after[k] != before[k]),
            "environ_after": after["environ"],
            "meta_path_added": [m for m in after["meta_path"] if m not in before["meta_path"]],
            "kernel_environ": kernel_environ,
            "node": node,
            "runtime": RUNTIME,
        }))
        """
    )
    # jsii imported is no kernel started yet (and importing it puts six's importer into sys.meta_path: not ours).
    return STATE + "import jsii\nbefore = state()\n" + use + report


# A preload of the "user's" that reports, when jsii's kernel exits, how many files of the aws provider it loaded.
# The kernel is program.js, run by jsii-runtime.js (the process jsii starts) in a child Node with its environment.
COUNT_PROVIDER_FILES = """
if (process.env.JSII_AGENT && (process.argv[1] || "").endsWith("program.js")) {
  process.on("exit", () => {
    const loaded = Object.keys(require.cache).filter((f) => /[\\\\/]provider-aws[\\\\/]lib[\\\\/]/.test(f)).length;
    require("fs").writeFileSync(process.env.COUNT_TO, String(loaded));
  });
}
"""


def clean_environ(**env: str) -> dict[str, str]:
    """This environment without anything eks_lbc or jsii's kernel reads, plus ``env``."""
    drop = ("NODE_OPTIONS", SILENCE, "JSII_NODE", lazy.ENV_SWITCH)
    environ = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("EKS_LBC_")}
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), environ.get("PYTHONPATH")]))
    environ["EKS_LBC_RUNTIME"] = RUNTIME
    environ.update(env)
    return environ


def run(script: str, *args: str, cwd: Path, **env: str) -> tuple[dict, str]:
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=cwd,
        env=clean_environ(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


# --- importing a pure module changes nothing ------------------------------------------------------------


def test_the_pure_modules_are_all_but_the_cdk_ones():
    assert {"eks_lbc", "eks_lbc.validation", "eks_lbc.settings", "eks_lbc.preflight", "eks_lbc.app"} <= set(
        PURE_MODULES
    )
    assert "eks_lbc.preflight.checks.iam" in PURE_MODULES and "eks_lbc._runtime_setup" in PURE_MODULES
    assert not any(is_cdk_module(name) for name in PURE_MODULES)
    assert len(PURE_MODULES) > 35


@pytest.mark.runtime("cdktf")  # no runtime is imported: once per `make test`
def test_importing_every_pure_module_changes_nothing_in_the_process(tmp_path):
    users = '--max-old-space-size=3072 --require "/opt/my hooks/hook.js"'
    modules = json.dumps([third_party_imports(PURE_MODULES), PURE_MODULES])
    seen, stderr = run(IMPORT_PURE, modules, cwd=tmp_path, NODE_OPTIONS=users)
    assert seen == {"changed": {}, "jsii_code": []}
    assert stderr == ""


@pytest.mark.parametrize("package", ["eks_lbc.constructs", "eks_lbc.stacks"])
def test_the_cdk_modules_set_the_process_up(tmp_path, package):
    """The control for the test above: the same check sees what importing the CDK modules changes."""
    seen, _ = run(IMPORT_PURE, json.dumps([[], [package]]), cwd=tmp_path)
    # The import hook, jsii's thread that forwards the kernel's stderr and its exit handler that stops the kernel;
    # os.environ is as it was.
    assert seen["changed"] == {package: ["atexit", "meta_path", "threads"]}
    assert "constructs" in seen["jsii_code"] and RUNTIME in seen["jsii_code"]


# --- the kernel gets what it needs; the process keeps its environment ----------------------------------------


@ON_LINUX
@pytest.mark.parametrize("users_silence", [None, "18"])
def test_the_kernel_starts_with_the_preload_and_the_banners_silence_then_the_environment_is_as_before(
    tmp_path, users_silence
):
    node = shutil.which("node")
    assert node
    chosen = tmp_path / "bin" / "node-of-my-choice"
    chosen.parent.mkdir()
    chosen.symlink_to(node)
    (tmp_path / "count.js").write_text(COUNT_PROVIDER_FILES)
    users = f'--require "{tmp_path / "count.js"}"'
    env = {"JSII_NODE": str(chosen), "NODE_OPTIONS": users, "COUNT_TO": str(tmp_path / "count")}
    if users_silence is not None:
        env[SILENCE] = users_silence
    seen, stderr = run(reporting_kernel(USE_THE_CDK), str(tmp_path / "out"), cwd=tmp_path, **env)

    # This process: the environment it started with; only the import hook added (and jsii's kernel: its exit
    # handler and stderr thread).
    assert seen["changed"] == ["atexit", "meta_path", "threads"]
    assert seen["meta_path_added"] == [repr(lazy.LazyProviderFinder)]
    assert seen["environ_after"]["NODE_OPTIONS"] == users
    assert seen["environ_after"].get(SILENCE) == users_silence
    assert seen["runtime"] == RUNTIME
    # The kernel: the Node chosen, the user's options plus ours, the banner quiet unless the user said otherwise.
    assert seen["node"] == str(chosen)
    assert seen["kernel_environ"]["NODE_OPTIONS"] == f"{users} {lazy.node_preload_option()}"
    assert seen["kernel_environ"][SILENCE] == (users_silence or "20")
    # Node 20 shows jsii's end-of-life banner unless silenced (the user's "18" does not name it).
    assert (BANNER in stderr) is (node_major(node) == 20 and users_silence == "18")
    assert "eks-lbc: note:" not in stderr
    # The Node half did its work in that kernel: a handful of the aws provider's ~2,200 submodules loaded.
    assert 0 < int((tmp_path / "count").read_text()) < 100
    assert (tmp_path / "out" / "stacks" / "s" / "cdk.tf.json").is_file()


@ON_LINUX
def test_switched_off_the_kernel_gets_no_preload_and_an_inherited_one_stays_in_the_environment(tmp_path):
    inherited = f"--trace-warnings {lazy.node_preload_option()}"  # e.g. from a parent process of an older eks-lbc
    env = {"NODE_OPTIONS": inherited, lazy.ENV_SWITCH: "0"}
    seen, _ = run(reporting_kernel(PREPARE_ONLY), cwd=tmp_path, **env)
    assert seen["kernel_environ"]["NODE_OPTIONS"] == "--trace-warnings"
    assert seen["environ_after"]["NODE_OPTIONS"] == inherited
    assert seen["changed"] == ["atexit", "threads"] and seen["meta_path_added"] == []
    assert seen["kernel_environ"][SILENCE] == "20"


@ON_LINUX
def test_a_kernel_started_before_eks_lbc_is_left_alone_and_so_is_the_environment(tmp_path):
    seen, stderr = run(reporting_kernel("import constructs\n" + PREPARE_ONLY), cwd=tmp_path)
    assert "NODE_OPTIONS" not in seen["kernel_environ"] and SILENCE not in seen["kernel_environ"]
    assert "NODE_OPTIONS" not in seen["environ_after"] and SILENCE not in seen["environ_after"]
    notes = [line for line in stderr.splitlines() if line.startswith("eks-lbc: note:")]
    assert notes == [lazy.LATE_IMPORT_NOTICE.format(late="constructs")]


# --- the parts, in this process -------------------------------------------------------------------------------


def test_kernel_environment_adds_only_what_is_missing():
    preload = lazy.node_preload_option()
    assert setup.kernel_environment({}, lazy=True) == {SILENCE: "20", "NODE_OPTIONS": preload}
    assert setup.kernel_environment({SILENCE: ""}, lazy=True) == {"NODE_OPTIONS": preload}
    assert setup.kernel_environment({SILENCE: "20", "NODE_OPTIONS": preload}, lazy=True) == {}
    assert setup.kernel_environment({SILENCE: "20", "NODE_OPTIONS": preload}, lazy=False) == {"NODE_OPTIONS": None}
    assert setup.kernel_environment({SILENCE: "20", "NODE_OPTIONS": "--x"}, lazy=False) == {}


@pytest.fixture
def fake_start(monkeypatch):
    """start_kernel with a harmless module as the starter and a scripted answer to 'has the kernel started?'."""
    answers: list[bool | None] = []
    monkeypatch.setattr(setup, "KERNEL_STARTER", "json")
    monkeypatch.setattr(setup, "kernel_started", lambda modules=None: answers.pop(0))
    return answers


def test_start_kernel_restores_what_it_set_once_the_kernel_runs(fake_start):
    fake_start.extend([False, True])
    environ = {"NODE_OPTIONS": "--x", "HOME": "/h"}
    assert setup.start_kernel(environ, lazy=True) is True
    assert environ == {"NODE_OPTIONS": "--x", "HOME": "/h"}


def test_start_kernel_keeps_a_value_someone_else_set_meanwhile(fake_start, monkeypatch):
    fake_start.extend([False, True])
    environ: dict[str, str] = {}

    def someone_else(name):
        environ["NODE_OPTIONS"] = "--theirs"

    monkeypatch.setattr(setup.importlib, "import_module", someone_else)
    setup.start_kernel(environ, lazy=True)
    assert environ == {"NODE_OPTIONS": "--theirs"}


def test_start_kernel_leaves_the_variables_set_when_the_start_cannot_be_confirmed(fake_start):
    fake_start.extend([None, None])  # a jsii that does not say
    environ: dict[str, str] = {}
    setup.start_kernel(environ, lazy=True)
    assert environ == {SILENCE: "20", "NODE_OPTIONS": lazy.node_preload_option()}


def test_start_kernel_does_nothing_when_the_kernel_runs_already(fake_start):
    fake_start.append(True)
    environ: dict[str, str] = {}
    assert setup.start_kernel(environ, lazy=True) is False
    assert environ == {}


def test_kernel_started_reads_jsiis_record_of_loaded_assemblies():
    class ReferenceMap:
        _assembly_to_module: typing.ClassVar[dict[str, str]] = {}

    assert setup.kernel_started({}) is False
    assert setup.kernel_started({"jsii._reference_map": ReferenceMap}) is False
    ReferenceMap._assembly_to_module = {"constructs": "constructs"}
    assert setup.kernel_started({"jsii._reference_map": ReferenceMap}) is True
    assert setup.kernel_started({"jsii._reference_map": object()}) is None


def test_prepare_in_this_process_ran_once_and_restored_the_environment():
    from eks_lbc import _cdk

    assert setup.kernel_started() is True
    environ = dict(os.environ)
    assert setup.prepare() == _cdk.RUNTIME == RUNTIME
    assert dict(os.environ) == environ
    assert lazy.node_preload_option() not in os.environ.get("NODE_OPTIONS", "")
