"""eks_lbc/preflight/kubernetes_versions.json is what upstream publishes, re-derived here."""

import re

import pytest
import yaml

from eks_lbc.preflight.checks.cluster import kubernetes_versions
from eks_lbc.versions import supported_charts
from tests.test_policies import upstream_dir

pytestmark = pytest.mark.runtime("cdktf")

# installation.md, "Supported Kubernetes versions": "* AWS Load Balancer Controller v2.5.0+ requires Kubernetes 1.22+"
# and "v2.0.0~v2.1.3 requires Kubernetes 1.15-1.21".
_OPEN = re.compile(r"^\* AWS Load Balancer Controller v(\d+\.\d+\.\d+)\+ requires Kubernetes (\d+\.\d+)\+$")
_CLOSED = re.compile(
    r"^\* AWS Load Balancer Controller v(\d+\.\d+\.\d+)~v(\d+\.\d+\.\d+) requires Kubernetes (\d+\.\d+)-(\d+\.\d+)$"
)


def _v(text):
    return tuple(int(p) for p in text.lstrip("v").split("."))


def derive(upstream):
    rows = []
    for line in (upstream / "docs" / "v3.5.0" / "installation.md").read_text().splitlines():
        if m := _OPEN.match(line.strip()):
            rows.append((_v(m[1]), None, m[2], None))
        elif m := _CLOSED.match(line.strip()):
            rows.append((_v(m[1]), _v(m[2]), m[3], m[4]))
    assert rows, "installation.md no longer has its 'Supported Kubernetes versions' list"
    derived = {}
    for release in supported_charts():
        chart_yaml = yaml.safe_load((upstream / "chart" / release.chart / "Chart.yaml").read_text())
        assert "kubeVersion" not in chart_yaml, f"chart {release.chart} now declares kubeVersion: derive from it"
        controller = _v(release.controller)
        # The most specific row that covers the controller: the highest lower bound not above it.
        applicable = [r for r in rows if r[0] <= controller and (r[1] is None or controller <= r[1])]
        _, _, minimum, maximum = max(applicable, key=lambda r: r[0])
        derived[release.chart] = {"controller": release.controller, "minimum": minimum, "maximum": maximum}
    return derived


def test_the_table_is_derived_from_upstream(require_tool):
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    assert kubernetes_versions() == derive(upstream)


def test_every_supported_chart_has_a_row():
    assert set(kubernetes_versions()) == {r.chart for r in supported_charts()}
