"""The chartRepository forms: what each URL means for Helm and for authentication, and what is refused."""

import pytest

from eks_lbc.chart_repository import check_credentials, check_ecr_region, check_username, parse
from eks_lbc.errors import InvalidSetting

# Runtime-independent (no cdktf or cdktn import): once per `make test`, in the cdktf pass.
pytestmark = pytest.mark.runtime("cdktf")

ECR = "oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/mirror"


def test_the_default_is_public_https():
    repository = parse("f", "https://aws.github.io/eks-charts")
    assert (repository.oci, repository.public, repository.private_ecr) == (False, True, False)


@pytest.mark.parametrize(
    ("url", "oci", "host", "registry"),
    [
        ("https://charts.example.com", False, "charts.example.com", "https://charts.example.com"),
        ("https://charts.example.com:8443/eks/stable/", False, "charts.example.com:8443", None),
        ("https://artifactory.example.com/artifactory/api/helm/eks-charts", False, "artifactory.example.com", None),
        ("oci://registry.example.com", True, "registry.example.com", "oci://registry.example.com"),
        ("oci://harbor.example.com:5443/platform/charts", True, "harbor.example.com:5443", None),
        ("oci://public.ecr.aws/acme/charts", True, "public.ecr.aws", "oci://public.ecr.aws"),
    ],
)
def test_https_and_oci_forms(url, oci, host, registry):
    repository = parse("f", url)
    assert (repository.url, repository.oci, repository.host, repository.private_ecr) == (url, oci, host, False)
    if registry:
        assert repository.registry == registry


@pytest.mark.parametrize(
    ("url", "account", "region"),
    [
        (ECR, "111122223333", "eu-west-1"),
        ("oci://111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/mirror/charts", "111122223333", "cn-north-1"),
        ("oci://111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com/m", "111122223333", "us-gov-west-1"),
    ],
)
def test_private_ecr_is_recognised_with_its_account_and_region(url, account, region):
    repository = parse("f", url)
    assert (repository.private_ecr, repository.ecr_account, repository.ecr_region) == (True, account, region)
    assert repository.registry == "oci://" + url.removeprefix("oci://").split("/")[0]
    assert not repository.public


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://charts.example.com", "without TLS"),
        ("ftp://charts.example.com", "an https:// Helm repository URL"),
        ("charts.example.com", "an https:// Helm repository URL"),
        ("https://charts.example.com/eks?token=x", "query or fragment"),
        ("https://charts.example.com/eks#x", "query or fragment"),
        ("https://charts.example.com/${var.x}", "an https:// Helm repository URL"),
        ("https://charts.example.com/%{if}", "an https:// Helm repository URL"),
        ("https://charts example.com", "an https:// Helm repository URL"),
        ("oci://registry.example.com/Mirror", "oci://<host>/<path>"),  # OCI names are lowercase
        ("oci://registry.example.com/mirror/", "oci://<host>/<path>"),
        ("oci://", "oci://<host>/<path>"),
        ("https://111122223333.dkr.ecr.eu-west-1.amazonaws.com/mirror", "ECR"),
        ("oci://111122223333.dkr.ecr.tokyo.amazonaws.com/mirror", "AWS region code"),
    ],
)
def test_malformed_repositories_are_refused_naming_the_setting(url, expected):
    with pytest.raises(InvalidSetting) as caught:
        parse("EKS_LBC_CHART_REPOSITORY", url)
    assert caught.value.field == "EKS_LBC_CHART_REPOSITORY"
    assert expected in caught.value.expected
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "url", ["https://bob:s3cret@charts.example.com/eks", "oci://bob:s3cret@registry.example.com/m"]
)
def test_credentials_in_the_url_are_refused_without_echoing_them(url):
    with pytest.raises(InvalidSetting) as caught:
        parse("chartRepository", url)
    assert "s3cret" not in str(caught.value) and "bob" not in str(caught.value)
    assert "TF_VAR_chart_repository_password" in caught.value.expected


def test_credentials_only_where_a_repository_takes_them():
    check_credentials("u", parse("f", "https://charts.example.com"), "bob")
    check_credentials("u", parse("f", "oci://harbor.example.com/charts"), "robot$charts+eks")
    check_credentials("u", parse("f", ECR), None)
    for url, reason in [
        (ECR, "ECR token"),
        ("https://aws.github.io/eks-charts", "public"),
        ("https://aws.github.io/eks-charts/", "public"),
        ("oci://public.ecr.aws/acme", "public"),
    ]:
        with pytest.raises(InvalidSetting) as caught:
            check_credentials("EKS_LBC_CHART_REPOSITORY_USERNAME", parse("f", url), "bob")
        assert caught.value.field == "EKS_LBC_CHART_REPOSITORY_USERNAME" and reason in caught.value.expected


@pytest.mark.parametrize("username", ["", "bob smith", "a${b}", "a%{b}", "é", "x" * 256])
def test_bad_usernames(username):
    with pytest.raises(InvalidSetting):
        check_username("u", username)


def test_a_private_ecr_mirror_is_in_the_clusters_region():
    check_ecr_region("f", parse("f", ECR), "eu-west-1")
    check_ecr_region("f", parse("f", "https://charts.example.com"), "eu-west-1")
    with pytest.raises(InvalidSetting) as caught:
        check_ecr_region("f", parse("f", ECR), "us-east-1")
    assert "cluster's region us-east-1" in caught.value.expected
