"""Render the chart a synthesized ``helm_release`` installs, with that release's values, through Helm's engine.

Offline: helm-python-sdk embeds Helm's Go SDK (no ``helm`` binary, no cluster; ``lookup``
returns nothing). The charts are the vendored test data under ``tests/data/charts/`` (aws/eks-charts
at the commit recorded in ``eks_lbc/policies/supported_versions.json``).

The values are composed as the helm provider does, with Helm's own parsers (not PyYAML, whose YAML
reading differs from Helm's): each ``values`` document in order (Helm's values reader, deep-merged),
then each ``set`` and ``set_sensitive`` entry (Helm's ``--set``/``--set-string`` parser, applied into
the merged values, so an index sets one item of an existing list). A ``set`` value that is a Terraform
expression (``${...}``) is known only at apply time; :data:`APPLY_TIME` stands in for it, so the
rendered objects show where it lands.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from eks_lbc.constructs.controller_release import merge_values

APPLY_TIME = "known-at-apply"
# LibYAML's safe loader when PyYAML has it: the rendered objects parse 10x faster (~0.05 s per render saved).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def helm_sdk_available() -> bool:
    try:
        import helm_python  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def release_values(release: Mapping[str, Any]) -> dict[str, Any]:
    """The values Helm would install ``release`` (a synthesized helm_release body) with."""
    import helm_python as helm

    values: dict[str, Any] = {}
    for document in release.get("values", []):
        values = merge_values(values, helm.values_from_yaml(document) or {})
    for entry in [*release.get("set", []), *release.get("set_sensitive", [])]:
        value = APPLY_TIME if "${" in entry["value"] else entry["value"]
        parse = helm.parse_set_string_values if entry.get("type") == "string" else helm.parse_set_string
        values = _set_into(values, parse(f"{entry['name']}={value}"))
    return values


def _set_into(base: Any, parsed: Any) -> Any:
    """strvals' ParseInto: maps merge, a list's items merge by index (unset indexes keep the base's item)."""
    if isinstance(base, dict) and isinstance(parsed, dict):
        merged = dict(base)
        for key, value in parsed.items():
            merged[key] = _set_into(base.get(key), value)
        return merged
    if isinstance(base, list) and isinstance(parsed, list):
        merged = list(base) + [None] * max(0, len(parsed) - len(base))
        for index, value in enumerate(parsed):
            if value is not None:
                merged[index] = _set_into(merged[index], value)
        return merged
    return parsed


def render_release(release: Mapping[str, Any], chart_dir: Path) -> list[dict[str, Any]]:
    """Every Kubernetes object the chart renders for ``release``, parsed."""
    import helm_python as helm

    chart = helm.Chart.load(str(chart_dir))
    assert chart.version == release["version"], (chart.version, release["version"])
    rendered = chart.render(release_values(release), name=release["name"], namespace=release["namespace"])
    # The values are read with Helm's own parsers (above); the rendered manifests with LibYAML (fast): the
    # chart quotes the user strings it renders (toYaml, quote), which any YAML reader keeps as strings.
    return [
        document
        for path, text in sorted(rendered.items())
        if path.endswith((".yaml", ".yml"))
        for document in yaml.load_all(text, Loader=_LOADER)
        if document
    ]


def one(objects: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = [o for o in objects if o["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, rendered {len(found)}"
    return found[0]
