"""Provider configuration for a stack that installs the controller on one EKS cluster."""

from __future__ import annotations

from eks_lbc._cdk import (
    PROVIDER_CONSTRAINTS,
    AwsProvider,
    Fn,
    HelmProvider,
    HelmProviderKubernetes,
    HelmProviderKubernetesExec,
    KubernetesProvider,
    KubernetesProviderExec,
    TerraformStack,
    TlsProvider,
)

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
) -> None:
    """Add the aws (unless ``aws=False``), tls, kubernetes and helm providers the controller's resources need.

    kubernetes and helm reach the cluster at ``endpoint``, trust its base64
    ``certificate_authority_data`` and authenticate with ``aws eks get-token``.
    All values may be tokens (e.g. attributes of an ``aws_eks_cluster`` in the same stack).
    """
    if aws:
        AwsProvider(stack, "aws", region=region)
    TlsProvider(stack, "tls")
    ca_certificate = Fn.base64decode(certificate_authority_data)
    get_token = ["eks", "get-token", "--cluster-name", cluster_name, "--region", region]
    KubernetesProvider(
        stack,
        "kubernetes",
        host=endpoint,
        cluster_ca_certificate=ca_certificate,
        exec=[KubernetesProviderExec(api_version=EXEC_API_VERSION, command="aws", args=get_token)],
    )
    HelmProvider(
        stack,
        "helm",
        kubernetes=HelmProviderKubernetes(
            host=endpoint,
            cluster_ca_certificate=ca_certificate,
            exec=HelmProviderKubernetesExec(api_version=EXEC_API_VERSION, command="aws", args=get_token),
        ),
    )
    pin_providers(stack, ("aws", "tls", "kubernetes", "helm") if aws else ("tls", "kubernetes", "helm"))
