"""The controller's optional capabilities: feature gates, feature-tied IAM policies, the policy mode.

No cdktf import: the settings edge and the constructs both use this module.

* **Feature gates** (``controllerConfig.featureGates`` of the chart, rendered into ``--feature-gates``):
  the gate names and defaults of every controller tag are package data (``data/feature_gates.json``,
  derived from upstream's ``pkg/config/feature_gates.go``). The controller exits at start-up on a gate
  it does not know (``unknown feature: <name>``, exit 2, a crash loop), so a gate is checked against
  the pinned controller's list before anything is written, with a suggestion for a misspelt one.
* **Features eks-lbc switches itself** (:data:`CERTIFICATE_MANAGEMENT`, :data:`GLOBAL_ACCELERATOR`,
  the ``target-group-binding-only`` policy mode) set gates of their own; those gates are refused in
  user-given gates (``featureGates`` and ``helmValues.controllerConfig.featureGates``), naming the setting.
* **Optional policies** (``policies/feature_policies.json``): AWS's ``iam_policy_acm_certs.json`` and
  ``aga_controller_iam_policy.json`` per controller tag, and the TargetGroupBinding-only policy.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from eks_lbc.errors import InvalidSetting
from eks_lbc.gateway_api import GATEWAY_GATES
from eks_lbc.partitions import AWS
from eks_lbc.versions import chart_release

CERTIFICATE_MANAGEMENT = "certificate-management"
GLOBAL_ACCELERATOR = "global-accelerator"
FEATURES = (CERTIFICATE_MANAGEMENT, GLOBAL_ACCELERATOR)

POLICY_FULL = "full"
POLICY_TARGET_GROUP_BINDING_ONLY = "target-group-binding-only"
POLICY_MODES = (POLICY_FULL, POLICY_TARGET_GROUP_BINDING_ONLY)


@dataclass(frozen=True)
class Feature:
    """One optional capability: the gate that turns it on, and where a user asks for it."""

    name: str
    gate: str  # the gate that turns it on
    option: str  # the option (construct keyword) that asks for it
    title: str
    needs: tuple[str, ...] = ()  # further gates it needs on

    @property
    def setting(self) -> str:
        """The option's ``cdktf.json`` key (declared with the option)."""
        return setting_of(self.option)[0]

    @property
    def gates(self) -> dict[str, bool]:
        """Every gate the feature sets (all to true)."""
        return dict.fromkeys((self.gate, *self.needs), True)


FEATURE_TABLE: Mapping[str, Feature] = MappingProxyType(
    {
        # The controller's ACM certificate management (Ingress annotation create-acm-cert; v3.3.0+).
        CERTIFICATE_MANAGEMENT: Feature(
            CERTIFICATE_MANAGEMENT,
            "EnableCertificateManagement",
            "certificate_management",
            "ACM certificate management",
        ),
        # The GlobalAccelerator CRD's controller (aga.k8s.aws; v2.17.0+). The controller itself turns it off
        # outside the commercial partition (pkg/aga/utils.go IsGlobalAcceleratorControllerEnabled: cn-, us-gov-,
        # us-iso, eu-isoe-), and AWS's aga_controller_iam_policy.json names arn:aws: only. Its installation
        # guide (docs/guide/globalaccelerator/installation.md) requires EnableRGTAPI too: the Resource Groups
        # Tagging API, whose tag:GetResources that policy grants.
        GLOBAL_ACCELERATOR: Feature(
            GLOBAL_ACCELERATOR,
            "GlobalAcceleratorController",
            "global_accelerator",
            "Global Accelerator controller",
            needs=("EnableRGTAPI",),
        ),
    }
)

# The target-group-binding-only mode turns off what its policy does not allow (see gates_for).
_TGB_ONLY_GATES = {"EnableServiceController": False, "ALBGatewayAPI": False, "NLBGatewayAPI": False}
# ... and keeps Ingresses away from the controller: no IngressClass "alb", no kubernetes.io/ingress.class "alb".
TGB_ONLY_VALUES: Mapping[str, Any] = MappingProxyType(
    {"createIngressClassResource": False, "disableIngressClassAnnotation": True}
)


def setting_of(option: str) -> tuple[str, str]:
    """(``cdktf.json`` key, construct keyword) of a controller option, as declared in :mod:`eks_lbc.options`."""
    from eks_lbc.options import ControllerOptions, spec_named  # (eks_lbc.options imports this module)

    return spec_named(ControllerOptions, option).key, option


# --- data -----------------------------------------------------------------------------------------------


@cache
def _gate_table() -> Mapping[str, Mapping[str, bool]]:
    raw = json.loads(resources.files("eks_lbc.data").joinpath("feature_gates.json").read_text("utf-8"))
    return MappingProxyType({tag: MappingProxyType(gates) for tag, gates in raw["controllers"].items()})


def controller_gates(controller: str) -> Mapping[str, bool]:
    """Gate name -> default of controller release ``controller`` (a tag, e.g. ``v3.5.0``)."""
    try:
        return _gate_table()[controller]
    except KeyError:
        raise InvalidSetting(
            "controller",
            controller,
            f"a controller release with a vendored gate list: one of {', '.join(_gate_table())}",
        ) from None


@cache
def _policy_table() -> Mapping[str, Any]:
    return json.loads(resources.files("eks_lbc.policies").joinpath("feature_policies.json").read_text("utf-8"))


def feature_policy_file(controller: str, feature: str) -> str | None:
    """The vendored policy file (relative to ``eks_lbc/policies``) of ``feature`` for ``controller``, or None."""
    entry = _policy_table()["controllers"].get(controller, {}).get(feature)
    return entry["file"] if entry else None


def feature_policy_sha256(controller: str, feature: str) -> str:
    return _policy_table()["controllers"][controller][feature]["sha256"]


@cache
def feature_policy_json(controller: str, feature: str) -> str:
    """The feature's policy for ``controller``, serialized compactly as embedded in ``aws_iam_policy``."""
    relative = feature_policy_file(controller, feature)
    if relative is None:
        raise InvalidSetting(
            FEATURE_TABLE[feature].option, True, f"a controller that publishes it; {controller} does not"
        )
    text = resources.files("eks_lbc.policies").joinpath(relative).read_text("utf-8")
    return json.dumps(json.loads(text), separators=(",", ":"))


def target_group_binding_only_entry() -> Mapping[str, str]:
    """``file``, ``source`` and ``sha256`` of the vendored TargetGroupBinding-only policy."""
    return MappingProxyType(_policy_table()["target_group_binding_only"])


@cache
def target_group_binding_only_json() -> str:
    """AWS's TargetGroupBinding-only policy (installation guide), compact, as embedded in ``aws_iam_policy``."""
    text = resources.files("eks_lbc.policies").joinpath(target_group_binding_only_entry()["file"]).read_text("utf-8")
    return json.dumps(json.loads(text), separators=(",", ":"))


# --- checks ---------------------------------------------------------------------------------------------


def supports(controller: str, feature: str) -> bool:
    """True when ``controller`` has the feature's gate and AWS publishes its policy for that release."""
    return (
        FEATURE_TABLE[feature].gate in controller_gates(controller)
        and feature_policy_file(controller, feature) is not None
    )


def check_feature(field: str, chart_version: str, feature: str, partition: str | None) -> None:
    """Refuse ``feature`` where the chart's controller lacks it, or (when known) the partition cannot use it."""
    release = chart_release(chart_version)
    spec = FEATURE_TABLE[feature]
    if not supports(release.controller, feature):
        from eks_lbc.versions import supported_charts

        usable = [
            r.chart for r in supported_charts() if r.controller in _gate_table() and supports(r.controller, feature)
        ]
        raise InvalidSetting(
            field,
            True,
            f"false with chart {chart_version}: its controller {release.controller} has no {spec.title} "
            f"(gate {spec.gate} and AWS's policy for it); charts that have it: {', '.join(usable) or 'none'}",
        )
    if feature == GLOBAL_ACCELERATOR and partition is not None and partition != AWS:
        raise InvalidSetting(
            field,
            True,
            f"false in partition {partition}: AWS Global Accelerator exists only in the commercial partition "
            "(aws), and the controller turns it off elsewhere",
        )


def owned_gates(policy: str, features: tuple[str, ...] = (), gateway_api: bool = False) -> dict[str, tuple[str, str]]:
    """Gates eks-lbc sets itself, with the (setting, construct option) to use instead of setting them directly.

    A feature's own gate is owned always (its setting turns it on); a gate it needs (EnableRGTAPI for Global
    Accelerator) only while the feature is on; the policy mode's only in that mode; the Gateway gates only
    with ``gateway_api`` (which sets them all on; without it they keep the controller's auto-detection).
    """
    owned = {f.gate: setting_of(f.option) for f in FEATURE_TABLE.values()}
    for feature in features:
        spec = FEATURE_TABLE[feature]
        owned.update(dict.fromkeys(spec.needs, setting_of(spec.option)))
    if policy == POLICY_TARGET_GROUP_BINDING_ONLY:
        owned.update(dict.fromkeys(_TGB_ONLY_GATES, setting_of("policy")))
    if gateway_api:
        owned.update(dict.fromkeys(GATEWAY_GATES, setting_of("gateway_api")))
    return owned


def gates_for(controller: str, *, features: tuple[str, ...] = (), policy: str = POLICY_FULL) -> dict[str, bool]:
    """The gates eks-lbc sets for ``features`` and ``policy`` on ``controller`` (only gates it knows)."""
    known = controller_gates(controller)
    gates: dict[str, bool] = {gate: on for f in features for gate, on in FEATURE_TABLE[f].gates.items()}
    if policy == POLICY_TARGET_GROUP_BINDING_ONLY:
        gates.update({gate: value for gate, value in _TGB_ONLY_GATES.items() if gate in known})
    return {gate: value for gate, value in gates.items() if gate in known}


def check_gates(
    field: str, gates: Any, chart_version: str, owned: Mapping[str, tuple[str, str]] | None = None
) -> dict[str, bool]:
    """``gates`` (name -> bool) checked against the chart's controller, refusing ``owned`` ones; a plain dict."""
    if not isinstance(gates, Mapping):
        raise InvalidSetting(field, gates, 'an object of feature gate names to true/false, e.g. {"EnableRGTAPI": true}')
    controller = chart_release(chart_version).controller
    known = controller_gates(controller)
    for name, value in gates.items():
        where = f"{field}.{name}"
        if not isinstance(name, str) or name not in known:
            close = _suggestions(str(name), known)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise InvalidSetting(
                where,
                value,
                f"a feature gate of controller {controller} (chart {chart_version}; it exits at start-up on an "
                f"unknown gate){hint}",
            )
        if owned and name in owned:
            setting, option = owned[name]
            raise InvalidSetting(
                where,
                value,
                f"no gate here: eks-lbc sets {name} itself; use the {setting} setting ({option}= in the constructs)",
            )
        if not isinstance(value, bool):
            raise InvalidSetting(where, value, "true or false")
    return dict(gates)


def _suggestions(name: str, known: Mapping[str, bool]) -> list[str]:
    """Gates ``name`` may have meant: one differing only in case, else the closest (case-insensitive)."""
    lowered = {gate.lower(): gate for gate in known}
    if name.lower() in lowered:
        return [lowered[name.lower()]]
    return [lowered[c] for c in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.6)]


def helm_value_gates(values: Mapping[str, Any]) -> Any:
    """``controllerConfig.featureGates`` of chart values, or None."""
    config = values.get("controllerConfig")
    return config.get("featureGates") if isinstance(config, Mapping) else None


def check_helm_values(
    field: str,
    values: Mapping[str, Any],
    chart_version: str,
    policy: str = POLICY_FULL,
    features: tuple[str, ...] = (),
    gateway_api: bool = False,
) -> None:
    """The feature parts of (already key-checked) chart values: the gates, and what the policy mode sets."""
    gates = helm_value_gates(values)
    if gates is not None:
        owned = owned_gates(policy, features, gateway_api)
        check_gates(f"{field}.controllerConfig.featureGates", gates, chart_version, owned)
    if policy == POLICY_TARGET_GROUP_BINDING_ONLY:
        for key in TGB_ONLY_VALUES:
            if key in values:
                setting, option = setting_of("policy")
                raise InvalidSetting(
                    f"{field}.{key}",
                    values[key],
                    f"no value here: eks-lbc sets {key} itself with policy {policy}; use the {setting} setting "
                    f"({option}= in the constructs)",
                )


def merge_gates(
    field: str,
    helm_gates: Mapping[str, bool] | None,
    gates: Mapping[str, bool],
    helm_field: str = "helmValues.controllerConfig.featureGates",
) -> dict[str, bool]:
    """User gates from ``featureGates`` and from chart values, refusing one gate given in both places."""
    for name in gates:
        if helm_gates and name in helm_gates:
            raise InvalidSetting(f"{field}.{name}", gates[name], f"a gate set in one place: it is also in {helm_field}")
    return {**(helm_gates or {}), **gates}


def check_policy_mode(
    field: str,
    policy: str,
    *,
    features: tuple[str, ...] = (),
    enable_service_mutator_webhook: bool = False,
    feature_fields: Mapping[str, str] | None = None,
    webhook_field: str = "enable_service_mutator_webhook",
    gateway_api: bool = False,
    gateway_api_field: str = "gateway_api",
) -> None:
    """``policy`` is a mode, and the TargetGroupBinding-only one is not combined with what it cannot do."""
    if policy not in POLICY_MODES:
        raise InvalidSetting(field, policy, f"one of {', '.join(POLICY_MODES)}")
    if policy != POLICY_TARGET_GROUP_BINDING_ONLY:
        return
    for feature in features:
        spec = FEATURE_TABLE[feature]
        raise InvalidSetting(
            (feature_fields or {}).get(feature, spec.option),
            True,
            f"false with policy {policy}: that policy has no permissions for the {spec.title}",
        )
    if gateway_api:
        raise InvalidSetting(
            gateway_api_field, True, f"false with policy {policy}: that policy has no permissions for Gateways"
        )
    if enable_service_mutator_webhook:
        raise InvalidSetting(
            webhook_field,
            True,
            f"false with policy {policy}: the Service controller is off, so Services the webhook hands to it "
            "would never get a load balancer",
        )
