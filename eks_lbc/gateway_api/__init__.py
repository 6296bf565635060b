"""The Kubernetes Gateway API for the controller: the standard-channel bundle each controller tag is built for,
the gates that make Gateway support deterministic, and the controller's GatewayClasses (no cdktf import).

The controller (v3.2.0 and later) detects the Gateway API at start-up only while one of ``ALBGatewayAPI``,
``NLBGatewayAPI`` and ``GatewayListenerSet`` is left at its default; set explicitly, a gate whose CRDs are missing
stops it (shared/upstream SOURCES.md, pkg/gateway/crddetect). With the Gateway API installed by eks-lbc, all the
Gateway gates the controller knows are set to true explicitly, so what runs does not depend on discovery timing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

from eks_lbc.errors import InvalidSetting
from eks_lbc.versions import chart_release, supported_charts

GATEWAY_GATES = ("ALBGatewayAPI", "NLBGatewayAPI", "GatewayListenerSet")
# controllerName of the two GatewayClasses (docs/guide/gateway/l7gateway.md and l4gateway.md at v3.5.0).
GATEWAY_CLASSES: Mapping[str, str] = MappingProxyType({"alb": "gateway.k8s.aws/alb", "nlb": "gateway.k8s.aws/nlb"})


@dataclass(frozen=True)
class GatewayApiRelease:
    """The Gateway API release a controller tag is built for, and its vendored standard-channel bundle."""

    version: str
    file: str
    sha256: str


@cache
def _table() -> Mapping[str, GatewayApiRelease]:
    raw = json.loads(resources.files("eks_lbc.gateway_api").joinpath("versions.json").read_text("utf-8"))
    return MappingProxyType(
        {tag: GatewayApiRelease(e["gateway_api"], e["file"], e["sha256"]) for tag, e in raw["controllers"].items()}
    )


def gateway_api_release(controller: str) -> GatewayApiRelease | None:
    """The Gateway API release of controller tag ``controller``, or None when eks-lbc offers none for it."""
    return _table().get(controller)


def check_gateway_api(field: str, chart_version: str) -> GatewayApiRelease:
    """The Gateway API release of the chart's controller; a chart without one is refused, naming those with one."""
    release = chart_release(chart_version)
    found = gateway_api_release(release.controller)
    if found is None:
        usable = [r.chart for r in supported_charts() if gateway_api_release(r.controller)]
        raise InvalidSetting(
            field,
            True,
            f"false with chart {chart_version} (controller {release.controller}): eks-lbc installs the Gateway API "
            f"only for charts whose controller names the release it is built for: {', '.join(usable) or 'none'}",
        )
    return found


def bundle_bytes(release: GatewayApiRelease) -> bytes:
    """The vendored ``standard-install.yaml``, byte for byte."""
    return resources.files("eks_lbc.gateway_api").joinpath(release.file).read_bytes()


@cache
def _bundle_json(version: str) -> tuple[str, ...]:
    release = next(r for r in _table().values() if r.version == version)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return tuple(json.dumps(d) for d in yaml.load_all(bundle_bytes(release), Loader=loader) if d)


def bundle_documents(release: GatewayApiRelease) -> list[dict[str, Any]]:
    """The bundle's objects (its CRDs and the ``safe-upgrades`` ValidatingAdmissionPolicy and binding); new dicts."""
    return [json.loads(d) for d in _bundle_json(release.version)]


def gateway_gates(known: Mapping[str, bool]) -> dict[str, bool]:
    """The Gateway gates of a controller (its gate list ``known``), all explicitly on."""
    return {gate: True for gate in GATEWAY_GATES if gate in known}


def gateway_classes() -> list[dict[str, Any]]:
    """The GatewayClasses ``alb`` (controller ``gateway.k8s.aws/alb``) and ``nlb`` (``gateway.k8s.aws/nlb``)."""
    return [
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": name},
            "spec": {"controllerName": controller},
        }
        for name, controller in GATEWAY_CLASSES.items()
    ]
