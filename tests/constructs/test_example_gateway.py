"""The example Gateway: what it synthesizes, its create/destroy order, and the shared echo app."""

import pytest

from eks_lbc.constructs import ExampleGateway, ExampleIngress, LoadBalancerController
from eks_lbc.errors import InvalidSetting
from eks_lbc.gateway_api import example
from tests.support import address, new_stack, only, synth


@pytest.fixture(scope="module")
def out():
    stack = new_stack()
    ExampleGateway(stack, "example-gateway")
    return synth(stack)


def manifests(out):
    """kind -> (address, body) of every kubernetes_manifest."""
    return {
        body["manifest"]["kind"]: (f"kubernetes_manifest.{name}", body)
        for name, body in out["resource"]["kubernetes_manifest"].items()
    }


def test_the_manifests_are_the_example_objects(out):
    found = manifests(out)
    labels = {"app.kubernetes.io/name": "echo", "app.kubernetes.io/part-of": "eks-lbc-example"}
    assert found["LoadBalancerConfiguration"][1]["manifest"] == example.load_balancer_configuration(
        name="echo", namespace="default", scheme="internet-facing", labels=labels
    )
    assert found["TargetGroupConfiguration"][1]["manifest"] == example.target_group_configuration(
        name="echo", namespace="default", service="echo", target_type="ip", labels=labels
    )
    assert found["Gateway"][1]["manifest"] == example.gateway(
        name="echo", namespace="default", load_balancer_configuration="echo", labels=labels
    )
    assert found["HTTPRoute"][1]["manifest"] == example.http_route(
        name="echo", namespace="default", gateway="echo", service="echo", service_port=80, labels=labels
    )
    # The route's backend is the echo Service, by name and port.
    service = only(out, "resource", "kubernetes_service_v1")
    assert service["metadata"]["name"] == "echo" and service["spec"]["port"][0]["port"] == 80
    assert service["spec"]["type"] == "ClusterIP"


def test_apply_waits_for_the_gateways_address(out):
    _, gateway = manifests(out)["Gateway"]
    assert gateway["wait"] == {"fields": {"status.addresses[0].value": "^.+$"}}
    assert gateway["timeouts"] == {"create": "15m", "update": "15m", "delete": "15m"}


def test_order_route_after_gateway_service_and_target_group_settings(out):
    # Terraform destroys in reverse: the route first, then the Gateway (waiting for its finalizer, i.e.
    # the ALB's deletion by the controller), then its LoadBalancerConfiguration; the Service outlives the route.
    found = manifests(out)
    service = address(out, "resource", "kubernetes_service_v1")
    assert set(found["HTTPRoute"][1]["depends_on"]) == {
        found["Gateway"][0],
        service,
        found["TargetGroupConfiguration"][0],
    }
    assert found["Gateway"][1]["depends_on"] == [found["LoadBalancerConfiguration"][0]]
    assert found["TargetGroupConfiguration"][1]["depends_on"] == [service]


def test_hostname_is_read_back_after_the_gateway_and_route(out):
    found = manifests(out)
    status = only(out, "data", "kubernetes_resource")
    assert (status["api_version"], status["kind"]) == ("gateway.networking.k8s.io/v1", "Gateway")
    assert status["metadata"] == {"name": "echo", "namespace": "default"}
    # depends_on defers the read to apply whenever either changes, i.e. after the Gateway's wait.
    assert set(status["depends_on"]) == {found["Gateway"][0], found["HTTPRoute"][0]}


def test_hostname_expression():
    from eks_lbc._cdk import TerraformOutput

    stack = new_stack()
    gateway = ExampleGateway(stack, "example-gateway")
    TerraformOutput(stack, "hostname", value=gateway.hostname)
    out = synth(stack)
    status = address(out, "data", "kubernetes_resource")
    assert out["output"]["hostname"]["value"] == f"${{{status}.object.status.addresses[0].value}}"


def test_echo_app_is_the_example_ingresss(out):
    stack = new_stack()
    lbc = LoadBalancerController(
        stack,
        "lbc",
        cluster_name="demo",
        issuer_url="https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE",
        region="ap-northeast-1",
        vpc_id="vpc-0123456789abcdef0",
    )
    ExampleIngress(stack, "example", controller=lbc)
    ingress_out = synth(stack)
    ours = only(out, "resource", "kubernetes_deployment_v1")
    theirs = only(ingress_out, "resource", "kubernetes_deployment_v1")
    (our_container,) = ours["spec"]["template"]["spec"]["container"]
    (their_container,) = theirs["spec"]["template"]["spec"]["container"]
    assert our_container.pop("args") == ["-listen=:5678", "-text=hello from echo behind an ALB gateway"]
    assert their_container.pop("args") == ["-listen=:5678", "-text=hello from echo behind an ALB"]
    assert ours == theirs
    assert only(out, "resource", "kubernetes_service_v1") == only(ingress_out, "resource", "kubernetes_service_v1")


def test_options():
    stack = new_stack()
    ExampleGateway(stack, "g", namespace="apps", name="hello", scheme="internal", target_type="instance")
    out = synth(stack)
    found = manifests(out)
    assert only(out, "resource", "kubernetes_service_v1")["spec"]["type"] == "NodePort"
    assert found["LoadBalancerConfiguration"][1]["manifest"]["spec"] == {"scheme": "internal"}
    target = found["TargetGroupConfiguration"][1]["manifest"]["spec"]
    assert target == {"targetReference": {"name": "hello"}, "defaultConfiguration": {"targetType": "instance"}}
    assert {body["manifest"]["metadata"]["namespace"] for _, body in found.values()} == {"apps"}
    assert found["HTTPRoute"][1]["manifest"]["spec"]["parentRefs"][0]["name"] == "hello"


def test_depends_on_orders_everything_after():
    stack = new_stack()
    from eks_lbc._cdk import DataResource

    first = DataResource(stack, "first")
    ExampleGateway(stack, "g", depends_on=[first])
    found = manifests(synth(stack))
    assert "terraform_data.first" in found["LoadBalancerConfiguration"][1]["depends_on"]
    assert "terraform_data.first" in found["TargetGroupConfiguration"][1]["depends_on"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("namespace", "Apps"), ("name", "echo_1"), ("scheme", "public"), ("target_type", "pod"), ("image", "${x}")],
)
def test_bad_options_are_refused(field, value):
    with pytest.raises(InvalidSetting) as caught:
        ExampleGateway(new_stack(), "g", **{field: value})
    assert caught.value.field == field
