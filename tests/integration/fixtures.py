"""Fixtures of the integration tiers, registered for every test module by ``tests/conftest.py``.

* ``synthesized_stacks`` — the app's stacks (see :mod:`tests.integration.stacks`), synthesized once.
* ``moto_server`` — one ``moto_server`` on 127.0.0.1 for the session; ``moto`` — the same server,
  reset to empty for the test using it.
* ``terraform_env`` — the offline environment terraform runs in, with the provider mirror.
* ``terraform_on_moto`` — apply any synthesized stack dict on moto::

      def test_something(moto, terraform_on_moto, synthesized_stacks):
          cluster = create_eks_cluster(moto, "demo", "ap-northeast-1")
          with terraform_on_moto(synthesized_stacks["default"].document) as applied:
              role = moto.client("iam").get_role(RoleName=applied.outputs["role_arn"].split("/")[-1])

Each skips (or, under ``EKS_LBC_REQUIRE_ALL_TIERS=1``, fails) naming the tool it lacks.
"""

from __future__ import annotations

import importlib.util
import itertools
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.integration import terraform as tf
from tests.integration.moto import MotoServer, moto_server_command
from tests.integration.stacks import SynthesizedStack, synthesize
from tests.support import require


@pytest.fixture(scope="session")
def synthesized_stacks(tmp_path_factory) -> dict[str, SynthesizedStack]:
    return synthesize(tmp_path_factory.mktemp("cdktf.out"))


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


@pytest.fixture
def terraform_on_moto(
    moto: MotoServer, terraform_env: TerraformSetup
) -> Callable[..., AbstractContextManager[tf.Applied]]:
    """``terraform_on_moto(stack_dict, name="x")``: a context manager applying the stack's AWS part on ``moto``."""

    def apply(stack: Mapping[str, Any], name: str = "stack") -> AbstractContextManager[tf.Applied]:
        return tf.applied_on_moto(
            stack,
            endpoint=moto.url,
            workdir=terraform_env.workdir(name),
            env=terraform_env.env,
            plugins=terraform_env.plugins,
        )

    return apply
