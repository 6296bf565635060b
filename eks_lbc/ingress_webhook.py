"""The chart's Ingress validating webhook (``vingress.elbv2.k8s.aws``): what each chart lets us choose.

Every supported chart registers it for *all* Ingresses of the cluster (no selector by default), and with
failure policy ``Fail`` the API server refuses to create or update any Ingress, nginx- or traefik-class
ones included, while no controller pod is ready (first install, a drain, a failed upgrade). What can be
changed depends on the chart's values, so the choice is keyed on the chart version's value keys
(``data/chart_values/<chart>.json``), not on a list of versions:

- ``webhookConfig.ingressValdationFailurePolicy`` (upstream's spelling; charts 3.2.0 and later):
  ``ignore`` (the default where available) keeps the validation while the controller runs and lets
  Ingresses through while it does not; ``fail`` is the chart's own behaviour;
- ``webhookConfig.disableIngressValidation`` (charts 1.17.1 and later): ``off`` removes the webhook;
- neither (chart 1.5.3): only ``fail``.

Where ``ignore`` is not available the default stays the chart's ``fail``: turning validation off is a
choice for the user (``off``), not a default. This module does not import cdktf.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_lbc.chart_values import chart_values
from eks_lbc.errors import InvalidSetting
from eks_lbc.versions import supported_charts

IGNORE, FAIL, OFF = "ignore", "fail", "off"
CHOICES = (IGNORE, FAIL, OFF)
FAILURE_POLICY_PATH = ("webhookConfig", "ingressValdationFailurePolicy")
DISABLE_PATH = ("webhookConfig", "disableIngressValidation")


def _has(keys: Mapping[str, Any], path: tuple[str, ...]) -> bool:
    node: Any = keys
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def available(chart_version: str) -> tuple[str, ...]:
    """The choices ``chart_version``'s values allow, safest first."""
    keys = chart_values(chart_version).keys
    choices = [FAIL]
    if _has(keys, FAILURE_POLICY_PATH):
        choices.insert(0, IGNORE)
    if _has(keys, DISABLE_PATH):
        choices.append(OFF)
    return tuple(choices)


def default(chart_version: str) -> str:
    """``ignore`` where the chart allows it, else the chart's own ``fail``."""
    return IGNORE if IGNORE in available(chart_version) else FAIL


def check(field: str, choice: str, chart_version: str) -> str:
    """``choice`` if ``chart_version`` allows it; else an error naming the charts that do."""
    if choice not in CHOICES:
        raise InvalidSetting(
            field,
            choice,
            "one of 'ignore' (Ingresses pass while no controller pod is ready), 'fail' (they are refused "
            "then) or 'off' (no Ingress validation webhook)",
        )
    allowed = available(chart_version)
    if choice not in allowed:
        charts = [r.chart for r in supported_charts() if choice in available(r.chart)]
        raise InvalidSetting(
            field,
            choice,
            f"one of {', '.join(repr(c) for c in allowed)} with chart {chart_version} "
            f"({choice!r} needs chart {' or '.join(charts)})",
        )
    return choice


def values(choice: str, chart_version: str) -> dict[str, Any]:
    """The chart values for ``choice`` (checked): explicit where the chart has the key."""
    check("ingress_validation_webhook", choice, chart_version)
    if choice == OFF:
        return {"webhookConfig": {"disableIngressValidation": True}}
    if IGNORE in available(chart_version):
        return {"webhookConfig": {"ingressValdationFailurePolicy": "Ignore" if choice == IGNORE else "Fail"}}
    return {}
