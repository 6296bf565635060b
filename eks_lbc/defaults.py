"""Defaults shared by the settings edge and the constructs (no cdktf import here)."""

from __future__ import annotations

DEFAULT_NAMESPACE = "kube-system"
DEFAULT_SERVICE_ACCOUNT = "aws-load-balancer-controller"
# High availability: two pods (one leads, one stands by and serves the webhooks), spread across zones.
DEFAULT_REPLICAS = 2
DEFAULT_ZONE_SPREAD = "preferred"
# The chart enables its Service mutating webhook by default; eks-lbc does not (see ControllerRelease).
DEFAULT_SERVICE_MUTATOR_WEBHOOK = False

# How the controller's pods get AWS credentials.
IDENTITY_IRSA = "irsa"  # IAM roles for service accounts: OIDC provider + web-identity trust
IDENTITY_POD_IDENTITY = "pod-identity"  # EKS Pod Identity: pods.eks.amazonaws.com + an association
IDENTITIES = (IDENTITY_IRSA, IDENTITY_POD_IDENTITY)

# IRSA only: create the cluster's IAM OIDC provider, or use the one that already exists for its issuer.
OIDC_PROVIDER_CREATE = "create"
OIDC_PROVIDER_EXISTING = "existing"
OIDC_PROVIDER_MODES = (OIDC_PROVIDER_CREATE, OIDC_PROVIDER_EXISTING)

# The `aud` claim of the tokens EKS projects for IRSA, in every partition (aws-cn and aws-us-gov included):
# it is the pod identity webhook's default token audience, not the name of an STS endpoint.
STS_AUDIENCE = "sts.amazonaws.com"

DEFAULT_STATE_KEY_PREFIX = "eks-lbc"


def default_iam_name(cluster_name: str) -> str:
    """Role and policy name used when none is given: unique per cluster within an account."""
    return f"{cluster_name}-aws-lbc"
