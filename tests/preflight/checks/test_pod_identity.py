"""Check 6: with identity pod-identity, the eks-pod-identity-agent add-on is installed and ACTIVE."""

import pytest

from eks_lbc.preflight.model import Status
from tests.preflight.account import result

pytestmark = pytest.mark.runtime("cdktf")


@pytest.mark.parametrize(
    ("installed", "expected"),
    [("ACTIVE", Status.OK), ("CREATING", Status.WARN), ("DEGRADED", Status.FAIL), (None, Status.FAIL)],
)
def test_the_agent_add_on_must_be_active(account, installed, expected):
    account.cluster()
    if installed:
        account.gaps.addon("demo", "eks-pod-identity-agent", status=installed)
    found = result(account.preflight(identity="pod-identity"), "pod-identity-agent")
    assert found.status is expected
    if installed is None:
        assert "not installed" in found.found
        assert found.fix == (
            "aws eks create-addon --cluster-name demo --region eu-west-1 --addon-name eks-pod-identity-agent"
        )
    else:
        assert found.details["status"] == installed


def test_irsa_needs_no_agent(account):
    account.cluster()
    found = result(account.preflight(), "pod-identity-agent")
    assert found.status is Status.OK and found.found == "not needed: identity is irsa"
