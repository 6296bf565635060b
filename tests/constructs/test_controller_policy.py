import json

import pytest

from eks_lbc.constructs import ControllerPolicy
from eks_lbc.errors import InvalidSetting
from eks_lbc.policies import policy_document
from tests.support import new_stack, only, synth


@pytest.mark.parametrize("chart", ["3.5.0", "1.17.1", "1.5.3"])
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
