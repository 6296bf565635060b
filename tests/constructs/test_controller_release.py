import pytest
import yaml

from eks_lbc.constructs import ControllerRelease
from eks_lbc.constructs.controller_release import merge_values
from eks_lbc.errors import InvalidSetting
from eks_lbc.options import owned_values
from eks_lbc.versions import supported_charts
from tests.support import new_stack, only, set_string, synth

PROPS = dict(
    cluster_name="demo",
    region="ap-northeast-1",
    vpc_id="vpc-0123456789abcdef0",
    service_account_name="aws-load-balancer-controller",
    namespace="kube-system",
)


def test_release_is_pinned_and_safe_to_fail():
    stack = new_stack()
    ControllerRelease(stack, "release", **PROPS)
    release = only(synth(stack), "resource", "helm_release")
    assert release["chart"] == "aws-load-balancer-controller"
    assert release["repository"] == "https://aws.github.io/eks-charts"
    assert release["version"] == "3.5.0"
    assert release["namespace"] == "kube-system"
    assert release["wait"] is True
    assert release["atomic"] is True
    assert release["cleanup_on_fail"] is True
    assert release["timeout"] == 600


def test_concrete_values_go_to_yaml_values():
    stack = new_stack()
    ControllerRelease(stack, "release", **PROPS)
    release = only(synth(stack), "resource", "helm_release")
    (document,) = release["values"]
    assert yaml.safe_load(document) == {
        "clusterName": "demo",
        "region": "ap-northeast-1",
        "vpcId": "vpc-0123456789abcdef0",
        "serviceAccount": {"create": False, "name": "aws-load-balancer-controller"},
        "replicaCount": 2,
        "podDisruptionBudget": {"maxUnavailable": 1},
        "topologySpreadConstraints": [ZONE_SPREAD],
        "enableServiceMutatorWebhook": False,
        # eks_lbc/ingress_webhook.py: Ingresses are not refused while no controller pod is ready
        "webhookConfig": {"ingressValdationFailurePolicy": "Ignore"},
    }
    assert "set" not in release
    assert "image" not in yaml.safe_load(document)  # the chart's default public ECR image


# The chart's selector labels (templates/_helpers.tpl "selectorLabels", the same in every supported chart):
# app.kubernetes.io/name = chart name (or nameOverride), app.kubernetes.io/instance = release name.
ZONE_SPREAD = {
    "maxSkew": 1,
    "topologyKey": "topology.kubernetes.io/zone",
    "whenUnsatisfiable": "ScheduleAnyway",
    "labelSelector": {
        "matchLabels": {
            "app.kubernetes.io/name": "aws-load-balancer-controller",
            "app.kubernetes.io/instance": "aws-load-balancer-controller",
        }
    },
}


def values_of(**props):
    stack = new_stack()
    construct = ControllerRelease(stack, "release", **{**PROPS, **props})
    release = only(synth(stack), "resource", "helm_release")
    return yaml.safe_load(release["values"][0]), release.get("set", []), construct


def test_tokens_go_to_string_typed_set():
    stack = new_stack()
    from eks_lbc._cdk import DataAwsEksCluster

    cluster = DataAwsEksCluster(stack, "cluster", name="demo")
    ControllerRelease(
        stack, "release", **{**PROPS, "cluster_name": cluster.name, "vpc_id": cluster.vpc_config.get(0).vpc_id}
    )
    release = only(synth(stack), "resource", "helm_release")
    # Escaped at apply time for Helm's --set parser (backslash, comma, `{`), so the value stays one string.
    assert release["set"] == [
        {"name": "clusterName", "value": set_string("data.aws_eks_cluster.cluster.name"), "type": "string"},
        {"name": "vpcId", "value": set_string("data.aws_eks_cluster.cluster.vpc_config[0].vpc_id"), "type": "string"},
    ]
    assert "clusterName" not in yaml.safe_load(release["values"][0])


def test_chart_version_is_validated():
    with pytest.raises(InvalidSetting) as caught:
        ControllerRelease(new_stack(), "release", **PROPS, chart_version="2.5.2")
    assert "1.5.3 (controller v2.5.2)" in caught.value.expected


@pytest.mark.parametrize(
    ("field", "value"), [("region", "Tokyo"), ("vpc_id", "vpc-1"), ("cluster_name", "_x"), ("namespace", "A")]
)
def test_bad_props(field, value):
    with pytest.raises(InvalidSetting) as caught:
        ControllerRelease(new_stack(), "release", **{**PROPS, field: value})
    assert caught.value.field == field


def test_merge_values_is_deep():
    assert merge_values({"a": {"b": 1, "c": 2}, "d": 1}, {"a": {"c": 3}, "e": 4}) == {
        "a": {"b": 1, "c": 3},
        "d": 1,
        "e": 4,
    }


def test_ha_can_be_turned_down():
    values, _, _ = values_of(replicas=1, pod_disruption_budget=False, zone_spread="off")
    assert values["replicaCount"] == 1
    assert "podDisruptionBudget" not in values and "topologySpreadConstraints" not in values


def test_required_zone_spread_does_not_schedule_an_unbalancing_replica():
    values, _, _ = values_of(zone_spread="required", replicas=3)
    (constraint,) = values["topologySpreadConstraints"]
    assert constraint == {**ZONE_SPREAD, "whenUnsatisfiable": "DoNotSchedule"}
    assert values["replicaCount"] == 3


def test_zone_spread_selects_the_renamed_pods_when_name_is_overridden():
    values, _, _ = values_of(helm_values={"nameOverride": "lbc"})
    labels = values["topologySpreadConstraints"][0]["labelSelector"]["matchLabels"]
    assert labels == {"app.kubernetes.io/name": "lbc", "app.kubernetes.io/instance": "aws-load-balancer-controller"}


def test_replica_count_token_goes_to_an_untyped_set():
    from eks_lbc._cdk import TerraformVariable, Token

    stack = new_stack()
    count = TerraformVariable(stack, "replicas", type="number")
    ControllerRelease(stack, "release", **PROPS, replicas=count.number_value)
    release = only(synth(stack), "resource", "helm_release")
    assert {"name": "replicaCount", "value": "${var.replicas}"} in release["set"]
    assert "replicaCount" not in yaml.safe_load(release["values"][0])
    assert Token.is_unresolved(count.number_value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("replicas", 0),
        ("replicas", 11),
        ("replicas", True),
        ("replicas", "2"),
        ("zone_spread", "zone"),
        ("pod_disruption_budget", "yes"),
        ("enable_service_mutator_webhook", 1),
        ("image_repository", "aws-load-balancer-controller"),
        ("image_repository", "public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0"),
        ("image_tag", "sha256:0123"),
        ("image_tag", "-v1"),
    ],
)
def test_bad_options(field, value):
    with pytest.raises(InvalidSetting) as caught:
        ControllerRelease(new_stack(), "release", **{**PROPS, field: value})
    assert caught.value.field == field


def test_service_mutator_webhook_is_off_unless_asked_for():
    assert values_of()[0]["enableServiceMutatorWebhook"] is False
    assert values_of(enable_service_mutator_webhook=True)[0]["enableServiceMutatorWebhook"] is True


@pytest.mark.parametrize("chart", [r.chart for r in supported_charts()])
def test_default_image_is_the_charts_public_ecr_image_at_its_app_version(chart):
    _, _, construct = values_of(chart_version=chart)
    release = next(r for r in supported_charts() if r.chart == chart)
    assert construct.image == f"public.ecr.aws/eks/aws-load-balancer-controller:{release.controller}"


def test_private_registry_repository_keeps_the_pinned_tag():
    repository = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/mirror/aws-load-balancer-controller"
    values, _, construct = values_of(image_repository=repository)
    assert values["image"] == {"repository": repository}
    assert construct.image == f"{repository}:v3.5.0"


def test_image_tag_override():
    values, _, construct = values_of(image_tag="v3.5.0-patched")
    assert values["image"] == {"tag": "v3.5.0-patched"}
    assert construct.image == "public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0-patched"


@pytest.mark.parametrize(
    ("region", "registry"),
    [
        ("ap-northeast-1", "602401143452.dkr.ecr.ap-northeast-1.amazonaws.com"),
        ("cn-north-1", "918309763551.dkr.ecr.cn-north-1.amazonaws.com.cn"),
        ("ap-east-2", "533267051163.dkr.ecr.ap-east-2.amazonaws.com"),  # upstream's table says ap-east-1 (typo)
    ],
)
def test_regional_repository_is_the_regions_eks_registry(region, registry):
    values, _, _ = values_of(region=region, image_repository="regional")
    assert values["image"] == {"repository": f"{registry}/amazon/aws-load-balancer-controller"}


def test_regional_repository_for_a_region_without_one_is_an_error():
    with pytest.raises(InvalidSetting) as caught:
        values_of(region="xx-nowhere-1", image_repository="regional")
    assert caught.value.field == "image_repository"
    assert "xx-nowhere-1" in caught.value.expected


def test_regional_repository_with_a_token_region_is_looked_up_by_terraform():
    from eks_lbc._cdk import TerraformVariable

    stack = new_stack()
    region = TerraformVariable(stack, "region", type="string").string_value
    ControllerRelease(stack, "release", **{**PROPS, "region": region}, image_repository="regional")
    release = only(synth(stack), "resource", "helm_release")
    (entry,) = [s for s in release["set"] if s["name"] == "image.repository"]
    assert entry["type"] == "string"
    # The table indexed by the region: an unknown region fails the plan ("does not identify an element").
    # (inside the escape every string token gets for Helm's --set parser)
    assert entry["value"].startswith('${replace("${{"af-south-1" = "877085696533.dkr.ecr.af-south-1.amazonaws.com", ')
    assert '"eu-west-1" = "602401143452.dkr.ecr.eu-west-1.amazonaws.com"' in entry["value"]
    assert entry["value"].endswith('}[var.region]}/amazon/aws-load-balancer-controller", "/[\\\\\\\\,{]/", "\\\\$0")}')


def test_token_image_repository_goes_to_a_string_set():
    from eks_lbc._cdk import DataAwsEksCluster

    stack = new_stack()
    repository = DataAwsEksCluster(stack, "cluster", name="demo").name
    ControllerRelease(stack, "release", **PROPS, image_repository=repository)
    release = only(synth(stack), "resource", "helm_release")
    assert {"name": "image.repository", "value": set_string("data.aws_eks_cluster.cluster.name"), "type": "string"} in (
        release["set"]
    )


def test_extra_values_merge_beside_the_constructs_own():
    values, _, _ = values_of(
        image_repository="registry.example.com/lbc",
        helm_values={"image": {"pullPolicy": "Always"}, "podLabels": {"team": "platform"}, "logLevel": "debug"},
    )
    assert values["image"] == {"repository": "registry.example.com/lbc", "pullPolicy": "Always"}
    assert values["podLabels"] == {"team": "platform"} and values["logLevel"] == "debug"


@pytest.mark.parametrize("path", sorted(owned_values()))
def test_extra_values_may_not_set_what_the_construct_owns(path):
    head, _, rest = path.partition(".")
    extra = {head: {rest: "x"}} if rest else {head: "x"}
    with pytest.raises(InvalidSetting) as caught:
        values_of(helm_values=extra)
    assert caught.value.field == f"helm_values.{path}"
    assert f"eks-lbc sets {path} itself" in caught.value.expected


def test_a_misspelt_key_is_an_error_with_a_suggestion():
    with pytest.raises(InvalidSetting) as caught:
        values_of(helm_values={"podLables": {"team": "platform"}})
    assert caught.value.field == "helm_values.podLables"
    assert "silently ignore" in caught.value.expected and "'podLabels'" in caught.value.expected


def test_nested_keys_of_the_charts_own_structure_are_checked():
    with pytest.raises(InvalidSetting) as caught:
        values_of(helm_values={"serviceMonitor": {"enable": True}})
    assert caught.value.field == "helm_values.serviceMonitor.enable"
    assert "'enabled'" in caught.value.expected
    with pytest.raises(InvalidSetting, match="an object with any of the keys"):
        values_of(helm_values={"serviceMonitor": True})


def test_free_form_maps_accept_any_keys():
    values, _, _ = values_of(
        helm_values={
            "podAnnotations": {"example.com/anything": "x"},
            "resources": {"requests": {"cpu": "100m"}},
            "livenessProbe": {"periodSeconds": 20},
            "controllerConfig": {"featureGates": {"SubnetsClusterTagCheck": False}},
        }
    )
    assert values["controllerConfig"] == {"featureGates": {"SubnetsClusterTagCheck": False}}


def test_keys_are_checked_against_the_pinned_chart_version():
    # albGatewayMaxConcurrentReconciles arrived with the Gateway API support in chart 1.13+.
    values_of(chart_version="3.5.0", helm_values={"albGatewayMaxConcurrentReconciles": 5})
    with pytest.raises(InvalidSetting) as caught:
        values_of(chart_version="1.5.3", helm_values={"albGatewayMaxConcurrentReconciles": 5})
    assert "chart 1.5.3" in caught.value.expected


@pytest.mark.parametrize(
    ("chart", "expected"), [("3.5.0", {"ingressValdationFailurePolicy": "Ignore"}), ("1.17.1", None)]
)
def test_ingress_validation_webhook_default_per_chart(chart, expected):
    values, _, construct = values_of(chart_version=chart)
    assert values.get("webhookConfig") == expected
    assert construct.ingress_validation_webhook == ("ignore" if expected else "fail")
    assert values_of(chart_version=chart, ingress_validation_webhook="off")[0]["webhookConfig"] == {
        "disableIngressValidation": True
    }


def test_ingress_validation_webhook_refuses_a_token_and_what_the_chart_lacks():
    from eks_lbc._cdk import TerraformVariable

    stack = new_stack()
    token = TerraformVariable(stack, "choice", type="string").string_value
    with pytest.raises(InvalidSetting, match=r"a concrete value, not a token: it chooses the chart.s webhook values"):
        ControllerRelease(stack, "release", **PROPS, ingress_validation_webhook=token)
    with pytest.raises(InvalidSetting, match=r"with chart 1\.5\.3"):
        values_of(chart_version="1.5.3", ingress_validation_webhook="ignore")


# --- chart mirrors ----------------------------------------------------------------------------------------------


def release_with(**props):
    stack = new_stack()
    construct = ControllerRelease(stack, "release", **PROPS, **props)
    return only(synth(stack), "resource", "helm_release"), construct


def test_oci_mirror_is_the_repository_and_the_chart_keeps_its_name():
    # The helm provider joins them: oci://<host>/<path>/aws-load-balancer-controller at `version`.
    url = "oci://111122223333.dkr.ecr.ap-northeast-1.amazonaws.com/mirror"
    release, construct = release_with(chart_repository=url)
    assert (release["repository"], release["chart"], release["version"]) == (
        url,
        "aws-load-balancer-controller",
        "3.5.0",
    )
    assert "repository_username" not in release and "repository_password" not in release
    assert construct.chart_repository == url


def test_https_mirror_with_credentials_from_a_token():
    from eks_lbc._cdk import TerraformVariable

    stack = new_stack()
    password = TerraformVariable(stack, "password", type="string", sensitive=True)
    ControllerRelease(
        stack,
        "release",
        **PROPS,
        chart_repository="https://charts.example.com/eks",
        chart_repository_username="bob",
        chart_repository_password=password.string_value,
    )
    release = only(synth(stack), "resource", "helm_release")
    assert release["repository"] == "https://charts.example.com/eks"
    assert (release["repository_username"], release["repository_password"]) == ("bob", "${var.password}")


@pytest.mark.parametrize(
    ("props", "field", "expected"),
    [
        ({"chart_repository": "http://charts.example.com"}, "chart_repository", "without TLS"),
        ({"chart_repository": "oci://registry.example.com/X"}, "chart_repository", "oci://<host>/<path>"),
        (
            {"chart_repository": "https://charts.example.com", "chart_repository_username": "bob"},
            "chart_repository_password",
            "set together",
        ),
        (
            {
                "chart_repository": "oci://111122223333.dkr.ecr.ap-northeast-1.amazonaws.com/m",
                "chart_repository_username": "AWS",
                "chart_repository_password": "${var.x}",
            },
            "chart_repository_username",
            "ECR token",
        ),
        (
            {"chart_repository_username": "bob", "chart_repository_password": "${var.x}"},
            "chart_repository_username",
            "public",
        ),
    ],
)
def test_bad_chart_repository_options(props, field, expected):
    from eks_lbc._cdk import TerraformVariable

    stack = new_stack()
    if props.get("chart_repository_password") == "${var.x}":
        props = {**props, "chart_repository_password": TerraformVariable(stack, "x", type="string").string_value}
    with pytest.raises(InvalidSetting) as caught:
        ControllerRelease(stack, "release", **PROPS, **props)
    assert caught.value.field == field
    assert expected in caught.value.expected


def test_a_literal_password_is_refused_and_never_echoed():
    with pytest.raises(InvalidSetting) as caught:
        release_with(
            chart_repository="https://charts.example.com",
            chart_repository_username="bob",
            chart_repository_password="hunter2",
        )
    assert caught.value.field == "chart_repository_password"
    assert "hunter2" not in str(caught.value) and "cdk.tf.json" in caught.value.expected


def test_a_token_repository_is_refused():
    from eks_lbc._cdk import TerraformVariable

    stack = new_stack()
    url = TerraformVariable(stack, "url", type="string").string_value
    with pytest.raises(InvalidSetting) as caught:
        ControllerRelease(stack, "release", **PROPS, chart_repository=url)
    assert caught.value.field == "chart_repository" and "concrete" in caught.value.expected
