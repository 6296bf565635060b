import pytest

from eks_lbc.constructs import IrsaRole
from eks_lbc.errors import InvalidSetting
from tests.support import address, new_stack, only, synth

ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789"
HOST = ISSUER.removeprefix("https://")
PROVIDER_ARN = f"arn:aws:iam::111122223333:oidc-provider/{HOST}"


def make(stack, **overrides):
    props = dict(
        oidc_provider_arn=PROVIDER_ARN,
        issuer_url=ISSUER,
        namespace="kube-system",
        service_account_name="aws-load-balancer-controller",
        name="demo-aws-lbc",
    )
    props.update(overrides)
    return IrsaRole(stack, "role", **props)


def test_trust_policy_allows_only_the_service_account_through_the_provider():
    stack = new_stack()
    make(stack)
    out = synth(stack)
    (statement,) = only(out, "data", "aws_iam_policy_document")["statement"]
    assert statement["effect"] == "Allow"
    assert statement["actions"] == ["sts:AssumeRoleWithWebIdentity"]
    assert statement["principals"] == [{"type": "Federated", "identifiers": [PROVIDER_ARN]}]
    conditions = {c["variable"]: (c["test"], c["values"]) for c in statement["condition"]}
    assert conditions == {
        f"{HOST}:aud": ("StringEquals", ["sts.amazonaws.com"]),
        f"{HOST}:sub": ("StringEquals", ["system:serviceaccount:kube-system:aws-load-balancer-controller"]),
    }
    role = only(out, "resource", "aws_iam_role")
    assert role["assume_role_policy"] == f"${{{address(out, 'data', 'aws_iam_policy_document')}.json}}"
    assert role["name"] == "demo-aws-lbc"


def test_no_hard_coded_partition():
    stack = new_stack()
    make(stack, oidc_provider_arn=f"arn:aws-us-gov:iam::111122223333:oidc-provider/{HOST}")
    assert "arn:aws:" not in str(synth(stack))


def test_condition_keys_follow_a_token_issuer():
    stack = new_stack()
    from eks_lbc._cdk import DataAwsEksCluster

    cluster = DataAwsEksCluster(stack, "cluster", name="demo")
    make(stack, issuer_url=cluster.identity.get(0).oidc.get(0).issuer)
    (statement,) = only(synth(stack), "data", "aws_iam_policy_document")["statement"]
    host = '${replace(data.aws_eks_cluster.cluster.identity[0].oidc[0].issuer, "https://", "")}'
    assert {c["variable"] for c in statement["condition"]} == {f"{host}:aud", f"{host}:sub"}


def test_attach_policy():
    stack = new_stack()
    role = make(stack)
    role.attach_policy("extra", "arn:aws:iam::aws:policy/ReadOnlyAccess")
    out = synth(stack)
    attachment = only(out, "resource", "aws_iam_role_policy_attachment")
    assert attachment["policy_arn"] == "arn:aws:iam::aws:policy/ReadOnlyAccess"
    assert attachment["role"] == f"${{{address(out, 'resource', 'aws_iam_role')}.name}}"


@pytest.mark.parametrize(
    ("field", "value"),
    [("namespace", "Bad_NS"), ("service_account_name", "UPPER"), ("name", "r" * 65)],
)
def test_bad_props(field, value):
    with pytest.raises(InvalidSetting) as caught:
        make(new_stack(), **{field: value})
    assert caught.value.value == value
