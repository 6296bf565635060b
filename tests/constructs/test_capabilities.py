"""The controller's capabilities in the constructs: feature gates in the release, the feature policies,
the TargetGroupBinding-only mode and the webhook port rules."""

import json

import pytest
import yaml

from eks_lbc.constructs import (
    ControllerPolicy,
    ControllerRelease,
    FeaturePolicy,
    LoadBalancerController,
    WebhookPortRules,
)
from eks_lbc.errors import InvalidSetting
from eks_lbc.features import feature_policy_json, target_group_binding_only_json
from eks_lbc.policies import policy_json
from tests.support import address, controller_release, new_stack, only, synth

ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"


def build(stack, **overrides):
    props = dict(cluster_name="demo", issuer_url=ISSUER, region="us-east-1", vpc_id="vpc-0123456789abcdef0")
    props.update(overrides)
    return LoadBalancerController(stack, "lbc", **props)


def release_values(out) -> dict:
    return yaml.safe_load(controller_release(out)["values"][0])


def test_no_capability_leaves_the_controllers_gates_alone():
    stack = new_stack()
    build(stack)
    out = synth(stack)
    assert "controllerConfig" not in release_values(out)
    assert (
        list(out["resource"]["aws_iam_policy"]) == ["lbc_iam-policy_policy_4A4D0E7F"]
        or len(out["resource"]["aws_iam_policy"]) == 1
    )


def test_feature_gates_are_rendered_into_the_chart_values():
    stack = new_stack()
    build(
        stack,
        feature_gates={"SubnetsClusterTagCheck": False},
        helm_values={"controllerConfig": {"featureGates": {"EnableRGTAPI": True}}},
    )
    assert release_values(synth(stack))["controllerConfig"]["featureGates"] == {
        "EnableRGTAPI": True,
        "SubnetsClusterTagCheck": False,
    }


def test_certificate_management_and_global_accelerator_attach_their_policies_and_gates():
    stack = new_stack()
    lbc = build(
        stack, certificate_management=True, global_accelerator=True, iam_path="/platform/", tags={"team": "platform"}
    )
    out = synth(stack)
    policies = out["resource"]["aws_iam_policy"]
    by_name = {p["name"]: p for p in policies.values()}
    assert set(by_name) == {"demo-aws-lbc", "demo-aws-lbc-acm-certs", "demo-aws-lbc-global-accelerator"}
    assert by_name["demo-aws-lbc-acm-certs"]["policy"] == feature_policy_json("v3.5.0", "certificate-management")
    assert by_name["demo-aws-lbc-global-accelerator"]["policy"] == feature_policy_json("v3.5.0", "global-accelerator")
    assert {p["path"] for p in policies.values()} == {"/platform/"}
    assert [p["tags"] for p in policies.values()] == [{"team": "platform", "eks-lbc/controller-version": "v3.5.0"}] * 3
    # Constant descriptions: a chart upgrade updates the policies in place (IAM cannot change a description).
    assert len({p["description"] for p in policies.values()}) == 3
    assert not any("v3.5.0" in p["description"] for p in policies.values())
    attachments = out["resource"]["aws_iam_role_policy_attachment"]
    role = address(out, "resource", "aws_iam_role")
    assert {a["role"] for a in attachments.values()} == {f"${{{role}.name}}"}
    assert {a["policy_arn"] for a in attachments.values()} == {f"${{aws_iam_policy.{k}.arn}}" for k in policies}
    # The controller starts only once every policy is attached.
    release = controller_release(out)
    assert {f"aws_iam_role_policy_attachment.{k}" for k in attachments} <= set(release["depends_on"])
    assert release_values(out)["controllerConfig"]["featureGates"] == {
        "EnableCertificateManagement": True,
        "GlobalAcceleratorController": True,
        "EnableRGTAPI": True,
    }
    assert set(lbc.feature_policies) == {"certificate-management", "global-accelerator"}
    assert lbc.feature_policies["global-accelerator"].document["Statement"][0]["Action"] == [
        "iam:CreateServiceLinkedRole"
    ]


def test_feature_policy_addresses_are_stable():
    stack = new_stack()
    build(stack, certificate_management=True)
    out = synth(stack)
    assert any(k.startswith("lbc_certificate-management-policy_") for k in out["resource"]["aws_iam_policy"])
    assert any(
        k.startswith("lbc_irsa-role_certificate-management-policy_")
        for k in out["resource"]["aws_iam_role_policy_attachment"]
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (dict(certificate_management=True, chart_version="1.17.1"), "certificate_management"),
        (dict(global_accelerator=True, region="cn-north-1"), "global_accelerator"),
        (dict(global_accelerator=True, partition="aws-us-gov", region="us-gov-west-1"), "global_accelerator"),
        (dict(feature_gates={"GlobalAcceleratorController": True}), "feature_gates.GlobalAcceleratorController"),
        (dict(feature_gates={"EnableRgtapi": True}), "feature_gates.EnableRgtapi"),
        (
            dict(helm_values={"controllerConfig": {"featureGates": {"EnableCertificateManagement": True}}}),
            "helm_values.controllerConfig.featureGates.EnableCertificateManagement",
        ),
        (dict(policy="target-group-binding-only", global_accelerator=True), "global_accelerator"),
        (dict(policy="least"), "policy"),
        (dict(certificate_management="yes"), "certificate_management"),
        (dict(node_security_group_ids=["sg-0a1b2c3d"]), "cluster_security_group_id"),
    ],
)
def test_capabilities_are_refused_naming_the_option(overrides, field):
    with pytest.raises(InvalidSetting) as caught:
        build(new_stack(), **overrides)
    assert caught.value.field == field


def test_global_accelerator_with_a_partition_known_only_at_plan_time_is_accepted():
    from eks_lbc._cdk import TerraformVariable

    stack = new_stack()
    region = TerraformVariable(stack, "region", type="string").string_value
    build(stack, region=region, global_accelerator=True)
    assert len(synth(stack)["resource"]["aws_iam_policy"]) == 2


def test_target_group_binding_only_mode():
    stack = new_stack()
    lbc = build(stack, policy="target-group-binding-only", feature_gates={"EnableRGTAPI": True})
    out = synth(stack)
    policy = only(out, "resource", "aws_iam_policy")
    assert policy["policy"] == target_group_binding_only_json()
    assert "TargetGroupBinding-only policy" in policy["description"]
    assert lbc.policy.document == json.loads(target_group_binding_only_json())
    values = release_values(out)
    assert values["controllerConfig"]["featureGates"] == {
        "EnableRGTAPI": True,
        "EnableServiceController": False,
        "ALBGatewayAPI": False,
        "NLBGatewayAPI": False,
    }
    assert values["createIngressClassResource"] is False
    assert values["disableIngressClassAnnotation"] is True
    assert values["enableServiceMutatorWebhook"] is False


def test_switching_the_policy_mode_keeps_the_policys_address():
    full, least = new_stack(), new_stack()
    build(full)
    build(least, policy="target-group-binding-only")
    assert address(synth(full), "resource", "aws_iam_policy") == address(synth(least), "resource", "aws_iam_policy")


def test_target_group_binding_only_policy_is_the_same_with_a_partition_token():
    from eks_lbc._cdk import TerraformVariable

    stack = new_stack()
    partition = TerraformVariable(stack, "partition", type="string").string_value
    ControllerPolicy(stack, "p", name="x", partition=partition, mode="target-group-binding-only")
    out = synth(stack)
    assert only(out, "resource", "aws_iam_policy")["policy"] == target_group_binding_only_json()
    assert "locals" not in out


def test_release_alone_checks_gates_against_its_chart():
    stack = new_stack()
    kwargs = dict(
        cluster_name="demo",
        region="us-east-1",
        vpc_id="vpc-0123456789abcdef0",
        service_account_name="lbc",
        namespace="kube-system",
    )
    with pytest.raises(InvalidSetting) as caught:
        ControllerRelease(stack, "r1", chart_version="1.5.3", feature_gates={"NLBSecurityGroup": False}, **kwargs)
    assert caught.value.field == "feature_gates.NLBSecurityGroup"
    with pytest.raises(InvalidSetting) as caught:
        ControllerRelease(stack, "r2", helm_values={"controllerConfig": {"featureGates": {"Bogus": True}}}, **kwargs)
    assert caught.value.field == "helm_values.controllerConfig.featureGates.Bogus"
    with pytest.raises(InvalidSetting, match=r"also in helm_values\.controllerConfig\.featureGates"):
        ControllerRelease(
            stack,
            "r3",
            helm_values={"controllerConfig": {"featureGates": {"EnableRGTAPI": True}}},
            feature_gates={"EnableRGTAPI": False},
            **kwargs,
        )
    release = ControllerRelease(stack, "r4", chart_version="1.5.3", feature_gates={"EnableRGTAPI": True}, **kwargs)
    assert release.feature_gates == {"EnableRGTAPI": True}


def test_feature_policy_alone():
    stack = new_stack()
    policy = FeaturePolicy(stack, "acm", feature="certificate-management", name="acm")
    out = synth(stack)
    assert only(out, "resource", "aws_iam_policy")["policy"] == feature_policy_json("v3.5.0", "certificate-management")
    assert (
        "ACM certificate management: AWS's published iam_policy_acm_certs.json"
        in (only(out, "resource", "aws_iam_policy")["description"])
    )
    assert policy.document["Version"] == "2012-10-17"
    with pytest.raises(InvalidSetting):
        FeaturePolicy(stack, "x", feature="waf", name="x")
    # The main policy is not touched by the features.
    assert policy_json("3.5.0") != only(out, "resource", "aws_iam_policy")["policy"]


def test_webhook_port_rules_open_the_webhook_port_from_the_cluster_security_group():
    stack = new_stack()
    lbc = build(
        stack,
        node_security_group_ids=["sg-0a1b2c3d", "sg-0123456789abcdef0"],
        cluster_security_group_id="sg-0fedcba9876543210",
        tags={"team": "platform"},  # aws_security_group_rule has no tags
    )
    out = synth(stack)
    rule = only(out, "resource", "aws_security_group_rule")
    assert rule["for_each"] == '${toset(["sg-0a1b2c3d", "sg-0123456789abcdef0"])}'  # keyed by group id
    assert rule["security_group_id"] == "${each.value}"
    assert rule["source_security_group_id"] == "sg-0fedcba9876543210"
    assert (rule["type"], rule["protocol"], rule["from_port"], rule["to_port"]) == ("ingress", "tcp", 9443, 9443)
    assert "tags" not in rule
    assert lbc.webhook_port_rules.port == 9443


def test_webhook_port_follows_the_charts_webhook_bind_port():
    stack = new_stack()
    build(
        stack,
        node_security_group_ids=["sg-0a1b2c3d"],
        cluster_security_group_id="sg-0fedcba9876543210",
        helm_values={"webhookBindPort": 10250},
    )
    rule = only(synth(stack), "resource", "aws_security_group_rule")
    assert (rule["from_port"], rule["to_port"]) == (10250, 10250)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (
            dict(node_security_group_ids=["sg-1"], cluster_security_group_id="sg-0fedcba9876543210"),
            "node_security_group_ids[0]",
        ),
        (dict(node_security_group_ids=["sg-0a1b2c3d"], cluster_security_group_id="group"), "cluster_security_group_id"),
        (
            dict(node_security_group_ids=["sg-0a1b2c3d"], cluster_security_group_id="sg-0a1b2c3d"),
            "node_security_group_ids",
        ),
        (
            dict(node_security_group_ids=["sg-0a1b2c3d"], cluster_security_group_id="sg-0fedcba9876543210", port=0),
            "port",
        ),
    ],
)
def test_webhook_port_rules_refuse_bad_input(kwargs, field):
    with pytest.raises(InvalidSetting) as caught:
        WebhookPortRules(new_stack(), "rules", **kwargs)
    assert caught.value.field == field


def test_webhook_port_rules_take_token_ids():
    from eks_lbc._cdk import TerraformVariable

    stack = new_stack()
    groups = TerraformVariable(stack, "groups", type="list(string)").list_value
    cluster_group = TerraformVariable(stack, "cluster_group", type="string").string_value
    WebhookPortRules(stack, "rules", node_security_group_ids=groups, cluster_security_group_id=cluster_group)
    rule = only(synth(stack), "resource", "aws_security_group_rule")
    assert rule["source_security_group_id"] == "${var.cluster_group}"
    assert "var.groups" in json.dumps(rule["for_each"])
