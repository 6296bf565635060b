"""Derive eks_lbc's package data from the upstream facts in ``shared/upstream`` (see its SOURCES.md).

Writes, under ``eks_lbc/data/``:

- ``chart_values/<chart>.json`` per supported chart version: the value keys the chart knows (its
  ``values.yaml`` plus every ``.Values.<path>`` its templates read), as a tree that tells which maps
  are the chart's own structure (children checked) and which are free-form (passed to Kubernetes as
  a whole, e.g. ``podAnnotations``, ``resources``, probes);
- ``ecr_registries.json``: the EKS image registry (account and host) per region, from the EKS user
  guide's table of add-on image registries, with upstream's one known typo corrected;
- ``feature_gates.json``: the controller's feature gates (name -> default) per controller tag, from
  ``chart/feature_gates.tsv`` (the controller's ``pkg/config/feature_gates.go`` at each tag), every tag listed.

``tests/test_data.py`` re-derives them all from ``shared/upstream`` and compares, so the vendored files
cannot drift from their source. Run from the repository root::

    .venv/bin/python tools/vendor_upstream_data.py [path/to/shared/upstream]
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "eks_lbc" / "data"

# `.Values.a.b` and `$.Values.a.b` in Go templates. The match is greedy, so the path it ends on is
# read *as a whole* at that point (rendered with toYaml, ranged over, tested with `if`/`with`).
_VALUES_REF = re.compile(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")

# EKS user guide (add-ons-images.adoc): the ap-east-2 row names an ap-east-1 host. Every other row's
# host is <account>.dkr.ecr.<region>.<partition DNS suffix>; tests/test_data.py checks both facts.
ECR_TYPOS = {
    "ap-east-2": ("533267051163.dkr.ecr.ap-east-1.amazonaws.com", "533267051163.dkr.ecr.ap-east-2.amazonaws.com"),
}


def chart_value_keys(chart_dir: Path) -> dict[str, Any]:
    """The value-key tree of one chart version: ``{key: None | {child: ...}}``.

    A key maps to ``None`` when any value under it is acceptable (a leaf, or a map some template
    reads as a whole) and to a dict of its known children when the templates only ever read named
    children of it (the chart's own structure, e.g. ``image``, ``serviceMonitor``).
    """
    defaults = yaml.safe_load((chart_dir / "values.yaml").read_text("utf-8")) or {}
    read_whole: set[tuple[str, ...]] = set()
    for template in sorted((chart_dir / "templates").iterdir()):
        for match in _VALUES_REF.finditer(template.read_text("utf-8")):
            read_whole.add(tuple(match.group(1).split(".")[1:]))
    referenced = {path[:i] for path in read_whole for i in range(1, len(path) + 1)}

    def node(path: tuple[str, ...], default: Any) -> dict[str, Any] | None:
        if path and path in read_whole:
            return None
        children = set(default) if isinstance(default, dict) else set()
        children |= {p[len(path)] for p in referenced if len(p) > len(path) and p[: len(path)] == path}
        if path and not children:
            return None
        return {
            child: node((*path, child), default.get(child) if isinstance(default, dict) else None)
            for child in sorted(children)
        }

    tree = node((), defaults)
    assert tree is not None
    return tree


def chart_data(chart_dir: Path, commit: str) -> dict[str, Any]:
    chart = yaml.safe_load((chart_dir / "Chart.yaml").read_text("utf-8"))
    defaults = yaml.safe_load((chart_dir / "values.yaml").read_text("utf-8"))
    return {
        "_comment": [
            f"Derived by tools/vendor_upstream_data.py from aws/eks-charts stable/aws-load-balancer-controller "
            f"(values.yaml and templates/) at commit {commit}, chart {chart['version']}.",
            "keys: every value key the chart knows; null = anything goes below it (a leaf, or a map a template "
            "reads as a whole), an object = only these children are read by the templates.",
        ],
        "chart": chart["version"],
        "app_version": chart["appVersion"],
        "image": {"repository": defaults["image"]["repository"], "tag": defaults["image"]["tag"]},
        "keys": chart_value_keys(chart_dir),
    }


def ecr_data(tsv: Path) -> dict[str, Any]:
    header = [
        line[2:] for line in tsv.read_text("utf-8").splitlines() if line.startswith(("# source:", "# published as"))
    ]
    rows = [line.split("\t") for line in tsv.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    assert rows[0] == ["region", "account", "registry"], rows[0]
    regions = {}
    for region, account, registry in rows[1:]:
        if region in ECR_TYPOS:
            wrong, right = ECR_TYPOS[region]
            assert registry == wrong, f"{region}: upstream now says {registry}; update ECR_TYPOS"
            registry = right
        regions[region] = {"account": account, "registry": registry}
    return {
        "_comment": [
            "EKS image registries (account, host) per region; derived by tools/vendor_upstream_data.py "
            "from the EKS user guide:",
            *header,
            "Corrected here: " + ", ".join(f"{r}: {w} -> {c}" for r, (w, c) in ECR_TYPOS.items()) + ".",
            "The controller's image there is <registry>/amazon/aws-load-balancer-controller:<tag>.",
        ],
        "regions": dict(sorted(regions.items())),
    }


def feature_gate_data(tsv: Path) -> dict[str, Any]:
    """Gate name -> default per controller tag, in the TSV's order (tags as listed, gates as declared)."""
    lines = tsv.read_text("utf-8").splitlines()
    assert lines[0].split("\t") == ["controller_tag", "gate", "default", "source"], lines[0]
    controllers: dict[str, dict[str, bool]] = {}
    for line in lines[1:]:
        if not line:
            continue
        tag, gate, default, _source = line.split("\t")
        assert default in ("true", "false"), line
        controllers.setdefault(tag, {})[gate] = default == "true"
    return {
        "_comment": [
            "The AWS Load Balancer Controller's feature gates and their defaults per controller tag; derived by "
            "tools/vendor_upstream_data.py from shared/upstream chart/feature_gates.tsv, itself read from "
            "kubernetes-sigs/aws-load-balancer-controller pkg/config/feature_gates.go (the Feature constants' strings "
            "joined with NewFeatureGates()) at each tag.",
            "The controller exits at start-up (pflag, exit 2: 'unknown feature: <name>') on any gate not listed for "
            "its tag, so eks-lbc refuses those before anything is written.",
        ],
        "controllers": controllers,
    }


def derive(upstream: Path) -> dict[str, Any]:
    """Every vendored file, relative path -> JSON document."""
    from eks_lbc.versions import supported_charts

    documents: dict[str, Any] = {
        "ecr_registries.json": ecr_data(upstream / "ecr_accounts.tsv"),
        "feature_gates.json": feature_gate_data(upstream / "chart" / "feature_gates.tsv"),
    }
    for release in supported_charts():
        documents[f"chart_values/{release.chart}.json"] = chart_data(
            upstream / "chart" / release.chart, release.chart_commit
        )
    return documents


def render(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        upstream = Path(argv[1])
    elif os.environ.get("EKS_LBC_UPSTREAM"):
        upstream = Path(os.environ["EKS_LBC_UPSTREAM"])
    else:
        upstream = next(p / "shared" / "upstream" for p in REPO.parents if (p / "shared" / "upstream").is_dir())
    for relative, document in derive(upstream).items():
        target = DATA / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(document), "utf-8")
        print(f"wrote {target.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main(sys.argv))
