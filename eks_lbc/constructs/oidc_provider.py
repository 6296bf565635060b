"""IAM OIDC identity provider for an EKS cluster's service-account token issuer."""

from __future__ import annotations

from functools import cached_property

from eks_lbc._cdk import Construct, DataTlsCertificate, IamOpenidConnectProvider
from eks_lbc.constructs._inputs import issuer_host

STS_AUDIENCE = "sts.amazonaws.com"


class OidcProvider(Construct):
    """Registers a cluster's OIDC issuer with IAM so pods can assume roles with their tokens.

    Creates ``data.tls_certificate`` (id ``certificate``) of the issuer and an
    ``aws_iam_openid_connect_provider`` (id ``provider``) for client ``sts.amazonaws.com``
    whose thumbprints are the SHA-1 fingerprints of the issuer's certificate chain.

    :param issuer_url: the cluster's OIDC issuer, ``https://oidc.eks.<region>.amazonaws.com/id/<id>``;
        a token when the cluster is created or looked up in the same stack.
    """

    def __init__(self, scope: Construct, id: str, *, issuer_url: str) -> None:
        super().__init__(scope, id)
        self.issuer_url = issuer_url
        self.issuer_host = issuer_host(issuer_url)
        self.certificate = DataTlsCertificate(self, "certificate", url=issuer_url)
        self.provider = IamOpenidConnectProvider(
            self,
            "provider",
            url=issuer_url,
            client_id_list=[STS_AUDIENCE],
            # Every certificate of the chain, as a splat expression (one jsii round trip).
            thumbprint_list=self.certificate.get_list_attribute("certificates[*].sha1_fingerprint"),
        )

    @cached_property
    def arn(self) -> str:
        """ARN of the IAM OIDC provider."""
        return self.provider.arn
