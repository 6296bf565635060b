"""Defaults shared by the settings edge and the constructs (no cdktf import here)."""

from __future__ import annotations

DEFAULT_NAMESPACE = "kube-system"
DEFAULT_SERVICE_ACCOUNT = "aws-load-balancer-controller"
# High availability: two pods (one leads, one stands by and serves the webhooks), spread across zones.
DEFAULT_REPLICAS = 2
DEFAULT_ZONE_SPREAD = "preferred"
# The chart enables its Service mutating webhook by default; eks-lbc does not (see ControllerRelease).
DEFAULT_SERVICE_MUTATOR_WEBHOOK = False


def default_iam_name(cluster_name: str) -> str:
    """Role and policy name used when none is given: unique per cluster within an account."""
    return f"{cluster_name}-aws-lbc"
