"""The example Gateway's objects against the v1.6.0 and controller CRD schemas, and its settings checks."""

import json
from typing import Any

import jsonschema
import pytest

from eks_lbc.constructs.echo_app import SERVICE_PORT
from eks_lbc.crds import crd_documents
from eks_lbc.errors import InvalidSetting
from eks_lbc.gateway_api import GATEWAY_CLASSES, bundle_documents, check_gateway_api, example
from eks_lbc.settings import ClusterSettings

pytestmark = pytest.mark.runtime("cdktf")

LABELS = {"app.kubernetes.io/name": "echo", "app.kubernetes.io/part-of": "eks-lbc-example"}


def crd_schema(api_version: str, kind: str) -> dict[str, Any]:
    """openAPIV3Schema of ``kind`` at ``api_version``, from the bundle eks-lbc installs (chart 3.5.0)."""
    group, version = api_version.split("/")
    documents = bundle_documents(check_gateway_api("gatewayApi", "3.5.0"))
    documents += [d for ds in crd_documents("3.5.0").values() for d in ds]
    for document in documents:
        spec = document.get("spec", {})
        if document["kind"] == "CustomResourceDefinition" and (spec["group"], spec["names"]["kind"]) == (group, kind):
            (served,) = [v for v in spec["versions"] if v["name"] == version and v["served"]]
            return served["schema"]["openAPIV3Schema"]
    raise AssertionError(f"no CRD for {api_version} {kind}")


def unknown_fields(value: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Fields the schema does not declare: the API server would drop them silently (structural pruning)."""
    found = []
    if isinstance(value, dict) and "properties" in schema:
        for key, item in value.items():
            if key not in schema["properties"]:
                found.append(f"{path}.{key}")
            else:
                found += unknown_fields(item, schema["properties"][key], f"{path}.{key}")
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += unknown_fields(item, schema["items"], f"{path}[{index}]")
    return found


def objects(scheme="internet-facing", target_type="ip"):
    return {
        "LoadBalancerConfiguration": example.load_balancer_configuration(
            name="echo", namespace="default", scheme=scheme, labels=LABELS
        ),
        "TargetGroupConfiguration": example.target_group_configuration(
            name="echo", namespace="default", service="echo", target_type=target_type, labels=LABELS
        ),
        "Gateway": example.gateway(name="echo", namespace="default", load_balancer_configuration="echo", labels=LABELS),
        "HTTPRoute": example.http_route(
            name="echo", namespace="default", gateway="echo", service="echo", service_port=SERVICE_PORT, labels=LABELS
        ),
    }


@pytest.mark.parametrize(("scheme", "target_type"), [("internet-facing", "ip"), ("internal", "instance")])
@pytest.mark.parametrize("kind", ["LoadBalancerConfiguration", "TargetGroupConfiguration", "Gateway", "HTTPRoute"])
def test_objects_match_their_crd_schemas(kind, scheme, target_type):
    item = objects(scheme, target_type)[kind]
    assert item["kind"] == kind
    schema = crd_schema(item["apiVersion"], kind)
    jsonschema.Draft7Validator(schema).validate(item)
    assert unknown_fields(item, schema) == []


def test_the_schema_check_catches_bad_and_unknown_fields():
    gateway = objects()["Gateway"]
    schema = crd_schema(gateway["apiVersion"], "Gateway")
    gateway["spec"]["listeners"][0]["port"] = 70000
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(gateway)
    balancer = objects()["LoadBalancerConfiguration"]
    balancer["spec"] = {"schema": "internet-facing"}  # misspelt: the API server would prune it, leaving internal
    assert unknown_fields(balancer, crd_schema(balancer["apiVersion"], "LoadBalancerConfiguration")) == [".spec.schema"]
    balancer["spec"] = {"scheme": "public"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(crd_schema(balancer["apiVersion"], "LoadBalancerConfiguration")).validate(balancer)


def test_the_objects_refer_to_each_other():
    items = objects()
    gateway, route = items["Gateway"], items["HTTPRoute"]
    # The Gateway is of the ALB class that gatewayApi installs.
    assert GATEWAY_CLASSES[gateway["spec"]["gatewayClassName"]] == "gateway.k8s.aws/alb"
    reference = gateway["spec"]["infrastructure"]["parametersRef"]
    balancer = items["LoadBalancerConfiguration"]
    assert (reference["group"], reference["kind"], reference["name"]) == (
        balancer["apiVersion"].split("/")[0],
        balancer["kind"],
        balancer["metadata"]["name"],
    )
    assert balancer["metadata"]["namespace"] == gateway["metadata"]["namespace"]  # the guide: same namespace
    assert balancer["spec"]["scheme"] == "internet-facing"
    (listener,) = gateway["spec"]["listeners"]
    (parent,) = route["spec"]["parentRefs"]
    assert (parent["kind"], parent["name"], parent["sectionName"]) == ("Gateway", "echo", listener["name"])
    assert (listener["protocol"], listener["port"]) == ("HTTP", 80)
    (rule,) = route["spec"]["rules"]
    assert rule["backendRefs"] == [{"name": "echo", "port": SERVICE_PORT}]
    assert rule["matches"] == [{"path": {"type": "PathPrefix", "value": "/"}}]
    target = items["TargetGroupConfiguration"]["spec"]
    assert target == {"targetReference": {"name": "echo"}, "defaultConfiguration": {"targetType": "ip"}}


def test_the_hostname_field_is_in_the_gateway_status_schema():
    status = crd_schema(example.GATEWAY_API_VERSION, "Gateway")["properties"]["status"]
    address = status["properties"]["addresses"]["items"]
    assert {"type", "value"} <= set(address["properties"])
    assert example.HOSTNAME_FIELD == "status.addresses[0].value"


def test_example_gateway_needs_gateway_api():
    example.check_example_gateway(True, True)
    example.check_example_gateway(False, False)
    with pytest.raises(InvalidSetting) as caught:
        example.check_example_gateway(True, False)
    assert caught.value.field == "exampleGateway"
    assert "false unless gatewayApi is true" in str(caught.value)


def test_stack_name_and_collisions():
    assert example.example_gateway_stack_name("eks-lbc-demo-ap-northeast-1") == (
        "eks-lbc-demo-ap-northeast-1-example-gateway"
    )
    example.check_unique_stacks(["eks-lbc-a-eu-west-1", "eks-lbc-b-eu-west-1"], ["eks-lbc-a-eu-west-1-example-gateway"])
    # A legacy name (cluster name only) can collide, also when it differs only in case.
    with pytest.raises(InvalidSetting) as caught:
        example.check_unique_stacks(
            ["eks-lbc-a-eu-west-1", "eks-lbc-A-eu-west-1-Example-Gateway"], ["eks-lbc-a-eu-west-1-example-gateway"]
        )
    assert caught.value.field == "exampleGateway"


def state(resources):
    return json.dumps({"version": 4, "resources": resources})


MANAGED = [{"mode": "managed", "type": "kubernetes_manifest", "name": "x", "instances": [{"attributes": {}}]}]


@pytest.mark.parametrize(
    ("content", "refused"),
    [
        (state(MANAGED), True),
        (state([]), False),  # destroyed
        (state([{"mode": "data", "type": "aws_eks_cluster", "name": "c", "instances": [{}]}]), False),
        ("not json", False),
        (None, False),
    ],
)
def test_turning_the_example_off_is_refused_while_its_local_state_holds_resources(tmp_path, content, refused):
    cluster = ClusterSettings(cluster_name="demo", region="ap-northeast-1", gateway_api=True)
    if content is not None:
        (tmp_path / "terraform.eks-lbc-demo-ap-northeast-1-example-gateway.tfstate").write_text(content)
    if not refused:
        example.check_example_state(tmp_path, [cluster])
        return
    with pytest.raises(InvalidSetting) as caught:
        example.check_example_state(tmp_path, [cluster])
    assert caught.value.field == "exampleGateway"
    assert "cdktf destroy eks-lbc-demo-ap-northeast-1-example-gateway" in str(caught.value)
    # On, or with S3 state (not read at synth), nothing is refused.
    example.check_example_state(
        tmp_path,
        [ClusterSettings(cluster_name="demo", region="ap-northeast-1", gateway_api=True, example_gateway=True)],
    )
    example.check_example_state(
        tmp_path, [ClusterSettings(cluster_name="demo", region="ap-northeast-1", state_bucket="tf-state-bucket")]
    )
