"""gateway_api=True: the Gateway API CRD release, the GatewayClasses, the gates, the ordering."""

import pytest
import yaml

from eks_lbc.constructs import LoadBalancerController
from eks_lbc.constructs.gateway_api import GATEWAY_API_RELEASE_NAME, GATEWAY_CLASSES_RELEASE_NAME, gateway_api_chart
from eks_lbc.crds import crd_names
from eks_lbc.errors import InvalidSetting
from eks_lbc.gateway_api import check_gateway_api
from tests.support import controller_release, new_stack, synth

ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"


def build(stack, **overrides):
    props = dict(cluster_name="demo", issuer_url=ISSUER, region="us-east-1", vpc_id="vpc-0123456789abcdef0")
    props.update(overrides)
    return LoadBalancerController(stack, "lbc", **props)


def releases_by_name(out) -> dict:
    return {r["name"]: (f"helm_release.{k}", r) for k, r in out["resource"]["helm_release"].items()}


def test_gateway_api_installs_the_crds_then_the_classes_and_starts_the_controller_after_them():
    stack = new_stack()
    lbc = build(stack, gateway_api=True)
    out = synth(stack)
    releases = releases_by_name(out)
    crds_address, crds = releases[GATEWAY_API_RELEASE_NAME]
    _, classes = releases[GATEWAY_CLASSES_RELEASE_NAME]
    assert crds["version"] == "1.6.0" and crds["take_ownership"] is False
    assert classes["depends_on"] == [crds_address] and classes["take_ownership"] is False
    assert crds_address in controller_release(out)["depends_on"]
    values = yaml.safe_load(controller_release(out)["values"][0])
    assert values["controllerConfig"]["featureGates"] == {
        "ALBGatewayAPI": True,
        "NLBGatewayAPI": True,
        "GatewayListenerSet": True,
    }
    assert lbc.gateway_api is not None and lbc.gateway_api.version == "v1.6.0"


def test_without_gateway_api_nothing_changes():
    stack = new_stack()
    lbc = build(stack)
    out = synth(stack)
    assert GATEWAY_API_RELEASE_NAME not in releases_by_name(out)
    assert "controllerConfig" not in yaml.safe_load(controller_release(out)["values"][0])
    assert lbc.gateway_api is None


def test_the_controllers_own_gateway_crds_come_with_its_chart():
    assert {
        "loadbalancerconfigurations.gateway.k8s.aws",
        "targetgroupconfigurations.gateway.k8s.aws",
        "listenerruleconfigurations.gateway.k8s.aws",
        "globalaccelerators.aga.k8s.aws",  # globalAccelerator's CRD (docs/settings.md)
    } <= set(crd_names("3.5.0"))
    assert "globalaccelerators.aga.k8s.aws" in crd_names("1.17.1")


def test_the_generated_chart_holds_the_bundle_each_object_kept():
    chart = gateway_api_chart(check_gateway_api("gateway_api", "3.5.0"))
    documents = [d for d in yaml.safe_load_all(chart.files["templates/standard-install.yaml"]) if d]
    assert len(documents) == 12
    assert {d["metadata"]["annotations"]["helm.sh/resource-policy"] for d in documents} == {"keep"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (dict(gateway_api=True, chart_version="1.17.1"), "gateway_api"),
        (dict(gateway_api=True, policy="target-group-binding-only"), "gateway_api"),
        (dict(gateway_api=True, feature_gates={"ALBGatewayAPI": False}), "feature_gates.ALBGatewayAPI"),
        (
            dict(gateway_api=True, helm_values={"controllerConfig": {"featureGates": {"GatewayListenerSet": True}}}),
            "helm_values.controllerConfig.featureGates.GatewayListenerSet",
        ),
        (dict(gateway_api="yes"), "gateway_api"),
    ],
)
def test_gateway_api_is_refused_where_it_cannot_work(overrides, field):
    with pytest.raises(InvalidSetting) as caught:
        build(new_stack(), **overrides)
    assert caught.value.field == field


def test_gateway_gates_stay_the_users_without_gateway_api():
    stack = new_stack()
    build(stack, feature_gates={"ALBGatewayAPI": False})
    assert yaml.safe_load(controller_release(synth(stack))["values"][0])["controllerConfig"]["featureGates"] == {
        "ALBGatewayAPI": False
    }


def test_gateway_api_construct_alone():
    from eks_lbc.constructs import GatewayApi

    stack = new_stack()
    gateway = GatewayApi(stack, "gw", namespace="platform")
    releases = releases_by_name(synth(stack))
    assert set(releases) == {GATEWAY_API_RELEASE_NAME, GATEWAY_CLASSES_RELEASE_NAME}
    assert {r["namespace"] for _, r in releases.values()} == {"platform"}
    assert gateway.version == "v1.6.0"
    with pytest.raises(InvalidSetting) as caught:
        GatewayApi(new_stack(), "gw", namespace="platform", chart_version="1.5.3")
    assert caught.value.field == "gateway_api"
