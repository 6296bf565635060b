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


def test_any_object_with_arn_and_issuer_host_is_an_oidc_provider():
    from dataclasses import dataclass

    @dataclass
    class MyProvider:
        arn: str
        issuer_host: str

    stack = new_stack()
    make(stack, oidc_provider=MyProvider(PROVIDER_ARN, HOST), oidc_provider_arn=None, issuer_url=None)
    (statement,) = only(synth(stack), "data", "aws_iam_policy_document")["statement"]
    assert statement["principals"][0]["identifiers"] == [PROVIDER_ARN]
    assert {c["variable"] for c in statement["condition"]} == {f"{HOST}:aud", f"{HOST}:sub"}


def test_trusts_an_existing_provider_looked_up_by_issuer():
    from eks_lbc.constructs import OidcProvider

    stack = new_stack()
    existing = OidcProvider.from_issuer(stack, "oidc", issuer_url=ISSUER)
    make(stack, oidc_provider=existing, oidc_provider_arn=None, issuer_url=None)
    out = synth(stack)
    statement = only(out, "data", "aws_iam_policy_document")["statement"][0]
    assert statement["principals"][0]["identifiers"] == [
        f"${{{address(out, 'data', 'aws_iam_openid_connect_provider')}.arn}}"
    ]


def test_provider_is_given_one_way_only():
    with pytest.raises(InvalidSetting, match="unset when oidc_provider is given"):
        from eks_lbc.constructs import OidcProvider

        make(new_stack(), oidc_provider=OidcProvider.from_arn(PROVIDER_ARN, issuer_url=ISSUER))
    with pytest.raises(InvalidSetting, match="oidc_provider_arn and issuer_url"):
        make(new_stack(), oidc_provider_arn=None)


def test_organisation_rules_and_audience():
    stack = new_stack()
    boundary = "arn:aws:iam::111122223333:policy/org/boundary"
    make(stack, path="/eks/", permissions_boundary=boundary, tags={"team": "platform"}, audience="custom-aud")
    out = synth(stack)
    role = only(out, "resource", "aws_iam_role")
    assert (role["path"], role["permissions_boundary"], role["tags"]) == ("/eks/", boundary, {"team": "platform"})
    (statement,) = only(out, "data", "aws_iam_policy_document")["statement"]
    assert {"test": "StringEquals", "variable": f"{HOST}:aud", "values": ["custom-aud"]} in statement["condition"]


def test_defaults_leave_path_boundary_and_tags_out():
    stack = new_stack()
    make(stack)
    role = only(synth(stack), "resource", "aws_iam_role")
    assert not {"path", "permissions_boundary", "tags"} & set(role)


def test_permissions_boundary_checked_against_a_known_partition():
    boundary = "arn:aws:iam::111122223333:policy/boundary"
    with pytest.raises(InvalidSetting, match="arn:aws-cn:iam::"):
        make(new_stack(), permissions_boundary=boundary, partition="aws-cn")
    make(new_stack(), permissions_boundary=boundary, partition=None)  # unknown partition: form only
    from eks_lbc._cdk import DataAwsPartition

    stack = new_stack()
    make(stack, permissions_boundary=boundary, partition=DataAwsPartition(stack, "p").partition)  # a token: form only


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("path", "eks", "IAM path"),
        ("permissions_boundary", "boundary", "IAM policy ARN"),
        ("tags", {"aws:x": "y"}, "reserved"),
        ("audience", "", "OIDC audience"),
    ],
)
def test_bad_organisation_props(field, value, match):
    with pytest.raises(InvalidSetting, match=match):
        make(new_stack(), **{field: value})
