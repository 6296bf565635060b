"""The settings of the controller's capabilities: featureGates, certificateManagement, globalAccelerator,
policy and nodeSecurityGroupIds, read from cdktf.json and the environment and checked at the edge."""

import json

import pytest

from eks_lbc.errors import InvalidSetting
from eks_lbc.settings import load_settings
from tests.test_settings import BASE, write_cdktf_json

# Runtime-independent (no cdktf or cdktn import): once per `make test`, in the cdktf pass.
pytestmark = pytest.mark.runtime("cdktf")


def load(tmp_path, context=None, environ=None):
    return load_settings(write_cdktf_json(tmp_path, {**BASE, **(context or {})}), environ=environ or {}).clusters[0]


def test_defaults(tmp_path):
    cluster = load(tmp_path)
    assert dict(cluster.feature_gates) == {}
    assert (cluster.certificate_management, cluster.global_accelerator) == (False, False)
    assert cluster.policy == "full"
    assert cluster.node_security_group_ids == ()


def test_every_capability_from_cdktf_json(tmp_path):
    cluster = load(
        tmp_path,
        {
            "featureGates": {"ALBSingleSubnet": True},
            "certificateManagement": True,
            "globalAccelerator": True,
            "nodeSecurityGroupIds": ["sg-0123456789abcdef0", "sg-0a1b2c3d"],
        },
    )
    assert dict(cluster.feature_gates) == {"ALBSingleSubnet": True}
    assert cluster.certificate_management and cluster.global_accelerator
    assert cluster.node_security_group_ids == ("sg-0123456789abcdef0", "sg-0a1b2c3d")


def test_every_capability_from_the_environment(tmp_path):
    cluster = load(
        tmp_path,
        environ={
            "EKS_LBC_FEATURE_GATES": '{"SubnetsClusterTagCheck": false}',
            "EKS_LBC_POLICY": "target-group-binding-only",
            "EKS_LBC_NODE_SECURITY_GROUP_IDS": "sg-0a1b2c3d, sg-0123456789abcdef0",
            "EKS_LBC_CERTIFICATE_MANAGEMENT": "0",
            "EKS_LBC_GLOBAL_ACCELERATOR": "false",
        },
    )
    assert dict(cluster.feature_gates) == {"SubnetsClusterTagCheck": False}
    assert cluster.policy == "target-group-binding-only"
    assert cluster.node_security_group_ids == ("sg-0a1b2c3d", "sg-0123456789abcdef0")


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        ("EKS_LBC_FEATURE_GATES", "[1]", "EKS_LBC_FEATURE_GATES", "JSON object of names to true/false"),
        ("EKS_LBC_FEATURE_GATES", '{"EnableRGTAPI": "true"}', "EKS_LBC_FEATURE_GATES", "names to true/false"),
        (
            "EKS_LBC_FEATURE_GATES",
            '{"EnableRgtApi": true}',
            "EKS_LBC_FEATURE_GATES.EnableRgtApi",
            "did you mean 'EnableRGTAPI'?",
        ),
        (
            "EKS_LBC_FEATURE_GATES",
            '{"EnableCertificateManagement": true}',
            "EKS_LBC_FEATURE_GATES.EnableCertificateManagement",
            "use the certificateManagement setting",
        ),
        (
            "EKS_LBC_FEATURE_GATES",
            '{"GlobalAcceleratorController": true}',
            "EKS_LBC_FEATURE_GATES.GlobalAcceleratorController",
            "use the globalAccelerator setting",
        ),
        ("EKS_LBC_CERTIFICATE_MANAGEMENT", "yes", "EKS_LBC_CERTIFICATE_MANAGEMENT", "true or false"),
        ("EKS_LBC_GLOBAL_ACCELERATOR", "on", "EKS_LBC_GLOBAL_ACCELERATOR", "true or false"),
        ("EKS_LBC_POLICY", "minimal", "EKS_LBC_POLICY", "full"),
        ("EKS_LBC_NODE_SECURITY_GROUP_IDS", "sg-xyz", "EKS_LBC_NODE_SECURITY_GROUP_IDS[0]", "security group id"),
        ("EKS_LBC_NODE_SECURITY_GROUP_IDS", "sg-0a1b2c3d,sg-0a1b2c3d", "EKS_LBC_NODE_SECURITY_GROUP_IDS[1]", "no dup"),
    ],
)
def test_bad_capability_values_name_field_value_and_form(tmp_path, variable, value, field, expected):
    with pytest.raises(InvalidSetting) as caught:
        load(tmp_path, environ={variable: value})
    assert caught.value.field == field
    assert expected in caught.value.expected


def test_gates_are_checked_against_each_clusters_controller(tmp_path):
    context = {
        "featureGates": {"IngressPlanAnnotation": True},  # v3.4.0 and later
        "clusters": [
            {"clusterName": "new", "region": "us-east-1"},
            {"clusterName": "old", "region": "us-east-1", "chartVersion": "1.17.1"},
        ],
    }
    with pytest.raises(InvalidSetting) as caught:
        load_settings(write_cdktf_json(tmp_path, context), environ={})
    assert caught.value.field == "cdktf.json context.eks-lbc.featureGates.IngressPlanAnnotation"
    assert "controller v2.17.1 (chart 1.17.1" in caught.value.expected


def test_helm_values_gates_are_checked_like_feature_gates(tmp_path):
    helm = {"controllerConfig": {"featureGates": {"EnableCertificateManagement": True}}}
    with pytest.raises(InvalidSetting) as caught:
        load(tmp_path, {"helmValues": helm})
    assert (
        caught.value.field
        == "cdktf.json context.eks-lbc.helmValues.controllerConfig.featureGates.EnableCertificateManagement"
    )
    assert "certificateManagement setting" in caught.value.expected
    with pytest.raises(InvalidSetting) as caught:
        load(
            tmp_path,
            environ={"EKS_LBC_HELM_VALUES": json.dumps({"controllerConfig": {"featureGates": {"Nope": True}}})},
        )
    assert caught.value.field == "EKS_LBC_HELM_VALUES.controllerConfig.featureGates.Nope"


def test_one_gate_in_feature_gates_and_helm_values_is_refused(tmp_path):
    with pytest.raises(InvalidSetting) as caught:
        load(
            tmp_path,
            {
                "featureGates": {"EnableRGTAPI": True},
                "helmValues": {"controllerConfig": {"featureGates": {"EnableRGTAPI": False}}},
            },
        )
    assert caught.value.field == "cdktf.json context.eks-lbc.featureGates.EnableRGTAPI"
    assert "also in cdktf.json context.eks-lbc.helmValues.controllerConfig.featureGates" in caught.value.expected


@pytest.mark.parametrize(
    ("context", "field", "expected"),
    [
        ({"certificateManagement": True, "chartVersion": "1.17.1"}, "certificateManagement", "v2.17.1 has no ACM"),
        ({"globalAccelerator": True, "chartVersion": "1.5.3"}, "globalAccelerator", "v2.5.2 has no Global Accel"),
        ({"globalAccelerator": True, "region": "cn-north-1"}, "globalAccelerator", "partition aws-cn"),
        ({"globalAccelerator": True, "region": "us-gov-west-1"}, "globalAccelerator", "partition aws-us-gov"),
        (
            {"policy": "target-group-binding-only", "certificateManagement": True},
            "certificateManagement",
            "false with policy target-group-binding-only",
        ),
        (
            {"policy": "target-group-binding-only", "enableServiceMutatorWebhook": True},
            "enableServiceMutatorWebhook",
            "Service controller is off",
        ),
        (
            {"policy": "target-group-binding-only", "featureGates": {"EnableServiceController": True}},
            "featureGates.EnableServiceController",
            "use the policy setting",
        ),
        (
            {"policy": "target-group-binding-only", "helmValues": {"createIngressClassResource": True}},
            "helmValues.createIngressClassResource",
            "use the policy setting",
        ),
        (
            {"nodeSecurityGroupIds": ["sg-0a1b2c3d"], "helmValues": {"webhookBindPort": "9443"}},
            "helmValues.webhookBindPort",
            "TCP port number",
        ),
    ],
)
def test_capabilities_are_refused_where_they_cannot_work(tmp_path, context, field, expected):
    with pytest.raises(InvalidSetting) as caught:
        load(tmp_path, context)
    assert caught.value.field == f"cdktf.json context.eks-lbc.{field}"
    assert expected in caught.value.expected


def test_global_accelerator_owns_the_gate_it_needs_only_while_on(tmp_path):
    assert dict(load(tmp_path, {"featureGates": {"EnableRGTAPI": False}}).feature_gates) == {"EnableRGTAPI": False}
    with pytest.raises(InvalidSetting) as caught:
        load(tmp_path, {"featureGates": {"EnableRGTAPI": False}, "globalAccelerator": True})
    assert caught.value.field == "cdktf.json context.eks-lbc.featureGates.EnableRGTAPI"
    assert "use the globalAccelerator setting" in caught.value.expected


def test_global_accelerator_refusal_names_the_environment_variable(tmp_path):
    with pytest.raises(InvalidSetting) as caught:
        load(tmp_path, {"region": "cn-north-1"}, environ={"EKS_LBC_GLOBAL_ACCELERATOR": "true"})
    assert caught.value.field == "EKS_LBC_GLOBAL_ACCELERATOR"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"EKS_LBC_FEATURE_GATES": '{"EnableRgtApi": true}'},
            "invalid EKS_LBC_FEATURE_GATES.EnableRgtApi: True; expected a feature gate of controller v3.5.0",
        ),
        (
            {"EKS_LBC_GLOBAL_ACCELERATOR": "true", "EKS_LBC_REGION": "cn-north-1"},
            "invalid EKS_LBC_GLOBAL_ACCELERATOR: True; expected false in partition aws-cn",
        ),
        ({"EKS_LBC_NODE_SECURITY_GROUP_IDS": "sg-1"}, "invalid EKS_LBC_NODE_SECURITY_GROUP_IDS[0]: 'sg-1'"),
    ],
)
def test_main_exits_2_with_one_line_and_writes_nothing(tmp_path, environ, message):
    from tests.test_app import MARKER, project, run

    folder = project(tmp_path)
    result = run(folder, **environ)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"eks-lbc: {message}")
    assert (folder / "cdktf.out" / "stacks" / "eks-lbc-demo-ap-northeast-1" / "cdk.tf.json").read_text() == MARKER


def test_gateway_api_setting(tmp_path):
    assert load(tmp_path, {"gatewayApi": True}).gateway_api is True
    assert load(tmp_path, environ={"EKS_LBC_GATEWAY_API": "1"}).gateway_api is True
    # Without it the Gateway gates stay the user's (the controller's auto-detection by default).
    assert dict(load(tmp_path, {"featureGates": {"ALBGatewayAPI": False}}).feature_gates) == {"ALBGatewayAPI": False}


@pytest.mark.parametrize(
    ("context", "field", "expected"),
    [
        ({"gatewayApi": True, "chartVersion": "1.17.1"}, "gatewayApi", "whose controller names the release"),
        ({"gatewayApi": True, "policy": "target-group-binding-only"}, "gatewayApi", "no permissions for Gateways"),
        (
            {"gatewayApi": True, "featureGates": {"NLBGatewayAPI": False}},
            "featureGates.NLBGatewayAPI",
            "use the gatewayApi setting",
        ),
        (
            {"gatewayApi": True, "helmValues": {"controllerConfig": {"featureGates": {"ALBGatewayAPI": True}}}},
            "helmValues.controllerConfig.featureGates.ALBGatewayAPI",
            "use the gatewayApi setting",
        ),
        ({"gatewayApi": "yes"}, "gatewayApi", "true or false"),
    ],
)
def test_gateway_api_is_refused_where_it_cannot_work(tmp_path, context, field, expected):
    with pytest.raises(InvalidSetting) as caught:
        load(tmp_path, context)
    assert caught.value.field == f"cdktf.json context.eks-lbc.{field}"
    assert expected in caught.value.expected
