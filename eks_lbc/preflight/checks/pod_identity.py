"""Check 6: with ``identity: pod-identity``, the ``eks-pod-identity-agent`` add-on is installed and ACTIVE
(the agent serves the controller its credentials; without it the controller has none)."""

from __future__ import annotations

from eks_lbc.defaults import IDENTITY_POD_IDENTITY
from eks_lbc.preflight.aws import call
from eks_lbc.preflight.context import ClusterContext
from eks_lbc.preflight.model import Result, Status

ADDON = "eks-pod-identity-agent"
# DescribeAddon's status values: https://docs.aws.amazon.com/eks/latest/APIReference/API_Addon.html
BUSY = ("CREATING", "UPDATING")


def pod_identity_agent(ctx: ClusterContext) -> Result:
    settings = ctx.settings
    if settings.identity != IDENTITY_POD_IDENTITY:
        return Result("pod-identity-agent", Status.OK, f"not needed: identity is {settings.identity}")
    ctx.require_cluster()
    install = (
        f"aws eks create-addon --cluster-name {settings.cluster_name} --region {settings.region} --addon-name {ADDON}"
    )
    answer = call(
        ctx.client("eks"),
        "describe_addon",
        missing=("ResourceNotFoundException",),
        clusterName=settings.cluster_name,
        addonName=ADDON,
    )
    if answer is None:
        return Result(
            "pod-identity-agent",
            Status.FAIL,
            f"the {ADDON} add-on is not installed: the controller would get no AWS credentials",
            install,
            {"status": None},
        )
    addon = answer["addon"]
    status = addon.get("status")
    details = {"status": status, "version": addon.get("addonVersion")}
    found = f"{ADDON} {addon.get('addonVersion', '')} is {status}".replace("  ", " ")
    if status == "ACTIVE":
        return Result("pod-identity-agent", Status.OK, found, details=details)
    if status in BUSY:
        return Result("pod-identity-agent", Status.WARN, found, "wait until the add-on is ACTIVE", details)
    issues = "; ".join(i.get("message", "") for i in addon.get("health", {}).get("issues", []))
    return Result(
        "pod-identity-agent",
        Status.FAIL,
        found + (f": {issues}" if issues else ""),
        f"repair or reinstall the add-on (aws eks describe-addon --cluster-name {settings.cluster_name} "
        f"--addon-name {ADDON})",
        details,
    )
