"""Checks 2, 3, 7 (IAM): the OIDC provider against oidcProvider/stsAudience, the IAM names, the boundary."""

import json

import pytest

from eks_lbc.preflight.model import Status
from tests.preflight.account import TRUST, result

pytestmark = pytest.mark.runtime("cdktf")


def write_state(account, resources, stack="eks-lbc-demo-eu-west-1"):
    """A local Terraform state (format 4) next to cdktf.json, holding ``resources`` as (type, attributes)."""
    document = {
        "version": 4,
        "resources": [
            {"mode": "managed", "type": kind, "name": "x", "instances": [{"attributes": attributes}]}
            for kind, attributes in resources
        ],
    }
    (account.project_dir / f"terraform.{stack}.tfstate").write_text(json.dumps(document))


def test_a_pre_existing_oidc_provider_fails_create_and_suggests_existing(account):
    cluster = account.cluster()
    arn = account.oidc_provider(cluster)
    found = result(account.preflight(), "oidc-provider")
    assert found.status is Status.FAIL
    assert arn in found.found and "EntityAlreadyExists" in found.found
    assert found.fix == "oidcProvider: existing"


def test_an_oidc_provider_this_stack_created_passes_create(account):
    cluster = account.cluster()
    arn = account.oidc_provider(cluster)
    write_state(account, [("aws_iam_openid_connect_provider", {"arn": arn, "url": cluster.issuer_host})])
    found = result(account.preflight(), "oidc-provider")
    assert found.status is Status.OK
    assert "created by this stack (terraform.eks-lbc-demo-eu-west-1.tfstate)" in found.found


def test_an_unreadable_state_makes_an_existing_provider_unknown(account):
    cluster = account.cluster()
    account.oidc_provider(cluster)
    (account.project_dir / "terraform.eks-lbc-demo-eu-west-1.tfstate").write_text("{not json")
    found = result(account.preflight(), "oidc-provider")
    assert found.status is Status.UNKNOWN
    assert "cannot tell whether this stack created it" in found.found and "is not JSON" in found.found


def test_existing_mode_needs_the_provider_and_the_audience(account):
    cluster = account.cluster()
    missing = result(account.preflight(oidcProvider="existing"), "oidc-provider")
    assert missing.status is Status.FAIL
    assert missing.fix.startswith("oidcProvider: create")

    arn = account.oidc_provider(cluster, client_ids=("sts.amazonaws.com",))
    present = result(account.preflight(oidcProvider="existing"), "oidc-provider")
    assert present.status is Status.OK and arn in present.found

    other = result(account.preflight(oidcProvider="existing", stsAudience="sts.example.com"), "oidc-provider")
    assert other.status is Status.FAIL
    assert "lack the audience sts.example.com" in other.found
    assert other.fix.startswith(
        f"aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn {arn} "
        "--client-id sts.example.com"
    )
    assert other.details["clientIds"] == ["sts.amazonaws.com"]


def test_pod_identity_needs_no_oidc_provider(account):
    account.cluster()
    found = result(account.preflight(identity="pod-identity"), "oidc-provider")
    assert found.status is Status.OK and "not used" in found.found


def test_a_taken_role_name_fails_compared_case_insensitively(account):
    account.cluster()
    role = account.client("iam").create_role(RoleName="DEMO-eu-west-1-aws-lbc", AssumeRolePolicyDocument=TRUST)["Role"]
    found = result(account.preflight(), "iam-names")
    assert found.status is Status.FAIL
    assert role["Arn"] in found.found and "no state yet" in found.found
    assert "iamNamePrefix" in found.fix
    # A prefix makes the name free again.
    assert result(account.preflight(iamNamePrefix="acme-"), "iam-names").status is Status.OK


def test_a_taken_policy_name_fails_and_this_stacks_own_names_pass(account):
    account.cluster()
    iam = account.client("iam")
    policy = iam.create_policy(
        PolicyName="demo-eu-west-1-aws-lbc",
        Path="/other/",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:DescribeVpcs", "Resource": "*"}]}
        ),
    )["Policy"]
    role = iam.create_role(RoleName="demo-eu-west-1-aws-lbc", AssumeRolePolicyDocument=TRUST)["Role"]
    taken = result(account.preflight(), "iam-names")
    assert taken.status is Status.FAIL
    assert policy["Arn"] in taken.found and role["Arn"] in taken.found

    write_state(account, [("aws_iam_role", {"arn": role["Arn"]})])
    only_policy = result(account.preflight(), "iam-names")
    assert only_policy.status is Status.FAIL
    assert policy["Arn"] in only_policy.found and role["Arn"] not in only_policy.found
    assert "not in this stack's state" in only_policy.found

    write_state(account, [("aws_iam_role", {"arn": role["Arn"]}), ("aws_iam_policy", {"arn": policy["Arn"]})])
    own = result(account.preflight(), "iam-names")
    assert own.status is Status.OK and "created by this stack" in own.found


def test_a_missing_permissions_boundary_fails(account):
    account.cluster()
    boundary = "arn:aws:iam::123456789012:policy/org/eks-boundary"
    missing = result(account.preflight(permissionsBoundary=boundary), "permissions-boundary")
    assert missing.status is Status.FAIL and boundary in missing.found
    account.client("iam").create_policy(
        PolicyName="eks-boundary",
        Path="/org/",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )
    assert result(account.preflight(permissionsBoundary=boundary), "permissions-boundary").status is Status.OK
    assert result(account.preflight(), "permissions-boundary").found == "none configured"
