import pytest
import yaml

from eks_lbc.constructs import ControllerRelease
from eks_lbc.constructs.controller_release import merge_values
from eks_lbc.errors import InvalidSetting
from tests.support import new_stack, only, synth

PROPS = dict(
    cluster_name="demo",
    region="ap-northeast-1",
    vpc_id="vpc-0123456789abcdef0",
    service_account_name="aws-load-balancer-controller",
    namespace="kube-system",
)


def test_release_is_pinned_and_safe_to_fail():
    stack = new_stack()
    ControllerRelease(stack, "release", **PROPS)
    release = only(synth(stack), "resource", "helm_release")
    assert release["chart"] == "aws-load-balancer-controller"
    assert release["repository"] == "https://aws.github.io/eks-charts"
    assert release["version"] == "3.5.0"
    assert release["namespace"] == "kube-system"
    assert release["wait"] is True
    assert release["atomic"] is True
    assert release["cleanup_on_fail"] is True
    assert release["timeout"] == 600


def test_concrete_values_go_to_yaml_values():
    stack = new_stack()
    ControllerRelease(stack, "release", **PROPS)
    release = only(synth(stack), "resource", "helm_release")
    (document,) = release["values"]
    assert yaml.safe_load(document) == {
        "clusterName": "demo",
        "region": "ap-northeast-1",
        "vpcId": "vpc-0123456789abcdef0",
        "serviceAccount": {"create": False, "name": "aws-load-balancer-controller"},
    }
    assert "set" not in release
    assert "image" not in yaml.safe_load(document)  # the chart's default public ECR image


def test_tokens_go_to_string_typed_set():
    stack = new_stack()
    from eks_lbc._cdk import DataAwsEksCluster

    cluster = DataAwsEksCluster(stack, "cluster", name="demo")
    ControllerRelease(
        stack, "release", **{**PROPS, "cluster_name": cluster.name, "vpc_id": cluster.vpc_config.get(0).vpc_id}
    )
    release = only(synth(stack), "resource", "helm_release")
    assert release["set"] == [
        {"name": "clusterName", "value": "${data.aws_eks_cluster.cluster.name}", "type": "string"},
        {"name": "vpcId", "value": "${data.aws_eks_cluster.cluster.vpc_config[0].vpc_id}", "type": "string"},
    ]
    assert "clusterName" not in yaml.safe_load(release["values"][0])


def test_chart_version_is_validated():
    with pytest.raises(InvalidSetting) as caught:
        ControllerRelease(new_stack(), "release", **PROPS, chart_version="2.5.2")
    assert "1.5.3 (controller v2.5.2)" in caught.value.expected


@pytest.mark.parametrize(
    ("field", "value"), [("region", "Tokyo"), ("vpc_id", "vpc-1"), ("cluster_name", "_x"), ("namespace", "A")]
)
def test_bad_props(field, value):
    with pytest.raises(InvalidSetting) as caught:
        ControllerRelease(new_stack(), "release", **{**PROPS, field: value})
    assert caught.value.field == field


def test_merge_values_is_deep():
    assert merge_values({"a": {"b": 1, "c": 2}, "d": 1}, {"a": {"c": 3}, "e": 4}) == {
        "a": {"b": 1, "c": 3},
        "d": 1,
        "e": 4,
    }
