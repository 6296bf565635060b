"""What each supported chart version accepts as values, and the check of user-supplied extra values.

The chart has never shipped a ``values.schema.json``, so Helm silently ignores a misspelt key. The
value keys of each chart version are package data (``data/chart_values/<chart>.json``, derived from the
chart's ``values.yaml`` and templates by ``tools/vendor_upstream_data.py``): a tree whose inner nodes
are the chart's own structure (``image``, ``serviceMonitor``...), checked key by key, and whose
``null`` leaves accept anything (scalars, and maps the chart hands to Kubernetes whole, such as
``podAnnotations``, ``resources`` or ``livenessProbe``).

Keys eks-lbc sets itself (:func:`eks_lbc.options.owned_values`, declared with each option) are refused in
extra values, naming the setting to use.

This module does not import cdktf.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from eks_lbc.errors import InvalidSetting
from eks_lbc.helm_values import shown
from eks_lbc.versions import chart_release


@cache
def _owned_paths() -> dict[tuple[str, ...], tuple[str, str]]:
    """Chart values eks-lbc sets itself: path -> (cdktf.json setting, construct option), from the options' specs."""
    from eks_lbc.options import owned_values  # (eks_lbc.options imports this module's users)

    return {tuple(path.split(".")): owner for path, owner in owned_values().items()}


@dataclass(frozen=True)
class ChartValues:
    """The values one chart version knows: the key tree and the default image."""

    chart: str
    app_version: str
    image_repository: str
    image_tag: str
    keys: Mapping[str, Any]


@cache
def chart_values(chart_version: str) -> ChartValues:
    chart_release(chart_version)  # an unsupported version is an InvalidSetting naming the supported ones
    document = json.loads(
        resources.files("eks_lbc.data").joinpath(f"chart_values/{chart_version}.json").read_text("utf-8")
    )
    return ChartValues(
        chart=document["chart"],
        app_version=document["app_version"],
        image_repository=document["image"]["repository"],
        image_tag=document["image"]["tag"],
        keys=document["keys"],
    )


def check_extra_values(field: str, values: Any, chart_version: str) -> dict[str, Any]:
    """A deep copy of ``values`` after checking every key against the chart and the values eks-lbc sets itself.

    Raises :class:`InvalidSetting` naming the offending key path (``<field>.<path>``).
    """
    if not isinstance(values, Mapping):
        expected = 'an object of chart values, e.g. {"podLabels": {"team": "platform"}}'
        raise InvalidSetting(field, shown(values), expected)
    _check_level(field, (), values, chart_values(chart_version).keys, chart_version)
    return copy.deepcopy(dict(values))


def _check_level(
    field: str, path: tuple[str, ...], given: Mapping[str, Any], known: Mapping[str, Any], chart_version: str
) -> None:
    for key, value in given.items():
        if not isinstance(key, str):
            raise InvalidSetting(field, key, "chart value keys that are strings")
        dotted = ".".join((*path, key))
        where = f"{field}.{dotted}"
        owner = _owned_paths().get((*path, key))
        if owner:
            setting, prop = owner
            raise InvalidSetting(
                where,
                shown(value),
                f"no value here: eks-lbc sets {dotted} itself; use the {setting} setting ({prop}= in the constructs)",
            )
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            parent = f"under {'.'.join(path)!r} " if path else ""
            raise InvalidSetting(
                where,
                shown(value),
                f"a value key {parent}that chart {chart_version} reads (Helm would silently ignore this one){hint}",
            )
        children = known[key]
        if children is None:
            continue
        if not isinstance(value, Mapping):
            raise InvalidSetting(where, shown(value), f"an object with any of the keys {', '.join(sorted(children))}")
        _check_level(field, (*path, key), value, children, chart_version)


def selector_name(extra_values: Mapping[str, Any]) -> str:
    """``app.kubernetes.io/name`` of the controller's pods: the chart's ``aws-load-balancer-controller.name``.

    That template is ``default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-"``.
    """
    name = extra_values.get("nameOverride") or "aws-load-balancer-controller"
    return str(name)[:63].removesuffix("-")
