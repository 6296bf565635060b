"""Checks 2, 3 and 7 (IAM): the cluster's IAM OIDC provider against ``oidcProvider`` and ``stsAudience``;
the role and policy names eks-lbc will create; the permissions boundary."""

from __future__ import annotations

from typing import Any

from eks_lbc.defaults import IDENTITY_POD_IDENTITY, OIDC_PROVIDER_CREATE
from eks_lbc.preflight.aws import Unavailable, call, pages
from eks_lbc.preflight.context import ClusterContext, StackState
from eks_lbc.preflight.model import Result, Status


def _providers(ctx: ClusterContext) -> list[str]:
    """ARNs of the account's IAM OIDC providers (one list for every cluster of the run)."""
    iam = ctx.client("iam")
    return ctx.aws.shared(
        ("oidc-providers", ctx.profile, ctx.settings.partition),
        lambda: [p["Arn"] for p in call(iam, "list_open_id_connect_providers")["OpenIDConnectProviderList"]],
    )


def _state_or_reason(ctx: ClusterContext) -> tuple[StackState | None, str]:
    try:
        return ctx.state(), ""
    except Unavailable as error:
        return None, str(error)


def oidc_provider(ctx: ClusterContext) -> Result:
    settings = ctx.settings
    if settings.identity == IDENTITY_POD_IDENTITY:
        return Result("oidc-provider", Status.OK, "not used: identity is pod-identity")
    issuer = ctx.require_cluster().get("identity", {}).get("oidc", {}).get("issuer", "")
    if not issuer:
        return Result("oidc-provider", Status.FAIL, "the cluster reports no OIDC issuer", "identity: pod-identity")
    host = issuer.removeprefix("https://")
    matches = [arn for arn in _providers(ctx) if arn.split(":oidc-provider/", 1)[-1] == host]
    arn = matches[0] if matches else None
    details: dict[str, Any] = {"issuer": issuer, "providerArn": arn, "mode": settings.oidc_provider}
    if settings.oidc_provider == OIDC_PROVIDER_CREATE:
        if arn is None:
            return Result("oidc-provider", Status.OK, f"none for {host} yet: eks-lbc will create it", details=details)
        state, reason = _state_or_reason(ctx)
        if state is None:
            return Result(
                "oidc-provider",
                Status.UNKNOWN,
                f"{arn} exists; cannot tell whether this stack created it: {reason}",
                "oidcProvider: existing, unless this stack's state holds it",
                details,
            )
        if any(a.get("arn") == arn for a in state.attributes("aws_iam_openid_connect_provider")):
            return Result(
                "oidc-provider", Status.OK, f"{arn} exists, created by this stack ({state.where})", details=details
            )
        where = (
            f"not in this stack's state ({state.where})"
            if state.exists
            else f"this stack has no state yet ({state.where})"
        )
        return Result(
            "oidc-provider",
            Status.FAIL,
            f"{arn} already exists, {where}: creating it again fails with EntityAlreadyExists",
            "oidcProvider: existing",
            details,
        )
    if arn is None:
        return Result(
            "oidc-provider",
            Status.FAIL,
            f"no IAM OIDC provider for {host}, and oidcProvider is existing",
            f"oidcProvider: create (or eksctl utils associate-iam-oidc-provider --cluster {settings.cluster_name} "
            f"--region {settings.region} --approve)",
            details,
        )
    described = call(ctx.client("iam"), "get_open_id_connect_provider", OpenIDConnectProviderArn=arn)
    client_ids = list(described.get("ClientIDList", []))
    details["clientIds"] = client_ids
    if settings.sts_audience in client_ids:
        return Result(
            "oidc-provider", Status.OK, f"{arn} exists; client IDs include {settings.sts_audience}", details=details
        )
    return Result(
        "oidc-provider",
        Status.FAIL,
        f"{arn} exists, but its client IDs {client_ids} lack the audience {settings.sts_audience}: "
        "STS would refuse the controller's token",
        f"aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn {arn} "
        f"--client-id {settings.sts_audience}" + (f" (or stsAudience: {client_ids[0]})" if client_ids else ""),
        details,
    )


def _names(ctx: ClusterContext, kind: str) -> dict[str, dict[str, Any]]:
    """Lower-cased name -> role/policy of the account (IAM compares names case-insensitively)."""
    iam = ctx.client("iam")
    if kind == "role":
        listed = ctx.aws.shared(
            ("roles", ctx.profile, ctx.settings.partition), lambda: pages(iam, "list_roles", "Roles")
        )
        return {r["RoleName"].lower(): r for r in listed}
    listed = ctx.aws.shared(
        ("policies", ctx.profile, ctx.settings.partition),
        lambda: pages(iam, "list_policies", "Policies", Scope="Local"),
    )
    return {p["PolicyName"].lower(): p for p in listed}


def iam_names(ctx: ClusterContext) -> Result:
    name = ctx.settings.iam_name
    taken = []
    for kind, resource_type in (("role", "aws_iam_role"), ("policy", "aws_iam_policy")):
        existing = _names(ctx, kind).get(name.lower())
        if existing is not None:
            taken.append((kind, resource_type, existing["Arn"]))
    details: dict[str, Any] = {"name": name, "taken": [arn for _, _, arn in taken]}
    if not taken:
        return Result("iam-names", Status.OK, f"role and policy name {name} are free", details=details)
    state, reason = _state_or_reason(ctx)
    listed = ", ".join(f"{kind} {arn}" for kind, _, arn in taken)
    prefix_fix = "iamNamePrefix: <a prefix of your own>"
    if state is None:
        return Result(
            "iam-names",
            Status.UNKNOWN,
            f"{listed} exists; cannot tell whether this stack created it: {reason}",
            f"{prefix_fix}, unless this stack's state holds it",
            details,
        )
    foreign = [
        (kind, arn)
        for kind, resource_type, arn in taken
        if not any(a.get("arn") == arn for a in state.attributes(resource_type))
    ]
    if not foreign:
        return Result(
            "iam-names", Status.OK, f"{listed} exists, created by this stack ({state.where})", details=details
        )
    where = (
        f"not in this stack's state ({state.where})" if state.exists else f"this stack has no state yet ({state.where})"
    )
    names = ", ".join(f"{kind} {arn}" for kind, arn in foreign)
    return Result(
        "iam-names",
        Status.FAIL,
        f"{names} already exists, {where}: creating it fails with EntityAlreadyExists",
        f"{prefix_fix}, or import it into this stack's state",
        details,
    )


def permissions_boundary(ctx: ClusterContext) -> Result:
    boundary = ctx.settings.permissions_boundary
    if boundary is None:
        return Result("permissions-boundary", Status.OK, "none configured")
    found = call(ctx.client("iam"), "get_policy", missing=("NoSuchEntity",), PolicyArn=boundary)
    if found is None:
        return Result(
            "permissions-boundary",
            Status.FAIL,
            f"no managed policy {boundary}: creating the role would fail",
            "create that policy first, or set permissionsBoundary to an existing one",
            {"arn": boundary},
        )
    return Result("permissions-boundary", Status.OK, f"{boundary} exists", details={"arn": boundary})
