"""Checks 1: the cluster exists in its region (and its VPC is the one configured); its Kubernetes version
is one the pinned chart's controller supports."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from eks_lbc.preflight.context import ClusterContext
from eks_lbc.preflight.model import Result, Status
from eks_lbc.versions import supported_charts

# DescribeCluster's status values: https://docs.aws.amazon.com/eks/latest/APIReference/API_Cluster.html
BUSY = ("CREATING", "UPDATING", "PENDING")


def cluster_exists(ctx: ClusterContext) -> Result:
    cluster = ctx.cluster()
    settings = ctx.settings
    if cluster is None:
        return Result(
            "cluster",
            Status.FAIL,
            f"no EKS cluster named {settings.cluster_name} in {settings.region}",
            f"set clusterName and region to an existing cluster (aws eks list-clusters --region {settings.region})",
        )
    config = cluster.get("resourcesVpcConfig", {})
    vpc = config.get("vpcId")
    details = {
        "arn": cluster.get("arn"),
        "status": cluster.get("status"),
        "version": cluster.get("version"),
        "vpcId": vpc,
        "clusterSecurityGroupId": config.get("clusterSecurityGroupId"),
    }
    found = f"{cluster.get('status')}, Kubernetes {cluster.get('version')}, {vpc or 'VPC not reported'}"
    if settings.vpc_id and vpc and settings.vpc_id != vpc:
        return Result(
            "cluster",
            Status.FAIL,
            f"{found}; vpcId is set to {settings.vpc_id}, which is not the cluster's VPC",
            f"vpcId: {vpc} (or unset vpcId to use the cluster's)",
            details,
        )
    status = cluster.get("status")
    if status == "ACTIVE":
        return Result("cluster", Status.OK, found, details=details)
    if status in BUSY:
        return Result("cluster", Status.WARN, found, "wait until the cluster is ACTIVE, then deploy", details)
    return Result("cluster", Status.FAIL, found, "deploy to an ACTIVE cluster", details)


@cache
def kubernetes_versions() -> dict[str, dict[str, str | None]]:
    """Chart version -> {controller, minimum, maximum}: package data ``preflight/kubernetes_versions.json``."""
    text = resources.files("eks_lbc.preflight").joinpath("kubernetes_versions.json").read_text("utf-8")
    return json.loads(text)["charts"]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:2])


def supports(chart: str, kubernetes: str) -> bool:
    row = kubernetes_versions()[chart]
    if _version(kubernetes) < _version(row["minimum"]):
        return False
    return row["maximum"] is None or _version(kubernetes) <= _version(row["maximum"])


def kubernetes_version(ctx: ClusterContext) -> Result:
    cluster = ctx.require_cluster()
    version = str(cluster.get("version", ""))
    chart = ctx.settings.chart_version
    row = kubernetes_versions()[chart]
    bound = f">= {row['minimum']}" + (f", <= {row['maximum']}" if row["maximum"] else "")
    details = {"kubernetes": version, "chart": chart, "minimum": row["minimum"], "maximum": row["maximum"]}
    try:
        parsed_ok = supports(chart, version)
    except ValueError:
        return Result(
            "kubernetes-version", Status.WARN, f"cannot read the cluster's version {version!r}", details=details
        )
    if parsed_ok:
        note = "" if row["maximum"] else "; upstream publishes no upper bound, so newer versions are not ruled out"
        found = f"Kubernetes {version}; chart {chart} ({row['controller']}) needs {bound}{note}"
        return Result("kubernetes-version", Status.OK, found, details=details)
    others = [r.chart for r in supported_charts() if r.chart != chart and supports(r.chart, version)]
    fix = (
        f"chartVersion: {others[0]}"
        if others
        else f"upgrade the cluster to Kubernetes {row['minimum']} or later: no supported chart runs on {version}"
    )
    found = f"Kubernetes {version}; chart {chart} ({row['controller']}) needs {bound}"
    return Result("kubernetes-version", Status.FAIL, found, fix, details)
