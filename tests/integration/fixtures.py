"""Fixtures of the integration tiers, registered for every test module by ``tests/conftest.py``.

* ``synthesized_by_runtime`` — the app's stacks (:mod:`tests.integration.stacks`) synthesized under
  each runtime: ``{"cdktf": {key: SynthesizedStack}, "cdktn": {...}}``; ``synthesized_stacks`` — this
  session's runtime's.
* ``eager_synth`` — the eager side of the lazy-loading byte-identity test (``tests/test_lazy_providers.py``).
* ``moto_cycle`` — the Terraform tier's recorded run (:func:`tests.integration.tiers.terraform_on_moto`);
  ``checkov_scans`` — the checkov tier's reports (:func:`tests.integration.tiers.checkov_scans`).
* ``moto_server`` — one ``moto_server`` on 127.0.0.1 for the session; ``moto`` — the same server,
  reset to empty for the test using it; ``terraform_env`` — the offline environment terraform runs in
  (``env``, ``plugins``, ``workdir(name)``). With :mod:`tests.integration.terraform`::

      def test_something(moto, terraform_env, synthesized_stacks):
          cluster = create_eks_cluster(moto, "demo", "ap-northeast-1")
          env = {**terraform_env.env, "AWS_ENDPOINT_URL": moto.url}  # as offline_environment(..., endpoint=)
          runner = Terraform(terraform_env.workdir("demo"), env)
          runner.write(aws_part(synthesized_stacks["default"].document))
          runner.init(terraform_env.plugins)
          runner.apply()
          assert runner.plan_changes() is None
          ...
          runner.destroy()

Each skips (or, under ``EKS_LBC_REQUIRE_ALL_TIERS=1``, fails) naming the tool it lacks.

The first four are slow (subprocesses: synth, terraform, checkov, an eager synth). When collection ends and
a selected test needs one, it starts in a background thread (:class:`Prefetch`) and runs
while the unit tests do (tests marked ``integration`` are moved to the end of the run);
the fixture waits for its result.
"""

from __future__ import annotations

import importlib.util
import itertools
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from eks_lbc.runtime import selected
from tests.integration import terraform as tf
from tests.integration import tiers
from tests.integration.moto import MotoServer, moto_server_command
from tests.integration.stacks import SynthesizedStack
from tests.support import require
from tests.test_lazy_providers import synth_eagerly


class Prefetch:
    """The slow tier work of one session, each piece started once, in a thread, by name."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="eks-lbc-tiers-"))
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="eks-lbc-tier")
        self.futures: dict[str, Future] = {}
        self.jobs: dict[str, Callable[[], Any]] = {
            "synthesized_by_runtime": lambda: tiers.synthesize_both(self.root / "synth"),
            "moto_cycle": lambda: self._after_synth(tiers.terraform_on_moto, "moto"),
            "checkov_scans": lambda: self._after_synth(tiers.checkov_scans, "checkov"),
            # The eager side of tests/test_lazy_providers.py's byte-identity test: ~20 s of one subprocess.
            "eager_synth": lambda: synth_eagerly(self.root / "eager"),
        }
        self.after_synth = {"moto_cycle", "checkov_scans"}

    def start(self, name: str) -> Future:
        if name not in self.futures:  # only the main thread starts jobs
            self.futures[name] = self.pool.submit(self.jobs[name])
        return self.futures[name]

    def _after_synth(self, job: Callable[..., Any], folder: str) -> Any:
        stacks = self.futures["synthesized_by_runtime"].result()
        missing = [m for m in stacks.values() if isinstance(m, tiers.Missing)]
        return missing[0] if missing else job(stacks, self.root / folder)

    def close(self) -> None:
        self.pool.shutdown(wait=True)  # a running terraform cycle ends with its destroy
        shutil.rmtree(self.root, ignore_errors=True)


PREFETCH = pytest.StashKey[Prefetch]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[PREFETCH] = Prefetch()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Integration tests last: their work runs in the background meanwhile, so they seldom wait for it."""
    items.sort(key=lambda item: item.get_closest_marker("integration") is not None)  # stable: order kept otherwise


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the slow work the selected tests will need (synth first: the others wait for it)."""
    needed = {name for item in session.items for name in getattr(item, "fixturenames", ())}
    prefetch = session.config.stash[PREFETCH]
    for name in prefetch.jobs:  # synthesized_by_runtime first
        if name in needed or (name == "synthesized_by_runtime" and needed & prefetch.after_synth):
            prefetch.start(name)


def pytest_unconfigure(config: pytest.Config) -> None:
    config.stash[PREFETCH].close()


def _prefetched(request: pytest.FixtureRequest, name: str) -> Any:
    prefetch = request.config.stash[PREFETCH]
    if name in prefetch.after_synth:
        prefetch.start("synthesized_by_runtime")
    result = prefetch.start(name).result()
    if isinstance(result, tiers.Missing):
        require(False, result.tool)
    return result


@pytest.fixture(scope="session")
def synthesized_by_runtime(request) -> dict[str, dict[str, SynthesizedStack]]:
    stacks = _prefetched(request, "synthesized_by_runtime")
    for result in stacks.values():
        if isinstance(result, tiers.Missing):
            require(False, result.tool)
    return stacks


@pytest.fixture(scope="session")
def synthesized_stacks(synthesized_by_runtime) -> dict[str, SynthesizedStack]:
    """The stacks of the runtime this session runs on."""
    return synthesized_by_runtime[selected()]


@pytest.fixture(scope="session")
def moto_cycle(request) -> tiers.MotoCycle:
    return _prefetched(request, "moto_cycle")


@pytest.fixture(scope="session")
def checkov_scans(request) -> tiers.CheckovScans:
    return _prefetched(request, "checkov_scans")


@pytest.fixture(scope="session")
def eager_synth(request) -> tuple[dict[str, bytes], int]:
    """The two-stack app synthesized with lazy loading off, in a subprocess: (stack -> JSON bytes, aws submodules)."""
    return _prefetched(request, "eager_synth")


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory) -> Iterator[MotoServer]:
    command = moto_server_command()
    require(command, "moto_server (pip install 'moto[server]'; `make test` installs it)")
    require(importlib.util.find_spec("boto3"), "boto3 (pip install boto3; `make test` installs it)")
    server = MotoServer.start(command, tmp_path_factory.mktemp("moto") / "moto_server.log")
    yield server
    server.stop()


@pytest.fixture
def moto(moto_server: MotoServer) -> MotoServer:
    """The session's moto server, emptied for this test."""
    moto_server.reset()
    return moto_server


@dataclass(frozen=True)
class TerraformSetup:
    env: Mapping[str, str]
    plugins: Path
    workdirs: Path

    _counter = itertools.count()

    def workdir(self, name: str) -> Path:
        return self.workdirs / f"{next(self._counter):02d}-{name}"


@pytest.fixture(scope="session")
def terraform_env(tmp_path_factory) -> TerraformSetup:
    require(tf.TERRAFORM, "terraform (>= 1.5 on PATH)")
    plugins = tf.plugin_dir()
    require(
        "aws" in tf.mirrored_providers(plugins),
        f"the hashicorp/aws provider in a Terraform provider mirror at {plugins} (set {tf.PLUGIN_DIR_ENV})",
    )
    home = tmp_path_factory.mktemp("terraform")
    return TerraformSetup(env=tf.offline_environment(home, plugins), plugins=plugins, workdirs=home)
