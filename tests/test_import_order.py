"""eks_lbc._cdk imported after cdktf or a provider package is said on stderr; a zipped eks_lbc keeps Node working."""

from __future__ import annotations

import os
import subprocess
import sys
import typing
import zipfile

import pytest

from eks_lbc import _lazy_providers as lazy
from tests.conftest import RUNTIME
from tests.support import REPO

NOTE = "eks-lbc: note:"


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(lazy, "_noticed", False)


def test_late_import_is_noticed_once_with_the_fix(fresh, capsys):
    modules = {"os": os, "cdktf": object(), "cdktf_cdktf_provider_aws": object(), "cdktf_cdktf_provider_aws.x": 1}
    assert lazy.imported_too_late(modules) == ["cdktf", "cdktf_cdktf_provider_aws"]
    assert lazy.notice_late_import({}, modules) is True
    assert lazy.notice_late_import({}, modules) is False  # once per process
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(NOTE) and "cdktf and cdktf_cdktf_provider_aws imported before eks_lbc.constructs" in line
    assert "import eks_lbc.constructs  # isort: skip" in line and "EKS_LBC_LAZY_PROVIDERS=0" in line


class StartedKernel:
    """jsii._reference_map after ``import constructs``: its assembly loaded, so the kernel runs."""

    _assembly_to_module: typing.ClassVar[dict[str, str]] = {"constructs": "constructs"}


class NoKernel:
    _assembly_to_module: typing.ClassVar[dict[str, str]] = {}


def test_a_jsii_library_that_started_the_kernel_is_late_too():
    modules = {"jsii": object(), "jsii._reference_map": StartedKernel, "constructs": object()}
    assert lazy.imported_too_late(modules) == ["constructs"]


@pytest.mark.parametrize(
    ("environ", "modules"),
    [
        ({}, {"os": os, "jsii": object(), "jsii._reference_map": NoKernel}),  # jsii imported, its kernel not started
        ({lazy.ENV_SWITCH: "0"}, {"cdktn": object()}),
    ],
)
def test_nothing_is_said_in_time_or_when_switched_off(fresh, capsys, environ, modules):
    assert lazy.notice_late_import(environ, modules) is False
    assert capsys.readouterr().err == ""


def run(code: str, cwd, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("NODE_OPTIONS", lazy.ENV_SWITCH)}
    environ.update(EKS_LBC_RUNTIME=RUNTIME, **env)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=300, cwd=cwd
    )


@pytest.mark.runtime("cdktf")  # imports only; the same on both runtimes
def test_import_order_in_a_real_process(tmp_path):
    # The set-up (eks_lbc._runtime_setup) runs when eks_lbc._cdk is imported, as eks_lbc.constructs does; calling it
    # directly keeps this test off the provider bindings, which would load eagerly in the late case (~20 s).
    setup = "from eks_lbc import _runtime_setup\n_runtime_setup.prepare()"
    late = run(f"import cdktf\n{setup}", tmp_path, PYTHONPATH=str(REPO))
    assert late.returncode == 0, late.stderr
    assert [line for line in late.stderr.splitlines() if line.startswith(NOTE)] == [
        lazy.LATE_IMPORT_NOTICE.format(late="cdktf and constructs")
    ]
    in_time = run(f"{setup}\nimport cdktf", tmp_path, PYTHONPATH=str(REPO))
    assert in_time.returncode == 0, in_time.stderr
    assert NOTE not in in_time.stderr
    # Importing eks_lbc (or any module but the CDK ones) sets nothing up, so it cannot come too late either.
    pure = run("import cdktf\nimport eks_lbc, eks_lbc.settings, eks_lbc.validation", tmp_path, PYTHONPATH=str(REPO))
    assert pure.returncode == 0 and NOTE not in pure.stderr, pure.stderr


@pytest.mark.runtime("cdktf")
def test_package_imported_from_a_zip_adds_no_node_preload_and_jsii_still_starts(tmp_path):
    # Node refuses to start on a --require of a file that does not exist, and jsii's kernel with it.
    archive = tmp_path / "eks_lbc.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted((REPO / "eks_lbc").rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zipped.write(path, path.relative_to(REPO).as_posix())
    code = (
        "import eks_lbc\n"
        "assert '.zip' in eks_lbc.__file__, eks_lbc.__file__\n"
        "from eks_lbc import _lazy_providers, _runtime_setup\n"
        "print('NODE_OPTIONS=' + _runtime_setup.kernel_environment({}, lazy=True).get('NODE_OPTIONS', ''))\n"
        "_runtime_setup.prepare()\n"
        "import cdktf\n"
        "print(cdktf.Token.is_unresolved('x'))\n"
    )
    result = run(code, tmp_path, PYTHONPATH=str(archive))  # not the checkout's folder: the zip's copy
    assert result.returncode == 0, result.stderr[-2000:]
    assert "NODE_OPTIONS=\n" in result.stdout and lazy.NODE_PRELOAD not in result.stdout
    assert result.stdout.endswith("False\n")
