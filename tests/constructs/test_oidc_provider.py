import pytest

from eks_lbc.constructs import ExistingOidcProvider, ImportedOidcProvider, OidcProvider
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


def test_audience_and_tags():
    stack = new_stack()
    OidcProvider(stack, "oidc", issuer_url=ISSUER, audience="sts.amazonaws.com.cn", tags={"team": "platform"})
    provider = only(synth(stack), "resource", "aws_iam_openid_connect_provider")
    assert provider["client_id_list"] == ["sts.amazonaws.com.cn"]
    assert provider["tags"] == {"team": "platform"}


def test_from_issuer_looks_the_existing_provider_up_and_creates_nothing():
    from eks_lbc._cdk import TerraformOutput

    stack = new_stack()
    existing = OidcProvider.from_issuer(stack, "oidc", issuer_url=ISSUER)
    TerraformOutput(stack, "arn", value=existing.arn)
    out = synth(stack)
    assert "resource" not in out
    assert "tls_certificate" not in out["data"]  # nothing reads the certificate
    lookup = only(out, "data", "aws_iam_openid_connect_provider")
    assert lookup == {"url": ISSUER}
    assert isinstance(existing, ExistingOidcProvider)
    assert existing.issuer_host == ISSUER.removeprefix("https://")
    assert out["output"]["arn"]["value"] == f"${{{address(out, 'data', 'aws_iam_openid_connect_provider')}.arn}}"


def test_from_issuer_with_a_token_issuer():
    stack = new_stack()
    from eks_lbc._cdk import DataAwsEksCluster

    cluster = DataAwsEksCluster(stack, "cluster", name="demo")
    OidcProvider.from_issuer(stack, "oidc", issuer_url=cluster.identity.get(0).oidc.get(0).issuer)
    lookup = only(synth(stack), "data", "aws_iam_openid_connect_provider")
    assert lookup["url"] == "${data.aws_eks_cluster.cluster.identity[0].oidc[0].issuer}"


def test_from_arn_checks_the_arn_against_the_issuer():
    host = ISSUER.removeprefix("https://")
    imported = OidcProvider.from_arn(f"arn:aws-cn:iam::111122223333:oidc-provider/{host}", issuer_url=ISSUER)
    assert isinstance(imported, ImportedOidcProvider)
    assert (imported.arn, imported.issuer_host) == (f"arn:aws-cn:iam::111122223333:oidc-provider/{host}", host)
    with pytest.raises(InvalidSetting, match="provider of the issuer"):
        OidcProvider.from_arn(
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.x.amazonaws.com/id/OTHER", issuer_url=ISSUER
        )
    with pytest.raises(InvalidSetting, match="IAM OIDC provider ARN"):
        OidcProvider.from_arn("arn:aws:iam::111122223333:role/x", issuer_url=ISSUER)


def test_bad_audience():
    with pytest.raises(InvalidSetting) as caught:
        OidcProvider(new_stack(), "oidc", issuer_url=ISSUER, audience="has space")
    assert caught.value.field == "audience"
