"""The Gateway API bundle, its version per controller, the Gateway gates and the GatewayClasses."""

import hashlib

import pytest

from eks_lbc.errors import InvalidSetting
from eks_lbc.features import controller_gates
from eks_lbc.gateway_api import (
    bundle_bytes,
    bundle_documents,
    check_gateway_api,
    gateway_api_release,
    gateway_classes,
    gateway_gates,
)
from tests.test_policies import upstream_dir

pytestmark = pytest.mark.runtime("cdktf")


def test_controller_v3_5_0_is_built_for_gateway_api_v1_6_0():
    release = check_gateway_api("gatewayApi", "3.5.0")
    assert release.version == "v1.6.0"
    assert hashlib.sha256(bundle_bytes(release)).hexdigest() == release.sha256


def test_bundle_is_upstreams_release_asset(require_tool):
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    release = check_gateway_api("gatewayApi", "3.5.0")
    assert bundle_bytes(release) == (upstream / "gateway-api" / release.file).read_bytes()


def test_bundle_holds_the_standard_crds_and_the_safe_upgrades_policy():
    documents = bundle_documents(check_gateway_api("gatewayApi", "3.5.0"))
    crds = [d["metadata"]["name"] for d in documents if d["kind"] == "CustomResourceDefinition"]
    assert len(crds) == 10
    assert {"gateways.gateway.networking.k8s.io", "httproutes.gateway.networking.k8s.io"} <= set(crds)
    assert {"tcproutes.gateway.networking.k8s.io", "udproutes.gateway.networking.k8s.io"} <= set(crds)  # v1.6: standard
    assert [d["kind"] for d in documents if d["kind"] != "CustomResourceDefinition"] == [
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
    ]
    for document in documents:
        annotations = document["metadata"]["annotations"]
        assert annotations["gateway.networking.k8s.io/bundle-version"] == "v1.6.0"
        assert annotations["gateway.networking.k8s.io/channel"] == "standard"


@pytest.mark.parametrize("chart", ["1.17.1", "1.5.3"])
def test_charts_without_a_gateway_api_release_are_refused(chart):
    with pytest.raises(InvalidSetting) as caught:
        check_gateway_api("gatewayApi", chart)
    assert "only for charts whose controller names the release it is built for: 3.5.0" in caught.value.expected


def test_gates_are_the_gateway_gates_the_controller_knows_all_on():
    assert gateway_gates(controller_gates("v3.5.0")) == {
        "ALBGatewayAPI": True,
        "NLBGatewayAPI": True,
        "GatewayListenerSet": True,
    }
    assert gateway_gates(controller_gates("v3.2.1")) == {"ALBGatewayAPI": True, "NLBGatewayAPI": True}
    assert gateway_gates(controller_gates("v2.5.2")) == {}
    assert gateway_api_release("v3.4.3") is None


def test_gateway_classes_name_the_controllers_two_implementations():
    assert [(c["metadata"]["name"], c["spec"]["controllerName"]) for c in gateway_classes()] == [
        ("alb", "gateway.k8s.aws/alb"),
        ("nlb", "gateway.k8s.aws/nlb"),
    ]
    assert {c["apiVersion"] for c in gateway_classes()} == {"gateway.networking.k8s.io/v1"}
