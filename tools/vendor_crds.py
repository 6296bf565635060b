"""Vendor a chart version's CRD files from ``shared/upstream`` into ``eks_lbc/data/charts/<chart>/crds/``, unchanged.

The aws-load-balancer-controller chart ships its CustomResourceDefinitions in ``crds/crds.yaml`` and, from
chart 1.17.1 on (``gateway.k8s.aws``), ``crds/gateway-crds.yaml`` (upstream's ``crds/kustomization.yaml``
lists only the first; it is not vendored). eks-lbc installs them as a release of their own
(:class:`eks_lbc.constructs.ControllerCrds`); ``tests/test_crds.py`` checks the copies against upstream.
Run from the repository root::

    .venv/bin/python tools/vendor_crds.py [path/to/shared/upstream] [chart ...]   # default: every supported chart

A chart without ``crds/crds.yaml`` upstream is an error (nothing is written then).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "eks_lbc" / "data" / "charts"  # <chart>/crds/<file>
# The chart's CRD files, in the order they are installed; the first is required (eks_lbc.crds.CRD_FILES).
CRD_FILES = ("crds.yaml", "gateway-crds.yaml")


def upstream_crd_files(upstream: Path, chart: str) -> dict[str, bytes]:
    """The chart's CRD files upstream: name -> bytes. Raises if ``crds/crds.yaml`` is missing."""
    folder = upstream / "chart" / chart / "crds"
    found = {name: (folder / name).read_bytes() for name in CRD_FILES if (folder / name).is_file()}
    if CRD_FILES[0] not in found:
        raise FileNotFoundError(f"chart {chart}: no {folder / CRD_FILES[0]}")
    return found


def vendor(upstream: Path, charts: list[str], package: Path = PACKAGE) -> None:
    """Copy each chart's CRD files (all charts are read before anything is written)."""
    files = {chart: upstream_crd_files(upstream, chart) for chart in charts}
    for chart, by_name in files.items():
        folder = package / chart / "crds"
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.yaml"):
            if stale.name not in by_name:
                stale.unlink()
        for name, data in by_name.items():
            (folder / name).write_bytes(data)


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
