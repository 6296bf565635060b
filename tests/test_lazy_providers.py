"""eks_lbc/_lazy_providers.py: provider bindings load lazily, and nothing else changes."""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest

from eks_lbc import _lazy_providers as lazy
from eks_lbc import runtime
from eks_lbc.errors import InvalidSetting
from tests.conftest import RUNTIME
from tests.support import REPO

# This session's aws binding: package name and jsii assembly name.
AWS = runtime.PACKAGES[RUNTIME][1]
AWS_ASSEMBLY = {"cdktf": "@cdktf/provider-aws", "cdktn": "@cdktn/provider-aws"}[RUNTIME]

PROVIDER_DISTRIBUTIONS = re.compile(r"^(cdktf[-_]cdktf[-_]provider|cdktn[-_]provider)[-_]")
JSII_TYPE = re.compile(rb'jsii_type="([^"]+)"')
PACMAK_MAP_ENTRY = re.compile(r'^    "([^"]+)": "([^"]+)",$', re.M)  # _SUBMODULE_FQN_MAP lines in _jsii/__init__.py


def installed_provider_packages() -> list[Path]:
    """Folders of every installed cdktf/cdktn prebuilt provider package."""
    folders = set()
    for dist in metadata.distributions():
        if PROVIDER_DISTRIBUTIONS.match(dist.metadata["Name"] or ""):
            for name in (dist.read_text("top_level.txt") or "").split() or [dist.metadata["Name"].replace("-", "_")]:
                spec = importlib.util.find_spec(name)
                if spec and spec.submodule_search_locations:
                    folders.add(Path(next(iter(spec.submodule_search_locations))))
    return sorted(folders)


# --- the switch ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "on"), [(None, True), ("", True), ("1", True), ("0", False)])
def test_switch(value, on):
    environ = {} if value is None else {lazy.ENV_SWITCH: value}
    assert lazy.switch(environ) is on


@pytest.mark.parametrize("value", ["yes", "off", "true", " 0"])
def test_switch_refuses_other_values_naming_the_variable(value):
    with pytest.raises(InvalidSetting, match=f"invalid {lazy.ENV_SWITCH}: {value!r}; expected 0 .* or 1"):
        lazy.switch({lazy.ENV_SWITCH: value})


def test_the_kernels_node_options_get_the_preload_once_and_keep_the_users():
    option = lazy.node_preload_option()
    users = '--max-old-space-size=2048 --require "/my dir/hook.js"'
    once = lazy.kernel_node_options(users, wanted=True)
    assert once == f"{users} {option}"
    assert lazy.kernel_node_options(once, wanted=True) == once
    assert lazy.kernel_node_options("", wanted=True) == option
    assert Path(option.split('"')[1]).is_file()


def test_switched_off_an_inherited_preload_is_dropped_and_the_rest_kept():
    inherited = '--require "/old/venv/eks_lbc/_lazy_provider_exports.js" --trace-warnings'
    assert lazy.kernel_node_options(inherited, wanted=False) == "--trace-warnings"
    assert lazy.kernel_node_options(lazy.node_preload_option(), wanted=False) == ""
    # Switched on, an older copy's preload is replaced by this one's.
    assert lazy.kernel_node_options(inherited, wanted=True) == f"--trace-warnings {lazy.node_preload_option()}"


def test_install_puts_the_hook_first_once_and_not_when_switched_off(monkeypatch):
    monkeypatch.setattr(sys, "meta_path", [f for f in sys.meta_path if not isinstance(f, lazy.LazyProviderFinder)])
    assert lazy.install({lazy.ENV_SWITCH: "0"}) is False
    assert not lazy.installed()
    assert lazy.install({}) is True
    assert lazy.install({lazy.ENV_SWITCH: "bad"}) is True  # a bad value keeps the default; settings report it
    assert isinstance(sys.meta_path[0], lazy.LazyProviderFinder)
    assert sum(isinstance(f, lazy.LazyProviderFinder) for f in sys.meta_path) == 1


# --- recognising jsii-pacmak's eager block ---------------------------------------------------------

EAGER_TAIL = f"publication.publish()\n\n{lazy.EAGER_BLOCK_MARKER}\nfrom . import alpha\nfrom . import beta_gamma\n"


def test_split_eager_block():
    head, names = lazy.split_eager_block("x = 1\n" + EAGER_TAIL)
    assert names == ("alpha", "beta_gamma")
    assert head == "x = 1\npublication.publish()\n\n"


@pytest.mark.parametrize(
    "source",
    [
        "x = 1\n",  # no block: e.g. cdktn packages, generated lazily already
        EAGER_TAIL + "print('something else')\n",  # a layout we do not know: leave it alone
        EAGER_TAIL.replace("from . import alpha", "from .alpha import Alpha"),
        f"{lazy.EAGER_BLOCK_MARKER}\n",
    ],
)
def test_unknown_layouts_are_left_alone(source):
    assert lazy.split_eager_block(source) is None


# --- a fake provider package, to watch the mechanism in isolation -----------------------------------

FAKE = "cdktf_cdktf_provider_fakeprov"


@pytest.fixture
def fake_provider(tmp_path, monkeypatch):
    """A package shaped like jsii-pacmak's cdktf bindings, with submodules that record being imported."""
    from jsii import _reference_map

    root = tmp_path / FAKE
    (root / "_jsii").mkdir(parents=True)
    (root / "_jsii" / "__init__.py").write_text(
        "import types\n__jsii_assembly__ = types.SimpleNamespace(name='@cdktf/provider-fakeprov')\n"
    )
    for name in ("alpha", "beta_gamma"):
        (root / name).mkdir()
        (root / name / "__init__.py").write_text(
            "import builtins\nimport typing\n"
            f"builtins.fake_imported = [*getattr(builtins, 'fake_imported', []), {name!r}]\n"
            "def hints(stub):\n    return typing.get_type_hints(stub)\n"
        )
    (root / "__init__.py").write_text(f"from ._jsii import *\n__all__ = ['alpha', 'beta_gamma']\n{EAGER_TAIL}")
    (root / "__init__.py").write_text((root / "__init__.py").read_text().replace("publication.publish()", "pass"))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr("builtins.fake_imported", [], raising=False)
    yield root
    for name in [m for m in sys.modules if m.startswith(FAKE)]:
        del sys.modules[name]
    lazy.lazy_packages.pop(FAKE, None)
    for key in [k for k in _reference_map._submodule_fqn_map if k.startswith("@cdktf/provider-fakeprov.")]:
        del _reference_map._submodule_fqn_map[key]


def test_submodules_load_on_first_use(fake_provider):
    import builtins

    package = importlib.import_module(FAKE)
    assert builtins.fake_imported == []
    assert sorted(dir(package)) == sorted({*vars(package), "alpha", "beta_gamma"})
    assert package.alpha.__name__ == f"{FAKE}.alpha"
    assert builtins.fake_imported == ["alpha"]
    from cdktf_cdktf_provider_fakeprov import beta_gamma

    assert builtins.fake_imported == ["alpha", "beta_gamma"]
    assert package.beta_gamma is beta_gamma
    with pytest.raises(AttributeError, match="has no attribute 'delta'"):
        package.delta  # noqa: B018


def test_fake_package_loads_eagerly_when_switched_off(fake_provider, monkeypatch):
    import builtins

    monkeypatch.setattr(sys, "meta_path", [f for f in sys.meta_path if not isinstance(f, lazy.LazyProviderFinder)])
    importlib.import_module(FAKE)
    assert builtins.fake_imported == ["alpha", "beta_gamma"]


def test_jsii_learns_which_submodule_holds_which_fqn(fake_provider):
    from jsii import _reference_map

    importlib.import_module(FAKE)
    assert _reference_map._submodule_fqn_map["@cdktf/provider-fakeprov.betaGamma"] == f"{FAKE}.beta_gamma"
    assert _reference_map._submodule_fqn_map["@cdktf/provider-fakeprov.alpha"] == f"{FAKE}.alpha"


def test_submodules_get_cached_type_hints(fake_provider):
    from jsii._type_checking import cached_type_hints

    alpha = importlib.import_module(FAKE).alpha

    def stub(value: int) -> None: ...

    assert alpha.hints(stub) is alpha.hints(stub)  # resolved once
    private = sys.modules.get(f"{FAKE}.alpha._private", sys.modules[f"{FAKE}.alpha"])
    assert vars(private)["typing"].get_type_hints is cached_type_hints
    assert vars(private)["typing"].Optional is __import__("typing").Optional


# --- the real provider packages ----------------------------------------------------------------------


def test_real_provider_packages_are_lazy_in_this_process():
    import eks_lbc._cdk  # noqa: F401  (imports the bindings the app uses)

    aws = importlib.import_module(AWS)
    assert lazy.installed()
    if RUNTIME == "cdktf":  # made lazy by the hook; cdktn's are generated lazy
        assert len(lazy.lazy_packages[AWS]) > 2000
    loaded = [m for m in sys.modules if m.startswith(f"{AWS}.") and m.count(".") == 1]
    assert len(loaded) < 50, loaded
    assert aws.iam_role.IamRole.__jsii_type__ == f"{AWS_ASSEMBLY}.iamRole.IamRole"
    assert "s3_bucket" in dir(aws)


def test_type_checks_of_the_bindings_still_run():
    from eks_lbc._cdk import IamRole
    from tests.support import new_stack

    with pytest.raises(TypeError, match="assume_role_policy"):
        IamRole(new_stack(), "role", assume_role_policy=123)


@pytest.mark.parametrize("folder", installed_provider_packages(), ids=lambda p: p.name)
def test_fqn_of_every_submodule_is_the_reverse_of_jsii_pacmaks_snake_case(folder):
    """What jsii would be told for each submodule is what the submodule's own classes say."""
    submodules = sorted(p.parent.name for p in folder.glob("*/__init__.py") if not p.parent.name.startswith("_"))
    assert submodules
    wrong = {}
    for name in submodules:
        with (folder / name / "__init__.py").open("rb") as source:
            head = source.read(65536)
            found = JSII_TYPE.search(head) or JSII_TYPE.search(head + source.read())
        assert found, name
        fqn = found.group(1).decode()
        assembly = fqn.split(".", 1)[0]
        if not fqn.startswith(lazy.submodule_fqn(assembly, name) + "."):
            wrong[name] = fqn
    assert wrong == {}
    # Packages from a newer jsii-pacmak (cdktn's) carry the map themselves: ours must agree with it.
    generated = dict(PACMAK_MAP_ENTRY.findall((folder / "_jsii" / "__init__.py").read_text()))
    if generated:
        assert generated == {lazy.submodule_fqn(assembly, n): f"{folder.name}.{n}" for n in submodules}


def test_an_object_created_in_javascript_finds_its_never_imported_class():
    """The case the eager imports existed for: the kernel returns an object whose module Python never ran."""
    from jsii._kernel import _make_reference_for_native
    from jsii._kernel.types import CreateRequest
    from jsii._runtime import kernel

    from tests.support import new_stack

    module = f"{AWS}.sqs_queue_redrive_allow_policy"
    assert module not in sys.modules
    stack = new_stack()
    kernel.provider.create(  # created by the kernel itself, as JavaScript code would
        CreateRequest(
            fqn=f"{AWS_ASSEMBLY}.sqsQueueRedriveAllowPolicy.SqsQueueRedriveAllowPolicy",
            args=_make_reference_for_native(
                kernel, [stack, "made-in-js", {"queueUrl": "u", "redriveAllowPolicy": "p"}]
            ),
            overrides=[],
            interfaces=[],
        )
    )
    child = stack.node.find_child("made-in-js")
    assert module in sys.modules
    assert type(child).__name__ == "SqsQueueRedriveAllowPolicy"
    assert child.queue_url_input == "u"  # a working Python object for the JavaScript one


def test_without_the_fqn_map_such_an_object_is_an_unknown_type(monkeypatch):
    """Why the hook tells jsii where each FQN lives (control for the test above)."""
    from jsii import _reference_map
    from jsii._kernel import _make_reference_for_native
    from jsii._kernel.types import CreateRequest
    from jsii._runtime import kernel

    from tests.support import new_stack

    fqn = f"{AWS_ASSEMBLY}.sqsQueuePolicy"
    assert f"{AWS}.sqs_queue_policy" not in sys.modules
    monkeypatch.delitem(_reference_map._submodule_fqn_map, fqn)
    stack = new_stack()
    kernel.provider.create(
        CreateRequest(
            fqn=f"{fqn}.SqsQueuePolicy",
            args=_make_reference_for_native(kernel, [stack, "made-in-js", {"queueUrl": "u", "policy": "p"}]),
            overrides=[],
            interfaces=[],
        )
    )
    with pytest.raises(ValueError, match=f"Unknown type: {fqn}.SqsQueuePolicy"):
        stack.node.find_child("made-in-js")


# --- same JSON with and without ------------------------------------------------------------------------

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

REPORT_LOADED = textwrap.dedent(
    """
    import json, runpy, sys
    aws = sys.argv[1]
    sys.argv = ["main.py"]
    try:
        runpy.run_path("main.py", run_name="__main__")
    except SystemExit as exit_:
        assert exit_.code in (0, None), exit_.code
    loaded = [m for m in sys.modules if m.startswith(aws + ".") and m.count(".") == 1]
    print(json.dumps({"aws_submodules_loaded": len(loaded)}))
    """
)


def synth_in_subprocess(folder: Path, **env: str) -> tuple[dict[str, bytes], int]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("EKS_LBC_")}
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), environ.get("PYTHONPATH")]))
    environ.update(env)
    result = subprocess.run(
        [sys.executable, "-c", REPORT_LOADED, AWS], cwd=folder, env=environ, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])["aws_submodules_loaded"]
    stacks = folder / "cdktf.out" / "stacks"
    return {p.parent.name: p.read_bytes() for p in sorted(stacks.glob("*/cdk.tf.json"))}, loaded


def synth_eagerly(folder: Path) -> tuple[dict[str, bytes], int]:
    """The app with :data:`TWO_STACKS` synthesized eagerly (switched off) in a subprocess, in ``folder``.

    Started in the background when collection ends (the ``eager_synth`` fixture of
    tests/integration/fixtures.py): it is ~20 s of one process importing every submodule.
    """
    folder.mkdir(parents=True, exist_ok=True)
    document = json.loads((REPO / "cdktf.json").read_text())
    document["context"]["eks-lbc"] = TWO_STACKS
    (folder / "cdktf.json").write_text(json.dumps(document))
    shutil.copy(REPO / "main.py", folder / "main.py")
    return synth_in_subprocess(folder, **{lazy.ENV_SWITCH: "0", "EKS_LBC_RUNTIME": RUNTIME})


@pytest.mark.slow
def test_synthesized_json_is_byte_identical_with_and_without(tmp_path, eager_synth):
    """The default stack and a non-default one, lazily (this process) and eagerly (a subprocess, switched off)."""
    from eks_lbc.app import build_app
    from eks_lbc.settings import load_settings

    eager, eager_loaded = eager_synth
    # The usual way really was taken (cdktn's Python side is lazy by itself; its Node side is not).
    if RUNTIME == "cdktf":
        assert eager_loaded > 2000

    document = json.loads((REPO / "cdktf.json").read_text())
    document["context"]["eks-lbc"] = TWO_STACKS
    (tmp_path / "cdktf.json").write_text(json.dumps(document))
    lazy_out = tmp_path / "lazy"
    build_app(load_settings(tmp_path / "cdktf.json", environ={}), outdir=str(lazy_out)).synth()
    lazily = {p.parent.name: p.read_bytes() for p in sorted((lazy_out / "stacks").glob("*/cdk.tf.json"))}

    assert sorted(eager) == ["eks-lbc-demo-ap-northeast-1", "eks-lbc-prod_eu-eu-central-1"]
    assert lazily == eager
