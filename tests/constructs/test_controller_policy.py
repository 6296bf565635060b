import json

import pytest

from eks_lbc.constructs import ControllerPolicy
from eks_lbc.errors import InvalidSetting
from eks_lbc.policies import policy_document
from eks_lbc.versions import supported_charts
from tests.support import new_stack, only, synth


@pytest.mark.parametrize("chart", [r.chart for r in supported_charts()])
def test_policy_document_is_the_vendored_one_embedded(chart):
    stack = new_stack()
    ControllerPolicy(stack, "policy", name="demo-aws-lbc", chart_version=chart)
    policy = only(synth(stack), "resource", "aws_iam_policy")
    assert json.loads(policy["policy"]) == policy_document(chart)
    assert "file(" not in policy["policy"]
    assert policy["name"] == "demo-aws-lbc"


def test_default_is_the_newest_chart():
    policy = ControllerPolicy(new_stack(), "policy", name="p")
    assert (policy.chart_version, policy.controller_version) == ("3.5.0", "v3.5.0")


def test_partition_variant():
    stack = new_stack()
    ControllerPolicy(stack, "policy", name="p", partition="aws-cn")
    assert "arn:aws-cn:" in only(synth(stack), "resource", "aws_iam_policy")["policy"]


def test_bad_name_and_version():
    with pytest.raises(InvalidSetting, match="policy name"):
        ControllerPolicy(new_stack(), "policy", name="has space")
    with pytest.raises(InvalidSetting, match="chart_version"):
        ControllerPolicy(new_stack(), "policy", name="p", chart_version="9.9.9")


def test_document_is_a_fresh_copy_and_the_embedded_json_is_built_once():
    from eks_lbc.policies import policy_json

    policy = ControllerPolicy(new_stack(), "policy", name="p")
    policy.document["Statement"].clear()
    assert policy.document == policy_document("3.5.0")
    assert policy_json("3.5.0") is policy_json("3.5.0")
    assert json.loads(policy_json("3.5.0")) == policy_document("3.5.0")


@pytest.mark.parametrize("partition", ["aws-cn", "aws-us-gov"])
def test_partition_variant_has_only_its_partitions_arns(partition):
    stack = new_stack()
    ControllerPolicy(stack, "policy", name="p", partition=partition)
    document = only(synth(stack), "resource", "aws_iam_policy")["policy"]
    assert json.loads(document) == policy_document("3.5.0", partition)
    assert f"arn:{partition}:" in document and "arn:aws:" not in document


def test_token_partition_embeds_every_variant_and_picks_at_plan_time():
    from eks_lbc._cdk import DataAwsPartition

    stack = new_stack()
    partition = DataAwsPartition(stack, "partition")
    ControllerPolicy(stack, "policy", name="p", partition=partition.partition)
    out = synth(stack)
    ((local_name, documents),) = out["locals"].items()
    assert {p: json.loads(d) for p, d in documents.items()} == {
        p: policy_document("3.5.0", p) for p in ("aws", "aws-cn", "aws-us-gov")
    }
    assert only(out, "resource", "aws_iam_policy")["policy"] == (
        f"${{local.{local_name}[data.aws_partition.partition.partition]}}"
    )


def test_path_and_tags():
    stack = new_stack()
    ControllerPolicy(stack, "policy", name="p", path="/eks/", tags={"team": "platform"})
    policy = only(synth(stack), "resource", "aws_iam_policy")
    assert (policy["path"], policy["tags"]) == ("/eks/", {"team": "platform"})


def test_bad_partition_and_path():
    with pytest.raises(InvalidSetting, match="aws-us-gov"):
        ControllerPolicy(new_stack(), "policy", name="p", partition="aws-iso")
    with pytest.raises(InvalidSetting, match="IAM path"):
        ControllerPolicy(new_stack(), "policy", name="p", path="eks/")
