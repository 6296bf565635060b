"""Check 4: the controller's subnet discovery for internet-facing and internal ALBs; the configured subnet ids."""

import pytest

from eks_lbc.preflight.checks.subnets import is_public
from eks_lbc.preflight.model import Status
from tests.preflight.account import result

pytestmark = pytest.mark.runtime("cdktf")

ELB = "kubernetes.io/role/elb"


def test_tagged_subnets_in_two_zones_pass_and_name_what_the_controller_picks(account):
    cluster = account.cluster()
    report = account.preflight()
    public = result(report, "subnets-internet-facing")
    assert public.status is Status.OK
    assert public.details["chosen"] == sorted(cluster.public) and public.details["source"] == "tags"
    internal = result(report, "subnets-internal")
    assert internal.status is Status.OK and internal.details["chosen"] == sorted(cluster.private)


def test_one_zone_only_fails_an_alb(account):
    cluster = account.cluster(public_zones="a")
    found = result(account.preflight(), "subnets-internet-facing")
    assert found.status is Status.FAIL
    assert f"would pick {cluster.public[0]} (eu-west-1a" in found.found
    assert "usable subnets in 1 Availability Zone, an ALB needs 2" in found.found
    assert found.fix.startswith("publicSubnetIds: add subnets with 8+ free IP addresses in 1 more Availability Zone")
    # The controller's ALBSingleSubnet feature gate (through helmValues) allows one.
    gated = account.preflight(helmValues={"controllerConfig": {"featureGates": {"ALBSingleSubnet": True}}})
    assert result(gated, "subnets-internet-facing").status is Status.OK


def test_a_full_subnet_is_left_out(account):
    cluster = account.cluster()
    full = account.subnet(cluster.vpc_id, "c", "10.0.20.0/28", {ELB: ""})  # empty value counts as tagged
    account.node(cluster, full, [cluster.node_sg], count=4)  # 11 free - 4 = 7 < 8
    found = result(account.preflight(), "subnets-internet-facing")
    assert found.status is Status.OK  # the two other zones remain
    assert f"{full} has 7 free IP addresses (< 8)" in found.details["excluded"]
    assert full not in found.details["chosen"]


def test_subnets_tagged_for_another_cluster_only_are_left_out(account):
    cluster = account.cluster(public_zones="")
    mine = account.subnet(cluster.vpc_id, "a", "10.0.30.0/24", {ELB: "1", "kubernetes.io/cluster/demo": "shared"})
    theirs = account.subnet(cluster.vpc_id, "b", "10.0.31.0/24", {ELB: "1", "kubernetes.io/cluster/other": "owned"})
    found = result(account.preflight(), "subnets-internet-facing")
    assert found.status is Status.FAIL
    assert found.details["chosen"] == [mine]
    assert any(line.startswith(f"{theirs} is tagged for another cluster only") for line in found.details["excluded"])
    assert found.fix == f"tag {theirs} kubernetes.io/cluster/demo=shared"


def test_without_tags_chart_3_falls_back_to_route_tables_and_chart_1_5_has_no_fallback(account):
    cluster = account.cluster(public_zones="", private_zones="")
    public = [account.subnet(cluster.vpc_id, z, f"10.0.4{i}.0/24") for i, z in enumerate("ab")]
    private = [account.subnet(cluster.vpc_id, z, f"10.0.5{i}.0/24") for i, z in enumerate("ab")]
    account.route_to_internet(cluster.vpc_id, public)

    report = account.preflight()
    fallback = result(report, "subnets-internet-facing")
    assert fallback.status is Status.WARN
    assert fallback.details["source"] == "route-tables" and fallback.details["chosen"] == sorted(public)
    assert fallback.fix.startswith("to choose explicitly: publicSubnetIds: [")
    internal = result(report, "subnets-internal")
    assert internal.status is Status.WARN and internal.details["chosen"] == sorted(private)

    old = result(account.preflight(chartVersion="1.5.3"), "subnets-internet-facing")
    assert old.status is Status.FAIL
    assert "controller v2.5.2 has no route-table fallback" in old.found
    gate_off = account.preflight(
        helmValues={"controllerConfig": {"featureGates": {"SubnetDiscoveryByReachability": False}}}
    )
    assert "feature gate is off" in result(gate_off, "subnets-internet-facing").found


def test_subnets_listed_in_the_settings_count_as_tagged(account):
    cluster = account.cluster(public_zones="")
    untagged = [account.subnet(cluster.vpc_id, z, f"10.0.6{i}.0/24") for i, z in enumerate("ab")]
    report = account.preflight(publicSubnetIds=untagged)
    found = result(report, "subnets-internet-facing")
    assert found.status is Status.OK and found.details["chosen"] == sorted(untagged)
    assert "listed in publicSubnetIds" in found.found
    assert result(report, "subnet-ids").status is Status.OK


def test_a_tag_value_other_than_1_or_empty_is_reported(account):
    cluster = account.cluster(public_zones="")
    wrong = account.subnet(cluster.vpc_id, "a", "10.0.70.0/24", {ELB: "true"})
    found = result(account.preflight(), "subnets-internet-facing")
    assert found.details["misTagged"] == [wrong]
    assert f"{wrong} carry {ELB} with a value other than 1 or empty" in found.found


def test_configured_subnet_ids_outside_the_clusters_vpc_fail(account):
    cluster = account.cluster()
    other_vpc = account.client("ec2").create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    elsewhere = account.subnet(other_vpc, "a", "10.1.1.0/24")
    found = result(
        account.preflight(
            publicSubnetIds=[cluster.public[0], elsewhere], privateSubnetIds=["subnet-0123456789abcdef0"]
        ),
        "subnet-ids",
    )
    assert found.status is Status.FAIL
    assert found.details["notInVpc"] == [elsewhere, "subnet-0123456789abcdef0"]
    assert f"{elsewhere} (publicSubnetIds)" in found.found and cluster.vpc_id in found.found


def test_a_subnet_without_its_own_route_table_uses_the_main_one():
    main = {"Associations": [{"Main": True}], "Routes": [{"GatewayId": "igw-1"}]}
    private = {"Associations": [{"SubnetId": "subnet-b"}], "Routes": [{"GatewayId": "local"}]}
    assert is_public("subnet-a", [main, private])
    assert not is_public("subnet-b", [main, private])
