"""Provider configuration for a stack that installs the controller on one EKS cluster."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from eks_lbc import aws_access
from eks_lbc._cdk import (
    PROVIDER_CONSTRAINTS,
    AwsProvider,
    AwsProviderAssumeRole,
    AwsProviderDefaultTags,
    Fn,
    HelmProvider,
    HelmProviderKubernetes,
    HelmProviderKubernetesExec,
    HelmProviderRegistries,
    KubernetesProvider,
    KubernetesProviderExec,
    TerraformStack,
    TlsProvider,
)
from eks_lbc.stacks.chart_registry import RegistryLogin

# Kubernetes client credentials come from `aws eks get-token` at each Terraform run,
# not from a token captured at plan time (those expire after 15 minutes).
EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"


def pin_providers(stack: TerraformStack, names: tuple[str, ...]) -> None:
    """Write ``required_providers`` with the project's tested ranges instead of the bindings' exact pins."""
    # One override for all of them: each call is a round trip to the jsii kernel.
    stack.add_override(
        "terraform.required_providers",
        {name: {"source": PROVIDER_CONSTRAINTS[name][0], "version": PROVIDER_CONSTRAINTS[name][1]} for name in names},
    )


def add_cluster_providers(
    stack: TerraformStack,
    *,
    region: str,
    cluster_name: str,
    endpoint: str,
    certificate_authority_data: str,
    aws: bool = True,
    tls: bool = True,
    helm: bool = True,
    default_tags: Mapping[str, str] | None = None,
    profile: str | None = None,
    assume_role_arn: str | None = None,
    account_id: str | None = None,
    registries: Sequence[RegistryLogin] = (),
) -> None:
    """Add the aws (unless ``aws=False``), tls (unless ``tls=False``), kubernetes and helm (unless ``helm=False``).

    tls is only needed to read the issuer's certificate when an IAM OIDC provider is created
    (IRSA); with EKS Pod Identity or an existing OIDC provider it is left out.

    kubernetes and helm reach the cluster at ``endpoint``, trust its base64
    ``certificate_authority_data`` and authenticate with ``aws eks get-token``.
    All values may be tokens (e.g. attributes of an ``aws_eks_cluster`` in the same stack).
    ``default_tags`` go on every taggable AWS resource of the stack (the aws provider's
    ``default_tags``); Kubernetes objects and the Helm release are not AWS resources and get none.

    One AWS identity for all of them (:mod:`eks_lbc.aws_access`): ``profile`` (an AWS CLI profile: the
    source credentials) and ``assume_role_arn`` (a role to assume, e.g. in the cluster's account) go to
    the aws provider and to ``aws eks get-token`` (``--profile``, ``--role-arn``), so the Kubernetes token
    is signed by the same role that manages the AWS resources; ``account_id`` becomes the aws provider's
    ``allowed_account_ids`` (Terraform then refuses credentials of any other account). Default: none of
    them, the environment's credentials. With ``aws=False`` the caller's aws provider should match.
    ``registries`` are OCI registries helm logs in to when it starts (e.g. a private ECR chart mirror,
    :func:`eks_lbc.stacks.ecr_registry_login`).
    """
    if aws:
        AwsProvider(
            stack,
            "aws",
            region=region,
            default_tags=[AwsProviderDefaultTags(tags=dict(default_tags))] if default_tags else None,
            profile=profile,
            assume_role=(
                [AwsProviderAssumeRole(role_arn=assume_role_arn, session_name=aws_access.SESSION_NAME)]
                if assume_role_arn
                else None
            ),
            allowed_account_ids=[account_id] if account_id else None,
        )
    if tls:
        TlsProvider(stack, "tls")
    ca_certificate = Fn.base64decode(certificate_authority_data)
    get_token = aws_access.get_token_args(cluster_name, region, profile=profile, role_arn=assume_role_arn)
    KubernetesProvider(
        stack,
        "kubernetes",
        host=endpoint,
        cluster_ca_certificate=ca_certificate,
        exec=[KubernetesProviderExec(api_version=EXEC_API_VERSION, command="aws", args=get_token)],
    )
    if helm:
        HelmProvider(
            stack,
            "helm",
            kubernetes=HelmProviderKubernetes(
                host=endpoint,
                cluster_ca_certificate=ca_certificate,
                exec=HelmProviderKubernetesExec(api_version=EXEC_API_VERSION, command="aws", args=get_token),
            ),
            registries=[HelmProviderRegistries(url=r.url, username=r.username, password=r.password) for r in registries]
            or None,
        )
    used = {"aws": aws, "tls": tls, "kubernetes": True, "helm": helm}
    pin_providers(stack, tuple(name for name in ("aws", "tls", "kubernetes", "helm") if used[name]))
