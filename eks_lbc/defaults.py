"""Defaults shared by the settings edge and the constructs (no cdktf import here)."""

from __future__ import annotations

DEFAULT_NAMESPACE = "kube-system"
DEFAULT_SERVICE_ACCOUNT = "aws-load-balancer-controller"


def default_iam_name(cluster_name: str) -> str:
    """Role and policy name used when none is given: unique per cluster within an account."""
    return f"{cluster_name}-aws-lbc"
