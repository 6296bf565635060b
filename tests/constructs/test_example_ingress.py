"""The example Ingress: what it synthesizes, and that destroy removes it before the controller."""

import pytest

from eks_lbc.constructs import ControllerRelease, ExampleIngress, LoadBalancerController
from eks_lbc.errors import InvalidSetting
from tests.support import address, controller_release_address, new_stack, only, synth


def build(stack, **props):
    lbc = LoadBalancerController(
        stack,
        "lbc",
        cluster_name="demo",
        issuer_url="https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE",
        region="ap-northeast-1",
        vpc_id="vpc-0123456789abcdef0",
    )
    return lbc, ExampleIngress(stack, "example", controller=lbc, **props)


@pytest.fixture(scope="module")
def out():
    stack = new_stack()
    build(stack)
    return synth(stack)


def depends_on(out, kind):
    return set(only(out, "resource", kind).get("depends_on", []))


def references(body, target):
    return f"${{{target}." in str(body)


def test_ingress_depends_on_the_controller_release_so_destroy_deletes_it_first(out):
    # Terraform destroys in reverse dependency order: the Ingress (and, through its finalizer, the ALB,
    # target groups and security groups the controller made for it) goes while the controller still runs.
    release = controller_release_address(out)
    assert release in depends_on(out, "kubernetes_ingress_v1")
    # ...and nothing the controller needs depends on the example (no cycle, no reverse edge).
    example = {address(out, "resource", kind) for kind in ("kubernetes_ingress_v1", "kubernetes_service_v1")}
    example.add(address(out, "resource", "kubernetes_deployment_v1"))
    bodies = {
        kind: only(out, "resource", kind)
        for kind in ("kubernetes_service_account_v1", "aws_iam_role_policy_attachment")
    }
    bodies.update(out["resource"]["helm_release"])
    for kind, body in bodies.items():
        assert not any(references(body, e) or e in body.get("depends_on", []) for e in example), kind


def test_ingress_references_its_service_so_destroy_deletes_it_before_the_service(out):
    service = address(out, "resource", "kubernetes_service_v1")
    ingress = only(out, "resource", "kubernetes_ingress_v1")
    (rule,) = ingress["spec"]["rule"]
    (path,) = rule["http"]["path"]
    assert path["backend"]["service"] == {"name": f"${{{service}.metadata[0].name}}", "port": {"number": 80}}
    assert path["path"] == "/" and path["path_type"] == "Prefix"


def test_ingress_uses_the_ingress_class_name_and_the_seeds_annotations(out):
    ingress = only(out, "resource", "kubernetes_ingress_v1")
    assert ingress["spec"]["ingress_class_name"] == "alb"
    annotations = ingress["metadata"]["annotations"]
    assert annotations["alb.ingress.kubernetes.io/scheme"] == "internet-facing"
    assert annotations["alb.ingress.kubernetes.io/target-type"] == "ip"
    assert "kubernetes.io/ingress.class" not in annotations  # deprecated
    assert ingress["wait_for_load_balancer"] is True
    assert ingress["timeouts"] == {"create": "15m", "delete": "15m"}


def test_echo_deployment_is_pinned_non_root_and_probed(out):
    deployment = only(out, "resource", "kubernetes_deployment_v1")
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["container"]
    assert container["image"] == "hashicorp/http-echo:1.0.0"
    assert ":latest" not in container["image"]
    assert pod["security_context"]["run_as_non_root"] is True
    assert pod["security_context"]["run_as_user"] == "65532"
    assert pod["automount_service_account_token"] is False
    assert container["security_context"] == {
        "allow_privilege_escalation": False,
        "read_only_root_filesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    assert container["resources"]["requests"] == {"cpu": "10m", "memory": "16Mi"}
    assert container["resources"]["limits"] == {"memory": "32Mi"}
    assert container["readiness_probe"]["http_get"] == {"path": "/", "port": "http"}
    assert container["liveness_probe"]["http_get"] == {"path": "/", "port": "http"}
    assert container["port"] == [{"name": "http", "container_port": 5678, "protocol": "TCP"}]
    assert deployment["spec"]["replicas"] == "2"


def test_service_selects_the_deployments_pods(out):
    deployment = only(out, "resource", "kubernetes_deployment_v1")
    service = only(out, "resource", "kubernetes_service_v1")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert deployment["spec"]["selector"]["match_labels"] == service["spec"]["selector"]
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["port"] == [{"name": "http", "port": 80, "target_port": "http", "protocol": "TCP"}]


def test_hostname_comes_from_the_ingress_status():
    stack = new_stack()
    _, example = build(stack)
    from eks_lbc._cdk import TerraformOutput

    TerraformOutput(stack, "hostname", value=example.hostname)
    out = synth(stack)
    ingress = address(out, "resource", "kubernetes_ingress_v1")
    assert out["output"]["hostname"]["value"] == f"${{{ingress}.status[0].load_balancer[0].ingress[0].hostname}}"


def test_a_bare_controller_release_is_accepted():
    stack = new_stack()
    release = ControllerRelease(
        stack,
        "release",
        cluster_name="demo",
        region="ap-northeast-1",
        vpc_id="vpc-0123456789abcdef0",
        service_account_name="aws-load-balancer-controller",
        namespace="kube-system",
    )
    ExampleIngress(stack, "example", controller=release, namespace="apps", name="hello", target_type="instance")
    out = synth(stack)
    assert depends_on(out, "kubernetes_ingress_v1") == {address(out, "resource", "helm_release")}
    assert only(out, "resource", "kubernetes_service_v1")["spec"]["type"] == "NodePort"
    assert only(out, "resource", "kubernetes_ingress_v1")["metadata"]["namespace"] == "apps"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("namespace", "Apps"),
        ("name", "echo_1"),
        ("scheme", "public"),
        ("target_type", "pod"),
        ("image", ""),
        ("image", '${file("x")}'),
        ("image", "echo:%{if true}1%{endif}"),
    ],
)
def test_bad_props(field, value):
    with pytest.raises(InvalidSetting) as caught:
        build(new_stack(), **{field: value})
    assert caught.value.field == field
