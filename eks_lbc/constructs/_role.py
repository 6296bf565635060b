"""What the IRSA role and the Pod Identity role share: an IAM role for one service account."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from eks_lbc import validation
from eks_lbc._cdk import Construct, DataAwsIamPolicyDocument, IamRole, IamRolePolicyAttachment
from eks_lbc.constructs._inputs import checked, checked_tags, is_token
from eks_lbc.options import check_boundary

IAM_ROLE_NAME_MAX = 64


class ServiceAccountRole(Construct):
    """Base of :class:`IrsaRole` and :class:`PodIdentityRole`: the role (id ``role``) and its policy attachments.

    Subclasses build the trust policy (id ``trust-policy``) and call :meth:`_create_role`.
    """

    role: IamRole

    @staticmethod
    def _check_subject(namespace: str, service_account_name: str) -> None:
        checked(validation.namespace, "namespace", namespace)
        checked(validation.service_account_name, "service_account_name", service_account_name)

    def _create_role(
        self,
        trust_policy: DataAwsIamPolicyDocument,
        *,
        name: str,
        path: str | None,
        permissions_boundary: str | None,
        tags: Mapping[str, str] | None,
        partition: str | None,
    ) -> IamRole:
        checked(lambda f, v: validation.iam_name(f, v, IAM_ROLE_NAME_MAX), "role name", name)
        if path is not None:
            checked(validation.iam_path, "path", path)
        check_boundary("permissions_boundary", permissions_boundary, partition, is_token)
        self.trust_policy = trust_policy
        self.role = IamRole(
            self,
            "role",
            name=name,
            assume_role_policy=trust_policy.json,
            path=path,
            permissions_boundary=permissions_boundary,
            tags=checked_tags("tags", tags),
        )
        return self.role

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
