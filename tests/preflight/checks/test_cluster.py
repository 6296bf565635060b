"""Checks 1: the cluster exists (ACTIVE, in the configured VPC); its Kubernetes version suits the chart."""

import pytest

from eks_lbc.preflight.checks import cluster as cluster_checks
from eks_lbc.preflight.model import Status
from eks_lbc.versions import supported_charts
from tests.preflight.account import result

pytestmark = pytest.mark.runtime("cdktf")


def test_an_active_cluster_passes_with_its_version_and_vpc(account):
    cluster = account.cluster(version="1.31")
    report = account.preflight()
    found = result(report, "cluster")
    assert found.status is Status.OK
    assert "ACTIVE" in found.found and cluster.vpc_id in found.found and "1.31" in found.found
    version = result(report, "kubernetes-version")
    assert version.status is Status.OK
    assert ">= 1.22" in version.found and "no upper bound" in version.found


def test_a_missing_cluster_fails_and_the_checks_that_need_it_say_why(account):
    account.cluster(name="other")
    report = account.preflight(clusterName="demo")
    found = result(report, "cluster")
    assert found.status is Status.FAIL
    assert "no EKS cluster named demo in eu-west-1" in found.found
    assert "clusterName" in found.fix
    for check in ("kubernetes-version", "oidc-provider", "subnets-internal", "webhook-port"):
        dependent = result(report, check)
        assert dependent.status is Status.UNKNOWN, check
        assert "no cluster demo in eu-west-1" in dependent.found
    # Checks that do not need the cluster still run.
    assert result(report, "iam-names").status is Status.OK
    assert report.exit_code == 1


def test_a_vpc_id_setting_that_is_not_the_clusters_vpc_fails(account):
    cluster = account.cluster()
    report = account.preflight(vpcId="vpc-0123456789abcdef0")
    found = result(report, "cluster")
    assert found.status is Status.FAIL
    assert found.fix == f"vpcId: {cluster.vpc_id} (or unset vpcId to use the cluster's)"


def test_a_kubernetes_version_below_the_controllers_minimum_fails(account):
    account.cluster(version="1.21")
    report = account.preflight(chartVersion="1.17.1")
    found = result(report, "kubernetes-version")
    assert found.status is Status.FAIL
    assert "Kubernetes 1.21; chart 1.17.1 (v2.17.1) needs >= 1.22" in found.found
    # No supported chart runs on 1.21: the fix is the cluster, not another chart.
    assert found.fix == "upgrade the cluster to Kubernetes 1.22 or later: no supported chart runs on 1.21"


def test_another_chart_is_suggested_when_one_supports_the_version(monkeypatch):
    # Made up: every 3.x chart needs 1.25, 1.17.1 stops at 1.30.
    table = {r.chart: {"controller": r.controller, "minimum": "1.25", "maximum": None} for r in supported_charts()}
    table["1.17.1"] = {"controller": "v2.17.1", "minimum": "1.22", "maximum": "1.30"}
    table["1.5.3"] = {"controller": "v2.5.2", "minimum": "1.22", "maximum": None}
    monkeypatch.setattr(cluster_checks, "kubernetes_versions", lambda: table)
    assert not cluster_checks.supports("3.5.0", "1.24")
    assert cluster_checks.supports("1.17.1", "1.30") and not cluster_checks.supports("1.17.1", "1.31")

    class Context:
        settings = type("S", (), {"chart_version": "3.5.0"})()

        @staticmethod
        def require_cluster():
            return {"version": "1.24"}

    found = cluster_checks.kubernetes_version(Context())
    assert found.status is Status.FAIL and found.fix == "chartVersion: 1.17.1"
