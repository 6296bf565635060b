"""Checks 5 and 8 (the nodes): the control plane reaches the webhook port; one security group per node
ENI carries the cluster tag; the instance metadata hop limit.

Nodes are the cluster's running EC2 instances, found by their tags ``kubernetes.io/cluster/<name>``
(eksctl, self-managed groups) or ``eks:cluster-name`` (managed node groups). The control plane's ENIs
carry the cluster security group and the cluster's additional security groups.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from eks_lbc.preflight.aws import Unavailable
from eks_lbc.preflight.context import CLUSTER_TAG_PREFIX, ClusterContext, enis, tags_of
from eks_lbc.preflight.model import Result, Status

DEFAULT_WEBHOOK_PORT = 9443  # the chart's default for webhookBindPort


def webhook_port(ctx: ClusterContext) -> int:
    values = ctx.setting("helm_values") or {}
    port = values.get("webhookBindPort") if isinstance(values, Mapping) else None
    return int(port) if isinstance(port, int) and not isinstance(port, bool) else DEFAULT_WEBHOOK_PORT


def _no_nodes(check: str, ctx: ClusterContext, status: Status = Status.OK) -> Result:
    """No EC2 nodes: reported once as a warning (by the webhook check), elsewhere as nothing to check."""
    return Result(
        check,
        status,
        f"no running EC2 nodes tagged {CLUSTER_TAG_PREFIX}{ctx.name} or eks:cluster-name={ctx.name} "
        "(Fargate only, or no nodes yet): nothing to check",
        "check again once the cluster has nodes" if status is not Status.OK else "",
        {"nodes": 0},
    )


def allows(group: dict[str, Any], port: int, sources: set[str], source_cidrs: list[Any]) -> bool:
    """Whether ``group`` admits TCP ``port`` from one of the ``sources`` groups or from every ``source_cidrs``."""
    for permission in group.get("IpPermissions", []):
        protocol = str(permission.get("IpProtocol"))
        if protocol == "-1":
            pass
        elif protocol in ("tcp", "6"):
            if not permission.get("FromPort", 0) <= port <= permission.get("ToPort", 65535):
                continue
        else:
            continue
        if any(pair.get("GroupId") in sources for pair in permission.get("UserIdGroupPairs", [])):
            return True
        ranges = [ipaddress.ip_network(r["CidrIp"]) for r in permission.get("IpRanges", []) if r.get("CidrIp")]
        if source_cidrs and all(any(c.subnet_of(r) for r in ranges) for c in source_cidrs):
            return True
    return False


def webhook_reachable(ctx: ClusterContext) -> Result:
    port = webhook_port(ctx)
    nodes = ctx.nodes()
    if not nodes:
        return _no_nodes("webhook-port", ctx, Status.WARN)
    sources = ctx.control_plane_security_groups()
    if not sources:
        raise Unavailable("the cluster description names no cluster security group")
    # The control plane's ENIs sit in the cluster's subnets: a CIDR rule covering all of them counts too.
    cluster_subnets = set(ctx.require_cluster().get("resourcesVpcConfig", {}).get("subnetIds") or ())
    cidrs = [ipaddress.ip_network(s["CidrBlock"]) for s in ctx.subnets() if s["SubnetId"] in cluster_subnets]
    blocked = []
    for node in nodes:
        for eni in enis(node):
            group_ids = sorted(g["GroupId"] for g in eni.get("Groups", []))
            groups = ctx.security_groups(group_ids)
            if not any(allows(groups[g], port, set(sources), cidrs) for g in group_ids if g in groups):
                blocked.append((node["InstanceId"], eni["NetworkInterfaceId"], group_ids))
    details = {"port": port, "sources": sources, "nodes": len(nodes), "blocked": [b[1] for b in blocked]}
    from_groups = " or ".join(sources)
    if not blocked:
        return Result(
            "webhook-port",
            Status.OK,
            f"every ENI of {len(nodes)} node(s) admits TCP {port} from {from_groups}",
            details=details,
        )
    shown = ", ".join(f"{eni} of {instance} ({', '.join(groups)})" for instance, eni, groups in blocked[:5])
    more = f" and {len(blocked) - 5} more" if len(blocked) > 5 else ""
    target = blocked[0][2][0] if blocked[0][2] else "<node security group>"
    return Result(
        "webhook-port",
        Status.FAIL,
        f"{len(blocked)} node ENI(s) admit no TCP {port} from {from_groups}: {shown}{more}; the API server cannot "
        'call the controller\'s webhooks ("failed calling webhook ... context deadline exceeded")',
        f"aws ec2 authorize-security-group-ingress --group-id {target} --protocol tcp --port {port} "
        f"--source-group {sources[0]}",
        details,
    )


def node_security_groups(ctx: ClusterContext) -> Result:
    """The controller's rule for an ENI with several security groups: exactly one carries the cluster tag."""
    nodes = ctx.nodes()
    if not nodes:
        return _no_nodes("node-security-groups", ctx)
    own_tag = CLUSTER_TAG_PREFIX + ctx.name
    wrong = []
    checked = 0
    for node in nodes:
        for eni in enis(node):
            group_ids = sorted(g["GroupId"] for g in eni.get("Groups", []))
            if len(group_ids) < 2:
                continue  # a single security group is used as it is
            checked += 1
            groups = ctx.security_groups(group_ids)
            tagged = [g for g in group_ids if g in groups and own_tag in tags_of(groups[g])]
            if len(tagged) != 1:
                wrong.append((eni["NetworkInterfaceId"], group_ids, tagged))
    details = {"nodes": len(nodes), "enisWithSeveralGroups": checked, "wrong": [w[0] for w in wrong]}
    if not wrong:
        found = (
            f"{len(nodes)} node(s); each of {checked} ENI(s) with several security groups has exactly one tagged "
            f"{own_tag}"
            if checked
            else f"{len(nodes)} node(s); no ENI has several security groups (the controller uses a single one as is)"
        )
        return Result("node-security-groups", Status.OK, found, details=details)
    eni, group_ids, tagged = wrong[0]
    if tagged:
        fix = f"remove the tag {own_tag} from all but one of {', '.join(tagged)}"
        what = f"{len(tagged)} tagged ({', '.join(tagged)})"
    else:
        fix = f"tag one of {', '.join(group_ids)} {own_tag}=owned"
        what = "none tagged"
    return Result(
        "node-security-groups",
        Status.FAIL,
        f"{len(wrong)} node ENI(s) with several security groups lack exactly one tagged {own_tag}: {eni} has "
        f'{what}; the controller fails with "expected exactly one securityGroup tagged with {own_tag}"',
        fix,
        details,
    )


def imds_hop_limit(ctx: ClusterContext) -> Result:
    """Warn only: eks-lbc passes --aws-region and --aws-vpc-id, so the controller never needs IMDS."""
    nodes = ctx.nodes()
    if not nodes:
        return _no_nodes("imds-hop-limit", ctx)
    low = [
        n["InstanceId"]
        for n in nodes
        if n.get("MetadataOptions", {}).get("HttpTokens") == "required"
        and n.get("MetadataOptions", {}).get("HttpPutResponseHopLimit", 1) < 2
    ]
    note = "eks-lbc passes the region and VPC id to the controller (--aws-region, --aws-vpc-id): it needs no IMDS"
    details = {"nodes": len(nodes), "hopLimitOne": low}
    if not low:
        return Result(
            "imds-hop-limit", Status.OK, f"{len(nodes)} node(s): pods can reach IMDS; {note}", details=details
        )
    return Result(
        "imds-hop-limit",
        Status.WARN,
        f"{len(low)} of {len(nodes)} node(s) require IMDSv2 with hop limit 1 ({', '.join(low[:5])}): pods cannot "
        f"reach instance metadata; {note}, so this matters only to other pods",
        "none needed for eks-lbc; for pods that need IMDS: aws ec2 modify-instance-metadata-options "
        "--instance-id <id> --http-put-response-hop-limit 2",
        details,
    )
