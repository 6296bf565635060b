"""Fixtures of the preflight tests: an empty moto account per test (in-process, no network)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from moto import mock_aws

from tests.preflight.account import Account


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Dummy credentials, and none of the developer's AWS settings (profiles, regions, endpoints)."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name.startswith("EKS_LBC_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    # moto otherwise builds thousands of public AMIs per region and test; the tests launch from a made-up one.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


@pytest.fixture
def account(aws_env, tmp_path) -> Iterator[Account]:
    """An empty AWS account in moto, and a project folder for cdktf.json and local state."""
    project = tmp_path / "project"
    project.mkdir()
    with mock_aws():
        yield Account(project)
