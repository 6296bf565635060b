import pytest

from eks_lbc.constructs import SubnetDiscoveryTags
from eks_lbc.errors import InvalidSetting
from tests.support import new_stack, synth

PUBLIC = ["subnet-0123456789abcdef0", "subnet-01234567"]
PRIVATE = ["subnet-0123456789abcdef1"]


def tags(out):
    return out["resource"]["aws_ec2_tag"]


def test_public_and_private_subnets_get_the_discovery_tags_keyed_by_subnet_id():
    stack = new_stack()
    SubnetDiscoveryTags(stack, "subnets", public_subnet_ids=PUBLIC, private_subnet_ids=PRIVATE)
    by_key = {body["key"]: body for body in tags(synth(stack)).values()}
    assert set(by_key) == {"kubernetes.io/role/elb", "kubernetes.io/role/internal-elb"}
    public, private = by_key["kubernetes.io/role/elb"], by_key["kubernetes.io/role/internal-elb"]
    # for_each over a set of ids: each subnet's tag is addressed by its id, not by its position,
    # so removing one subnet from the list never retags another.
    assert public["for_each"] == '${toset(["subnet-0123456789abcdef0", "subnet-01234567"])}'
    assert private["for_each"] == '${toset(["subnet-0123456789abcdef1"])}'
    for body in (public, private):
        assert (body["resource_id"], body["value"]) == ("${each.value}", "1")


def test_only_the_lists_given():
    stack = new_stack()
    SubnetDiscoveryTags(stack, "subnets", private_subnet_ids=PRIVATE)
    (only_tag,) = tags(synth(stack)).values()
    assert only_tag["key"] == "kubernetes.io/role/internal-elb"


def test_a_token_list_of_subnets():
    from eks_lbc._cdk import DataAwsEksCluster

    stack = new_stack()
    cluster = DataAwsEksCluster(stack, "cluster", name="demo")
    SubnetDiscoveryTags(stack, "subnets", public_subnet_ids=cluster.vpc_config.get(0).subnet_ids)
    (tag,) = tags(synth(stack)).values()
    assert tag["for_each"] == "${toset(tolist(data.aws_eks_cluster.cluster.vpc_config[0].subnet_ids))}"


@pytest.mark.parametrize(
    ("props", "field"),
    [
        ({"public_subnet_ids": ["subnet-xyz"]}, "public_subnet_ids[0]"),
        ({"private_subnet_ids": [PRIVATE[0], "vpc-01234567"]}, "private_subnet_ids[1]"),
        ({"public_subnet_ids": PUBLIC, "private_subnet_ids": [PUBLIC[1]]}, "private_subnet_ids[0]"),
    ],
)
def test_bad_subnets(props, field):
    with pytest.raises(InvalidSetting) as caught:
        SubnetDiscoveryTags(new_stack(), "subnets", **props)
    assert caught.value.field == field
