"""The runner: partial permissions never crash a run; concurrent runs equal sequential ones; facts read once."""

from collections import Counter
from types import SimpleNamespace

import pytest

from eks_lbc.preflight import checks as checks_module
from eks_lbc.preflight.checks import CHECKS, Check
from eks_lbc.preflight.model import Status
from tests.preflight.account import result

pytestmark = pytest.mark.runtime("cdktf")


def deny(account, *actions):
    """Make every call of ``actions`` (``ec2:DescribeInstances``) answer AccessDenied, as IAM would."""
    hook = account._hook

    def denying(client):
        hook(client)

        def refuse(**_):
            error = {"Code": "AccessDenied", "Message": "User is not authorized to perform this action"}
            return SimpleNamespace(status_code=403, headers={}), {"Error": error, "ResponseMetadata": {}}

        service = client.meta.service_model
        for action in actions:
            prefix, operation = action.split(":")
            if prefix == service.signing_name:
                # First, on the operation's own event: IAM answers before the moto gaps' handlers do.
                client.meta.events.register_first(f"before-call.{service.service_id.hyphenize()}.{operation}", refuse)

    account._hook = denying


def test_denied_calls_make_their_checks_unknown_and_the_rest_still_run(account):
    account.cluster()
    deny(account, "ec2:DescribeInstances", "iam:ListRoles", "eks:DescribeAddon")
    report = account.preflight(identity="pod-identity")
    for check in ("webhook-port", "node-security-groups", "imds-hop-limit"):
        found = result(report, check)
        assert found.status is Status.UNKNOWN
        assert found.found == "ec2:DescribeInstances denied (AccessDenied)"
        assert "IAM policy" in found.fix
    assert result(report, "iam-names").found == "iam:ListRoles denied (AccessDenied)"
    assert result(report, "pod-identity-agent").found == "eks:DescribeAddon denied (AccessDenied)"
    assert result(report, "subnets-internal").status is Status.OK
    assert report.exit_code == 0  # unknown is not a failure


def test_a_denied_describe_cluster_leaves_the_cluster_checks_unknown(account):
    account.cluster()
    deny(account, "eks:DescribeCluster")
    report = account.preflight()
    assert result(report, "cluster").status is Status.UNKNOWN
    assert result(report, "subnets-internet-facing").found == (
        "needs the cluster: eks:DescribeCluster denied (AccessDenied)"
    )
    assert result(report, "permissions-boundary").status is Status.OK


def test_an_api_moto_does_not_implement_is_unknown_with_the_reason(account):
    account.cluster()
    account.gaps.install = lambda client: None  # moto as it is: DescribeAddon answers 404 "Not yet implemented"
    found = result(account.preflight(identity="pod-identity"), "pod-identity-agent")
    assert found.status is Status.UNKNOWN
    assert found.found.startswith("eks:DescribeAddon is not available at this endpoint")


def test_no_credentials_at_all_is_unknown_everywhere_not_a_crash(account, monkeypatch):
    account.cluster()
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    report = account.preflight()
    assert result(report, "cluster").status is Status.UNKNOWN
    assert "Unable to locate credentials" in result(report, "cluster").found
    assert report.clusters[0].account is None


def test_a_check_that_breaks_is_unknown_and_the_others_still_report(account, monkeypatch):
    account.cluster()

    def broken(ctx):
        raise KeyError("Subnets")

    patched = tuple(Check(c.id, c.summary, broken) if c.id == "subnet-ids" else c for c in CHECKS)
    monkeypatch.setattr("eks_lbc.preflight.runner.CHECKS", patched)
    report = account.preflight()
    assert result(report, "subnet-ids").found == "the check failed unexpectedly: KeyError: 'Subnets'"
    assert len(report.clusters[0].results) == len(checks_module.CHECKS)


def test_concurrent_and_sequential_runs_report_the_same_and_read_each_fact_once(account):
    clusters = [account.cluster(name) for name in ("alpha", "beta", "gamma")]
    entries = [{"clusterName": c.name, "region": c.region} for c in clusters]
    account.calls.clear()
    concurrent = account.preflight(workers=16, clusters=entries)
    calls = Counter(account.calls)
    account.calls.clear()
    sequential = account.preflight(workers=1, clusters=entries)
    assert concurrent == sequential
    assert [c.cluster for c in concurrent.clusters] == ["alpha", "beta", "gamma"]
    # Per cluster: one description, one subnet list, one instance list; account-wide lists once per run.
    assert calls["eks:DescribeCluster"] == 3
    assert calls["ec2:DescribeSubnets"] == 3
    assert calls["ec2:DescribeInstances"] == 3
    assert calls["iam:ListRoles"] == 1 and calls["iam:ListOpenIDConnectProviders"] == 1
    assert calls == Counter(account.calls)
