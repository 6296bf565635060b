"""Issue 13.12: one AWS identity (profile, role, account) for the aws provider, `aws eks get-token` and the state."""

import pytest

from eks_lbc import aws_access
from eks_lbc.errors import InvalidSetting
from eks_lbc.settings import check_local_state, load_settings
from tests.test_settings import BASE, write_cdktf_json

ROLE = "arn:aws:iam::111122223333:role/platform/eks-deployer"


def load_one(tmp_path, context=None, **environ):
    (cluster,) = load_settings(write_cdktf_json(tmp_path, {**BASE, **(context or {})}), environ=environ).clusters
    return cluster


def test_access_settings_from_cdktf_json_and_environment(tmp_path):
    context = {
        "accountId": "111122223333",
        "awsProfile": "platform-ci",
        "assumeRoleArn": ROLE,
        "stateBucket": "acme-state",
        "stateRegion": "eu-west-1",
        "stateAssumeRoleArn": "arn:aws:iam::999988887777:role/terraform-state",
    }
    cluster = load_one(tmp_path, context)
    assert (cluster.account_id, cluster.aws_profile, cluster.assume_role_arn) == ("111122223333", "platform-ci", ROLE)
    assert cluster.state_assume_role_arn == "arn:aws:iam::999988887777:role/terraform-state"
    assert cluster.stack_name == "eks-lbc-demo-ap-northeast-1-111122223333"
    cluster = load_one(tmp_path, EKS_LBC_AWS_PROFILE="other", EKS_LBC_ASSUME_ROLE_ARN=ROLE)
    assert (cluster.aws_profile, cluster.assume_role_arn, cluster.account_id) == ("other", ROLE, None)
    assert cluster.stack_name == "eks-lbc-demo-ap-northeast-1"  # the account is in the names only when given


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("EKS_LBC_ACCOUNT_ID", "12345"),
        ("EKS_LBC_ACCOUNT_ID", "1111222233334"),
        ("EKS_LBC_AWS_PROFILE", "-x"),
        ("EKS_LBC_AWS_PROFILE", "has space"),
        ("EKS_LBC_AWS_PROFILE", '${file("x")}'),
        ("EKS_LBC_ASSUME_ROLE_ARN", "arn:aws:iam::111122223333:user/bob"),
        ("EKS_LBC_ASSUME_ROLE_ARN", "arn:aws:iam::1111:role/x"),
        ("EKS_LBC_ASSUME_ROLE_ARN", "deployer"),
    ],
)
def test_bad_access_settings(tmp_path, variable, value):
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, **{variable: value})
    assert caught.value.field == variable


def test_role_must_be_of_the_clusters_partition_and_account(tmp_path):
    with pytest.raises(InvalidSetting, match="partition aws-cn"):
        load_one(tmp_path, EKS_LBC_REGION="cn-north-1", EKS_LBC_ASSUME_ROLE_ARN=ROLE)
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, EKS_LBC_ACCOUNT_ID="444455556666", EKS_LBC_ASSUME_ROLE_ARN=ROLE)
    assert caught.value.field == "EKS_LBC_ASSUME_ROLE_ARN" and "444455556666" in caught.value.expected


def test_state_role_needs_the_bucket_and_its_partition(tmp_path):
    with pytest.raises(InvalidSetting, match="unset unless stateBucket is set"):
        load_one(tmp_path, EKS_LBC_STATE_ASSUME_ROLE_ARN=ROLE)
    with pytest.raises(InvalidSetting, match="partition aws-cn"):
        load_one(
            tmp_path, EKS_LBC_STATE_BUCKET="b-cn", EKS_LBC_STATE_REGION="cn-north-1", EKS_LBC_STATE_ASSUME_ROLE_ARN=ROLE
        )


def test_get_token_args_carry_the_same_identity():
    assert aws_access.get_token_args("demo", "eu-west-1") == [
        "eks", "get-token", "--cluster-name", "demo", "--region", "eu-west-1",
    ]  # fmt: skip
    assert aws_access.get_token_args("demo", "eu-west-1", profile="ci", role_arn=ROLE)[6:] == [
        "--role-arn", ROLE, "--profile", "ci",
    ]  # fmt: skip


def test_cluster_arn_check():
    arn = "arn:aws-us-gov:eks:us-gov-west-1:111122223333:cluster/prod_gov"
    assert aws_access.cluster_arn("f", arn, "prod_gov") == arn
    with pytest.raises(InvalidSetting, match="cluster prod"):
        aws_access.cluster_arn("f", arn, "prod")
    with pytest.raises(InvalidSetting, match="an EKS cluster ARN"):
        aws_access.cluster_arn("f", "arn:aws:iam::111122223333:role/x")


# --- the local state of a deployment made with the legacy names (issue 13.1: existing deployments keep their state)


def test_legacy_local_state_is_not_silently_left_behind(tmp_path):
    settings = load_settings(write_cdktf_json(tmp_path, BASE), environ={})
    check_local_state(settings, tmp_path)  # nothing there: fine
    (tmp_path / "terraform.eks-lbc-demo.tfstate").write_text("{}")
    with pytest.raises(InvalidSetting) as caught:
        check_local_state(settings, tmp_path)
    assert caught.value.field == "legacyNames"
    assert "terraform.eks-lbc-demo.tfstate" in caught.value.expected and "Upgrading" in caught.value.expected
    legacy = load_settings(write_cdktf_json(tmp_path, {**BASE, "legacyNames": True}), environ={})
    check_local_state(legacy, tmp_path)  # kept as it was
    (tmp_path / "terraform.eks-lbc-demo-ap-northeast-1.tfstate").write_text("{}")
    check_local_state(settings, tmp_path)  # the new state exists too: the user has chosen
