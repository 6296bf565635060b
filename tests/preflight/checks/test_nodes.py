"""Checks 5 and 8: the webhook port from the control plane, one cluster-tagged SG per node ENI, the IMDS hop limit."""

import pytest

from eks_lbc.preflight.checks.nodes import allows
from eks_lbc.preflight.model import Status
from tests.preflight.account import result

pytestmark = pytest.mark.runtime("cdktf")


def test_nodes_admitting_9443_from_the_cluster_security_group_pass(account):
    cluster = account.cluster()
    found = result(account.preflight(), "webhook-port")
    assert found.status is Status.OK
    assert found.details == {"port": 9443, "sources": [cluster.cluster_sg], "nodes": 1, "blocked": []}


def test_a_missing_9443_rule_fails_with_the_rule_to_add(account):
    cluster = account.cluster()
    bare = account.security_group(cluster.vpc_id, "bare")
    (instance,) = account.node(cluster, cluster.private[0], [bare], tag="eks")  # managed node group tag
    found = result(account.preflight(), "webhook-port")
    assert found.status is Status.FAIL
    assert found.details["nodes"] == 2 and len(found.details["blocked"]) == 1
    assert instance in found.found and "failed calling webhook" in found.found
    assert found.fix == (
        f"aws ec2 authorize-security-group-ingress --group-id {bare} --protocol tcp --port 9443 "
        f"--source-group {cluster.cluster_sg}"
    )


def test_the_configured_webhook_port_is_the_one_checked(account):
    account.cluster()
    found = result(account.preflight(helmValues={"webhookBindPort": 10443}), "webhook-port")
    assert found.status is Status.FAIL and found.details["port"] == 10443 and "--port 10443" in found.fix


def test_a_cidr_rule_covering_every_cluster_subnet_counts():
    group = {
        "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}
        ]
    }
    import ipaddress

    inside = [ipaddress.ip_network("10.0.10.0/24"), ipaddress.ip_network("10.0.11.0/24")]
    assert allows(group, 9443, {"sg-control"}, inside)
    assert not allows(group, 9443, {"sg-control"}, [*inside, ipaddress.ip_network("10.1.0.0/24")])
    udp = {
        "IpPermissions": [
            {"IpProtocol": "udp", "FromPort": 9443, "ToPort": 9443, "UserIdGroupPairs": [{"GroupId": "sg-control"}]}
        ]
    }
    assert not allows(udp, 9443, {"sg-control"}, [])
    everything = {"IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-control"}]}]}
    assert allows(everything, 9443, {"sg-control"}, [])


def test_two_tagged_security_groups_on_one_eni_fail(account):
    cluster = account.cluster()
    # The EKS cluster security group is tagged for the cluster; so is the node group: the classic clash.
    account.node(cluster, cluster.private[1], [cluster.node_sg, cluster.cluster_sg])
    found = result(account.preflight(), "node-security-groups")
    assert found.status is Status.FAIL
    assert "2 tagged" in found.found and "expected exactly one securityGroup tagged with" in found.found
    assert found.fix.startswith("remove the tag kubernetes.io/cluster/demo from all but one of ")
    assert cluster.node_sg in found.fix and cluster.cluster_sg in found.fix


def test_several_untagged_security_groups_on_one_eni_fail(account):
    cluster = account.cluster()
    first, second = sorted(account.security_group(cluster.vpc_id, n) for n in ("one", "two"))
    account.node(cluster, cluster.private[0], [first, second])
    found = result(account.preflight(), "node-security-groups")
    assert found.status is Status.FAIL
    assert found.fix == f"tag one of {first}, {second} kubernetes.io/cluster/demo=owned"


def test_no_nodes_warns_once(account):
    account.cluster(nodes=False)
    report = account.preflight()
    assert result(report, "webhook-port").status is Status.WARN
    assert result(report, "node-security-groups").status is Status.OK
    assert result(report, "imds-hop-limit").status is Status.OK
    assert report.exit_code == 0


def test_no_cluster_security_group_is_unknown_not_a_crash(account):
    account.cluster(cluster_sg=False)
    found = result(account.preflight(), "webhook-port")
    assert found.status is Status.UNKNOWN
    assert found.found == "the cluster description names no cluster security group"


def test_a_hop_limit_of_one_only_warns_and_says_eks_lbc_does_not_need_imds(account):
    cluster = account.cluster()
    (instance,) = account.node(cluster, cluster.private[0], [cluster.node_sg], hop_limit=1)
    report = account.preflight()
    found = result(report, "imds-hop-limit")
    assert found.status is Status.WARN
    assert found.details["hopLimitOne"] == [instance]
    assert "eks-lbc passes the region and VPC id to the controller" in found.found
    assert report.exit_code == 0
