"""Vendor chart releases from the upstream facts in ``shared/upstream`` (see its SOURCES.md) into the package.

One command adds (or refreshes) a chart release, e.g. 3.6.0, from ``shared/upstream``::

    make vendor VERSION=3.6.0
    .venv/bin/python -m tools.vendor_upstream_data --chart 3.6.0 [path/to/shared/upstream]

It fails loudly (exit 1, one line per problem, nothing written) when anything it needs is missing or
inconsistent: the chart's row in ``chart/versions.tsv``, the chart folder and its files, its Chart.yaml
version and appVersion, the default image tag, and the controller's ``iam_policy.json``. It writes:

- ``eks_lbc/policies/<controller>/iam_policy*.json``: AWS's policy and each partition variant upstream
  publishes for the controller tag (``_cn``, ``_us-gov``), byte for byte;
- the chart's row in ``eks_lbc/policies/supported_versions.json`` (controller, date, eks-charts commit,
  each policy file's sha256), rows ordered newest first (the newest is the default);
- ``eks_lbc/data/charts/<chart>/crds/``: the chart's ``crds/*.yaml`` (not kustomization.yaml), byte for byte;
- ``tests/data/charts/aws-load-balancer-controller/<chart>/``: the whole chart (test data for the
  chart-render tier), and that folder's SOURCES.md table;
- and then re-derives every file below.

Without ``--chart`` it only re-derives, under ``eks_lbc/data/``:

- ``chart_values/<chart>.json`` per supported chart version: the value keys the chart knows (its
  ``values.yaml`` plus every ``.Values.<path>`` its templates read), as a tree that tells which maps
  are the chart's own structure (children checked) and which are free-form (passed to Kubernetes as
  a whole, e.g. ``podAnnotations``, ``resources``, probes);
- ``ecr_registries.json``: the EKS image registry (account and host) per region, from the EKS user
  guide's table of add-on image registries, with upstream's one known typo corrected.

``tests/test_data.py`` re-derives all of it from ``shared/upstream`` and compares, so the vendored files
cannot drift from their source; it also vendors every supported release into an empty tree with this
tool and compares the result with the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "eks_lbc" / "data"
# Where each vendored piece goes, relative to the repository root.
POLICIES = Path("eks_lbc/policies")
TABLE = POLICIES / "supported_versions.json"
CRDS = Path("eks_lbc/data/charts")  # <chart>/crds/<file>.yaml
TEST_CHARTS = Path("tests/data/charts/aws-load-balancer-controller")  # <chart>/...
CHART_NAME = "aws-load-balancer-controller"

# Upstream's file name of each partition variant the project supports (iso*, eusc partitions are not).
PARTITION_FILES = {"aws": "iam_policy.json", "aws-cn": "iam_policy_cn.json", "aws-us-gov": "iam_policy_us-gov.json"}
# What a chart folder must hold to be vendored; README, .helmignore and the other templates are copied when present.
REQUIRED_CHART_FILES = (
    "Chart.yaml",
    "values.yaml",
    "templates/_helpers.tpl",
    "templates/deployment.yaml",
    "crds/crds.yaml",
)
# Upstream CI files, not part of the chart package.
SKIPPED_CHART_FILES = ("ci/", "test.yaml")
TABLE_COMMENT = [
    "Supported chart versions of aws/eks-charts stable/aws-load-balancer-controller, "
    "the controller version each ships (appVersion),",
    "and the IAM policy documents vendored byte-for-byte from kubernetes-sigs/aws-load-balancer-controller "
    "docs/install/iam_policy*.json at that controller tag.",
    "chart_commit is the eks-charts commit that set that chart version; sha256 is of the upstream file at the tag. "
    "Newest chart first; the first entry is the default.",
    "Written by tools/vendor_upstream_data.py --chart <version> (make vendor VERSION=<version>).",
]


class VendorError(Exception):
    """Something the vendoring needs is missing or inconsistent upstream: nothing is written."""


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


def derive(upstream: Path, repo: Path = REPO) -> dict[str, Any]:
    """Every derived file under ``eks_lbc/data``, relative path -> JSON document, for the charts in ``repo``'s table."""
    documents: dict[str, Any] = {"ecr_registries.json": ecr_data(upstream / "ecr_accounts.tsv")}
    for row in read_table(repo)["charts"]:
        documents[f"chart_values/{row['chart']}.json"] = chart_data(
            upstream / "chart" / row["chart"], row["chart_commit"]
        )
    return documents


def render(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        raise VendorError(f"{version!r} is not a chart version (expected digits and dots, e.g. 3.5.0)") from None


def read_table(repo: Path) -> dict[str, Any]:
    path = repo / TABLE
    if not path.is_file():
        return {"_comment": TABLE_COMMENT, "charts": []}
    return json.loads(path.read_text("utf-8"))


def chart_history(upstream: Path) -> dict[str, tuple[str, str, str]]:
    """``chart/versions.tsv``: chart version -> (appVersion, commit date, eks-charts commit)."""
    path = upstream / "chart" / "versions.tsv"
    if not path.is_file():
        raise VendorError(f"{path} is missing (the eks-charts history of the chart)")
    rows = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            chart, app_version, date, commit = line.split("\t")
            rows[chart] = (app_version, date, commit)
    return rows


def chart_files(chart_dir: Path) -> list[Path]:
    """The chart's files to vendor, relative to ``chart_dir``, sorted."""
    return sorted(
        path.relative_to(chart_dir)
        for path in chart_dir.rglob("*")
        if path.is_file()
        and not any(str(path.relative_to(chart_dir)).startswith(skipped) for skipped in SKIPPED_CHART_FILES)
    )


def plan_release(upstream: Path, version: str) -> dict[str, Any]:
    """Everything ``version`` needs from upstream, checked; raises :class:`VendorError` listing every problem."""
    version_key(version)
    history = chart_history(upstream)
    if version not in history:
        newest = ", ".join(sorted(history, key=version_key, reverse=True)[:5])
        raise VendorError(f"chart {version} is not in {upstream / 'chart' / 'versions.tsv'} (newest there: {newest})")
    app_version, date, commit = history[version]
    chart_dir = upstream / "chart" / version
    policy_dir = upstream / "iam_policy" / app_version
    problems = []
    if not chart_dir.is_dir():
        problems.append(f"{chart_dir} is missing (the chart folder at eks-charts commit {commit})")
    else:
        problems += [
            f"{chart_dir / name} is missing" for name in REQUIRED_CHART_FILES if not (chart_dir / name).is_file()
        ]
    if not (policy_dir / PARTITION_FILES["aws"]).is_file():
        problems.append(f"{policy_dir / PARTITION_FILES['aws']} is missing (AWS's policy for controller {app_version})")
    if not problems:
        chart = yaml.safe_load((chart_dir / "Chart.yaml").read_text("utf-8")) or {}
        if (chart.get("name"), str(chart.get("version")), chart.get("appVersion")) != (
            CHART_NAME,
            version,
            app_version,
        ):
            problems.append(
                f"{chart_dir / 'Chart.yaml'} says {chart.get('name')} {chart.get('version')} (appVersion "
                f"{chart.get('appVersion')}); versions.tsv says {CHART_NAME} {version} ({app_version})"
            )
        image = (yaml.safe_load((chart_dir / "values.yaml").read_text("utf-8")) or {}).get("image") or {}
        if image.get("tag") != app_version:
            problems.append(
                f"{chart_dir / 'values.yaml'} image.tag is {image.get('tag')!r}, not the appVersion {app_version}"
            )
    if problems:
        raise VendorError(f"cannot vendor chart {version}:\n  " + "\n  ".join(problems))
    policies = {
        partition: policy_dir / name for partition, name in PARTITION_FILES.items() if (policy_dir / name).is_file()
    }
    return {
        "chart": version,
        "controller": app_version,
        "chart_date": date,
        "chart_commit": commit,
        "chart_dir": chart_dir,
        "policies": policies,
    }


def vendor_release(upstream: Path, version: str, repo: Path = REPO) -> list[Path]:
    """Vendor chart ``version`` from ``upstream`` into ``repo`` (see the module docstring); the paths written."""
    plan = plan_release(upstream, version)  # every check first: a failure writes nothing
    controller, chart_dir = plan["controller"], plan["chart_dir"]
    written: list[Path] = []

    row = {
        "chart": version,
        "controller": controller,
        "chart_date": plan["chart_date"],
        "chart_commit": plan["chart_commit"],
        "policies": {},
    }
    for partition, source in plan["policies"].items():
        relative = f"{controller}/{source.name}"
        target = repo / POLICIES / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
        row["policies"][partition] = {"file": relative, "sha256": hashlib.sha256(source.read_bytes()).hexdigest()}

    crds = repo / CRDS / version / "crds"
    shutil.rmtree(crds, ignore_errors=True)
    crds.mkdir(parents=True)
    for source in sorted((chart_dir / "crds").glob("*.yaml")):
        if source.name != "kustomization.yaml":  # kubectl's view of the folder, not a CRD
            shutil.copyfile(source, crds / source.name)
            written.append(crds / source.name)

    test_chart = repo / TEST_CHARTS / version
    shutil.rmtree(test_chart, ignore_errors=True)
    for relative in chart_files(chart_dir):
        target = test_chart / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(chart_dir / relative, target)
    written.append(test_chart)

    table = read_table(repo)
    charts = [r for r in table["charts"] if r["chart"] != version] + [row]
    table = {"_comment": TABLE_COMMENT, "charts": sorted(charts, key=lambda r: version_key(r["chart"]), reverse=True)}
    (repo / TABLE).parent.mkdir(parents=True, exist_ok=True)
    (repo / TABLE).write_text(render(table), "utf-8")
    written.append(repo / TABLE)
    (repo / TEST_CHARTS / "SOURCES.md").write_text(test_charts_sources(table), "utf-8")
    written.append(repo / TEST_CHARTS / "SOURCES.md")
    return written


def test_charts_sources(table: dict[str, Any]) -> str:
    rows = "\n".join(f"| {r['chart']} | {r['controller']} | {r['chart_commit']} |" for r in table["charts"])
    return f"""# Vendored chart: aws-load-balancer-controller

Unmodified copies of `stable/aws-load-balancer-controller/` (Chart.yaml, values.yaml, templates, crds,
README, .helmignore; not upstream's CI files `ci/` and `test.yaml`) from [aws/eks-charts](https://github.com/aws/eks-charts),
one folder per chart version the project supports, at the eks-charts commit that set that version:

| chart | controller (appVersion) | aws/eks-charts commit |
|---|---|---|
{rows}

Copied from the workplace's `shared/upstream/chart/<version>/` (see its SOURCES.md) by
`tools/vendor_upstream_data.py --chart <version>` (`make vendor VERSION=<version>`), which also writes this file.
They are test data only: `tests/integration/test_release_renders.py` renders them with Helm's engine using the values
the synthesized `helm_release` carries, so a clean clone can run that tier without network or `shared/`. The same
commits are recorded in `eks_lbc/policies/supported_versions.json` (`chart_commit`); `tests/test_data.py` checks that
every supported chart version is here, that each folder's Chart.yaml names that version and controller, and, when
`shared/upstream` is present, that the copies still equal it byte for byte.
"""


def write_derived(upstream: Path, repo: Path = REPO) -> list[Path]:
    written = []
    for relative, document in derive(upstream, repo).items():
        target = repo / "eks_lbc" / "data" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(document), "utf-8")
        written.append(target)
    return written


def default_upstream() -> Path:
    if os.environ.get("EKS_LBC_UPSTREAM"):
        return Path(os.environ["EKS_LBC_UPSTREAM"])
    for parent in REPO.parents:
        if (parent / "shared" / "upstream").is_dir():
            return parent / "shared" / "upstream"
    raise VendorError("no shared/upstream beside the checkout: pass its path or set EKS_LBC_UPSTREAM")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.vendor_upstream_data",
        description="Vendor a chart release from shared/upstream into the package (--chart), then re-derive "
        "eks_lbc/data; without --chart only re-derive.",
    )
    parser.add_argument(
        "upstream", nargs="?", type=Path, help="shared/upstream (default: $EKS_LBC_UPSTREAM or beside the checkout)"
    )
    parser.add_argument(
        "--chart",
        action="append",
        default=[],
        metavar="VERSION",
        help="chart version to vendor, e.g. 3.6.0 (repeatable)",
    )
    args = parser.parse_args(argv)
    try:
        upstream = args.upstream or default_upstream()
        if not upstream.is_dir():
            raise VendorError(f"{upstream} is not a directory")
        for version in args.chart:
            plan_release(upstream, version)  # check every requested release before writing any
        written = [path for version in args.chart for path in vendor_release(upstream, version)]
        written += write_derived(upstream)
    except VendorError as error:
        print(f"vendor_upstream_data: error: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
