"""The controller's options as the constructs take them: one props object or keywords, tokens where they can flow."""

import pytest

from eks_lbc._cdk import TerraformVariable
from eks_lbc.constructs import ControllerRelease, LoadBalancerController
from eks_lbc.errors import InvalidSetting
from eks_lbc.options import ControllerOptions, ReleaseOptions, concrete_options, option_names
from tests.support import new_stack, synth

CLUSTER = dict(
    cluster_name="demo",
    issuer_url="https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE",
    region="ap-northeast-1",
    vpc_id="vpc-0123456789abcdef0",
)


def string_token(stack, name="value"):
    return TerraformVariable(stack, name, type="string").string_value


def test_a_props_object_and_keywords_make_the_same_json():
    as_keywords, as_options = new_stack(), new_stack()
    values = dict(replicas=3, zone_spread="required", tags={"team": "platform"}, public_subnet_ids=("subnet-0a1b2c3d",))
    LoadBalancerController(as_keywords, "lbc", **CLUSTER, **values)
    LoadBalancerController(as_options, "lbc", **CLUSTER, options=ControllerOptions(**values))
    assert synth(as_keywords) == synth(as_options)


def test_keywords_override_the_props_object():
    stack = new_stack()
    lbc = LoadBalancerController(
        stack, "lbc", **CLUSTER, options=ControllerOptions(replicas=3, namespace="lbc"), replicas=4
    )
    assert (lbc.options.replicas, lbc.options.namespace) == (4, "lbc")


def test_an_unknown_keyword_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match="unexpected keyword argument 'replica'"):
        LoadBalancerController(new_stack(), "lbc", **CLUSTER, replica=3)


def test_options_of_another_type_are_refused():
    with pytest.raises(InvalidSetting) as caught:
        LoadBalancerController(new_stack(), "lbc", **CLUSTER, options={"replicas": 3})
    assert caught.value.field == "options" and "ControllerOptions" in caught.value.expected


def test_the_release_takes_the_controllers_options_too():
    """A ControllerOptions is a ReleaseOptions: the release reads its own group and nothing else."""
    assert set(option_names(ReleaseOptions)) < set(option_names(ControllerOptions))
    stack = new_stack()
    release = ControllerRelease(
        stack,
        "release",
        cluster_name="demo",
        region="ap-northeast-1",
        vpc_id="vpc-0123456789abcdef0",
        options=ControllerOptions(replicas=3, certificate_management=True),
    )
    assert release.values["replicaCount"] == 3
    assert "controllerConfig" not in release.values  # the feature options are the controller construct's


# Each option that chooses structure, and a token of its type (a boolean token is an IResolvable, not a bool).
def _bool_token(stack):
    return TerraformVariable(stack, "switch", type="bool").boolean_value


TOKENS = {
    "identity": string_token,
    "chart_version": string_token,
    "zone_spread": string_token,
    "policy": string_token,
    "chart_repository": string_token,
    "ingress_validation_webhook": string_token,
    "pod_disruption_budget": _bool_token,
    "enable_service_mutator_webhook": _bool_token,
    "certificate_management": _bool_token,
    "global_accelerator": _bool_token,
    "gateway_api": _bool_token,
    "feature_gates": lambda stack: {string_token(stack): True},
}


def test_the_structure_choosing_options_are_these():
    assert set(concrete_options(ControllerOptions)) == set(TOKENS)


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_a_token_is_refused_where_a_value_chooses_structure(name):
    stack = new_stack()
    with pytest.raises(InvalidSetting) as caught:
        LoadBalancerController(stack, "lbc", **CLUSTER, **{name: TOKENS[name](stack)})
    assert caught.value.field == name
    assert caught.value.expected.startswith(("a concrete value, not a token", "True or False"))


def test_a_token_identity_no_longer_takes_the_pod_identity_branch():
    """Before, any identity but the string "irsa" built Pod Identity's resources, a token too."""
    stack = new_stack()
    with pytest.raises(InvalidSetting, match="chooses between IRSA's and Pod Identity's resources"):
        LoadBalancerController(stack, "lbc", **CLUSTER, identity=string_token(stack))


def test_tokens_flow_where_a_value_only_reaches_terraform():
    """Every other option takes a token (a list or map option: in its items) and synthesizes."""
    stack = new_stack()
    token = TerraformVariable(stack, "text", type="string").string_value
    number = TerraformVariable(stack, "number", type="number").number_value
    password = TerraformVariable(stack, "password", type="string", sensitive=True).string_value
    flowing = {
        "namespace": token,
        "service_account_name": token,
        "image_repository": token,
        "image_tag": token,
        "replicas": number,
        "sts_audience": token,
        "iam_name_prefix": token,
        "iam_path": token,
        "permissions_boundary": token,
        "tags": {"team": token},
        "public_subnet_ids": (token,),
        "private_subnet_ids": ("subnet-0a1b2c3d",),
        "node_security_group_ids": (token,),
        "chart_repository_username": token,
        "helm_values": {"podLabels": {"team": token}},
    }
    left = set(option_names(ControllerOptions)) - set(concrete_options(ControllerOptions)) - set(flowing)
    assert not left, f"options without a token case here: {left}"
    LoadBalancerController(
        stack,
        "lbc",
        **CLUSTER,
        cluster_security_group_id=token,
        chart_repository="https://charts.example.com/eks",
        chart_repository_password=password,
        **flowing,
    )
    synth(stack)
