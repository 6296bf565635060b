"""IAM OIDC identity provider for an EKS cluster's service-account token issuer: created, or an existing one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from eks_lbc import validation
from eks_lbc._cdk import (
    Construct,
    DataAwsIamOpenidConnectProvider,
    DataTlsCertificate,
    IamOpenidConnectProvider,
)
from eks_lbc.constructs._inputs import checked, checked_tags, is_token, issuer_host
from eks_lbc.defaults import STS_AUDIENCE
from eks_lbc.errors import InvalidSetting

_PROVIDER_ARN = re.compile(r"arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/(?P<host>.+)")


class OidcProviderRef(Protocol):
    """What an IAM role for service accounts needs of an OIDC provider.

    :class:`OidcProvider`, :class:`ExistingOidcProvider` and :class:`ImportedOidcProvider`
    all provide it; so does any object of your own with these two attributes.
    """

    @property
    def arn(self) -> str:
        """ARN of the IAM OIDC provider: the ``Federated`` principal of the trust policy."""
        ...

    @property
    def issuer_host(self) -> str:
        """The issuer URL without ``https://``: the prefix of the ``:aud`` and ``:sub`` condition keys."""
        ...


class OidcProvider(Construct):
    """Registers a cluster's OIDC issuer with IAM so pods can assume roles with their tokens.

    Creates ``data.tls_certificate`` (id ``certificate``) of the issuer and an
    ``aws_iam_openid_connect_provider`` (id ``provider``) for the audience (client id)
    whose thumbprints are the SHA-1 fingerprints of the issuer's certificate chain.

    An account holds one IAM OIDC provider per issuer: when the cluster already has
    one (created by eksctl, the console or another stack), creating a second fails with
    ``EntityAlreadyExists``. Use :meth:`from_issuer` (looks it up) or :meth:`from_arn` then.

    :param issuer_url: the cluster's OIDC issuer, ``https://oidc.eks.<region>.amazonaws.com/id/<id>``;
        a token when the cluster is created or looked up in the same stack.
    :param audience: the client id the provider accepts; default ``sts.amazonaws.com``, the
        audience EKS projects into service-account tokens in every partition.
    :param tags: tags of the IAM OIDC provider; default none (a stack's provider ``default_tags`` still apply).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        issuer_url: str,
        audience: str = STS_AUDIENCE,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(scope, id)
        checked(validation.audience, "audience", audience)
        self.issuer_url = issuer_url
        self.issuer_host = issuer_host(issuer_url)
        self.certificate = DataTlsCertificate(self, "certificate", url=issuer_url)
        self.provider = IamOpenidConnectProvider(
            self,
            "provider",
            url=issuer_url,
            client_id_list=[audience],
            # Every certificate of the chain, as a splat expression (one jsii round trip).
            thumbprint_list=self.certificate.get_list_attribute("certificates[*].sha1_fingerprint"),
            tags=checked_tags("tags", tags),
        )

    @cached_property
    def arn(self) -> str:
        """ARN of the IAM OIDC provider."""
        return self.provider.arn

    @staticmethod
    def from_issuer(scope: Construct, id: str, *, issuer_url: str) -> ExistingOidcProvider:
        """The IAM OIDC provider that already exists for ``issuer_url``, looked up at plan time."""
        return ExistingOidcProvider(scope, id, issuer_url=issuer_url)

    @staticmethod
    def from_arn(arn: str, *, issuer_url: str) -> ImportedOidcProvider:
        """An IAM OIDC provider known by its ARN (e.g. another module's output); nothing is looked up."""
        return ImportedOidcProvider.of(arn, issuer_url)


class ExistingOidcProvider(Construct):
    """The IAM OIDC provider that already exists for a cluster's issuer: ``data.aws_iam_openid_connect_provider``
    (id ``provider``) looked up by URL. Plan fails if the account has none for that issuer.

    :param issuer_url: the cluster's OIDC issuer URL (``https://...``); may be a token.
    """

    def __init__(self, scope: Construct, id: str, *, issuer_url: str) -> None:
        super().__init__(scope, id)
        self.issuer_url = issuer_url
        self.issuer_host = issuer_host(issuer_url)
        self.provider = DataAwsIamOpenidConnectProvider(self, "provider", url=issuer_url)

    @cached_property
    def arn(self) -> str:
        """ARN of the existing IAM OIDC provider."""
        return self.provider.arn


@dataclass(frozen=True)
class ImportedOidcProvider:
    """An IAM OIDC provider given by ARN and issuer (see :meth:`OidcProvider.from_arn`)."""

    arn: str
    issuer_host: str

    @classmethod
    def of(cls, arn: str, issuer_url: str) -> ImportedOidcProvider:
        host = issuer_host(issuer_url)
        if not is_token(arn):
            match = _PROVIDER_ARN.fullmatch(arn)
            if not match:
                raise InvalidSetting(
                    "oidc_provider_arn",
                    arn,
                    "an IAM OIDC provider ARN: arn:<partition>:iam::<account>:oidc-provider/<host>",
                )
            if not is_token(host) and match["host"] != host:
                raise InvalidSetting("oidc_provider_arn", arn, f"the provider of the issuer {issuer_url}")
        return cls(arn=arn, issuer_host=host)
