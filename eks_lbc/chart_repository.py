"""Where the controller's Helm chart comes from: eks-charts, or a mirror (an HTTPS Helm repository or an OCI registry).

Checks of the ``chartRepository`` setting and the ``chart_repository*`` construct options, and what each form
means for authentication:

- the default, ``https://aws.github.io/eks-charts``, and public ECR (``oci://public.ecr.aws/...``) are public:
  credentials for them are refused;
- a private ECR registry (``oci://<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<path>``) is authenticated with
  the aws provider's ``data.aws_ecr_authorization_token`` (a 12-hour token read at plan time), never with a
  user's secret: credentials for it are refused too;
- any other HTTPS repository or OCI registry may need a username and a password; the password is never a
  literal (it would be written into ``cdk.tf.json``): the app reads it from a sensitive Terraform variable.

Plain ``http://`` is refused: Helm would fetch the chart, and send any credentials, without TLS.

This module does not import cdktf.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eks_lbc import validation
from eks_lbc.errors import InvalidSetting
from eks_lbc.versions import CHART_REPOSITORY

PUBLIC_ECR_HOST = "public.ecr.aws"
# Terraform variable (and so TF_VAR_chart_repository_password) the app reads a repository password from.
PASSWORD_VARIABLE = "chart_repository_password"

_DNS_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = rf"{_DNS_LABEL}(?:\.{_DNS_LABEL})*(?::[0-9]{{1,5}})?"
# HTTPS repository paths: segments of unreserved URL characters (no ${ or %{, which Terraform would evaluate).
_HTTPS = re.compile(rf"https://(?P<host>{_HOST})(?P<path>(?:/[A-Za-z0-9._~-]+)*)/?")
# OCI repository names (distribution spec): lowercase components separated by '/'.
_OCI_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_OCI = re.compile(rf"oci://(?P<host>{_HOST})(?P<path>(?:/{_OCI_COMPONENT})*)")
_PRIVATE_ECR = re.compile(
    r"(?P<account>[0-9]{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?"
)
# Registry usernames: printable ASCII without spaces (Harbor robot accounts look like robot$project+name),
# but no ${ or %{ (Terraform would evaluate them).
_USERNAME = re.compile(r"[!-~]{1,255}")

FORMS = (
    "an https:// Helm repository URL (e.g. 'https://charts.example.com/eks') or an OCI registry "
    "'oci://<host>/<path>' (e.g. 'oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/mirror'), "
    "without credentials, query or fragment"
)


@dataclass(frozen=True)
class ChartRepository:
    """A parsed chart repository.

    ``url`` is what ``helm_release.repository`` gets (OCI: ``oci://host/path``, and the chart name
    stays ``aws-load-balancer-controller``); ``registry`` is the OCI registry to log in to
    (``oci://host``); ``ecr_account``/``ecr_region`` are set for a private ECR registry.
    """

    url: str
    oci: bool
    host: str
    ecr_account: str | None = None
    ecr_region: str | None = None

    @property
    def registry(self) -> str:
        return f"oci://{self.host}" if self.oci else self.url

    @property
    def private_ecr(self) -> bool:
        return self.ecr_account is not None

    @property
    def public(self) -> bool:
        """Known to need no credentials: eks-charts itself, or public ECR."""
        return self.url.rstrip("/") == CHART_REPOSITORY or self.host == PUBLIC_ECR_HOST


def parse(field: str, url: str) -> ChartRepository:
    """The repository ``url`` means, or :class:`InvalidSetting` naming ``field`` and the expected form."""
    if not isinstance(url, str):
        raise InvalidSetting(field, url, FORMS)
    if url.startswith("http://"):
        raise InvalidSetting(
            field, url, "an https:// URL: over plain http:// the chart (and any credentials) would travel without TLS"
        )
    scheme, _, rest = url.partition("://")
    if scheme in ("https", "oci") and "@" in rest.split("/", 1)[0]:
        raise InvalidSetting(
            field,
            _redacted(url),
            "a URL without credentials: give the username as chartRepositoryUsername (chart_repository_username) "
            f"and the password in TF_VAR_{PASSWORD_VARIABLE}",
        )
    match = _OCI.fullmatch(url) or _HTTPS.fullmatch(url)
    if match is None:
        raise InvalidSetting(field, url, FORMS)
    host = match["host"]
    ecr = _PRIVATE_ECR.fullmatch(host)
    if ecr is None:
        return ChartRepository(url=url, oci=scheme == "oci", host=host)
    if scheme != "oci":
        raise InvalidSetting(
            field,
            url,
            f"oci://{host}/<path>: ECR stores charts as OCI artifacts and serves no https:// Helm repository",
        )
    validation.region(field, ecr["region"])
    return ChartRepository(url=url, oci=True, host=host, ecr_account=ecr["account"], ecr_region=ecr["region"])


def check_username(field: str, username: str) -> str:
    if not _USERNAME.fullmatch(username) or "${" in username or "%{" in username:
        raise InvalidSetting(
            field, username, "a registry username: 1-255 printable ASCII characters without spaces, '${' or '%{'"
        )
    return username


def check_credentials(field: str, repository: ChartRepository, username: str | None) -> None:
    """Refuse a username for a repository that takes none (``field`` names the username setting)."""
    if username is None:
        return
    if repository.private_ecr:
        raise InvalidSetting(
            field,
            username,
            f"no credentials for the private ECR registry {repository.host}: eks-lbc logs in with the aws "
            "provider's ECR token (data aws_ecr_authorization_token), so no password is needed anywhere",
        )
    if repository.public:
        raise InvalidSetting(field, username, f"no credentials: {repository.url} is a public repository")


def check_ecr_region(field: str, repository: ChartRepository, region: str) -> None:
    """A private ECR registry must be in the cluster's region: the aws provider's ECR token is regional."""
    if repository.private_ecr and repository.ecr_region != region:
        raise InvalidSetting(
            field,
            repository.url,
            f"a private ECR registry in the cluster's region {region} (the aws provider's ECR token is for its own "
            f"region; replicate the repository to {region} with ECR replication)",
        )


def _redacted(url: str) -> str:
    """``url`` without whatever stands between ``://`` and ``@`` (a password must not reach an error message)."""
    scheme, _, rest = url.partition("://")
    authority, slash, path = rest.partition("/")
    return f"{scheme}://***@{authority.rsplit('@', 1)[1]}{slash}{path}"
