"""The package data under eks_lbc/data is what tools/vendor_upstream_data.py derives from upstream."""

import json
from importlib import resources

import pytest

from eks_lbc import ingress_webhook
from eks_lbc.chart_values import OWNED_VALUES, chart_values
from eks_lbc.images import regional_registries
from eks_lbc.versions import supported_charts
from tests.test_policies import upstream_dir
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
    assert set(derived) == {"ecr_registries.json", *(f"chart_values/{r.chart}.json" for r in supported_charts())}
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
    # Item by item: the HA keys, the webhook switch and the image exist in 3.5.0, 1.17.1 and 1.5.3 alike.
    keys = chart_values(chart).keys
    # The Ingress webhook's keys are owned where a chart has them (eks_lbc/ingress_webhook.py keys on that).
    by_chart = {".".join(ingress_webhook.FAILURE_POLICY_PATH), ".".join(ingress_webhook.DISABLE_PATH)}
    for path in set(OWNED_VALUES) - by_chart:
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
