import pytest

from eks_lbc.constructs import PodIdentityRole
from eks_lbc.errors import InvalidSetting
from tests.support import address, new_stack, only, synth


def make(stack, **overrides):
    props = dict(
        cluster_name="demo",
        namespace="kube-system",
        service_account_name="aws-load-balancer-controller",
        name="demo-aws-lbc",
    )
    props.update(overrides)
    return PodIdentityRole(stack, "role", **props)


def test_trust_policy_lets_only_eks_pod_identity_assume_the_role_for_this_service_account():
    stack = new_stack()
    make(stack)
    out = synth(stack)
    (statement,) = only(out, "data", "aws_iam_policy_document")["statement"]
    assert statement["effect"] == "Allow"
    assert statement["principals"] == [{"type": "Service", "identifiers": ["pods.eks.amazonaws.com"]}]
    assert sorted(statement["actions"]) == ["sts:AssumeRole", "sts:TagSession"]
    conditions = {c["variable"]: (c["test"], c["values"]) for c in statement["condition"]}
    assert conditions == {
        "aws:RequestTag/eks-cluster-name": ("StringEquals", ["demo"]),
        "aws:RequestTag/kubernetes-namespace": ("StringEquals", ["kube-system"]),
        "aws:RequestTag/kubernetes-service-account": ("StringEquals", ["aws-load-balancer-controller"]),
    }
    role = only(out, "resource", "aws_iam_role")
    assert role["assume_role_policy"] == f"${{{address(out, 'data', 'aws_iam_policy_document')}.json}}"
    assert "AssumeRoleWithWebIdentity" not in str(out) and "oidc" not in str(out).lower()


def test_association_binds_the_role_to_the_service_account():
    stack = new_stack()
    role = make(stack, namespace="lbc", service_account_name="controller", tags={"team": "platform"})
    out = synth(stack)
    association = only(out, "resource", "aws_eks_pod_identity_association")
    assert association == {
        "cluster_name": "demo",
        "namespace": "lbc",
        "service_account": "controller",
        "role_arn": f"${{{address(out, 'resource', 'aws_iam_role')}.arn}}",
        "tags": {"team": "platform"},
    }
    assert role.association_arn.startswith("${TfToken[")


def test_attach_policy_and_organisation_rules():
    stack = new_stack()
    boundary = "arn:aws-us-gov:iam::111122223333:policy/boundary"
    role = make(stack, path="/eks/", permissions_boundary=boundary, partition="aws-us-gov")
    role.attach_policy("controller-policy", "arn:aws-us-gov:iam::111122223333:policy/p")
    out = synth(stack)
    iam_role = only(out, "resource", "aws_iam_role")
    assert (iam_role["path"], iam_role["permissions_boundary"]) == ("/eks/", boundary)
    attachment = only(out, "resource", "aws_iam_role_policy_attachment")
    assert attachment["role"] == f"${{{address(out, 'resource', 'aws_iam_role')}.name}}"


def test_tokens_are_passed_through():
    from eks_lbc._cdk import DataAwsEksCluster

    stack = new_stack()
    cluster = DataAwsEksCluster(stack, "cluster", name="demo")
    make(stack, cluster_name=cluster.name)
    out = synth(stack)
    assert only(out, "resource", "aws_eks_pod_identity_association")["cluster_name"] == (
        "${data.aws_eks_cluster.cluster.name}"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cluster_name", "-demo"),
        ("namespace", "Kube"),
        ("service_account_name", "LBC"),
        ("name", "n" * 65),
        ("permissions_boundary", "arn:aws:iam::111122223333:role/x"),
    ],
)
def test_bad_props(field, value):
    with pytest.raises(InvalidSetting) as caught:
        make(new_stack(), **{field: value})
    assert caught.value.value == value
