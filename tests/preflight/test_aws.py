"""Every AWS call preflight makes is a read-only action of its published IAM policy, and every action there is used."""

import json
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from eks_lbc.preflight.aws import Unavailable, call, policy_actions, policy_document
from eks_lbc.preflight.model import Status
from tests.preflight.account import TRUST

pytestmark = pytest.mark.runtime("cdktf")

READ_ONLY_PREFIXES = ("Describe", "Get", "List")


def test_every_call_is_in_the_policy_and_the_policy_holds_nothing_unused(account):
    # One run that takes every branch that calls AWS: an existing OIDC provider (its client IDs), a boundary,
    # S3 state with a KMS alias, a taken role name (so the state object is read), subnets without tags (route
    # tables), nodes (instances, security groups), and Pod Identity (the add-on).
    irsa = account.cluster("irsa", public_zones="")
    account.cluster("pi")
    account.oidc_provider(irsa)
    iam = account.client("iam")
    boundary = iam.create_policy(
        PolicyName="boundary",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    iam.create_role(RoleName="irsa-eu-west-1-aws-lbc", AssumeRolePolicyDocument=TRUST)
    account.state_bucket("acme-tf-state")
    kms = account.client("kms")
    kms.create_alias(AliasName="alias/tf", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    account.gaps.addon("pi", "eks-pod-identity-agent")
    account.preflight(
        stateBucket="acme-tf-state",
        stateRegion="eu-west-1",
        stateKmsKeyId="alias/tf",
        permissionsBoundary=boundary,
        clusters=[
            {"clusterName": "irsa", "region": "eu-west-1", "oidcProvider": "existing"},
            {"clusterName": "pi", "region": "eu-west-1", "identity": "pod-identity"},
        ],
    )
    made = set(account.calls)
    assert made <= policy_actions(), f"calls missing from iam_policy.json: {sorted(made - policy_actions())}"
    assert policy_actions() <= made, f"iam_policy.json grants unused actions: {sorted(policy_actions() - made)}"


def test_the_policy_is_read_only():
    (statement,) = policy_document()["Statement"]
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
    for action in statement["Action"]:
        assert action.split(":")[1].startswith(READ_ONLY_PREFIXES), action
    assert statement["Action"] == sorted(statement["Action"])


class Client:
    """Just enough of a botocore client for :func:`call`."""

    def __init__(self, error):
        self.meta = SimpleNamespace(
            method_to_api_mapping={"describe_cluster": "DescribeCluster"},
            service_model=SimpleNamespace(signing_name="eks"),
        )
        self.error = error

    def describe_cluster(self, **_):
        raise ClientError(self.error, "DescribeCluster")


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (
            {"Error": {"Code": "AccessDeniedException", "Message": "no"}},
            "eks:DescribeCluster denied (AccessDeniedException)",
        ),
        (
            {"Error": {"Code": "404", "Message": "Not yet implemented"}, "ResponseMetadata": {"HTTPStatusCode": 404}},
            "eks:DescribeCluster is not available at this endpoint (Not yet implemented)",
        ),
        (
            {"Error": {"Code": "Throttling", "Message": "slow down"}},
            "eks:DescribeCluster failed: Throttling: slow down",
        ),
    ],
)
def test_errors_become_unavailable_with_the_action_and_reason(response, reason):
    with pytest.raises(Unavailable) as raised:
        call(Client(response), "describe_cluster", name="demo")
    assert str(raised.value) == reason


def test_an_expected_not_found_is_none():
    error = {"Error": {"Code": "ResourceNotFoundException", "Message": "gone"}}
    assert call(Client(error), "describe_cluster", missing=("ResourceNotFoundException",), name="demo") is None


def test_preflight_reads_as_the_role_terraform_assumes(account):
    """With ``assumeRoleArn`` every check reads the account that role is in, not the caller's."""
    from tests.preflight.account import result

    account.cluster()  # in moto's default account, the caller's
    assert result(account.preflight(), "cluster").status is Status.OK
    # The same settings with a role in another account: moto serves that account, where the cluster is not.
    elsewhere = "arn:aws:iam::111122223333:role/eks-deployer"
    found = result(account.preflight(assumeRoleArn=elsewhere), "cluster")
    assert found.status is Status.FAIL and "no EKS cluster named demo" in found.found
    assert "sts:AssumeRole" in account.calls


def test_a_role_that_cannot_be_assumed_makes_the_checks_unknown(account):
    from eks_lbc.preflight.aws import Aws
    from eks_lbc.preflight.runner import run
    from eks_lbc.settings import load_settings
    from tests.preflight.account import result

    account.cluster()

    def deny_assume_role(client):
        def refuse(**_):
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not allowed"}}, "AssumeRole")

        client.meta.events.register("before-call.sts.AssumeRole", refuse)

    role = "arn:aws:iam::123456789012:role/none"
    (account.project_dir / "cdktf.json").write_text(
        json.dumps({"context": {"eks-lbc": {"clusterName": "demo", "region": "eu-west-1", "assumeRoleArn": role}}})
    )
    settings = load_settings(account.project_dir / "cdktf.json", environ={})
    found = result(run(settings, account.project_dir, aws=Aws(client_hook=deny_assume_role)), "cluster")
    assert found.status is Status.UNKNOWN and f"cannot assume {role}" in found.found
    assert "AccessDenied" in found.found
