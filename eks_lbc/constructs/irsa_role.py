"""IAM role for one Kubernetes service account (IRSA)."""

from __future__ import annotations

from functools import cached_property

from eks_lbc import validation
from eks_lbc._cdk import (
    Construct,
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
    IamRole,
    IamRolePolicyAttachment,
)
from eks_lbc.constructs._inputs import checked, issuer_host
from eks_lbc.constructs.oidc_provider import STS_AUDIENCE


class IrsaRole(Construct):
    """An IAM role that only one service account of one cluster can assume.

    The trust policy (``data.aws_iam_policy_document``, id ``trust-policy``) allows
    ``sts:AssumeRoleWithWebIdentity`` from the cluster's OIDC provider when the token's
    ``<issuer-host>:aud`` is ``sts.amazonaws.com`` and ``<issuer-host>:sub`` is
    ``system:serviceaccount:<namespace>:<service_account_name>``. The role's id is ``role``;
    attach policies with :meth:`attach_policy`.

    :param oidc_provider_arn: ARN of the cluster's IAM OIDC provider.
    :param issuer_url: the cluster's OIDC issuer URL (``https://...``); its host keys the conditions.
    :param namespace: namespace of the service account.
    :param service_account_name: name of the service account.
    :param name: IAM role name (at most 64 characters).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        oidc_provider_arn: str,
        issuer_url: str,
        namespace: str,
        service_account_name: str,
        name: str,
    ) -> None:
        super().__init__(scope, id)
        checked(validation.namespace, "namespace", namespace)
        checked(validation.service_account_name, "service_account_name", service_account_name)
        checked(lambda f, v: validation.iam_name(f, v, 64), "role name", name)
        host = issuer_host(issuer_url)
        self.subject = f"system:serviceaccount:{namespace}:{service_account_name}"
        self.trust_policy = DataAwsIamPolicyDocument(
            self,
            "trust-policy",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    effect="Allow",
                    actions=["sts:AssumeRoleWithWebIdentity"],
                    principals=[
                        DataAwsIamPolicyDocumentStatementPrincipals(type="Federated", identifiers=[oidc_provider_arn])
                    ],
                    condition=[
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="StringEquals", variable=f"{host}:aud", values=[STS_AUDIENCE]
                        ),
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="StringEquals", variable=f"{host}:sub", values=[self.subject]
                        ),
                    ],
                )
            ],
        )
        self.role = IamRole(self, "role", name=name, assume_role_policy=self.trust_policy.json)

    def attach_policy(self, id: str, policy_arn: str) -> IamRolePolicyAttachment:
        """Attach a managed policy; ``id`` names the attachment and must stay stable."""
        return IamRolePolicyAttachment(self, id, role=self.role.name, policy_arn=policy_arn)

    @cached_property
    def arn(self) -> str:
        """ARN of the role."""
        return self.role.arn

    @cached_property
    def name(self) -> str:
        """Name of the role."""
        return self.role.name
