"""Supported chart versions and the controller release and IAM policies each one ships.

The table is package data (``policies/supported_versions.json``), vendored from
aws/eks-charts and kubernetes-sigs/aws-load-balancer-controller; see that file's
comment for provenance.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from eks_lbc.errors import InvalidSetting

CHART_NAME = "aws-load-balancer-controller"
CHART_REPOSITORY = "https://aws.github.io/eks-charts"


@dataclass(frozen=True)
class ChartRelease:
    """One supported chart version of ``aws-load-balancer-controller``.

    ``chart`` is the Helm chart version, ``controller`` the controller release
    (the chart's appVersion, e.g. ``v3.5.0``) and ``policy_files`` maps an AWS
    partition (``aws``, ``aws-cn``, ``aws-us-gov``) to the vendored policy file.
    """

    chart: str
    controller: str
    chart_commit: str
    policy_files: Mapping[str, str]
    policy_sha256: Mapping[str, str]


@cache
def supported_charts() -> tuple[ChartRelease, ...]:
    """Every supported chart version, newest first."""
    raw = json.loads(resources.files("eks_lbc.policies").joinpath("supported_versions.json").read_text("utf-8"))
    return tuple(
        ChartRelease(
            chart=entry["chart"],
            controller=entry["controller"],
            chart_commit=entry["chart_commit"],
            policy_files=MappingProxyType({p: v["file"] for p, v in entry["policies"].items()}),
            policy_sha256=MappingProxyType({p: v["sha256"] for p, v in entry["policies"].items()}),
        )
        for entry in raw["charts"]
    )


def default_chart_version() -> str:
    """The newest supported chart version."""
    return supported_charts()[0].chart


def chart_release(chart_version: str, field: str = "chart_version") -> ChartRelease:
    """The table row for ``chart_version``; an unsupported version names the supported ones."""
    for release in supported_charts():
        if release.chart == chart_version:
            return release
    # From 3.0.0 on the chart version is the controller version; name the controller only where it differs.
    listed = ", ".join(
        r.chart if r.controller == f"v{r.chart}" else f"{r.chart} (controller {r.controller})"
        for r in supported_charts()
    )
    raise InvalidSetting(field, chart_version, f"a supported chart version: one of {listed}")


# EKS Pod Identity needs an AWS SDK that knows its credential provider (aws-sdk-go >= 1.47.11);
# the controller ships one from v2.7.0 (kubernetes-sigs/aws-load-balancer-controller#3503).
POD_IDENTITY_MIN_CONTROLLER = (2, 7, 0)


def supports_pod_identity(release: ChartRelease) -> bool:
    """True when the chart's controller can take its credentials from EKS Pod Identity."""
    parts = tuple(int(p) for p in release.controller.removeprefix("v").split("."))
    return parts >= POD_IDENTITY_MIN_CONTROLLER


def check_pod_identity(chart_version: str, field: str) -> None:
    """Refuse EKS Pod Identity with a chart whose controller cannot use it."""
    release = chart_release(chart_version, field)
    if not supports_pod_identity(release):
        minimum = "v" + ".".join(map(str, POD_IDENTITY_MIN_CONTROLLER))
        usable = ", ".join(r.chart for r in supported_charts() if supports_pod_identity(r))
        raise InvalidSetting(
            field,
            chart_version,
            f"a chart whose controller supports EKS Pod Identity ({minimum} or later): one of {usable}; "
            f"chart {chart_version} ships {release.controller}, use identity 'irsa' with it",
        )
