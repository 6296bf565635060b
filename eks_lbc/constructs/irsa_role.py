"""IAM role for one Kubernetes service account (IRSA)."""

from __future__ import annotations

from collections.abc import Mapping

from eks_lbc import validation
from eks_lbc._cdk import (
    Construct,
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
)
from eks_lbc.constructs._inputs import checked
from eks_lbc.constructs._role import ServiceAccountRole
from eks_lbc.constructs.oidc_provider import OidcProvider, OidcProviderRef
from eks_lbc.defaults import STS_AUDIENCE
from eks_lbc.errors import InvalidSetting


class IrsaRole(ServiceAccountRole):
    """An IAM role that only one service account of one cluster can assume.

    The trust policy (``data.aws_iam_policy_document``, id ``trust-policy``) allows
    ``sts:AssumeRoleWithWebIdentity`` from the cluster's OIDC provider when the token's
    ``<issuer-host>:aud`` is the audience (``sts.amazonaws.com``) and ``<issuer-host>:sub`` is
    ``system:serviceaccount:<namespace>:<service_account_name>``. The role's id is ``role``;
    attach policies with :meth:`attach_policy`.

    The OIDC provider is given either as ``oidc_provider`` (an :class:`OidcProvider`, one from
    :meth:`OidcProvider.from_issuer` / :meth:`OidcProvider.from_arn`, or anything with ``arn``
    and ``issuer_host``) or as ``oidc_provider_arn`` plus ``issuer_url``.

    :param namespace: namespace of the service account.
    :param service_account_name: name of the service account.
    :param name: IAM role name (at most 64 characters).
    :param oidc_provider: the cluster's IAM OIDC provider.
    :param oidc_provider_arn: ARN of the cluster's IAM OIDC provider (instead of ``oidc_provider``).
    :param issuer_url: the cluster's OIDC issuer URL, with ``oidc_provider_arn``; its host keys the conditions.
    :param audience: the token audience the role accepts; default ``sts.amazonaws.com``.
    :param path: IAM path of the role; default ``/``.
    :param permissions_boundary: ARN of a managed policy that bounds the role; default none.
    :param tags: tags of the role; default none.
    :param partition: the partition, when known, to check ``permissions_boundary`` against.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        namespace: str,
        service_account_name: str,
        name: str,
        oidc_provider: OidcProviderRef | None = None,
        oidc_provider_arn: str | None = None,
        issuer_url: str | None = None,
        audience: str = STS_AUDIENCE,
        path: str | None = None,
        permissions_boundary: str | None = None,
        tags: Mapping[str, str] | None = None,
        partition: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        if oidc_provider is None:
            if oidc_provider_arn is None or issuer_url is None:
                raise InvalidSetting(
                    "oidc_provider", None, "an OIDC provider, or both oidc_provider_arn and issuer_url"
                )
            oidc_provider = OidcProvider.from_arn(oidc_provider_arn, issuer_url=issuer_url)
        elif oidc_provider_arn is not None or issuer_url is not None:
            raise InvalidSetting("oidc_provider_arn", oidc_provider_arn, "unset when oidc_provider is given")
        self._check_subject(namespace, service_account_name)
        checked(validation.audience, "audience", audience)
        host = oidc_provider.issuer_host
        self.oidc_provider = oidc_provider
        self.subject = f"system:serviceaccount:{namespace}:{service_account_name}"
        trust_policy = DataAwsIamPolicyDocument(
            self,
            "trust-policy",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    effect="Allow",
                    actions=["sts:AssumeRoleWithWebIdentity"],
                    principals=[
                        DataAwsIamPolicyDocumentStatementPrincipals(type="Federated", identifiers=[oidc_provider.arn])
                    ],
                    condition=[
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="StringEquals", variable=f"{host}:aud", values=[audience]
                        ),
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="StringEquals", variable=f"{host}:sub", values=[self.subject]
                        ),
                    ],
                )
            ],
        )
        self._create_role(
            trust_policy,
            name=name,
            path=path,
            permissions_boundary=permissions_boundary,
            tags=tags,
            partition=partition,
        )
