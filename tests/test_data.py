"""The package data under eks_lbc/data is what tools/vendor_upstream_data.py derives from upstream."""

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest
import yaml

from eks_lbc import ingress_webhook
from eks_lbc.chart_values import chart_values
from eks_lbc.images import regional_registries
from eks_lbc.options import owned_values
from eks_lbc.versions import supported_charts
from tests.support import REPO
from tests.test_policies import upstream_dir
from tools import vendor_upstream_data as vendor
from tools.vendor_upstream_data import ECR_TYPOS, derive, render

# Runtime-independent (no cdktf or cdktn import): once per `make test`, in the cdktf pass.
pytestmark = pytest.mark.runtime("cdktf")

DNS_SUFFIX = {"cn": "amazonaws.com.cn", "eusc": "amazonaws.eu"}


def vendored(relative: str) -> str:
    return resources.files("eks_lbc.data").joinpath(relative).read_text("utf-8")


def test_vendored_data_is_derived_from_upstream_unchanged(require_tool):
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    derived = derive(upstream)
    assert set(derived) == {
        "ecr_registries.json",
        "feature_gates.json",
        *(f"chart_values/{r.chart}.json" for r in supported_charts()),
    }
    for relative, document in derived.items():
        assert vendored(relative) == render(document), f"{relative} drifted: run tools/vendor_upstream_data.py"


def test_every_registry_is_its_regions_account_host():
    rows = json.loads(vendored("ecr_registries.json"))["regions"]
    for region, row in rows.items():
        suffix = DNS_SUFFIX.get(region.split("-")[0], "amazonaws.com")
        assert row["registry"] == f"{row['account']}.dkr.ecr.{region}.{suffix}", region
    assert dict(regional_registries()) == {region: row["registry"] for region, row in rows.items()}


def test_the_upstream_typo_is_corrected():
    (region,) = ECR_TYPOS
    wrong, right = ECR_TYPOS[region]
    assert regional_registries()[region] == right != wrong


@pytest.mark.parametrize("chart", [r.chart for r in supported_charts()])
def test_every_key_eks_lbc_sets_exists_in_every_supported_chart(chart):
    # Item by item: the HA keys, the webhook switch and the image exist in every supported chart alike.
    keys = chart_values(chart).keys
    # The Ingress webhook's keys are owned where a chart has them (eks_lbc/ingress_webhook.py keys on that).
    by_chart = {".".join(ingress_webhook.FAILURE_POLICY_PATH), ".".join(ingress_webhook.DISABLE_PATH)}
    for path in set(owned_values()) - by_chart:
        node = keys
        for part in path.split("."):
            assert isinstance(node, dict) and part in node, f"chart {chart} has no value {path}"
            node = node[part]


@pytest.mark.parametrize("chart", [r.chart for r in supported_charts()])
def test_ingress_webhook_choices_are_the_keys_the_chart_has(chart):
    webhook = chart_values(chart).keys.get("webhookConfig") or {}
    assert ("ignore" in ingress_webhook.available(chart)) == ("ingressValdationFailurePolicy" in webhook)
    assert ("off" in ingress_webhook.available(chart)) == ("disableIngressValidation" in webhook)


@pytest.mark.parametrize("release", supported_charts(), ids=lambda r: r.chart)
def test_default_image_is_public_ecr_at_the_controller_version(release):
    values = chart_values(release.chart)
    assert values.app_version == values.image_tag == release.controller
    assert values.image_repository == "public.ecr.aws/eks/aws-load-balancer-controller"


def test_key_tree_checks_the_charts_structure_and_leaves_whole_maps_free(tmp_path):
    from tools.vendor_upstream_data import chart_value_keys

    (tmp_path / "templates").mkdir()
    (tmp_path / "values.yaml").write_text(
        "image:\n  repository: r\n  tag: t\npodLabels: {}\nprobe:\n  path: /\ncert: {}\nunused: 1\n"
    )
    (tmp_path / "templates" / "deployment.yaml").write_text(
        "image: {{ .Values.image.repository }}:{{ .Values.image.tag }}\n"
        "{{- with .Values.podLabels }}{{ toYaml . }}{{ end }}\n"
        "{{ toYaml .Values.probe }}\n"
        "{{ $.Values.cert.issuerRef }} {{ .Values.creator }}\n"
    )
    assert chart_value_keys(tmp_path) == {
        "cert": {"issuerRef": None},  # a child only the templates name (commented out in values.yaml)
        "creator": None,  # a key only the templates name
        "image": {"repository": None, "tag": None},  # read child by child: checked
        "podLabels": None,  # read whole: free-form
        "probe": None,  # read whole, although values.yaml shows children
        "unused": None,
    }


# --- vendored chart releases (tools/vendor_upstream_data.py --chart) -------------------------------------------


def test_every_supported_chart_has_its_test_chart_and_crds():
    # Without shared/upstream too: a clean clone renders every supported chart and has its CRDs as package data.
    for release in supported_charts():
        chart = yaml.safe_load((REPO / vendor.TEST_CHARTS / release.chart / "Chart.yaml").read_text("utf-8"))
        assert (chart["name"], chart["version"], chart["appVersion"]) == (
            "aws-load-balancer-controller",
            release.chart,
            release.controller,
        )
        crds = resources.files("eks_lbc.data").joinpath(f"charts/{release.chart}/crds")
        assert crds.joinpath("crds.yaml").is_file(), release.chart
    vendored_charts = {p.name for p in (REPO / vendor.TEST_CHARTS).iterdir() if p.is_dir()}
    assert vendored_charts == {r.chart for r in supported_charts()}
    assert {p.name for p in (REPO / vendor.CRDS).iterdir() if p.is_dir()} == vendored_charts


@pytest.mark.parametrize("chart", [r.chart for r in supported_charts()])
def test_vendored_chart_files_equal_upstream(chart, require_tool):
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    source = upstream / "chart" / chart
    copy = REPO / vendor.TEST_CHARTS / chart
    files = vendor.chart_files(source)
    assert files == vendor.chart_files(copy)
    assert Path("templates/deployment.yaml") in files and Path("values.yaml") in files
    for relative in files:
        assert (copy / relative).read_bytes() == (source / relative).read_bytes(), f"{chart}/{relative} drifted"
    crds = REPO / vendor.CRDS / chart / "crds"
    upstream_crds = sorted(p.name for p in (source / "crds").glob("*.yaml") if p.name != "kustomization.yaml")
    assert sorted(p.name for p in crds.iterdir()) == upstream_crds
    for name in upstream_crds:
        assert (crds / name).read_bytes() == (source / "crds" / name).read_bytes(), f"{chart} crds/{name} drifted"


def test_vendoring_every_supported_release_reproduces_the_repository(tmp_path, require_tool):
    # The one command a maintainer runs for a new release, run for every supported one into an empty tree: it must
    # write exactly what is committed (table, policies, CRDs, test charts, their SOURCES.md, derived data).
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    for release in reversed(supported_charts()):  # oldest first: the tool keeps the table ordered itself
        vendor.vendor_release(upstream, release.chart, repo=tmp_path)
    vendor.write_derived(upstream, repo=tmp_path)

    def tree(root: Path, folder: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in (root / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".py" and p.name != "py.typed"
        }

    # Not per release: the TargetGroupBinding-only policy (from the installation guide) and the feature table's
    # comment and its entry for it; the feature policies per controller tag are compared like the rest.
    not_per_release = {str(vendor.FEATURE_POLICIES), "eks_lbc/policies/target-group-binding-only/iam_policy.json"}
    ours_features = json.loads((REPO / vendor.FEATURE_POLICIES).read_text("utf-8"))["controllers"]
    theirs_features = json.loads((tmp_path / vendor.FEATURE_POLICIES).read_text("utf-8"))["controllers"]
    assert ours_features == theirs_features and list(ours_features) == list(theirs_features)
    for folder in (vendor.POLICIES, vendor.CRDS, vendor.TEST_CHARTS, Path("eks_lbc/data/chart_values")):
        ours = {k: v for k, v in tree(REPO, folder).items() if k not in not_per_release}
        theirs = {k: v for k, v in tree(tmp_path, folder).items() if k not in not_per_release}
        assert sorted(ours) == sorted(theirs), folder
        assert [name for name in ours if ours[name] != theirs[name]] == [], folder
    table = json.loads((tmp_path / vendor.TABLE).read_text("utf-8"))
    assert [row["chart"] for row in table["charts"]] == [r.chart for r in supported_charts()]


def fake_upstream(tmp_path: Path, real: Path, chart: str = "3.5.0", controller: str = "v3.5.0") -> Path:
    """A copy of the upstream pieces one release needs, to break one at a time."""
    fake = tmp_path / "upstream"
    shutil.copytree(real / "chart" / chart, fake / "chart" / chart)
    shutil.copytree(real / "iam_policy" / controller, fake / "iam_policy" / controller)
    (fake / "chart" / "versions.tsv").write_text(
        "".join(line + "\n" for line in (real / "chart" / "versions.tsv").read_text().splitlines() if chart in line)
    )
    for path in fake.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # upstream's copies are read-only
    return fake


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda up: (up / "iam_policy" / "v3.5.0" / "iam_policy.json").unlink(), "iam_policy.json is missing"),
        (lambda up: shutil.rmtree(up / "chart" / "3.5.0" / "templates"), "deployment.yaml is missing"),
        (lambda up: (up / "chart" / "3.5.0" / "crds" / "crds.yaml").unlink(), "crds.yaml is missing"),
        (lambda up: shutil.rmtree(up / "chart" / "3.5.0"), "3.5.0 is missing (the chart folder"),
        (lambda up: (up / "chart" / "versions.tsv").write_text(""), "chart 3.5.0 is not in"),
        (
            lambda up: (up / "chart" / "3.5.0" / "Chart.yaml").write_text(
                (up / "chart" / "3.5.0" / "Chart.yaml").read_text().replace("appVersion: v3.5.0", "appVersion: v3.4.9")
            ),
            "appVersion v3.4.9",
        ),
        (
            lambda up: (up / "chart" / "3.5.0" / "values.yaml").write_text(
                (up / "chart" / "3.5.0" / "values.yaml").read_text().replace("tag: v3.5.0", "tag: v3.5.1", 1)
            ),
            "image.tag is 'v3.5.1'",
        ),
    ],
)
def test_vendoring_fails_loudly_and_writes_nothing(tmp_path, require_tool, breakage, message, capsys):
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    fake = fake_upstream(tmp_path, upstream)
    repo = tmp_path / "repo"
    vendor.vendor_release(fake, "3.5.0", repo=repo)  # the intact copy vendors
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    breakage(fake)
    with pytest.raises(vendor.VendorError) as caught:
        vendor.vendor_release(fake, "3.5.0", repo=repo)
    assert message in str(caught.value)
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == before
    # The command line: exit 1, the reason on stderr.
    assert vendor.main(["--chart", "3.5.0", str(fake)]) == 1
    assert message in capsys.readouterr().err


def test_a_new_release_lands_first_and_becomes_the_default(tmp_path, require_tool):
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    repo = tmp_path / "repo"
    for chart in ("1.17.1", "3.5.0", "3.2.2"):
        vendor.vendor_release(upstream, chart, repo=repo)
    table = json.loads((repo / vendor.TABLE).read_text("utf-8"))
    assert [row["chart"] for row in table["charts"]] == ["3.5.0", "3.2.2", "1.17.1"]
    row = table["charts"][1]
    assert (row["controller"], row["chart_commit"]) == ("v3.2.2", "20b1f5dfb4a4d2ad4eb564ece91286c02093a11e")
    assert set(row["policies"]) == {"aws", "aws-cn", "aws-us-gov"}
    assert "| 3.2.2 | v3.2.2 | 20b1f5dfb4a4d2ad4eb564ece91286c02093a11e |" in (
        repo / vendor.TEST_CHARTS / "SOURCES.md"
    ).read_text("utf-8")
    assert (repo / vendor.CRDS / "3.2.2" / "crds" / "gateway-crds.yaml").is_file()
    assert not (repo / vendor.CRDS / "3.2.2" / "crds" / "kustomization.yaml").exists()
