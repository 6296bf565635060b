"""eks_lbc/constructs/_inputs.py: tokens pass unchecked, concrete strings are checked, without needless round trips."""

import pytest

from eks_lbc._cdk import DataAwsEksCluster, Fn, Token
from eks_lbc.constructs import _inputs
from eks_lbc.errors import InvalidSetting
from tests.support import new_stack


def samples() -> list[object]:
    cluster = DataAwsEksCluster(new_stack(), "cluster", name="demo")
    issuer = cluster.get_string_attribute("identity[0].oidc[0].issuer")
    return [
        "demo",
        "",
        "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
        "${data.aws_eks_cluster.cluster.name}",  # a Terraform expression written by hand is not a token
        "#{TfToken[TOKEN.1]}",
        "${TfToken[not a token",
        cluster.name,
        issuer,
        f"prefix-{cluster.name}-suffix",
        Fn.replace(issuer, "https://", ""),
        Token.as_string(Fn.timestamp()),
        42,
        None,
    ]


def test_is_token_answers_as_token_is_unresolved():
    for value in samples():
        assert _inputs.is_token(value) is (isinstance(value, str) and Token.is_unresolved(value)), value


def test_concrete_strings_never_reach_the_kernel(monkeypatch):
    def refuse(_value):
        raise AssertionError("a round trip for a concrete string")

    monkeypatch.setattr(_inputs.Token, "is_unresolved", refuse)
    assert _inputs.is_token("demo") is False
    assert _inputs.checked(lambda field, value: value, "cluster_name", "demo") == "demo"


def test_checked_skips_tokens_and_checks_strings():
    def check(field, value):
        raise InvalidSetting(field, value, "something else")

    token = DataAwsEksCluster(new_stack(), "cluster", name="demo").name
    assert _inputs.checked(check, "cluster_name", token) == token
    with pytest.raises(InvalidSetting, match="cluster_name"):
        _inputs.checked(check, "cluster_name", "demo")


def test_issuer_host_of_a_token_is_one_shared_expression():
    issuer = DataAwsEksCluster(new_stack(), "cluster", name="demo").get_string_attribute("identity[0].oidc[0].issuer")
    assert _inputs.issuer_host(issuer) == _inputs.issuer_host(issuer)
    assert Token.is_unresolved(_inputs.issuer_host(issuer))
    assert _inputs.issuer_host("https://oidc.example/id/1") == "oidc.example/id/1"
    with pytest.raises(InvalidSetting, match="issuer_url"):
        _inputs.issuer_host("http://oidc.example")
