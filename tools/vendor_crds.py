"""Vendor a chart version's CRD files from ``shared/upstream`` into ``eks_lbc/crds/<chart>/``, byte for byte.

The aws-load-balancer-controller chart ships its CustomResourceDefinitions in ``crds/crds.yaml`` and, from
chart 1.17.1 on (``gateway.k8s.aws``), ``crds/gateway-crds.yaml`` (upstream's ``crds/kustomization.yaml``
lists only the first; it is not vendored). eks-lbc installs them as a release of their own
(:class:`eks_lbc.constructs.ControllerCrds`). Each file is copied unchanged and its sha256 recorded in
``eks_lbc/crds/index.json``; ``tests/test_crds.py`` checks both against upstream. Run from the repository root::

    .venv/bin/python tools/vendor_crds.py [path/to/shared/upstream] [chart ...]   # default: every supported chart

A chart without ``crds/crds.yaml`` upstream is an error (nothing is written for it).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "eks_lbc" / "crds"
INDEX = "index.json"
# The chart's CRD files, in the order they are installed; the first is required.
CRD_FILES = ("crds.yaml", "gateway-crds.yaml")
COMMENT = [
    "The CustomResourceDefinitions each supported chart version of aws/eks-charts stable/aws-load-balancer-controller",
    "ships in crds/ (crds.yaml; gateway-crds.yaml from chart 1.17.1), copied byte for byte into <chart>/ by",
    "tools/vendor_crds.py from the eks-charts commit recorded for that chart in policies/supported_versions.json.",
    "sha256 is of the upstream file; tests/test_crds.py checks the copies against it and against upstream.",
]


def upstream_crd_files(upstream: Path, chart: str) -> dict[str, bytes]:
    """The chart's CRD files upstream: name -> bytes. Raises if ``crds/crds.yaml`` is missing."""
    folder = upstream / "chart" / chart / "crds"
    found = {name: (folder / name).read_bytes() for name in CRD_FILES if (folder / name).is_file()}
    if CRD_FILES[0] not in found:
        raise FileNotFoundError(f"chart {chart}: no {folder / CRD_FILES[0]}")
    return found


def read_index(package: Path = PACKAGE) -> dict:
    path = package / INDEX
    return json.loads(path.read_text("utf-8")) if path.is_file() else {"_comment": COMMENT, "charts": {}}


def render_index(index: dict) -> str:
    charts = dict(
        sorted(index["charts"].items(), key=lambda item: tuple(int(p) for p in item[0].split(".")), reverse=True)
    )
    return json.dumps({"_comment": COMMENT, "charts": charts}, indent=2) + "\n"


def vendor(upstream: Path, charts: list[str], package: Path = PACKAGE) -> None:
    """Copy each chart's CRD files and record their sha256 (all charts are read before anything is written)."""
    files = {chart: upstream_crd_files(upstream, chart) for chart in charts}
    index = read_index(package)
    for chart, by_name in files.items():
        folder = package / chart
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.yaml"):
            if stale.name not in by_name:
                stale.unlink()
        for name, data in by_name.items():
            (folder / name).write_bytes(data)
        index["charts"][chart] = {name: hashlib.sha256(data).hexdigest() for name, data in by_name.items()}
    (package / INDEX).write_text(render_index(index), "utf-8")


def main(argv: list[str]) -> int:
    upstream = (
        Path(argv[0]) if argv else Path(os.environ.get("EKS_LBC_UPSTREAM") or REPO.parent / "shared" / "upstream")
    )
    charts = argv[1:]
    if not charts:
        sys.path.insert(0, str(REPO))
        from eks_lbc.versions import supported_charts

        charts = [release.chart for release in supported_charts()]
    vendor(upstream, charts)
    print(f"vendored the CRDs of charts {', '.join(charts)} into {PACKAGE.relative_to(REPO)}/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
