# ruff: noqa: F811  (the tests take the chart-render tier's `render` fixture, imported from its module)
"""Chart-render tier for the controller's capabilities: what the chart makes of the gates and values eks-lbc sets.

For every supported chart: user feature gates, the gates of certificate management and Global Accelerator
where the controller has them, the TargetGroupBinding-only mode, and the webhook port the security group
rules open (the container's port must be the rules' port).
"""

from __future__ import annotations

import pytest

from eks_lbc.features import CERTIFICATE_MANAGEMENT, GLOBAL_ACCELERATOR, supports
from eks_lbc.versions import chart_release
from tests.integration.release_render import helm_sdk_available
from tests.integration.test_release_renders import CHARTS, pod_template, render  # noqa: F401  (a fixture)

pytestmark = pytest.mark.runtime("cdktf")


def gate_args(objects) -> list[str]:
    (container,) = pod_template(objects)["spec"]["containers"]
    return [a for a in container["args"] if a.startswith("--feature-gates")]


@pytest.mark.parametrize("chart", CHARTS)
def test_no_gates_by_default(render, chart):
    assert gate_args(render(chart)) == []


@pytest.mark.parametrize("chart", CHARTS)
def test_feature_gates_reach_the_controllers_arguments(render, chart):
    objects = render(
        chart,
        feature_gates={"SubnetsClusterTagCheck": False},
        helm_values={"controllerConfig": {"featureGates": {"EnableRGTAPI": True}}},
    )
    # The chart's convertMapToCsv, keys in Helm's (sorted) order.
    assert gate_args(objects) == ["--feature-gates=EnableRGTAPI=true,SubnetsClusterTagCheck=false"]


FEATURE_GATES = {
    CERTIFICATE_MANAGEMENT: ("certificate_management", "EnableCertificateManagement=true"),
    GLOBAL_ACCELERATOR: ("global_accelerator", "EnableRGTAPI=true,GlobalAcceleratorController=true"),
}
# Charts whose controller lacks a feature refuse it at the settings edge (tests/test_settings_features.py).
FEATURE_CASES = [
    (chart, feature)
    for chart in CHARTS
    for feature in FEATURE_GATES
    if supports(chart_release(chart).controller, feature)
]


def test_every_feature_is_rendered_for_some_chart():
    assert {feature for _, feature in FEATURE_CASES} == set(FEATURE_GATES)


@pytest.mark.parametrize(("chart", "feature"), FEATURE_CASES)
def test_features_turn_on_their_gate_where_the_controller_has_it(render, chart, feature):
    setting, gates = FEATURE_GATES[feature]
    assert gate_args(render(chart, **{setting: True})) == [f"--feature-gates={gates}"]


@pytest.mark.parametrize("chart", CHARTS)
def test_target_group_binding_only_turns_off_what_its_policy_forbids(render, chart):
    objects = render(chart, policy="target-group-binding-only")
    (container,) = pod_template(objects)["spec"]["containers"]
    expected = "EnableServiceController=false"
    if chart_release(chart).controller != "v2.5.2":  # v2.5.2 has no Gateway gates
        expected = "ALBGatewayAPI=false,EnableServiceController=false,NLBGatewayAPI=false"
    assert gate_args(objects) == [f"--feature-gates={expected}"]
    assert "--disable-ingress-class-annotation=true" in container["args"]
    assert [o for o in objects if o["kind"] == "IngressClass"] == []
    # The Service webhook stays off: it would hand Services to a controller that no longer reconciles them.
    assert not [
        w
        for o in objects
        if o["kind"] == "MutatingWebhookConfiguration"
        for w in o["webhooks"]
        if "mservice" in w["name"]
    ]


@pytest.mark.parametrize("chart", CHARTS)
def test_webhook_port_rules_open_the_port_the_container_listens_on(render, chart):
    objects = render(chart, node_security_group_ids=("sg-0a1b2c3d",), helm_values={"webhookBindPort": 9444})
    (container,) = pod_template(objects)["spec"]["containers"]
    assert "--webhook-bind-port=9444" in container["args"]
    assert {"name": "webhook-server", "containerPort": 9444, "protocol": "TCP"} in container["ports"]
    service = next(o for o in objects if o["kind"] == "Service" and "webhook" in o["metadata"]["name"])
    assert service["spec"]["ports"][0]["targetPort"] == "webhook-server"
    default = pod_template(render(chart))["spec"]["containers"][0]
    assert {"name": "webhook-server", "containerPort": 9443, "protocol": "TCP"} in default["ports"]


def test_gateway_api_charts_render_the_bundle_and_the_classes(require_tool, tmp_path):
    """The two generated charts of gatewayApi, as the app writes them into the stack folder, rendered by Helm."""
    require_tool(helm_sdk_available(), "helm-python-sdk (pip install helm-python-sdk)")
    import json

    import helm_python as helm
    import yaml

    from eks_lbc.app import build_app
    from eks_lbc.constructs.gateway_api import GATEWAY_API_RELEASE_NAME, GATEWAY_CLASSES_RELEASE_NAME
    from eks_lbc.gateway_api import bundle_documents, check_gateway_api
    from eks_lbc.settings import ClusterSettings, Settings

    cluster = ClusterSettings(cluster_name="demo", region="ap-northeast-1", gateway_api=True)
    build_app(Settings(clusters=(cluster,)), outdir=str(tmp_path)).synth()
    stack_dir = tmp_path / "stacks" / cluster.stack_name
    releases = {
        r["name"]: r for r in json.loads((stack_dir / "cdk.tf.json").read_text())["resource"]["helm_release"].values()
    }

    def rendered(name):
        release = releases[name]
        chart = helm.Chart.load(str(stack_dir / release["chart"].replace("${path.module}/", "")))
        assert chart.version == release["version"]
        out = chart.render({}, name=release["name"], namespace=release["namespace"])
        return [d for _, text in sorted(out.items()) for d in yaml.safe_load_all(text) if d]

    ours = rendered(GATEWAY_API_RELEASE_NAME)
    for document in ours:
        assert document["metadata"]["annotations"].pop("helm.sh/resource-policy") == "keep"
    assert ours == bundle_documents(check_gateway_api("gatewayApi", "3.5.0"))  # upstream's objects, unchanged
    classes = rendered(GATEWAY_CLASSES_RELEASE_NAME)
    assert sorted((c["kind"], c["metadata"]["name"], c["spec"]["controllerName"]) for c in classes) == [
        ("GatewayClass", "alb", "gateway.k8s.aws/alb"),
        ("GatewayClass", "nlb", "gateway.k8s.aws/nlb"),
    ]


def test_gateway_api_sets_every_gateway_gate_explicitly(render):
    objects = render("3.5.0", gateway_api=True)
    assert gate_args(objects) == ["--feature-gates=ALBGatewayAPI=true,GatewayListenerSet=true,NLBGatewayAPI=true"]
