"""Feature gates, feature-tied policies and the policy mode (eks_lbc.features): data parity and the checks."""

import hashlib
import itertools
import json
import re
from importlib import resources

import pytest

from eks_lbc.errors import InvalidSetting
from eks_lbc.features import (
    CERTIFICATE_MANAGEMENT,
    FEATURE_TABLE,
    FEATURES,
    GLOBAL_ACCELERATOR,
    POLICY_FULL,
    POLICY_TARGET_GROUP_BINDING_ONLY,
    check_feature,
    check_gates,
    check_helm_values,
    check_policy_mode,
    controller_gates,
    feature_policy_file,
    feature_policy_json,
    feature_policy_sha256,
    gates_for,
    merge_gates,
    owned_gates,
    supports,
    target_group_binding_only_entry,
    target_group_binding_only_json,
)
from eks_lbc.versions import supported_charts
from tests.test_policies import upstream_dir

# Runtime-independent (no cdktf or cdktn import): once per `make test`, in the cdktf pass.
pytestmark = pytest.mark.runtime("cdktf")

UPSTREAM_FILES = {
    CERTIFICATE_MANAGEMENT: "iam_policy_acm_certs.json",
    GLOBAL_ACCELERATOR: "aga_controller_iam_policy.json",
}


def gate_table() -> dict:
    return json.loads(resources.files("eks_lbc.data").joinpath("feature_gates.json").read_text("utf-8"))["controllers"]


def policy_table() -> dict:
    return json.loads(resources.files("eks_lbc.policies").joinpath("feature_policies.json").read_text("utf-8"))


# --- data ---------------------------------------------------------------------------------------------------


def test_every_supported_chart_has_its_controllers_gates():
    for release in supported_charts():
        assert controller_gates(release.controller), release.chart


def test_gate_counts_follow_upstreams_history():
    # shared/upstream SOURCES.md: v2.5.2 9 gates; v2.17.1 20; v3.2.2 +GatewayListenerSet; v3.3.0
    # +EnableCertificateManagement; v3.4.0 +IngressPlanAnnotation (23); none removed or renamed.
    table = gate_table()
    assert len(table["v2.5.2"]) == 9 and len(table["v2.17.1"]) == 20 and len(table["v3.5.0"]) == 23
    assert "GatewayListenerSet" not in table["v3.2.1"] and table["v3.2.2"]["GatewayListenerSet"] is True
    assert (
        "EnableCertificateManagement" not in table["v3.2.2"] and table["v3.3.0"]["EnableCertificateManagement"] is False
    )
    tags = list(table)
    for older, newer in itertools.pairwise(tags):
        assert set(table[older]) <= set(table[newer]), (older, newer)
    # The Gateway gates' defaults flipped in v3.2.0; the TSV's string for EnableTCPUDPListenerType is kept.
    assert table["v3.1.0"]["ALBGatewayAPI"] is False and table["v3.2.0"]["ALBGatewayAPI"] is True
    assert "EnableTCPUDPListener" in table["v3.5.0"]


def test_every_tag_of_the_upstream_gate_list_is_vendored(require_tool):
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    rows = [line.split("\t") for line in (upstream / "chart" / "feature_gates.tsv").read_text().splitlines()[1:]]
    expected: dict[str, dict[str, bool]] = {}
    for tag, gate, default, _ in rows:
        expected.setdefault(tag, {})[gate] = default == "true"
    assert gate_table() == expected


def feature_policy_cases():
    return [(tag, feature) for tag, row in policy_table()["controllers"].items() for feature in row]


@pytest.mark.parametrize(("tag", "feature"), feature_policy_cases())
def test_feature_policy_matches_recorded_sha256(tag, feature):
    data = resources.files("eks_lbc.policies").joinpath(feature_policy_file(tag, feature)).read_bytes()
    assert hashlib.sha256(data).hexdigest() == feature_policy_sha256(tag, feature)
    assert feature_policy_file(tag, feature) == f"{tag}/{UPSTREAM_FILES[feature]}"


@pytest.mark.parametrize(("tag", "feature"), feature_policy_cases())
def test_feature_policy_is_upstreams_byte_for_byte(tag, feature, require_tool):
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    theirs = upstream / "iam_policy" / tag / UPSTREAM_FILES[feature]
    ours = resources.files("eks_lbc.policies").joinpath(feature_policy_file(tag, feature)).read_bytes()
    assert theirs.read_bytes() == ours
    assert json.loads(feature_policy_json(tag, feature)) == json.loads(theirs.read_text())


def test_every_feature_policy_upstream_publishes_is_vendored(require_tool):
    # For every controller tag with a gate list (the tags chart rows can name): a file upstream has, we have.
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    for tag in gate_table():
        for feature, name in UPSTREAM_FILES.items():
            published = (upstream / "iam_policy" / tag / name).is_file()
            assert (feature_policy_file(tag, feature) is not None) == published, (tag, feature)


def installation_guide_block(text: str) -> str:
    """The JSON block under the guide's TargetGroupBinding-only heading, as written there."""
    heading = "### You only want the LBC to add and remove IPs to already existing target groups:"
    section = text[text.index(heading) :]
    match = re.search(r"```\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


def test_target_group_binding_only_policy_is_the_installation_guides_block(require_tool):
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    block = installation_guide_block((upstream / "docs" / "v3.5.0" / "installation.md").read_text("utf-8"))
    entry = target_group_binding_only_entry()
    vendored = resources.files("eks_lbc.policies").joinpath(entry["file"]).read_text("utf-8")
    assert vendored == block
    assert json.loads(target_group_binding_only_json()) == json.loads(block)
    assert "docs/deploy/installation.md at v3.5.0" in entry["source"]


def test_target_group_binding_only_policy_matches_recorded_sha256_and_grants_only_binding():
    entry = target_group_binding_only_entry()
    data = resources.files("eks_lbc.policies").joinpath(entry["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    (statement,) = json.loads(data)["Statement"]
    assert statement["Resource"] == "*"
    assert set(statement["Action"]) == {
        "ec2:DescribeVpcs",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeInstances",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
    }
    assert "arn:" not in data.decode()  # the same document in every partition


def test_global_accelerator_policy_is_commercial_partition_only():
    assert '"arn:aws:globalaccelerator::' in feature_policy_json("v3.5.0", GLOBAL_ACCELERATOR)
    assert "arn:" not in feature_policy_json("v3.5.0", CERTIFICATE_MANAGEMENT)


# --- checks -------------------------------------------------------------------------------------------------


def test_feature_support_per_controller():
    assert [supports(t, CERTIFICATE_MANAGEMENT) for t in ("v2.17.1", "v3.2.2", "v3.3.0", "v3.5.0")] == [
        False,
        False,
        True,
        True,
    ]
    assert [supports(t, GLOBAL_ACCELERATOR) for t in ("v2.5.2", "v2.17.1", "v3.0.0", "v3.5.0")] == [
        False,
        True,
        True,
        True,
    ]


def test_gates_of_the_pinned_controller_pass_unchanged():
    assert check_gates("featureGates", {"EnableRGTAPI": True, "SubnetsClusterTagCheck": False}, "3.5.0") == {
        "EnableRGTAPI": True,
        "SubnetsClusterTagCheck": False,
    }


def test_misspelt_gate_is_refused_with_a_suggestion():
    with pytest.raises(InvalidSetting) as caught:
        check_gates("featureGates", {"SubnetClusterTagCheck": False}, "3.5.0")
    assert caught.value.field == "featureGates.SubnetClusterTagCheck"
    assert "gate of controller v3.5.0" in caught.value.expected
    assert caught.value.expected.endswith("did you mean 'SubnetsClusterTagCheck'?")


def test_gate_a_newer_controller_knows_is_refused_for_an_older_one():
    # IngressPlanAnnotation appears in v3.4.0: v2.17.1 would exit at start-up with "unknown feature".
    check_gates("featureGates", {"IngressPlanAnnotation": True}, "3.5.0")
    with pytest.raises(InvalidSetting, match=r"controller v2\.17\.1 \(chart 1\.17\.1"):
        check_gates("featureGates", {"IngressPlanAnnotation": True}, "1.17.1")


@pytest.mark.parametrize("value", ["true", 1, None])
def test_gate_values_are_booleans(value):
    with pytest.raises(InvalidSetting, match="true or false"):
        check_gates("featureGates", {"EnableRGTAPI": value}, "3.5.0")


def test_gates_must_be_an_object():
    with pytest.raises(InvalidSetting, match="object of feature gate names"):
        check_gates("featureGates", ["EnableRGTAPI"], "3.5.0")


@pytest.mark.parametrize("feature", FEATURES)
def test_feature_gates_are_owned_by_their_setting(feature):
    spec = FEATURE_TABLE[feature]
    with pytest.raises(InvalidSetting) as caught:
        check_gates("featureGates", {spec.gate: True}, "3.5.0", owned_gates(POLICY_FULL))
    assert f"use the {spec.setting} setting ({spec.option}= in the constructs)" in caught.value.expected


def test_a_gate_a_feature_needs_is_owned_only_while_the_feature_is_on():
    check_gates("featureGates", {"EnableRGTAPI": False}, "3.5.0", owned_gates(POLICY_FULL))
    with pytest.raises(InvalidSetting, match="use the globalAccelerator setting"):
        check_gates("featureGates", {"EnableRGTAPI": False}, "3.5.0", owned_gates(POLICY_FULL, (GLOBAL_ACCELERATOR,)))


def test_policy_mode_owns_the_service_and_gateway_gates_only_in_that_mode():
    for gate in ("EnableServiceController", "ALBGatewayAPI", "NLBGatewayAPI"):
        check_gates("featureGates", {gate: False}, "3.5.0", owned_gates(POLICY_FULL))
        with pytest.raises(InvalidSetting, match="use the policy setting"):
            check_gates("featureGates", {gate: False}, "3.5.0", owned_gates(POLICY_TARGET_GROUP_BINDING_ONLY))


def test_gates_set_for_features_and_the_policy_mode():
    assert gates_for("v3.5.0") == {}
    # Global Accelerator needs the Resource Groups Tagging API too (its installation guide).
    assert gates_for("v3.5.0", features=FEATURES) == {
        "EnableCertificateManagement": True,
        "GlobalAcceleratorController": True,
        "EnableRGTAPI": True,
    }
    assert gates_for("v3.5.0", policy=POLICY_TARGET_GROUP_BINDING_ONLY) == {
        "EnableServiceController": False,
        "ALBGatewayAPI": False,
        "NLBGatewayAPI": False,
    }
    # v2.5.2 has no Gateway gates: only gates the controller knows are ever rendered.
    assert gates_for("v2.5.2", policy=POLICY_TARGET_GROUP_BINDING_ONLY) == {"EnableServiceController": False}


def test_helm_values_gates_are_checked_and_owned_ones_refused():
    check_helm_values("helmValues", {"controllerConfig": {"featureGates": {"EnableRGTAPI": True}}}, "3.5.0")
    with pytest.raises(InvalidSetting) as caught:
        check_helm_values("helmValues", {"controllerConfig": {"featureGates": {"EnableRGTAP": True}}}, "3.5.0")
    assert caught.value.field == "helmValues.controllerConfig.featureGates.EnableRGTAP"
    with pytest.raises(InvalidSetting, match="certificateManagement setting"):
        check_helm_values(
            "helmValues", {"controllerConfig": {"featureGates": {"EnableCertificateManagement": True}}}, "3.5.0"
        )


def test_policy_mode_owns_the_ingress_class_values():
    values = {"createIngressClassResource": True}
    check_helm_values("helmValues", values, "3.5.0", POLICY_FULL)
    with pytest.raises(InvalidSetting) as caught:
        check_helm_values("helmValues", values, "3.5.0", POLICY_TARGET_GROUP_BINDING_ONLY)
    assert caught.value.field == "helmValues.createIngressClassResource"
    assert "use the policy setting" in caught.value.expected


def test_one_gate_in_two_places_is_refused():
    assert merge_gates("featureGates", {"EnableRGTAPI": True}, {"ALBSingleSubnet": True}) == {
        "EnableRGTAPI": True,
        "ALBSingleSubnet": True,
    }
    with pytest.raises(InvalidSetting, match=r"also in helmValues\.controllerConfig\.featureGates"):
        merge_gates("featureGates", {"EnableRGTAPI": True}, {"EnableRGTAPI": False})


@pytest.mark.parametrize(
    ("chart", "feature", "partition", "message"),
    [
        ("1.17.1", CERTIFICATE_MANAGEMENT, "aws", "controller v2.17.1 has no ACM certificate management"),
        ("1.5.3", GLOBAL_ACCELERATOR, "aws", "controller v2.5.2 has no Global Accelerator controller"),
        ("3.5.0", GLOBAL_ACCELERATOR, "aws-cn", "only in the commercial partition"),
        ("3.5.0", GLOBAL_ACCELERATOR, "aws-us-gov", "only in the commercial partition"),
    ],
)
def test_features_are_refused_where_they_cannot_work(chart, feature, partition, message):
    with pytest.raises(InvalidSetting, match=message):
        check_feature("x", chart, feature, partition)


@pytest.mark.parametrize(
    ("chart", "feature", "partition"),
    [
        ("3.5.0", CERTIFICATE_MANAGEMENT, "aws-cn"),  # no ARNs in its policy: every partition
        ("3.5.0", CERTIFICATE_MANAGEMENT, "aws-us-gov"),
        ("3.5.0", GLOBAL_ACCELERATOR, "aws"),
        ("1.17.1", GLOBAL_ACCELERATOR, "aws"),
        ("3.5.0", GLOBAL_ACCELERATOR, None),  # a partition known only at plan time is not checked here
    ],
)
def test_features_are_accepted_where_they_work(chart, feature, partition):
    check_feature("x", chart, feature, partition)


def test_target_group_binding_only_refuses_what_it_cannot_do():
    check_policy_mode("policy", POLICY_TARGET_GROUP_BINDING_ONLY)
    check_policy_mode("policy", POLICY_FULL, features=FEATURES, enable_service_mutator_webhook=True)
    with pytest.raises(InvalidSetting, match="one of full, target-group-binding-only"):
        check_policy_mode("policy", "minimal")
    with pytest.raises(InvalidSetting) as caught:
        check_policy_mode("policy", POLICY_TARGET_GROUP_BINDING_ONLY, features=(GLOBAL_ACCELERATOR,))
    assert caught.value.field == "global_accelerator"
    with pytest.raises(InvalidSetting, match="Service controller is off"):
        check_policy_mode("policy", POLICY_TARGET_GROUP_BINDING_ONLY, enable_service_mutator_webhook=True)
