"""The checks behind settings and construct props that are not exercised through a setting elsewhere."""

import pytest

from eks_lbc import validation
from eks_lbc.errors import InvalidSetting

# Runtime-independent (no cdktf or cdktn import): once per `make test`, in the cdktf pass.
pytestmark = pytest.mark.runtime("cdktf")


@pytest.mark.parametrize("name", ["abc", "acme-terraform-state", "a.b-c", "0" * 63, "state.eu-west-1"])
def test_good_bucket_names(name):
    assert validation.s3_bucket("bucket", name) == name


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "-abc",
        "abc-",
        "ABC",
        "a_b",
        "a..b",
        "a.-b",
        "a-.b",
        "10.0.0.1",
        "sthree-x",
        "amzn-s3-demo-x",
        "x--ol-s3",
        "x.mrap",
        "x--x-s3",
        "x--table-s3",
    ],
)
def test_bad_bucket_names(name):
    with pytest.raises(InvalidSetting, match="S3 bucket name"):
        validation.s3_bucket("bucket", name)


@pytest.mark.parametrize(
    "key",
    [
        "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
        "mrk-0123456789abcdef0123456789abcdef",
        "alias/terraform-state",
        "arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
        "arn:aws-cn:kms:cn-north-1:111122223333:alias/state",
    ],
)
def test_kms_key_forms(key):
    assert validation.kms_key("key", key) == key


def test_kms_key_partition():
    arn = "arn:aws-cn:kms:cn-north-1:111122223333:alias/state"
    assert validation.kms_key("key", arn, "aws-cn") == arn
    assert validation.kms_key("key", "alias/state", "aws-cn") == "alias/state"  # no ARN, no partition
    with pytest.raises(InvalidSetting, match="arn:aws:kms"):
        validation.kms_key("key", arn, "aws")


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::111122223333:policy/boundary",
        "arn:aws:iam::111122223333:policy/org/security/boundary",
        "arn:aws:iam::aws:policy/PowerUserAccess",
        "arn:aws-us-gov:iam::111122223333:policy/b+=,.@_-",
    ],
)
def test_policy_arns(arn):
    assert validation.policy_arn("boundary", arn) == arn


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::11112222333:policy/boundary",
        "arn:aws:iam::111122223333:policy/",
        "arn:aws:iam::111122223333:policy/" + "n" * 129,
        "arn:aws:s3:::bucket",
        "arn:aws:iam::111122223333:policy/with space",
    ],
)
def test_bad_policy_arns(arn):
    with pytest.raises(InvalidSetting, match="IAM policy ARN"):
        validation.policy_arn("boundary", arn)


@pytest.mark.parametrize("path", ["/", "/eks/", "/org/platform/eks/", "/" + "p" * 510 + "/"])
def test_iam_paths(path):
    assert validation.iam_path("path", path) == path


@pytest.mark.parametrize(
    "path", ["", "eks", "/eks", "eks/", "/" + "p" * 511 + "/", "/é/", "/a//b/", "/${x}/", "/%{x}/", "/&{x}/"]
)
def test_bad_iam_paths(path):
    with pytest.raises(InvalidSetting, match="IAM path"):
        validation.iam_path("path", path)


@pytest.mark.parametrize("subnet", ["subnet-01234567", "subnet-0123456789abcdef0"])
def test_subnet_ids(subnet):
    assert validation.subnet_id("subnet", subnet) == subnet


@pytest.mark.parametrize("subnet", ["subnet-0123456", "subnet-0123456789ABCDEF0", "sn-01234567", "subnet-012345678"])
def test_bad_subnet_ids(subnet):
    with pytest.raises(InvalidSetting, match="subnet id"):
        validation.subnet_id("subnet", subnet)


def test_state_key_prefix():
    assert validation.state_key_prefix("prefix", "eks/clusters-1") == "eks/clusters-1"
    for bad in ("", "a/", "/a", "a//b", "./a", "a b", "a/../b"):
        with pytest.raises(InvalidSetting, match="S3 key prefix"):
            validation.state_key_prefix("prefix", bad)


def test_choice():
    check = validation.choice(("irsa", "pod-identity"))
    assert check("identity", "irsa") == "irsa"
    with pytest.raises(InvalidSetting, match="'irsa', 'pod-identity'"):
        check("identity", "kiam")
