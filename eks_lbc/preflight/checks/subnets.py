"""Check 4: the subnets the controller would put an Application Load Balancer in, per scheme, and the
subnets given in ``publicSubnetIds``/``privateSubnetIds``.

The rules are the controller's own (kubernetes-sigs/aws-load-balancer-controller
``pkg/networking/subnet_resolver.go``, ``ResolveViaDiscovery``, the same at v2.17.1 and v3.5.0;
v2.5.2 the same but for the fallback; ``docs/deploy/subnet_discovery.md``):

1. candidates: the VPC's subnets tagged ``kubernetes.io/role/elb`` (internet-facing) or
   ``kubernetes.io/role/internal-elb`` (internal) with the value ``1`` or empty;
2. only when *no* subnet carries that tag, and the controller has the ``SubnetDiscoveryByReachability``
   feature gate (on by default; the code first appears in tag v2.13.0, the docs say "LBC version >=
   2.12.1"): every subnet whose route table (its own association, else the VPC's main table) has a route
   to an internet gateway (``igw-...``) for internet-facing, or has none for internal;
3. filtered: a subnet with a ``kubernetes.io/cluster/...`` tag key of other clusters but not this one's is
   dropped (feature gate ``SubnetsClusterTagCheck``, on by default; only the key is compared), and so is a
   subnet with fewer than 8 available IP addresses;
4. one subnet per Availability Zone: one tagged for this cluster first, then the lowest subnet id;
5. an ALB needs two or more (feature gate ``ALBSingleSubnet``, off by default, allows one); an NLB one.

Subnets listed in ``publicSubnetIds``/``privateSubnetIds`` count as tagged: eks-lbc tags them (value
``1``) in the same apply. Feature gates come from the cluster's settings (``featureGates`` and
``helmValues.controllerConfig.featureGates``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from eks_lbc.preflight.context import CLUSTER_TAG_PREFIX, ClusterContext, tags_of
from eks_lbc.preflight.model import Result, Status
from eks_lbc.versions import chart_release

ROLE_TAGS = {"internet-facing": "kubernetes.io/role/elb", "internal": "kubernetes.io/role/internal-elb"}
SETTINGS = {"internet-facing": "publicSubnetIds", "internal": "privateSubnetIds"}
MIN_FREE_IPS = 8
# First controller tag with discovery by reachability (commit 2f6ce5cf, 2025-03-27; no v2.12.1 tag exists).
REACHABILITY_SINCE = (2, 13, 0)
GATE_DEFAULTS = {"SubnetDiscoveryByReachability": True, "SubnetsClusterTagCheck": True, "ALBSingleSubnet": False}
_GO_TRUE = {"1", "t", "T", "TRUE", "true", "True"}


def controller_version(ctx: ClusterContext) -> tuple[int, ...]:
    """The controller that will run: ``imageTag`` when it is a release tag (``v2.13.0``), else the chart's."""
    for candidate in (ctx.setting("image_tag"), chart_release(ctx.settings.chart_version).controller):
        try:
            return tuple(int(p) for p in str(candidate).removeprefix("v").split("-")[0].split("."))
        except ValueError:
            continue
    return (0,)


def feature_gates(ctx: ClusterContext) -> dict[str, bool]:
    """The controller's feature gates as eks-lbc will configure them, defaults filled in."""
    # Both places count (the settings edge refuses a gate set in both): featureGates and helmValues.
    values = ctx.setting("helm_values") or {}
    controller_config = values.get("controllerConfig") if isinstance(values, Mapping) else None
    in_values = controller_config.get("featureGates") if isinstance(controller_config, Mapping) else None
    configured: dict[str, Any] = {**(in_values or {}), **(ctx.setting("feature_gates") or {})}
    gates = dict(GATE_DEFAULTS)
    for name, value in (configured or {}).items():
        gates[name] = value if isinstance(value, bool) else str(value) in _GO_TRUE
    return gates


def is_public(subnet_id: str, route_tables: list[dict[str, Any]]) -> bool:
    """The controller's reachability rule: a route to an internet gateway in the subnet's route table."""
    main = own = None
    for table in route_tables:
        for association in table.get("Associations", []):
            if association.get("Main"):
                main = table
            if association.get("SubnetId") == subnet_id:
                own = table
    table = own or main
    return bool(table) and any(str(r.get("GatewayId", "")).startswith("igw") for r in table.get("Routes", []))


def _describe(subnet: dict[str, Any]) -> str:
    return f"{subnet['SubnetId']} ({subnet['AvailabilityZone']}, {subnet.get('AvailableIpAddressCount', 0)} free)"


def discovery(
    scheme: str,
    subnets: list[dict[str, Any]],
    route_tables: list[dict[str, Any]],
    *,
    cluster_name: str,
    configured: tuple[str, ...],
    controller: tuple[int, ...],
    gates: Mapping[str, bool],
) -> Result:
    """What the controller would pick for an ALB of ``scheme`` (``internet-facing`` or ``internal``)."""
    check = f"subnets-{scheme}"
    role = ROLE_TAGS[scheme]
    setting = SETTINGS[scheme]
    own_tag = CLUSTER_TAG_PREFIX + cluster_name
    tagged = [s for s in subnets if tags_of(s).get(role) in ("", "1") or s["SubnetId"] in configured]
    mis_tagged = [s["SubnetId"] for s in subnets if tags_of(s).get(role) not in (None, "", "1")]
    source = f"tagged {role}" + (f" or listed in {setting}" if configured else "")
    candidates = tagged
    fallback = controller >= REACHABILITY_SINCE and gates["SubnetDiscoveryByReachability"]
    if not tagged:
        if not fallback:
            why = (
                "its SubnetDiscoveryByReachability feature gate is off"
                if controller >= REACHABILITY_SINCE
                else f"controller v{'.'.join(map(str, controller))} has no route-table fallback (v2.13.0+)"
            )
            return Result(
                check,
                Status.FAIL,
                f"no subnet in the VPC is tagged {role} (value 1 or empty), and {why}"
                + (f"; {', '.join(mis_tagged)} carry the tag with another value" if mis_tagged else ""),
                f"{setting}: [two or more subnets in different Availability Zones] (eks-lbc tags them), "
                f"or tag them {role}=1",
                {"scheme": scheme, "source": "none", "chosen": [], "misTagged": mis_tagged},
            )
        public = scheme == "internet-facing"
        candidates = [s for s in subnets if is_public(s["SubnetId"], route_tables) == public]
        source = (
            "found by route tables (" + ("a route to an internet gateway" if public else "no internet gateway") + ")"
        )

    excluded: list[str] = []
    eligible = []
    for subnet in candidates:
        keys = set(tags_of(subnet))
        other_clusters = {k for k in keys if k.startswith(CLUSTER_TAG_PREFIX)} - {own_tag}
        if gates["SubnetsClusterTagCheck"] and other_clusters and own_tag not in keys:
            excluded.append(
                f"{subnet['SubnetId']} is tagged for another cluster only ({', '.join(sorted(other_clusters))})"
            )
        elif (free := subnet.get("AvailableIpAddressCount", 0)) < MIN_FREE_IPS:
            excluded.append(f"{subnet['SubnetId']} has {free} free IP addresses (< {MIN_FREE_IPS})")
        else:
            eligible.append(subnet)
    by_zone: dict[str, list[dict[str, Any]]] = {}
    for subnet in eligible:
        by_zone.setdefault(subnet["AvailabilityZone"], []).append(subnet)
    chosen = sorted(
        (sorted(group, key=lambda s: (own_tag not in tags_of(s), s["SubnetId"]))[0] for group in by_zone.values()),
        key=lambda s: s["SubnetId"],
    )
    minimum = 1 if gates["ALBSingleSubnet"] else 2
    details = {
        "scheme": scheme,
        "source": "tags" if tagged else "route-tables",
        "candidates": len(candidates),
        "chosen": [s["SubnetId"] for s in chosen],
        "zones": sorted(by_zone),
        "excluded": excluded,
        "misTagged": mis_tagged,
    }
    found = f"{len(candidates)} subnet(s) {source}"
    if chosen:
        found += f"; would pick {', '.join(_describe(s) for s in chosen)}"
    if excluded:
        found += f"; excluded: {'; '.join(excluded)}"
    if mis_tagged:
        found += f"; {', '.join(mis_tagged)} carry {role} with a value other than 1 or empty (ignored)"
    if len(chosen) < minimum:
        zones = f"{len(chosen)} Availability Zone" + ("" if len(chosen) == 1 else "s")
        fixes = []
        for line in excluded:
            subnet_id = line.split(" ", 1)[0]
            if "another cluster" in line:
                fixes.append(f"tag {subnet_id} {own_tag}=shared")
        if not fixes:
            fixes.append(
                f"{setting}: add subnets with {MIN_FREE_IPS}+ free IP addresses in "
                f"{minimum - len(chosen)} more Availability Zone(s) (eks-lbc tags them), or tag them {role}=1"
            )
        return Result(
            check,
            Status.FAIL,
            f'{found}: usable subnets in {zones}, an ALB needs {minimum} ("unable to resolve at least one subnet")',
            "; ".join(fixes),
            details,
        )
    if not tagged:
        return Result(
            check,
            Status.WARN,
            f"no subnet tagged {role}; the controller falls back to route tables: {found}",
            f"to choose explicitly: {setting}: {json.dumps([s['SubnetId'] for s in chosen])} (eks-lbc tags them) "
            f"or tag them {role}=1",
            details,
        )
    return Result(check, Status.OK, found, details=details)


def _discover(ctx: ClusterContext, scheme: str) -> Result:
    settings = ctx.settings
    configured = settings.public_subnet_ids if scheme == "internet-facing" else settings.private_subnet_ids
    subnets = ctx.subnets()
    tagged = any(tags_of(s).get(ROLE_TAGS[scheme]) in ("", "1") or s["SubnetId"] in configured for s in subnets)
    return discovery(
        scheme,
        subnets,
        [] if tagged else ctx.route_tables(),  # route tables only matter for the fallback
        cluster_name=settings.cluster_name,
        configured=tuple(configured),
        controller=controller_version(ctx),
        gates=feature_gates(ctx),
    )


def internet_facing(ctx: ClusterContext) -> Result:
    return _discover(ctx, "internet-facing")


def internal(ctx: ClusterContext) -> Result:
    return _discover(ctx, "internal")


def configured_subnets(ctx: ClusterContext) -> Result:
    """``publicSubnetIds``/``privateSubnetIds`` exist, in the cluster's VPC."""
    settings = ctx.settings
    listed = {
        **dict.fromkeys(settings.public_subnet_ids, "publicSubnetIds"),
        **dict.fromkeys(settings.private_subnet_ids, "privateSubnetIds"),
    }
    if not listed:
        return Result("subnet-ids", Status.OK, "none configured: the controller discovers subnets by their tags")
    vpc = ctx.vpc_id()
    in_vpc = {s["SubnetId"] for s in ctx.subnets()}
    outside = [subnet for subnet in listed if subnet not in in_vpc]
    details = {"vpcId": vpc, "configured": sorted(listed), "notInVpc": outside}
    if outside:
        return Result(
            "subnet-ids",
            Status.FAIL,
            f"{', '.join(f'{s} ({listed[s]})' for s in outside)} not found in the cluster's VPC {vpc}",
            f"list only subnets of {vpc} in publicSubnetIds/privateSubnetIds",
            details,
        )
    return Result("subnet-ids", Status.OK, f"{len(listed)} configured subnet(s), all in {vpc}", details=details)
