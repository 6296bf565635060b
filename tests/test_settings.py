import json
from pathlib import Path

import pytest

from eks_lbc.errors import InvalidSetting
from eks_lbc.settings import load_settings
from eks_lbc.versions import default_chart_version, supported_charts


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
    assert cluster.stack_name == "eks-lbc-demo"


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
    assert {"3.5.0", "1.17.1", "1.5.3"} <= {r.chart for r in supported_charts()}


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
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, BASE), environ={"EKS_LBC_CLUSTER_NAME": "c" * 57})
    assert caught.value.field == "EKS_LBC_CLUSTER_NAME"
    assert "at most 56 characters" in caught.value.expected
    load_settings(write_cdktf_json(tmp_path, BASE), environ={"EKS_LBC_CLUSTER_NAME": "c" * 56})


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
    assert [c.stack_name for c in (tokyo, dublin)] == ["eks-lbc-tokyo-1", "eks-lbc-dublin-1"]


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


def test_duplicate_cluster_names_are_rejected(tmp_path):
    context = {"clusters": [{"clusterName": "a", "region": "us-east-1"}, {"clusterName": "a", "region": "eu-west-1"}]}
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, context), environ={})
    assert caught.value.field == "cdktf.json context.eks-lbc.clusters[1].clusterName"


@pytest.mark.parametrize("clusters", [[], {}, ["a"], "a"])
def test_clusters_must_be_a_list_of_objects(tmp_path, clusters):
    with pytest.raises(InvalidSetting, match="non-empty list of objects"):
        load_settings(write_cdktf_json(tmp_path, {"clusters": clusters}), environ={})


def test_unknown_key_in_a_cluster_entry(tmp_path):
    context = {"clusters": [{"clusterName": "a", "region": "us-east-1", "clusters": []}]}
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, context), environ={})
    assert caught.value.field == "cdktf.json context.eks-lbc.clusters[0].clusters"


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


def test_every_setting_is_documented_in_the_readme_table():
    from eks_lbc.settings import _FIELDS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| `")]
    for f in _FIELDS:
        assert any(line.startswith(f"| `{f.key}` | `{f.env}` |") for line in rows), f"README lacks a row for {f.key}"
