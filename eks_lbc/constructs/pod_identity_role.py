"""IAM role for one Kubernetes service account through EKS Pod Identity, with its association."""

from __future__ import annotations

from collections.abc import Mapping

from eks_lbc import aws_access, validation
from eks_lbc._cdk import (
    Construct,
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
    EksPodIdentityAssociation,
)
from eks_lbc.constructs._inputs import checked, checked_tags, is_token
from eks_lbc.constructs._role import ServiceAccountRole

# The EKS Pod Identity service principal: the same name in aws, aws-cn and aws-us-gov
# (Amazon EKS User Guide, "Create IAM role with trust policy required by EKS Pod Identity", both sites).
POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"
POD_IDENTITY_ACTIONS = ("sts:AssumeRole", "sts:TagSession")
# Session tags EKS Pod Identity adds to its AssumeRole request (Amazon EKS User Guide, "Define permissions for EKS
# Pod Identities to assume roles based on tags", list of session tags: eks-cluster-arn, eks-cluster-name,
# kubernetes-namespace, kubernetes-service-account, kubernetes-pod-name, kubernetes-pod-uid).
TAG_CLUSTER_ARN = "eks-cluster-arn"
TAG_CLUSTER_NAME = "eks-cluster-name"
TAG_NAMESPACE = "kubernetes-namespace"
TAG_SERVICE_ACCOUNT = "kubernetes-service-account"


class PodIdentityRole(ServiceAccountRole):
    """An IAM role that EKS Pod Identity hands to one service account of one cluster.

    The trust policy (``data.aws_iam_policy_document``, id ``trust-policy``) allows
    ``sts:AssumeRole`` and ``sts:TagSession`` to the service ``pods.eks.amazonaws.com``, only
    with the session tags EKS Pod Identity sets for this cluster, namespace and service
    account (``aws:RequestTag/eks-cluster-arn`` when ``cluster_arn`` is given, ``/eks-cluster-name``,
    ``/kubernetes-namespace``, ``/kubernetes-service-account``): another association in the account
    cannot use the role. The cluster's ARN carries its region and account, so a cluster of the same
    name in another region or account cannot use it either (a name alone could be reused there).
    The role's id is ``role``; ``aws_eks_pod_identity_association`` (id ``association``)
    binds it to the service account. Attach policies with :meth:`attach_policy`.

    No OIDC provider is needed, and the service account carries no role annotation; the
    cluster needs the ``eks-pod-identity-agent`` add-on, which serves the credentials to pods.

    :param cluster_name: EKS cluster name.
    :param cluster_arn: the cluster's ARN, pinned in the trust policy (``eks-cluster-arn`` session tag);
        default none: the name alone is pinned (give it: :class:`LoadBalancerController` always does).
    :param namespace: namespace of the service account.
    :param service_account_name: name of the service account (it need not exist yet).
    :param name: IAM role name (at most 64 characters).
    :param path: IAM path of the role; default ``/``.
    :param permissions_boundary: ARN of a managed policy that bounds the role; default none.
    :param tags: tags of the role and the association; default none.
    :param partition: the partition, when known, to check ``permissions_boundary`` against.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster_name: str,
        namespace: str,
        service_account_name: str,
        name: str,
        cluster_arn: str | None = None,
        path: str | None = None,
        permissions_boundary: str | None = None,
        tags: Mapping[str, str] | None = None,
        partition: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        checked(validation.cluster_name, "cluster_name", cluster_name)
        self._check_subject(namespace, service_account_name)
        if cluster_arn is not None:
            name_check = None if is_token(cluster_name) else cluster_name
            checked(lambda f, v: aws_access.cluster_arn(f, v, name_check), "cluster_arn", cluster_arn)
        session_tags = {TAG_CLUSTER_ARN: cluster_arn} if cluster_arn is not None else {}
        session_tags |= {
            TAG_CLUSTER_NAME: cluster_name,
            TAG_NAMESPACE: namespace,
            TAG_SERVICE_ACCOUNT: service_account_name,
        }
        trust_policy = DataAwsIamPolicyDocument(
            self,
            "trust-policy",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    effect="Allow",
                    actions=list(POD_IDENTITY_ACTIONS),
                    principals=[
                        DataAwsIamPolicyDocumentStatementPrincipals(
                            type="Service", identifiers=[POD_IDENTITY_PRINCIPAL]
                        )
                    ],
                    condition=[
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="StringEquals", variable=f"aws:RequestTag/{key}", values=[value]
                        )
                        for key, value in session_tags.items()
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
        self.association = EksPodIdentityAssociation(
            self,
            "association",
            cluster_name=cluster_name,
            namespace=namespace,
            service_account=service_account_name,
            role_arn=self.role.arn,
            tags=checked_tags("tags", tags),
        )

    @property
    def association_arn(self) -> str:
        """ARN of the Pod Identity association."""
        return self.association.association_arn
