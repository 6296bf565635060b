import json
import re
from pathlib import Path

import pytest

from eks_lbc.errors import InvalidSetting
from eks_lbc.settings import load_settings
from eks_lbc.versions import default_chart_version, supported_charts

# Runtime-independent (no cdktf or cdktn import): once per `make test`, in the cdktf pass.
pytestmark = pytest.mark.runtime("cdktf")


def write_cdktf_json(tmp_path: Path, context: dict | None) -> Path:
    path = tmp_path / "cdktf.json"
    document = {"language": "python", "app": "python main.py"}
    if context is not None:
        document["context"] = {"eks-lbc": context}
    path.write_text(json.dumps(document))
    return path


BASE = {"clusterName": "demo", "region": "ap-northeast-1"}


def test_defaults_from_cdktf_json(tmp_path):
    (cluster,) = load_settings(write_cdktf_json(tmp_path, BASE), environ={}).clusters
    assert cluster.cluster_name == "demo"
    assert cluster.region == "ap-northeast-1"
    assert cluster.namespace == "kube-system"
    assert cluster.service_account_name == "aws-load-balancer-controller"
    assert cluster.chart_version == default_chart_version() == "3.5.0"
    assert cluster.vpc_id is None
    assert cluster.stack_name == "eks-lbc-demo-ap-northeast-1"


def test_committed_cdktf_json_synthesizes_out_of_the_box():
    repo = Path(__file__).resolve().parents[1]
    (cluster,) = load_settings(repo / "cdktf.json", environ={}).clusters
    assert cluster.cluster_name and cluster.region


def test_environment_overrides_cdktf_json(tmp_path):
    env = {
        "EKS_LBC_CLUSTER_NAME": "prod-1",
        "EKS_LBC_REGION": "eu-west-1",
        "EKS_LBC_NAMESPACE": "lbc",
        "EKS_LBC_SERVICE_ACCOUNT_NAME": "lbc.controller",
        "EKS_LBC_CHART_VERSION": "1.17.1",
        "EKS_LBC_VPC_ID": "vpc-0123456789abcdef0",
    }
    (cluster,) = load_settings(write_cdktf_json(tmp_path, BASE), environ=env).clusters
    assert (cluster.cluster_name, cluster.region, cluster.namespace) == ("prod-1", "eu-west-1", "lbc")
    assert cluster.service_account_name == "lbc.controller"
    assert cluster.chart_version == "1.17.1"
    assert cluster.vpc_id == "vpc-0123456789abcdef0"


def test_empty_environment_variable_counts_as_unset(tmp_path):
    (cluster,) = load_settings(write_cdktf_json(tmp_path, BASE), environ={"EKS_LBC_REGION": ""}).clusters
    assert cluster.region == "ap-northeast-1"


def test_settings_are_frozen(tmp_path):
    (cluster,) = load_settings(write_cdktf_json(tmp_path, BASE), environ={}).clusters
    with pytest.raises(AttributeError):
        cluster.region = "us-east-1"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("EKS_LBC_CLUSTER_NAME", "-demo", "EKS cluster name"),
        ("EKS_LBC_CLUSTER_NAME", "demo cluster", "EKS cluster name"),
        ("EKS_LBC_CLUSTER_NAME", "x" * 101, "EKS cluster name"),
        ("EKS_LBC_REGION", "tokyo", "AWS region code"),
        ("EKS_LBC_REGION", "US-EAST-1", "AWS region code"),
        ("EKS_LBC_NAMESPACE", "Kube_System", "Kubernetes namespace"),
        ("EKS_LBC_NAMESPACE", "a" * 64, "Kubernetes namespace"),
        ("EKS_LBC_SERVICE_ACCOUNT_NAME", "LBC", "service-account name"),
        ("EKS_LBC_SERVICE_ACCOUNT_NAME", "lbc-", "service-account name"),
        ("EKS_LBC_CHART_VERSION", "2.5.2", "supported chart version"),
        ("EKS_LBC_CHART_VERSION", "v3.5.0", "supported chart version"),
        ("EKS_LBC_VPC_ID", "vpc-123", "VPC id"),
        ("EKS_LBC_VPC_ID", "subnet-0123456789abcdef0", "VPC id"),
    ],
)
def test_bad_environment_value_names_field_value_and_form(tmp_path, variable, value, expected):
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, BASE), environ={variable: value})
    error = caught.value
    assert error.field == variable
    assert error.value == value
    assert expected in error.expected
    assert variable in str(error) and repr(value) in str(error)


def test_unsupported_chart_version_lists_the_supported_ones(tmp_path):
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, BASE), environ={"EKS_LBC_CHART_VERSION": "2.5.2"})
    for release in supported_charts():
        assert release.chart in str(caught.value)
    # Every 3.x chart release, and the two 1.x pins kept for existing clusters (issue 9).
    assert {r.chart for r in supported_charts()} == {
        *("3.0.0", "3.1.0", "3.2.0", "3.2.1", "3.2.2", "3.3.0", "3.4.0", "3.4.1", "3.4.2", "3.4.3", "3.5.0"),
        *("1.17.1", "1.5.3"),
    }
    # One line: the controller is named only where it differs from the chart version (before 3.0).
    assert "\n" not in str(caught.value)
    assert "3.4.3, " in caught.value.expected and "1.5.3 (controller v2.5.2)" in caught.value.expected


def test_bad_cdktf_json_value_is_named_by_its_key(tmp_path):
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, {**BASE, "region": "nowhere"}), environ={})
    assert caught.value.field == "cdktf.json context.eks-lbc.region"


def test_non_string_value_is_rejected(tmp_path):
    with pytest.raises(InvalidSetting, match="a string"):
        load_settings(write_cdktf_json(tmp_path, {**BASE, "chartVersion": 3.5}), environ={})


def test_unknown_key_is_rejected_instead_of_ignored(tmp_path):
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, {**BASE, "clustername": "x"}), environ={})
    assert caught.value.field == "cdktf.json context.eks-lbc.clustername"
    assert "clusterName" in caught.value.expected


def test_missing_cluster_name_says_where_to_set_it(tmp_path):
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, {"region": "us-east-1"}), environ={})
    assert caught.value.field == "EKS_LBC_CLUSTER_NAME"
    assert "clusterName" in caught.value.expected


def test_missing_cdktf_json_uses_environment_only(tmp_path):
    env = {"EKS_LBC_CLUSTER_NAME": "demo", "EKS_LBC_REGION": "us-east-1"}
    (cluster,) = load_settings(tmp_path / "absent.json", environ=env).clusters
    assert cluster.region == "us-east-1"


def test_malformed_cdktf_json_is_a_user_error(tmp_path):
    path = tmp_path / "cdktf.json"
    path.write_text("{ not json")
    with pytest.raises(InvalidSetting, match="valid JSON"):
        load_settings(path, environ={})


def test_cluster_name_too_long_for_the_role_name(tmp_path):
    # <cluster>-ap-northeast-1-aws-lbc: 64 - 23 = 41 characters are left for the cluster name.
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, BASE), environ={"EKS_LBC_CLUSTER_NAME": "c" * 42})
    assert caught.value.field == "EKS_LBC_CLUSTER_NAME"
    assert "at most 41 characters" in caught.value.expected
    assert "'<cluster>-ap-northeast-1-aws-lbc'" in caught.value.expected
    load_settings(write_cdktf_json(tmp_path, BASE), environ={"EKS_LBC_CLUSTER_NAME": "c" * 41})
    # The legacy names have no region: 56 as before.
    with pytest.raises(InvalidSetting, match="at most 56 characters"):
        load_settings(
            write_cdktf_json(tmp_path, BASE), environ={"EKS_LBC_CLUSTER_NAME": "c" * 57, "EKS_LBC_LEGACY_NAMES": "1"}
        )
    load_settings(
        write_cdktf_json(tmp_path, BASE), environ={"EKS_LBC_CLUSTER_NAME": "c" * 56, "EKS_LBC_LEGACY_NAMES": "1"}
    )


def test_many_clusters_one_entry_each_sharing_top_level_defaults(tmp_path):
    context = {
        "namespace": "aws-lbc",
        "clusters": [
            {"clusterName": "tokyo-1", "region": "ap-northeast-1"},
            {"clusterName": "dublin-1", "region": "eu-west-1", "namespace": "kube-system", "chartVersion": "1.17.1"},
        ],
    }
    tokyo, dublin = load_settings(write_cdktf_json(tmp_path, context), environ={}).clusters
    assert (tokyo.cluster_name, tokyo.region, tokyo.namespace, tokyo.chart_version) == (
        "tokyo-1",
        "ap-northeast-1",
        "aws-lbc",
        "3.5.0",
    )
    assert (dublin.namespace, dublin.chart_version) == ("kube-system", "1.17.1")
    assert [c.stack_name for c in (tokyo, dublin)] == ["eks-lbc-tokyo-1-ap-northeast-1", "eks-lbc-dublin-1-eu-west-1"]


def test_environment_still_wins_over_each_cluster_entry(tmp_path):
    context = {"clusters": [{"clusterName": "a", "region": "us-east-1", "namespace": "x"}]}
    (cluster,) = load_settings(write_cdktf_json(tmp_path, context), environ={"EKS_LBC_NAMESPACE": "y"}).clusters
    assert cluster.namespace == "y"


def test_cluster_identity_from_environment_is_ambiguous_with_a_list(tmp_path):
    context = {"clusters": [{"clusterName": "a", "region": "us-east-1"}]}
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, context), environ={"EKS_LBC_CLUSTER_NAME": "b"})
    assert caught.value.field == "EKS_LBC_CLUSTER_NAME"


def test_bad_value_in_a_cluster_entry_is_named_by_its_index(tmp_path):
    context = {"clusters": [{"clusterName": "a", "region": "us-east-1"}, {"clusterName": "b", "region": "mars"}]}
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, context), environ={})
    assert caught.value.field == "cdktf.json context.eks-lbc.clusters[1].region"


def test_duplicate_clusters_are_rejected(tmp_path):
    context = {"clusters": [{"clusterName": "a", "region": "us-east-1"}, {"clusterName": "a", "region": "us-east-1"}]}
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, context), environ={})
    assert caught.value.field == "cdktf.json context.eks-lbc.clusters[1].clusterName"
    assert "clusters[0]" in caught.value.expected and "'eks-lbc-a-us-east-1'" in caught.value.expected


def test_one_cluster_name_in_two_regions_is_two_deployments(tmp_path):
    """Issue 13.1: a name is unique per account and region only; nothing keyed by a deployment may be shared."""
    context = {
        "stateBucket": "acme-state",
        "stateRegion": "eu-west-1",
        "clusters": [{"clusterName": "prod", "region": "eu-west-1"}, {"clusterName": "prod", "region": "us-east-1"}],
    }
    dublin, virginia = load_settings(write_cdktf_json(tmp_path, context), environ={}).clusters
    assert (dublin.stack_name, virginia.stack_name) == ("eks-lbc-prod-eu-west-1", "eks-lbc-prod-us-east-1")
    assert (dublin.state_key, virginia.state_key) == (
        "eks-lbc/eks-lbc-prod-eu-west-1.tfstate",
        "eks-lbc/eks-lbc-prod-us-east-1.tfstate",
    )
    assert (dublin.local_state_file, virginia.local_state_file) == (
        "terraform.eks-lbc-prod-eu-west-1.tfstate",
        "terraform.eks-lbc-prod-us-east-1.tfstate",
    )
    assert (dublin.iam_name, virginia.iam_name) == ("prod-eu-west-1-aws-lbc", "prod-us-east-1-aws-lbc")


def test_one_cluster_name_and_region_in_two_accounts_is_two_deployments(tmp_path):
    context = {
        "clusters": [
            {"clusterName": "prod", "region": "eu-west-1", "accountId": "111122223333"},
            {"clusterName": "prod", "region": "eu-west-1", "accountId": "444455556666"},
        ]
    }
    a, b = load_settings(write_cdktf_json(tmp_path, context), environ={}).clusters
    assert (a.stack_name, b.stack_name) == (
        "eks-lbc-prod-eu-west-1-111122223333",
        "eks-lbc-prod-eu-west-1-444455556666",
    )
    assert a.state_key != b.state_key and a.local_state_file != b.local_state_file
    assert a.iam_name == b.iam_name  # IAM names are per account: no collision between two accounts


def test_legacy_names_keep_what_earlier_deployments_have(tmp_path):
    cluster = load_one(tmp_path, {"legacyNames": True, "stateBucket": "acme-state", "stateRegion": "eu-west-1"})
    assert cluster.stack_name == "eks-lbc-demo"
    assert cluster.state_key == "eks-lbc/eks-lbc-demo.tfstate"
    assert cluster.local_state_file == "terraform.eks-lbc-demo.tfstate"
    assert cluster.iam_name == "demo-aws-lbc"
    # ... so two regions of one name collide there, and are refused.
    context = {
        "legacyNames": True,
        "clusters": [{"clusterName": "a", "region": "us-east-1"}, {"clusterName": "a", "region": "eu-west-1"}],
    }
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, context), environ={})
    assert caught.value.field == "cdktf.json context.eks-lbc.clusters[1].clusterName"


def test_cluster_names_differing_only_in_case_are_refused(tmp_path):
    """Issue 13.8: IAM names are case-insensitive, and so are macOS/Windows stack folders and state files."""
    context = {
        "clusters": [{"clusterName": "Prod", "region": "us-east-1"}, {"clusterName": "prod", "region": "us-east-1"}]
    }
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, context), environ={})
    assert caught.value.field == "cdktf.json context.eks-lbc.clusters[1].clusterName"
    assert caught.value.value == "prod"
    assert "case-insensitively equal stack 'eks-lbc-Prod-us-east-1'" in caught.value.expected


def test_two_clusters_reaching_one_iam_name_through_the_prefix_are_refused(tmp_path):
    """Issue 13.8: prefix "a-" + cluster "b" and cluster "a-b" make the same IAM role and policy name."""
    context = {
        "clusters": [
            {"clusterName": "a-b", "region": "us-east-1"},
            {"clusterName": "b", "region": "us-east-1", "iamNamePrefix": "A-"},
        ]
    }
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, context), environ={})
    assert caught.value.field == "cdktf.json context.eks-lbc.clusters[1].iamNamePrefix"
    assert "'A-b-us-east-1-aws-lbc'" in caught.value.expected and "clusters[0]" in caught.value.expected
    # Two known, different accounts have IAM names of their own.
    context["clusters"][0]["accountId"] = "111122223333"
    context["clusters"][1]["accountId"] = "444455556666"
    assert len(load_settings(write_cdktf_json(tmp_path, context), environ={}).clusters) == 2


@pytest.mark.parametrize("clusters", [[], {}, ["a"], "a"])
def test_clusters_must_be_a_list_of_objects(tmp_path, clusters):
    with pytest.raises(InvalidSetting, match="non-empty list of objects"):
        load_settings(write_cdktf_json(tmp_path, {"clusters": clusters}), environ={})


def test_unknown_key_in_a_cluster_entry(tmp_path):
    context = {"clusters": [{"clusterName": "a", "region": "us-east-1", "clusters": []}]}
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, context), environ={})
    assert caught.value.field == "cdktf.json context.eks-lbc.clusters[0].clusters"


# --- production features (issue 5): identity, OIDC provider, partitions, subnet tags, org IAM rules, remote state


def load_one(tmp_path, context=None, **environ):
    (cluster,) = load_settings(write_cdktf_json(tmp_path, {**BASE, **(context or {})}), environ=environ).clusters
    return cluster


def test_production_feature_defaults_change_nothing(tmp_path):
    cluster = load_one(tmp_path)
    assert (cluster.identity, cluster.oidc_provider, cluster.sts_audience) == ("irsa", "create", "sts.amazonaws.com")
    assert cluster.public_subnet_ids == () and cluster.private_subnet_ids == ()
    assert (cluster.iam_name_prefix, cluster.iam_path, cluster.permissions_boundary) == ("", None, None)
    assert dict(cluster.tags) == {}
    assert cluster.state_bucket is None and cluster.state_lockfile is True
    assert cluster.iam_name == "demo-ap-northeast-1-aws-lbc"
    assert cluster.partition == "aws"
    assert cluster.legacy_names is False
    assert (cluster.account_id, cluster.aws_profile, cluster.assume_role_arn, cluster.state_assume_role_arn) == (
        (None,) * 4
    )


def test_every_new_setting_from_cdktf_json(tmp_path):
    context = {
        "region": "us-gov-west-1",
        "identity": "irsa",
        "oidcProvider": "existing",
        "stsAudience": "sts.amazonaws.com",
        "publicSubnetIds": ["subnet-0123456789abcdef0", "subnet-01234567"],
        "privateSubnetIds": ["subnet-0123456789abcdef1"],
        "iamNamePrefix": "acme-",
        "iamPath": "/platform/eks/",
        "permissionsBoundary": "arn:aws-us-gov:iam::111122223333:policy/org/boundary",
        "tags": {"team": "platform", "cost-center": "1234"},
        "stateBucket": "acme-terraform-state",
        "stateKeyPrefix": "eks/lbc",
        "stateRegion": "us-gov-west-1",
        "stateKmsKeyId": "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
        "stateLockfile": False,
    }
    cluster = load_one(tmp_path, context)
    assert cluster.partition == "aws-us-gov"
    assert cluster.oidc_provider == "existing"
    assert cluster.public_subnet_ids == ("subnet-0123456789abcdef0", "subnet-01234567")
    assert cluster.private_subnet_ids == ("subnet-0123456789abcdef1",)
    assert cluster.iam_name == "acme-demo-us-gov-west-1-aws-lbc"
    assert cluster.iam_path == "/platform/eks/"
    assert dict(cluster.tags) == {"team": "platform", "cost-center": "1234"}
    assert cluster.state_key == "eks/lbc/eks-lbc-demo-us-gov-west-1.tfstate"
    assert cluster.state_lockfile is False
    with pytest.raises(TypeError):
        cluster.tags["team"] = "other"  # type: ignore[index]  # frozen like the rest


def test_every_new_setting_from_the_environment(tmp_path):
    # (identity is read from the environment in test_irsa_only_settings_are_refused_with_pod_identity...:
    # the IRSA-only settings here are refused with pod-identity)
    cluster = load_one(
        tmp_path,
        EKS_LBC_IDENTITY="irsa",
        EKS_LBC_PUBLIC_SUBNET_IDS="subnet-0123456789abcdef0, subnet-01234567",
        EKS_LBC_PRIVATE_SUBNET_IDS='["subnet-0123456789abcdef1"]',
        EKS_LBC_IAM_NAME_PREFIX="acme-",
        EKS_LBC_IAM_PATH="/eks/",
        EKS_LBC_PERMISSIONS_BOUNDARY="arn:aws:iam::111122223333:policy/boundary",
        EKS_LBC_TAGS='{"team": "platform"}',
        EKS_LBC_STATE_BUCKET="acme-state",
        EKS_LBC_STATE_REGION="eu-west-1",
        EKS_LBC_STATE_KEY_PREFIX="clusters",
        EKS_LBC_STATE_KMS_KEY_ID="alias/terraform-state",
        EKS_LBC_STATE_LOCKFILE="0",
        EKS_LBC_STS_AUDIENCE="sts.amazonaws.com.cn",
        EKS_LBC_OIDC_PROVIDER="existing",
    )
    assert cluster.identity == "irsa"
    assert cluster.public_subnet_ids == ("subnet-0123456789abcdef0", "subnet-01234567")
    assert cluster.private_subnet_ids == ("subnet-0123456789abcdef1",)
    assert (cluster.iam_name, cluster.iam_path) == ("acme-demo-ap-northeast-1-aws-lbc", "/eks/")
    assert dict(cluster.tags) == {"team": "platform"}
    assert (cluster.state_bucket, cluster.state_region, cluster.state_key) == (
        "acme-state",
        "eu-west-1",
        "clusters/eks-lbc-demo-ap-northeast-1.tfstate",
    )
    assert cluster.state_kms_key_id == "alias/terraform-state" and cluster.state_lockfile is False
    assert (cluster.sts_audience, cluster.oidc_provider) == ("sts.amazonaws.com.cn", "existing")


def test_environment_list_may_override_with_an_empty_json_list(tmp_path):
    context = {"publicSubnetIds": ["subnet-0123456789abcdef0"]}
    assert load_one(tmp_path, context, EKS_LBC_PUBLIC_SUBNET_IDS="[]").public_subnet_ids == ()


def test_top_level_settings_are_shared_and_a_cluster_entry_replaces_them(tmp_path):
    context = {
        "tags": {"team": "platform"},
        "stateBucket": "acme-state",
        "stateRegion": "eu-west-1",
        "clusters": [
            {"clusterName": "a", "region": "eu-west-1"},
            {
                "clusterName": "b",
                "region": "cn-north-1",
                "tags": {"team": "china"},
                "stateBucket": "acme-cn-state",
                "stateRegion": "cn-north-1",
            },
        ],
    }
    a, b = load_settings(write_cdktf_json(tmp_path, context), environ={}).clusters
    assert (dict(a.tags), a.state_bucket) == ({"team": "platform"}, "acme-state")
    assert a.state_key == "eks-lbc/eks-lbc-a-eu-west-1.tfstate"
    assert (dict(b.tags), b.state_bucket, b.partition) == ({"team": "china"}, "acme-cn-state", "aws-cn")


def test_production_feature_defaults(tmp_path):
    (cluster,) = load_settings(write_cdktf_json(tmp_path, BASE), environ={}).clusters
    assert cluster.image_repository is None and cluster.image_tag is None  # the chart's public ECR image
    assert (cluster.replicas, cluster.pod_disruption_budget, cluster.zone_spread) == (2, True, "preferred")
    assert cluster.enable_service_mutator_webhook is False
    assert cluster.helm_values == {}
    assert cluster.example_ingress is False


def test_production_features_from_the_environment(tmp_path):
    env = {
        "EKS_LBC_IMAGE_REPOSITORY": "111122223333.dkr.ecr.ap-northeast-1.amazonaws.com/mirror/lbc",
        "EKS_LBC_IMAGE_TAG": "v3.5.0",
        "EKS_LBC_REPLICAS": "3",
        "EKS_LBC_POD_DISRUPTION_BUDGET": "0",
        "EKS_LBC_ZONE_SPREAD": "required",
        "EKS_LBC_ENABLE_SERVICE_MUTATOR_WEBHOOK": "true",
        "EKS_LBC_HELM_VALUES": '{"logLevel": "debug", "podLabels": {"team": "platform"}}',
        "EKS_LBC_EXAMPLE_INGRESS": "1",
    }
    (cluster,) = load_settings(write_cdktf_json(tmp_path, BASE), environ=env).clusters
    assert cluster.image_repository == env["EKS_LBC_IMAGE_REPOSITORY"] and cluster.image_tag == "v3.5.0"
    assert (cluster.replicas, cluster.pod_disruption_budget, cluster.zone_spread) == (3, False, "required")
    assert cluster.enable_service_mutator_webhook is True
    assert cluster.helm_values == {"logLevel": "debug", "podLabels": {"team": "platform"}}
    assert cluster.example_ingress is True


def test_production_features_from_cdktf_json(tmp_path):
    context = {
        **BASE,
        "imageRepository": "regional",
        "replicas": 1,
        "zoneSpread": "off",
        "podDisruptionBudget": False,
        "enableServiceMutatorWebhook": False,
        "helmValues": {"controllerConfig": {"featureGates": {"SubnetsClusterTagCheck": False}}},
        "exampleIngress": True,
    }
    (cluster,) = load_settings(write_cdktf_json(tmp_path, context), environ={}).clusters
    assert cluster.image_repository == "regional"
    assert (cluster.replicas, cluster.zone_spread, cluster.pod_disruption_budget) == (1, "off", False)
    assert cluster.helm_values == {"controllerConfig": {"featureGates": {"SubnetsClusterTagCheck": False}}}
    assert cluster.example_ingress is True


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("EKS_LBC_IDENTITY", "IRSA", "'irsa', 'pod-identity'"),
        ("EKS_LBC_OIDC_PROVIDER", "lookup", "'create', 'existing'"),
        ("EKS_LBC_STS_AUDIENCE", "sts amazonaws", "OIDC audience"),
        ("EKS_LBC_PUBLIC_SUBNET_IDS", "subnet-123", "subnet id"),
        ("EKS_LBC_PUBLIC_SUBNET_IDS", "subnet-0123456789abcdef0,", "subnet id"),
        ("EKS_LBC_PRIVATE_SUBNET_IDS", "vpc-0123456789abcdef0", "subnet id"),
        ("EKS_LBC_PRIVATE_SUBNET_IDS", "subnet-01234567,subnet-01234567", "no duplicates"),
        ("EKS_LBC_PRIVATE_SUBNET_IDS", '["subnet-01234567", 3]', "a list of strings"),
        ("EKS_LBC_IAM_NAME_PREFIX", "acme/", "IAM name prefix"),
        ("EKS_LBC_IAM_PATH", "eks", "IAM path"),
        ("EKS_LBC_IAM_PATH", "/eks", "IAM path"),
        ("EKS_LBC_IAM_PATH", "/with space/", "IAM path"),
        # Characters IAM accepts in a path but Terraform or IAM policies would not keep literal.
        ("EKS_LBC_IAM_PATH", '/${file("/etc/passwd")}/', "IAM path"),
        ("EKS_LBC_IAM_PATH", "/%{if true}x%{endif}/", "IAM path"),
        ("EKS_LBC_IAM_PATH", "/&{aws:username}/", "IAM path"),
        ("EKS_LBC_IAM_PATH", "/équipe/", "IAM path"),
        ("EKS_LBC_STS_AUDIENCE", '${file("/etc/passwd")}', "OIDC audience"),
        ("EKS_LBC_STS_AUDIENCE", "%{if true}x%{endif}", "OIDC audience"),
        ("EKS_LBC_STS_AUDIENCE", "&{aws:username}", "OIDC audience"),
        ("EKS_LBC_STS_AUDIENCE", "${TfToken[TOKEN.1]}", "OIDC audience"),
        ("EKS_LBC_IAM_NAME_PREFIX", "équipe-", "ASCII"),
        ("EKS_LBC_IAM_NAME_PREFIX", "東京-", "ASCII"),
        ("EKS_LBC_PERMISSIONS_BOUNDARY", "arn:aws:iam::111122223333:policy/équipe", "IAM policy ARN"),
        ("EKS_LBC_PERMISSIONS_BOUNDARY", "boundary", "IAM policy ARN"),
        ("EKS_LBC_PERMISSIONS_BOUNDARY", "arn:aws:iam::111122223333:role/boundary", "IAM policy ARN"),
        ("EKS_LBC_TAGS", "team=platform", "JSON object of strings"),
        ("EKS_LBC_TAGS", '{"team": 1}', "JSON object of strings"),
        ("EKS_LBC_STATE_BUCKET", "Acme_State", "S3 bucket name"),
        ("EKS_LBC_STATE_BUCKET", "ab", "S3 bucket name"),
        ("EKS_LBC_STATE_BUCKET", "192.168.0.1", "S3 bucket name"),
        ("EKS_LBC_STATE_BUCKET", "acme..state", "S3 bucket name"),
        ("EKS_LBC_STATE_BUCKET", "xn--acme", "S3 bucket name"),
        ("EKS_LBC_STATE_BUCKET", "acme-s3alias", "S3 bucket name"),
        ("EKS_LBC_STATE_KEY_PREFIX", "/eks", "S3 key prefix"),
        ("EKS_LBC_STATE_KEY_PREFIX", "eks//lbc", "S3 key prefix"),
        ("EKS_LBC_STATE_KEY_PREFIX", "eks/../lbc", "S3 key prefix"),
        ("EKS_LBC_STATE_REGION", "europe", "AWS region code"),
        ("EKS_LBC_STATE_LOCKFILE", "yes", "true or false"),
    ],
)
def test_bad_new_setting_names_field_value_and_form(tmp_path, variable, value, expected):
    environ = {variable: value}
    if variable.startswith("EKS_LBC_STATE_") and variable != "EKS_LBC_STATE_BUCKET":
        environ = {"EKS_LBC_STATE_BUCKET": "acme-state", "EKS_LBC_STATE_REGION": "eu-west-1", variable: value}
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, BASE), environ=environ)
    assert caught.value.field.startswith(variable)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("EKS_LBC_IMAGE_REPOSITORY", "aws-load-balancer-controller", "registry host"),
        ("EKS_LBC_IMAGE_REPOSITORY", "public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0", "no tag"),
        ("EKS_LBC_IMAGE_TAG", "sha256:abc", "image tag"),
        ("EKS_LBC_REPLICAS", "0", "from 1 to 10"),
        ("EKS_LBC_REPLICAS", "two", "from 1 to 10"),
        ("EKS_LBC_POD_DISRUPTION_BUDGET", "yes", "true or false"),
        ("EKS_LBC_ZONE_SPREAD", "zones", "'preferred'"),
        ("EKS_LBC_ENABLE_SERVICE_MUTATOR_WEBHOOK", "on", "true or false"),
        ("EKS_LBC_HELM_VALUES", "[1, 2]", "JSON object"),
        ("EKS_LBC_HELM_VALUES", "{logLevel: debug}", "JSON object"),
        ("EKS_LBC_EXAMPLE_INGRESS", "2", "true or false"),
    ],
)
def test_bad_production_feature_value(tmp_path, variable, value, expected):
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, BASE), environ={variable: value})
    assert caught.value.field == variable
    assert expected in caught.value.expected


@pytest.mark.parametrize(
    ("tags", "field", "expected"),
    [
        ({"aws:team": "x"}, "key", "reserved"),
        ({"": "x"}, "key", "tag key"),
        ({"k" * 129: "x"}, "key", "tag key"),
        ({"team": "v" * 257}, "['team']", "tag value"),
        ({"team": "a;b"}, "['team']", "tag value"),
        # Control characters pass str.isspace() but AWS refuses them (\p{Z} is separators, not \t or \n).
        ({"team": "a\nb"}, "['team']", "tag value"),
        ({"team": "a\tb"}, "['team']", "tag value"),
        ({"te\x1fam": "x"}, "key", "tag key"),
        ({"team": "a\x85b"}, "['team']", "tag value"),
        ({f"t{i}": "x" for i in range(50)}, "tags", "at most 49"),
    ],
)
def test_bad_tags(tmp_path, tags, field, expected):
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, {"tags": tags})
    assert caught.value.field.startswith("cdktf.json context.eks-lbc.tags")
    assert caught.value.field.endswith(field)
    assert expected in caught.value.expected


def test_unicode_tags_are_allowed(tmp_path):
    assert dict(load_one(tmp_path, {"tags": {"Équipe": "plateforme 東京"}}).tags) == {"Équipe": "plateforme 東京"}


def test_region_outside_a_supported_partition(tmp_path):
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, EKS_LBC_REGION="us-iso-east-1")
    assert caught.value.field == "EKS_LBC_REGION"
    assert "aws-iso" in caught.value.expected and "aws-cn" in caught.value.expected


@pytest.mark.parametrize(("region", "partition"), [("cn-northwest-1", "aws-cn"), ("us-gov-east-1", "aws-us-gov")])
def test_partition_follows_the_region(tmp_path, region, partition):
    assert load_one(tmp_path, EKS_LBC_REGION=region).partition == partition


def test_permissions_boundary_must_be_of_the_clusters_partition(tmp_path):
    with pytest.raises(InvalidSetting) as caught:
        load_one(
            tmp_path,
            EKS_LBC_REGION="cn-north-1",
            EKS_LBC_PERMISSIONS_BOUNDARY="arn:aws:iam::111122223333:policy/boundary",
        )
    assert caught.value.field == "EKS_LBC_PERMISSIONS_BOUNDARY"
    assert "arn:aws-cn:iam::" in caught.value.expected
    boundary = "arn:aws-cn:iam::111122223333:policy/boundary"
    cluster = load_one(tmp_path, EKS_LBC_REGION="cn-north-1", EKS_LBC_PERMISSIONS_BOUNDARY=boundary)
    assert cluster.permissions_boundary == boundary


def test_aws_managed_policy_is_a_valid_boundary(tmp_path):
    boundary = "arn:aws:iam::aws:policy/PowerUserAccess"
    assert load_one(tmp_path, EKS_LBC_PERMISSIONS_BOUNDARY=boundary).permissions_boundary == boundary


def test_name_prefix_must_leave_room_for_the_role_name(tmp_path):
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, EKS_LBC_CLUSTER_NAME="c" * 35, EKS_LBC_IAM_NAME_PREFIX="p" * 7)
    assert caught.value.field == "EKS_LBC_IAM_NAME_PREFIX"
    assert "fits IAM's 64" in caught.value.expected
    assert load_one(tmp_path, EKS_LBC_CLUSTER_NAME="c" * 35, EKS_LBC_IAM_NAME_PREFIX="p" * 6).iam_name == (
        "p" * 6 + "c" * 35 + "-ap-northeast-1-aws-lbc"
    )


def test_a_subnet_cannot_be_public_and_private(tmp_path):
    subnet = "subnet-0123456789abcdef0"
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, {"publicSubnetIds": [subnet], "privateSubnetIds": ["subnet-01234567", subnet]})
    assert caught.value.field == "cdktf.json context.eks-lbc.privateSubnetIds[1]"


@pytest.mark.parametrize("release", supported_charts(), ids=lambda r: r.chart)
def test_pod_identity_follows_the_controller_of_every_chart(tmp_path, release):
    # Every 3.x chart (controller v3.x) and 1.17.1 (v2.17.1) can use Pod Identity; only 1.5.3 (v2.5.2) cannot.
    env = {"EKS_LBC_IDENTITY": "pod-identity", "EKS_LBC_CHART_VERSION": release.chart}
    if release.chart == "1.5.3":
        with pytest.raises(InvalidSetting):
            load_one(tmp_path, **env)
    else:
        assert load_one(tmp_path, **env).chart_version == release.chart


def test_pod_identity_needs_a_controller_that_supports_it(tmp_path):
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, EKS_LBC_IDENTITY="pod-identity", EKS_LBC_CHART_VERSION="1.5.3")
    assert caught.value.field == "EKS_LBC_CHART_VERSION"
    assert "v2.7.0 or later" in caught.value.expected and "3.5.0" in caught.value.expected
    assert load_one(tmp_path, EKS_LBC_IDENTITY="pod-identity", EKS_LBC_CHART_VERSION="1.17.1").identity == (
        "pod-identity"
    )


def test_state_bucket_needs_its_region(tmp_path):
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, {"stateBucket": "acme-state"})
    assert caught.value.field == "cdktf.json context.eks-lbc.stateRegion"
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, EKS_LBC_STATE_BUCKET="acme-state")
    assert caught.value.field == "EKS_LBC_STATE_REGION"


@pytest.mark.parametrize("setting", ["stateRegion", "stateKmsKeyId"])
def test_state_details_without_a_bucket_are_a_mistake(tmp_path, setting):
    value = {"stateRegion": "eu-west-1", "stateKmsKeyId": "alias/state"}[setting]
    with pytest.raises(InvalidSetting, match="unless stateBucket is set"):
        load_one(tmp_path, {setting: value})


def test_state_kms_key_arn_must_be_of_the_state_regions_partition(tmp_path):
    key = "arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"
    state = {"stateBucket": "acme-state", "stateKmsKeyId": key}
    assert load_one(tmp_path, {**state, "stateRegion": "eu-west-1"}).state_kms_key_id == key
    with pytest.raises(InvalidSetting, match="arn:aws-cn:kms"):
        load_one(tmp_path, {**state, "stateRegion": "cn-north-1"})
    with pytest.raises(InvalidSetting, match="KMS key"):
        load_one(tmp_path, {**state, "stateRegion": "eu-west-1", "stateKmsKeyId": "key/123"})


@pytest.mark.parametrize(
    ("helm_values", "field", "expected"),
    [
        ({"clusterName": "other"}, "clusterName", "the clusterName setting (cluster_name= in the constructs)"),
        ({"serviceAccount": {"annotations": {}}}, "serviceAccount", "serviceAccountName setting"),
        ({"image": {"tag": "v1"}}, "image.tag", "imageTag"),
        ({"replicaCount": 3}, "replicaCount", "replicas"),
        ({"podDisruptionBudget": {"minAvailable": 1}}, "podDisruptionBudget", "podDisruptionBudget"),
        ({"topologySpreadConstraints": []}, "topologySpreadConstraints", "zoneSpread"),
        ({"enableServiceMutatorWebhook": True}, "enableServiceMutatorWebhook", "enableServiceMutatorWebhook"),
        ({"replicacount": 3}, "replicacount", "did you mean 'replicaCount'"),
        ({"image": {"pullpolicy": "Always"}}, "image.pullpolicy", "'pullPolicy'"),
    ],
)
def test_helm_values_refuse_owned_and_unknown_keys_naming_the_path(tmp_path, helm_values, field, expected):
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, {**BASE, "helmValues": helm_values}), environ={})
    assert caught.value.field == f"cdktf.json context.eks-lbc.helmValues.{field}"
    assert expected in caught.value.expected
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, BASE), environ={"EKS_LBC_HELM_VALUES": json.dumps(helm_values)})
    assert caught.value.field == f"EKS_LBC_HELM_VALUES.{field}"


def test_helm_values_are_checked_against_each_clusters_chart_version(tmp_path):
    context = {
        "helmValues": {"albGatewayMaxConcurrentReconciles": 5},  # a 3.x key
        "clusters": [
            {"clusterName": "new", "region": "us-east-1"},
            {"clusterName": "old", "region": "us-east-1", "chartVersion": "1.5.3"},
        ],
    }
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, context), environ={})
    assert caught.value.field == "cdktf.json context.eks-lbc.helmValues.albGatewayMaxConcurrentReconciles"
    assert "chart 1.5.3" in caught.value.expected
    # A cluster entry's own helmValues replace the shared ones (they are not merged).
    context["clusters"][1]["helmValues"] = {"logLevel": "debug"}
    new, old = load_settings(write_cdktf_json(tmp_path, context), environ={}).clusters
    assert new.helm_values == {"albGatewayMaxConcurrentReconciles": 5}
    assert old.helm_values == {"logLevel": "debug"}


def test_regional_image_needs_a_region_with_an_eks_registry(tmp_path):
    context = {**BASE, "region": "xx-nowhere-1", "imageRepository": "regional"}
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, context), environ={})
    assert caught.value.field == "cdktf.json context.eks-lbc.imageRepository"
    assert "ap-northeast-1" in caught.value.expected  # lists the regions that have one


def test_every_setting_is_documented_in_the_settings_reference():
    """docs/settings.md has exactly one table row per setting, and no row for a setting that does not exist."""
    from eks_lbc.settings import _FIELDS

    reference = (Path(__file__).resolve().parents[1] / "docs" / "settings.md").read_text("utf-8")
    rows = [line for line in reference.splitlines() if re.match(r"\| `[A-Za-z]+` \| `EKS_LBC_", line)]
    for f in _FIELDS:
        documented = [line for line in rows if line.startswith(f"| `{f.key}` | `{f.env}` |")]
        assert len(documented) == 1, f"docs/settings.md needs one row for {f.key}, has {len(documented)}"
    keys = {f"| `{f.key}` | `{f.env}` |" for f in _FIELDS}
    stale = [line for line in rows if not any(line.startswith(k) for k in keys)]
    assert not stale, f"docs/settings.md documents settings that do not exist: {stale}"


# --- chart mirrors: chartRepository, chartRepositoryUsername -----------------------------------------------------

ECR_MIRROR = "oci://111122223333.dkr.ecr.{region}.amazonaws.com/mirror"


def test_chart_repository_defaults_to_eks_charts_and_takes_a_mirror(tmp_path):
    cluster = load_one(tmp_path)
    assert (cluster.chart_repository, cluster.chart_repository_username) == (None, None)
    region = BASE["region"]
    assert load_one(tmp_path, EKS_LBC_CHART_REPOSITORY=ECR_MIRROR.format(region=region)).chart_repository == (
        ECR_MIRROR.format(region=region)
    )
    cluster = load_one(
        tmp_path, {"chartRepository": "https://charts.example.com/eks", "chartRepositoryUsername": "robot$eks+lbc"}
    )
    assert (cluster.chart_repository, cluster.chart_repository_username) == (
        "https://charts.example.com/eks",
        "robot$eks+lbc",
    )


@pytest.mark.parametrize(
    ("settings", "field", "expected"),
    [
        ({"EKS_LBC_CHART_REPOSITORY": "http://charts.example.com"}, "EKS_LBC_CHART_REPOSITORY", "without TLS"),
        ({"EKS_LBC_CHART_REPOSITORY": "s3://bucket/charts"}, "EKS_LBC_CHART_REPOSITORY", "https://"),
        (
            {"EKS_LBC_CHART_REPOSITORY": "oci://111122223333.dkr.ecr.eu-north-1.amazonaws.com/mirror"},
            "EKS_LBC_CHART_REPOSITORY",
            "cluster's region",
        ),
        ({"EKS_LBC_CHART_REPOSITORY_USERNAME": "bob"}, "EKS_LBC_CHART_REPOSITORY_USERNAME", "eks-charts, is public"),
        (
            {
                "EKS_LBC_CHART_REPOSITORY": ECR_MIRROR.format(region=BASE["region"]),
                "EKS_LBC_CHART_REPOSITORY_USERNAME": "AWS",
            },
            "EKS_LBC_CHART_REPOSITORY_USERNAME",
            "ECR token",
        ),
        (
            {"EKS_LBC_CHART_REPOSITORY": "oci://public.ecr.aws/acme", "EKS_LBC_CHART_REPOSITORY_USERNAME": "bob"},
            "EKS_LBC_CHART_REPOSITORY_USERNAME",
            "public repository",
        ),
        ({"EKS_LBC_CHART_REPOSITORY_USERNAME": "bob smith"}, "EKS_LBC_CHART_REPOSITORY_USERNAME", "registry username"),
    ],
)
def test_bad_chart_repository_settings_name_the_setting(tmp_path, settings, field, expected):
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, **settings)
    assert caught.value.field == field
    assert expected in caught.value.expected


def test_chart_repository_errors_name_the_cdktf_json_key(tmp_path):
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, {"chartRepository": "oci://public.ecr.aws/acme", "chartRepositoryUsername": "bob"})
    assert caught.value.field == "cdktf.json context.eks-lbc.chartRepositoryUsername"
    with pytest.raises(InvalidSetting) as caught:
        load_one(
            tmp_path, {"clusters": [{"clusterName": "a", "region": "us-east-1", "chartRepository": "http://x.io"}]}
        )
    assert caught.value.field == "cdktf.json context.eks-lbc.clusters[0].chartRepository"


def test_unicode_space_separators_are_allowed_in_tags(tmp_path):
    assert dict(load_one(tmp_path, {"tags": {"team": "a\u00a0b c"}}).tags) == {"team": "a\u00a0b c"}


@pytest.mark.parametrize(
    ("setting", "value"), [("EKS_LBC_STS_AUDIENCE", "example.com"), ("EKS_LBC_OIDC_PROVIDER", "existing")]
)
def test_irsa_only_settings_are_refused_with_pod_identity_naming_the_setting(tmp_path, setting, value):
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, EKS_LBC_IDENTITY="pod-identity", **{setting: value})
    assert caught.value.field == setting
    assert "unset with identity pod-identity" in caught.value.expected
    assert "EKS_LBC_IDENTITY" in caught.value.expected


def test_irsa_only_defaults_are_fine_with_pod_identity(tmp_path):
    defaults = dict(EKS_LBC_STS_AUDIENCE="sts.amazonaws.com", EKS_LBC_OIDC_PROVIDER="create")
    cluster = load_one(tmp_path, EKS_LBC_IDENTITY="pod-identity", **defaults)
    assert cluster.identity == "pod-identity"


def test_deeply_nested_helm_values_are_one_clear_error(tmp_path):
    for depth in (1_000, 100_000):
        deep = '{"podAnnotations": ' * depth + "{}" + "}" * depth
        with pytest.raises(InvalidSetting) as caught:
            load_settings(write_cdktf_json(tmp_path, BASE), environ={"EKS_LBC_HELM_VALUES": deep})
        assert caught.value.field == "EKS_LBC_HELM_VALUES"
        assert "nested" in caught.value.expected
        assert len(str(caught.value)) < 300


def test_undecodable_helm_values_are_not_echoed(tmp_path):
    secret = '{"env": {"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG"}'  # a missing brace
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, BASE), environ={"EKS_LBC_HELM_VALUES": secret})
    assert "wJalrXUtnFEMI" not in str(caught.value)
    assert "line 1, column" in caught.value.expected


def test_helm_values_errors_show_no_whole_objects(tmp_path):
    values = {"evn": {"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG"}}  # a misspelt key
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, BASE), environ={"EKS_LBC_HELM_VALUES": json.dumps(values)})
    assert caught.value.field == "EKS_LBC_HELM_VALUES.evn"
    assert "wJalrXUtnFEMI" not in str(caught.value) and "'AWS_SECRET_ACCESS_KEY': ..." in str(caught.value)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"podAnnotations": {"a": "${TfToken[TOKEN.1]}"}}, "EKS_LBC_HELM_VALUES.podAnnotations.a"),
        ({"webhookTLS": {"key": "-----BEGIN PRIVATE KEY-----"}}, "EKS_LBC_HELM_VALUES.webhookTLS.key"),
        ({"env": {"DB_PASSWORD": "hunter2"}}, "EKS_LBC_HELM_VALUES.env.DB_PASSWORD"),
    ],
)
def test_helm_values_that_cannot_stay_literal_or_secret_are_refused(tmp_path, values, field):
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, BASE), environ={"EKS_LBC_HELM_VALUES": json.dumps(values)})
    assert caught.value.field == field
    assert "hunter2" not in str(caught.value) and "PRIVATE" not in str(caught.value)


def test_ingress_validation_webhook_default_and_choices(tmp_path):
    assert load_one(tmp_path).ingress_validation_webhook is None  # the safest the chart allows
    assert load_one(tmp_path, EKS_LBC_INGRESS_VALIDATION_WEBHOOK="fail").ingress_validation_webhook == "fail"
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, EKS_LBC_INGRESS_VALIDATION_WEBHOOK="Ignore")
    assert "'ignore', 'fail', 'off'" in caught.value.expected


@pytest.mark.parametrize(("chart", "choice", "needs"), [("1.17.1", "ignore", "3.5.0"), ("1.5.3", "off", "1.17.1")])
def test_ingress_validation_webhook_choice_the_chart_lacks_names_the_charts_that_have_it(
    tmp_path, chart, choice, needs
):
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, EKS_LBC_CHART_VERSION=chart, EKS_LBC_INGRESS_VALIDATION_WEBHOOK=choice)
    assert caught.value.field == "EKS_LBC_INGRESS_VALIDATION_WEBHOOK"
    assert f"with chart {chart}" in caught.value.expected and needs in caught.value.expected


def test_ingress_validation_webhook_is_owned_by_the_setting(tmp_path):
    values = {"webhookConfig": {"ingressValdationFailurePolicy": "Fail"}}
    with pytest.raises(InvalidSetting) as caught:
        load_one(tmp_path, EKS_LBC_HELM_VALUES=json.dumps(values))
    assert "use the ingressValidationWebhook setting" in caught.value.expected


def test_the_settings_schema_in_docs_is_derived_from_the_declarations():
    """docs/settings.schema.json is what `make schema` writes now (a setting added without it fails here)."""
    from eks_lbc.settings import context_schema

    written = json.loads((Path(__file__).resolve().parents[1] / "docs" / "settings.schema.json").read_text("utf-8"))
    assert written == context_schema(), "run `make schema`"


def test_the_settings_schema_accepts_what_the_app_accepts_and_refuses_what_it_refuses():
    import jsonschema

    from eks_lbc.settings import _FIELDS, context_schema
    from tests.stacks.test_load_balancer_controller_stack import EVERY_SETTING

    schema = context_schema()
    repository = json.loads((Path(__file__).resolve().parents[1] / "cdktf.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(repository)  # the whole file, as editors and CI check it
    validator = jsonschema.Draft202012Validator({**schema, "$ref": "#/$defs/settings"})
    keys = {f.attribute: f.key for f in _FIELDS}
    every = {keys[name]: list(v) if isinstance(v, tuple) else v for name, v in EVERY_SETTING.items()}
    validator.validate(every)
    validator.validate({"replicas": 3, "clusters": [every, {"clusterName": "b", "region": "eu-west-1"}]})
    for bad in (
        {"zoneSpread": "sometimes"},
        {"replicas": 0},
        {"replicas": "3"},
        {"chartVersion": "2.5.2"},
        {"podDisruptionBudget": "false"},
        {"featureGates": {"EnableRGTAPI": "yes"}},
        {"publicSubnetIds": ["subnet-0a1b2c3d", "subnet-0a1b2c3d"]},
        {"tags": {str(i): "x" for i in range(50)}},
        {"replica": 3},
        {"clusters": []},
        {"clusters": [{"clusters": []}]},
    ):
        assert not validator.is_valid(bad), bad
