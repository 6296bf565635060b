"""The app's stack: providers, lookups, outputs, and snapshots of the whole synthesized JSON."""

import pytest
import yaml

from eks_lbc.settings import ClusterSettings
from eks_lbc.stacks import LoadBalancerControllerStack
from tests.support import only, synth


def build(**settings):
    from eks_lbc._cdk import Testing

    defaults = {"cluster_name": "demo", "region": "ap-northeast-1", "chart_version": "3.5.0"}
    cluster = ClusterSettings(**{**defaults, **settings})
    return LoadBalancerControllerStack(Testing.app(), cluster.stack_name, cluster=cluster)


@pytest.fixture(scope="module")
def default_stack():
    return synth(build())


NON_DEFAULT = {
    "cluster_name": "prod_eu",
    "region": "eu-central-1",
    "namespace": "aws-lbc",
    "service_account_name": "lbc",
    "chart_version": "1.5.3",
    "vpc_id": "vpc-0123456789abcdef0",
}

# One snapshot per runtime (tests/test_cdk.py asserts how they may differ); the other
# runtime's test is deselected, not skipped, so `--snapshot-update` keeps its file.


@pytest.mark.runtime("cdktf")
def test_default_stack_snapshot(default_stack, snapshot_json):
    assert default_stack == snapshot_json


@pytest.mark.runtime("cdktf")
def test_non_default_stack_snapshot(snapshot_json):
    assert synth(build(**NON_DEFAULT)) == snapshot_json


@pytest.mark.runtime("cdktn")
def test_default_stack_snapshot_cdktn(default_stack, snapshot_json):
    assert default_stack == snapshot_json


@pytest.mark.runtime("cdktn")
def test_non_default_stack_snapshot_cdktn(snapshot_json):
    assert synth(build(**NON_DEFAULT)) == snapshot_json


def test_cluster_is_looked_up_by_name(default_stack):
    assert only(default_stack, "data", "aws_eks_cluster")["name"] == "demo"


def test_kubernetes_and_helm_authenticate_with_aws_eks_get_token(default_stack):
    expected = {
        "api_version": "client.authentication.k8s.io/v1beta1",
        "command": "aws",
        "args": ["eks", "get-token", "--cluster-name", "demo", "--region", "ap-northeast-1"],
    }
    (kubernetes,) = default_stack["provider"]["kubernetes"]
    (helm,) = default_stack["provider"]["helm"]
    assert kubernetes["exec"] == [expected]
    assert helm["kubernetes"]["exec"] == expected
    for config in (kubernetes, helm["kubernetes"]):
        assert config["host"] == "${data.aws_eks_cluster.cluster.endpoint}"
        assert config["cluster_ca_certificate"] == (
            "${base64decode(data.aws_eks_cluster.cluster.certificate_authority[0].data)}"
        )
        assert "token" not in config


def test_required_providers_admit_tested_versions(default_stack):
    from eks_lbc._cdk import PROVIDER_CONSTRAINTS

    required = default_stack["terraform"]["required_providers"]
    assert required["aws"] == {"source": "hashicorp/aws", "version": ">= 5.100.0, < 7.0.0"}
    assert set(required) == {"aws", "tls", "kubernetes", "helm"}
    assert required == {name: {"source": s, "version": v} for name, (s, v) in PROVIDER_CONSTRAINTS.items()}
    assert all(r["source"].startswith("hashicorp/") for r in required.values())


def test_local_state_path_is_relative(default_stack):
    assert default_stack["terraform"]["backend"] == {"local": {"path": "../../../terraform.eks-lbc-demo.tfstate"}}


def test_outputs(default_stack):
    outputs = default_stack["output"]
    assert set(outputs) == {"role_arn", "policy_arn", "oidc_provider_arn", "chart_version", "controller_version"}
    assert outputs["chart_version"]["value"] == "3.5.0"
    assert outputs["controller_version"]["value"] == "v3.5.0"
    assert outputs["role_arn"]["value"].startswith("${aws_iam_role.")


def test_vpc_defaults_to_the_clusters_and_never_to_imds(default_stack):
    release = only(default_stack, "resource", "helm_release")
    assert {"name": "vpcId", "value": "${data.aws_eks_cluster.cluster.vpc_config[0].vpc_id}", "type": "string"} in (
        release["set"]
    )
    values = yaml.safe_load(release["values"][0])
    assert values["clusterName"] == "demo" and values["region"] == "ap-northeast-1"


def test_explicit_vpc_id_is_used():
    release = only(synth(build(vpc_id="vpc-0123456789abcdef0")), "resource", "helm_release")
    assert yaml.safe_load(release["values"][0])["vpcId"] == "vpc-0123456789abcdef0"
    assert all(s["name"] != "vpcId" for s in release.get("set", []))
