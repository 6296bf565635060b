"""Check 7 (state): the S3 bucket exists in stateRegion with versioning; the KMS key or alias exists and is enabled.
Also: the state object in S3 tells the IAM checks what this stack created."""

import json

import pytest

from eks_lbc.preflight.model import Status
from tests.preflight.account import TRUST, result

pytestmark = pytest.mark.runtime("cdktf")


def state(**settings):
    return {"stateBucket": "acme-tf-state", "stateRegion": "eu-west-1", **settings}


def test_a_versioned_bucket_passes_and_one_without_versioning_fails(account):
    account.cluster()
    account.state_bucket("acme-tf-state", versioned=False)
    unversioned = result(account.preflight(**state()), "state-bucket")
    assert unversioned.status is Status.FAIL
    assert "versioning never enabled" in unversioned.found
    assert unversioned.fix == (
        "aws s3api put-bucket-versioning --bucket acme-tf-state --versioning-configuration Status=Enabled"
    )
    account.client("s3").put_bucket_versioning(Bucket="acme-tf-state", VersioningConfiguration={"Status": "Enabled"})
    assert result(account.preflight(**state()), "state-bucket").status is Status.OK


def test_a_missing_bucket_or_one_in_another_region_fails(account):
    account.cluster()
    missing = result(account.preflight(**state()), "state-bucket")
    assert missing.status is Status.FAIL and "no S3 bucket acme-tf-state" in missing.found
    account.state_bucket("acme-tf-state", region="eu-central-1")
    elsewhere = result(account.preflight(**state()), "state-bucket")
    assert elsewhere.status is Status.FAIL and elsewhere.fix == "stateRegion: eu-central-1"


def test_the_kms_key_or_alias_must_exist_and_be_enabled(account):
    account.cluster()
    account.state_bucket("acme-tf-state")
    missing = result(account.preflight(**state(stateKmsKeyId="alias/tf-state")), "state-kms-key")
    assert missing.status is Status.FAIL and "no KMS key alias/tf-state in eu-west-1" in missing.found
    kms = account.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/tf-state", TargetKeyId=key)
    found = result(account.preflight(**state(stateKmsKeyId="alias/tf-state")), "state-kms-key")
    assert found.status is Status.OK and found.details["keyId"] == key
    kms.disable_key(KeyId=key)
    disabled = result(account.preflight(**state(stateKmsKeyId="alias/tf-state")), "state-kms-key")
    assert disabled.status is Status.FAIL and "Disabled" in disabled.found


def test_the_s3_state_tells_whether_the_role_is_this_stacks(account):
    account.cluster()
    account.state_bucket("acme-tf-state")
    role = account.client("iam").create_role(RoleName="demo-eu-west-1-aws-lbc", AssumeRolePolicyDocument=TRUST)["Role"]
    foreign = result(account.preflight(**state()), "iam-names")
    assert (
        foreign.status is Status.FAIL
        and "no state yet (s3://acme-tf-state/eks-lbc/eks-lbc-demo-eu-west-1.tfstate)" in foreign.found
    )
    document = {
        "version": 4,
        "resources": [
            {
                "mode": "managed",
                "type": "aws_iam_role",
                "name": "r",
                "instances": [{"attributes": {"arn": role["Arn"]}}],
            }
        ],
    }
    account.client("s3").put_object(
        Bucket="acme-tf-state", Key="eks-lbc/eks-lbc-demo-eu-west-1.tfstate", Body=json.dumps(document).encode()
    )
    own = result(account.preflight(**state()), "iam-names")
    assert own.status is Status.OK and "s3://acme-tf-state/eks-lbc/eks-lbc-demo-eu-west-1.tfstate" in own.found


def test_local_state_needs_no_bucket(account):
    account.cluster()
    report = account.preflight()
    assert result(report, "state-bucket").found == "not used: local state (terraform.eks-lbc-demo-eu-west-1.tfstate)"
    assert result(report, "state-kms-key").status is Status.OK


def test_a_deployment_from_before_region_names_is_found_and_legacy_names_asked_for(account):
    # Upgrading eks-lbc with S3 state: the old key holds the deployment; the new names would start from nothing.
    account.cluster()
    account.state_bucket("acme-tf-state")
    s3 = account.client("s3")
    s3.put_object(Bucket="acme-tf-state", Key="eks-lbc/eks-lbc-demo.tfstate", Body=b'{"version": 4, "resources": []}')
    found = result(account.preflight(**state()), "state-bucket")
    assert found.status is Status.FAIL and found.details["legacyKey"] == "eks-lbc/eks-lbc-demo.tfstate"
    assert found.fix.startswith("legacyNames: true")
    # With legacyNames the old key is the state: nothing to say.
    assert result(account.preflight(**state(legacyNames=True)), "state-bucket").status is Status.OK
    # Once the new key exists (a deliberate move), the old one no longer matters.
    s3.put_object(
        Bucket="acme-tf-state", Key="eks-lbc/eks-lbc-demo-eu-west-1.tfstate", Body=b'{"version": 4, "resources": []}'
    )
    assert result(account.preflight(**state()), "state-bucket").status is Status.OK
