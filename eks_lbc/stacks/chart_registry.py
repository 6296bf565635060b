"""Logins the helm provider makes to a private OCI chart registry (a mirror of the controller's chart).

A private ECR registry is logged in to with ``data.aws_ecr_authorization_token`` through the helm provider's
``registries`` (provider configuration), not through ``helm_release.repository_password``: ECR hands out a new
12-hour token on every read, so a token in the release would change on every plan (a perpetual in-place update,
and one more Helm revision per apply), and the release's update logs in with the *previous* state's token, which
has expired after 12 hours. Provider configuration is neither diffed nor stored in the release's state.
"""

from __future__ import annotations

from dataclasses import dataclass

from eks_lbc import _cdk
from eks_lbc.chart_repository import parse
from eks_lbc.errors import InvalidSetting


@dataclass(frozen=True)
class RegistryLogin:
    """One entry of the helm provider's ``registries``: ``url`` is ``oci://<host>``; the password a token."""

    url: str
    username: str
    password: str


def ecr_registry_login(scope: _cdk.Construct, id: str, chart_repository: str) -> RegistryLogin:
    """A login to the private ECR registry of ``chart_repository`` (``oci://<account>.dkr.ecr.<region>...``).

    Reads ``data.aws_ecr_authorization_token`` (id ``id``) for that registry with the scope's aws provider,
    which must be in the registry's region. Its token (valid 12 hours) is in the state of the data source,
    marked sensitive; nothing secret is in the synthesized JSON.
    """
    repository = parse("chart_repository", chart_repository)
    if not repository.private_ecr:
        raise InvalidSetting("chart_repository", chart_repository, "an oci:// URL of a private ECR registry")
    token = _cdk.DataAwsEcrAuthorizationToken(scope, id, registry_id=repository.ecr_account)
    return RegistryLogin(url=repository.registry, username=token.user_name, password=token.password)
