"""Helm release of the aws-load-balancer-controller chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from eks_lbc import validation
from eks_lbc._cdk import Construct, Release, ReleaseSet
from eks_lbc.constructs._inputs import checked, is_token
from eks_lbc.versions import CHART_NAME, CHART_REPOSITORY, chart_release, default_chart_version

RELEASE_NAME = "aws-load-balancer-controller"
DEFAULT_TIMEOUT_SECONDS = 600


def merge_values(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``extra`` into ``base`` the way Helm merges values files (maps merge, the rest replaces)."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_values(merged[key], value)
        else:
            merged[key] = value
    return merged


class ControllerRelease(Construct):
    """``helm_release`` (id ``release``) of chart ``aws-load-balancer-controller`` from eks-charts.

    The controller is told its cluster, region and VPC explicitly, so it never falls
    back to the instance metadata service. It runs as an existing service account
    (``serviceAccount.create=false``). The release waits for the Deployment to become
    ready and is atomic with ``cleanup_on_fail``, so a failed install or upgrade is
    rolled back instead of leaving a half-installed controller.

    Concrete scalars go into the release's YAML ``values``; values only known at apply
    time (tokens) go into ``set`` entries typed ``string``.

    :param cluster_name: EKS cluster name (``clusterName``).
    :param region: AWS region (``region``).
    :param vpc_id: the cluster's VPC id (``vpcId``).
    :param service_account_name: service account the controller runs as; pass the
        service-account resource's name so the release waits for it.
    :param namespace: namespace of the release and the service account.
    :param chart_version: pinned chart version; default the newest supported.
    :param values: further chart values, deep-merged over the construct's own.
    :param depends_on: resources that must exist before the controller starts
        (the service account and the role's policy attachment).
    :param timeout_seconds: how long Helm waits for the release to become ready (default 600).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster_name: str,
        region: str,
        vpc_id: str,
        service_account_name: str,
        namespace: str,
        chart_version: str | None = None,
        values: Mapping[str, Any] | None = None,
        depends_on: Sequence[Any] = (),
        timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__(scope, id)
        checked(validation.cluster_name, "cluster_name", cluster_name)
        checked(validation.region, "region", region)
        checked(validation.vpc_id, "vpc_id", vpc_id)
        checked(validation.namespace, "namespace", namespace)
        checked(validation.service_account_name, "service_account_name", service_account_name)
        self.chart_version = chart_version or default_chart_version()
        self.controller_version = chart_release(self.chart_version).controller

        scalars = {
            "clusterName": cluster_name,
            "region": region,
            "vpcId": vpc_id,
            "serviceAccount.name": service_account_name,
        }
        static: dict[str, Any] = {"serviceAccount": {"create": False}}
        computed: list[ReleaseSet] = []
        for key, value in scalars.items():
            if is_token(value):
                computed.append(ReleaseSet(name=key, value=value, type="string"))
            else:
                static = merge_values(static, _nest(key, value))
        self.values = merge_values(static, values or {})
        self.set_values = tuple(computed)

        self.release = Release(
            self,
            "release",
            name=RELEASE_NAME,
            chart=CHART_NAME,
            repository=CHART_REPOSITORY,
            version=self.chart_version,
            namespace=namespace,
            values=[yaml.safe_dump(self.values, sort_keys=True, default_flow_style=False)],
            set=list(computed) or None,
            wait=True,
            atomic=True,
            cleanup_on_fail=True,
            timeout=timeout_seconds,
            depends_on=list(depends_on) or None,
        )


def _nest(dotted: str, value: Any) -> dict[str, Any]:
    """``"a.b", v`` -> ``{"a": {"b": v}}``."""
    head, _, rest = dotted.partition(".")
    return {head: _nest(rest, value) if rest else value}
