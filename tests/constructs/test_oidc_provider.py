import pytest

from eks_lbc.constructs import OidcProvider
from eks_lbc.errors import InvalidSetting
from tests.support import address, new_stack, only, synth

ISSUER = "https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


def test_provider_trusts_sts_with_thumbprints_of_the_issuer_certificate():
    stack = new_stack()
    oidc = OidcProvider(stack, "oidc", issuer_url=ISSUER)
    out = synth(stack)
    certificate = only(out, "data", "tls_certificate")
    provider = only(out, "resource", "aws_iam_openid_connect_provider")
    assert certificate["url"] == ISSUER
    assert provider["url"] == ISSUER
    assert provider["client_id_list"] == ["sts.amazonaws.com"]
    cert_address = address(out, "data", "tls_certificate")
    assert provider["thumbprint_list"] == f"${{{cert_address}.certificates[*].sha1_fingerprint}}"
    assert oidc.issuer_host == ISSUER.removeprefix("https://")


def test_issuer_may_be_a_token():
    stack = new_stack()
    from eks_lbc._cdk import DataAwsEksCluster

    cluster = DataAwsEksCluster(stack, "cluster", name="demo")
    oidc = OidcProvider(stack, "oidc", issuer_url=cluster.identity.get(0).oidc.get(0).issuer)
    out = synth(stack)
    assert only(out, "resource", "aws_iam_openid_connect_provider")["url"] == (
        "${data.aws_eks_cluster.cluster.identity[0].oidc[0].issuer}"
    )
    assert oidc.issuer_host.startswith("${TfToken[")


@pytest.mark.parametrize("bad", ["http://oidc.example", "oidc.eks.us-east-1.amazonaws.com/id/X", "https://"])
def test_issuer_must_be_https(bad):
    with pytest.raises(InvalidSetting) as caught:
        OidcProvider(new_stack(), "oidc", issuer_url=bad)
    assert caught.value.field == "issuer_url"
