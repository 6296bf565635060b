"""The L3 construct composes the others and orders the release after its prerequisites."""

import json

import pytest

from eks_lbc._cdk import DataAwsEksCluster
from eks_lbc.constructs import LoadBalancerController
from eks_lbc.constructs.controller_policy import VERSION_TAG
from eks_lbc.errors import InvalidSetting
from eks_lbc.policies import policy_document
from tests.support import address, controller_release, new_stack, only, set_string, synth


def build(stack, **overrides):
    props = dict(
        cluster_name="demo",
        issuer_url="https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE",
        region="ap-northeast-1",
        vpc_id="vpc-0123456789abcdef0",
    )
    props.update(overrides)
    return LoadBalancerController(stack, "lbc", **props)


def test_release_waits_for_crds_service_account_and_policy_attachment():
    stack = new_stack()
    build(stack)
    out = synth(stack)
    release = controller_release(out)
    assert set(release["depends_on"]) == {
        "helm_release.lbc_crds_release_04D7E20F",
        address(out, "resource", "kubernetes_service_account_v1"),
        address(out, "resource", "aws_iam_role_policy_attachment"),
    }
    sa_address = address(out, "resource", "kubernetes_service_account_v1")
    assert {"name": "serviceAccount.name", "value": set_string(f"{sa_address}.metadata[0].name"), "type": "string"} in (
        release["set"]
    )


def test_pieces_reference_each_other():
    stack = new_stack()
    build(stack)
    out = synth(stack)
    oidc = address(out, "resource", "aws_iam_openid_connect_provider")
    role = address(out, "resource", "aws_iam_role")
    policy = address(out, "resource", "aws_iam_policy")
    (statement,) = only(out, "data", "aws_iam_policy_document")["statement"]
    assert statement["principals"][0]["identifiers"] == [f"${{{oidc}.arn}}"]
    attachment = only(out, "resource", "aws_iam_role_policy_attachment")
    assert attachment == {**attachment, "role": f"${{{role}.name}}", "policy_arn": f"${{{policy}.arn}}"}
    sa = only(out, "resource", "kubernetes_service_account_v1")
    assert sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == f"${{{role}.arn}}"
    assert only(out, "resource", "aws_iam_role")["name"] == "demo-aws-lbc"
    assert only(out, "resource", "aws_iam_policy")["name"] == "demo-aws-lbc"


def test_construct_ids_are_stable_terraform_addresses():
    # Changing a construct id renames a Terraform address, which destroys and recreates real infrastructure.
    stack = new_stack()
    build(stack)
    out = synth(stack)
    addresses = sorted(
        f"{'data.' if block == 'data' else ''}{kind}.{name}"
        for block in ("resource", "data")
        for kind, bodies in out.get(block, {}).items()
        for name in bodies
    )
    assert addresses == EXPECTED_ADDRESSES


EXPECTED_ADDRESSES = [
    "aws_iam_openid_connect_provider.lbc_oidc-provider_711337BF",
    "aws_iam_policy.lbc_iam-policy_E7EA11B4",
    "aws_iam_role.lbc_irsa-role_BBB3C290",
    "aws_iam_role_policy_attachment.lbc_irsa-role_controller-policy_DDCC005B",
    "data.aws_iam_policy_document.lbc_irsa-role_trust-policy_E3A218B2",
    "data.tls_certificate.lbc_oidc-provider_certificate_AE1C1D82",
    "helm_release.lbc_crds_release_04D7E20F",
    "helm_release.lbc_helm-release_3DADF2E9",
    "kubernetes_service_account_v1.lbc_service-account_574807D7",
]


def test_cluster_created_in_the_same_stack_as_tokens():
    stack = new_stack()
    cluster = DataAwsEksCluster(stack, "cluster", name="demo")
    lbc = build(
        stack,
        cluster_name=cluster.name,
        issuer_url=cluster.identity.get(0).oidc.get(0).issuer,
        vpc_id=cluster.vpc_config.get(0).vpc_id,
        namespace="kube-system",
    )
    out = synth(stack)
    assert only(out, "resource", "aws_iam_role")["name"] == "${data.aws_eks_cluster.cluster.name}-aws-lbc"
    assert lbc.chart_version == "3.5.0"


def test_properties_expose_what_callers_need():
    stack = new_stack()
    lbc = build(stack, chart_version="1.5.3", namespace="aws-lbc", service_account_name="lbc", iam_name="custom")
    assert lbc.chart_version == "1.5.3" and lbc.controller_version == "v2.5.2"
    for token in (lbc.role_arn, lbc.policy_arn, lbc.oidc_provider_arn):
        assert token.startswith("${TfToken[")
    out = synth(stack)
    assert only(out, "resource", "aws_iam_role")["name"] == "custom"
    (statement,) = only(out, "data", "aws_iam_policy_document")["statement"]
    assert "system:serviceaccount:aws-lbc:lbc" in str(statement["condition"])


def all_addresses(out):
    return sorted(
        f"{'data.' if block == 'data' else ''}{kind}.{name}"
        for block in ("resource", "data")
        for kind, bodies in out.get(block, {}).items()
        for name in bodies
    )


def test_pod_identity_replaces_oidc_and_irsa():
    stack = new_stack()
    lbc = build(stack, identity="pod-identity", issuer_url=None)
    out = synth(stack)
    assert all_addresses(out) == EXPECTED_POD_IDENTITY_ADDRESSES
    metadata = only(out, "resource", "kubernetes_service_account_v1")["metadata"]
    assert "annotations" not in metadata  # no eks.amazonaws.com/role-arn: Pod Identity, not IRSA
    release = controller_release(out)
    assert set(release["depends_on"]) == {
        "helm_release.lbc_crds_release_04D7E20F",
        address(out, "resource", "kubernetes_service_account_v1"),
        address(out, "resource", "aws_iam_role_policy_attachment"),
        address(out, "resource", "aws_eks_pod_identity_association"),
    }
    assert only(out, "resource", "aws_eks_pod_identity_association")["role_arn"] == (
        f"${{{address(out, 'resource', 'aws_iam_role')}.arn}}"
    )
    assert lbc.oidc_provider_arn is None and lbc.pod_identity_association_arn is not None


# Switching identity keeps the role's address (and the attachment's): the trust policy changes in place, and the
# IAM name never belongs to two resources at once. The association is new with Pod Identity.
EXPECTED_POD_IDENTITY_ADDRESSES = [
    "aws_eks_pod_identity_association.lbc_irsa-role_association_2E80405A",
    "aws_iam_policy.lbc_iam-policy_E7EA11B4",
    "aws_iam_role.lbc_irsa-role_BBB3C290",
    "aws_iam_role_policy_attachment.lbc_irsa-role_controller-policy_DDCC005B",
    "data.aws_caller_identity.lbc_account_10D109A9",
    "data.aws_iam_policy_document.lbc_irsa-role_trust-policy_E3A218B2",
    "helm_release.lbc_crds_release_04D7E20F",
    "helm_release.lbc_helm-release_3DADF2E9",
    "kubernetes_service_account_v1.lbc_service-account_574807D7",
]
# Where Pod Identity's resources were before (these names are what cdktf gave them then): moved, not replaced.
LEGACY_POD_IDENTITY_ADDRESSES = {
    "aws_iam_role": "aws_iam_role.lbc_pod-identity-role_302CE299",
    "aws_iam_role_policy_attachment": "aws_iam_role_policy_attachment.lbc_pod-identity-role_controller-policy_4D68B76C",
    "aws_eks_pod_identity_association": ("aws_eks_pod_identity_association.lbc_pod-identity-role_association_AE79E8FD"),
}


def test_switching_identity_keeps_the_role_address():
    irsa, pod_identity = new_stack(), new_stack()
    build(irsa)
    build(pod_identity, identity="pod-identity", issuer_url=None)
    irsa_out, pod_out = synth(irsa), synth(pod_identity)
    for kind in ("aws_iam_role", "aws_iam_role_policy_attachment", "aws_iam_policy"):
        assert address(irsa_out, "resource", kind) == address(pod_out, "resource", kind), kind
    # ... same IAM name, only the trust policy differs.
    assert only(irsa_out, "resource", "aws_iam_role")["name"] == only(pod_out, "resource", "aws_iam_role")["name"]


def test_earlier_pod_identity_addresses_are_where_those_resources_are_now():
    pod_identity, irsa = new_stack(), new_stack()
    lbc = build(pod_identity, identity="pod-identity", issuer_url=None)
    pod_out = synth(pod_identity)
    assert lbc.earlier_addresses == {
        LEGACY_POD_IDENTITY_ADDRESSES[kind]: address(pod_out, "resource", kind)
        for kind in LEGACY_POD_IDENTITY_ADDRESSES
    }
    assert "moved" not in pod_out  # checkov's terraform_json parser cannot read it: the app writes moved.tf
    assert build(irsa).earlier_addresses == {}  # IRSA's addresses never moved


def test_pod_identity_trust_pins_the_cluster_arn():
    stack = new_stack()
    arn = "arn:aws:eks:ap-northeast-1:111122223333:cluster/demo"
    build(stack, identity="pod-identity", issuer_url=None, cluster_arn=arn)
    out = synth(stack)
    (statement,) = only(out, "data", "aws_iam_policy_document")["statement"]
    conditions = {c["variable"]: c["values"] for c in statement["condition"]}
    assert conditions["aws:RequestTag/eks-cluster-arn"] == [arn]
    assert "aws_caller_identity" not in out.get("data", {})  # given: nothing to look up


def test_pod_identity_builds_the_cluster_arn_from_the_providers_account():
    stack = new_stack()
    build(stack, identity="pod-identity", issuer_url=None)
    out = synth(stack)
    (statement,) = only(out, "data", "aws_iam_policy_document")["statement"]
    conditions = {c["variable"]: c["values"] for c in statement["condition"]}
    account = address(out, "data", "aws_caller_identity")
    assert conditions["aws:RequestTag/eks-cluster-arn"] == [
        f"arn:aws:eks:ap-northeast-1:${{{account}.account_id}}:cluster/demo"
    ]


def test_pod_identity_cluster_arn_is_checked():
    with pytest.raises(InvalidSetting) as caught:
        build(new_stack(), identity="pod-identity", issuer_url=None, cluster_arn="arn:aws:eks:eu-west-1:1:cluster/x")
    assert caught.value.field == "cluster_arn"
    with pytest.raises(InvalidSetting, match="the ARN of the cluster demo"):
        build(
            new_stack(),
            identity="pod-identity",
            issuer_url=None,
            cluster_arn="arn:aws:eks:eu-west-1:111122223333:cluster/other",
        )


def test_pod_identity_refuses_a_controller_without_sdk_support():
    with pytest.raises(InvalidSetting) as caught:
        build(new_stack(), identity="pod-identity", chart_version="1.5.3")
    assert caught.value.field == "chart_version" and "v2.7.0" in caught.value.expected
    with pytest.raises(InvalidSetting, match="unset with identity pod-identity"):
        build(new_stack(), identity="pod-identity", existing_oidc_provider=True)
    with pytest.raises(InvalidSetting, match="'irsa', 'pod-identity'"):
        build(new_stack(), identity="kiam")


def test_existing_oidc_provider_is_looked_up_not_created():
    stack = new_stack()
    lbc = build(stack, existing_oidc_provider=True)
    out = synth(stack)
    assert "aws_iam_openid_connect_provider" not in out["resource"]
    assert "tls_certificate" not in out["data"]
    lookup = only(out, "data", "aws_iam_openid_connect_provider")
    assert lookup == {"url": "https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE"}
    (statement,) = only(out, "data", "aws_iam_policy_document")["statement"]
    assert statement["principals"][0]["identifiers"] == [
        f"${{{address(out, 'data', 'aws_iam_openid_connect_provider')}.arn}}"
    ]
    assert address(out, "data", "aws_iam_openid_connect_provider") == (
        "data.aws_iam_openid_connect_provider.lbc_oidc-provider_711337BF"
    )
    assert lbc.oidc_provider_arn is not None


def test_an_oidc_provider_from_elsewhere():
    from eks_lbc.constructs import OidcProvider

    issuer = "https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE"
    arn = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE"
    stack = new_stack()
    build(stack, issuer_url=None, oidc_provider=OidcProvider.from_arn(arn, issuer_url=issuer))
    out = synth(stack)
    assert (
        "aws_iam_openid_connect_provider" not in out["resource"]
        and "aws_iam_openid_connect_provider" not in (out["data"])
    )
    (statement,) = only(out, "data", "aws_iam_policy_document")["statement"]
    assert statement["principals"][0]["identifiers"] == [arn]
    with pytest.raises(InvalidSetting, match="issuer URL"):
        build(new_stack(), issuer_url=None)


def test_custom_sts_audience_reaches_provider_trust_and_service_account():
    stack = new_stack()
    build(stack, sts_audience="sts.amazonaws.com.cn")
    out = synth(stack)
    assert only(out, "resource", "aws_iam_openid_connect_provider")["client_id_list"] == ["sts.amazonaws.com.cn"]
    (statement,) = only(out, "data", "aws_iam_policy_document")["statement"]
    aud = next(c for c in statement["condition"] if c["variable"].endswith(":aud"))
    assert aud["values"] == ["sts.amazonaws.com.cn"]
    annotations = only(out, "resource", "kubernetes_service_account_v1")["metadata"]["annotations"]
    assert annotations["eks.amazonaws.com/audience"] == "sts.amazonaws.com.cn"


def test_default_audience_adds_no_annotation():
    stack = new_stack()
    build(stack)
    annotations = only(synth(stack), "resource", "kubernetes_service_account_v1")["metadata"]["annotations"]
    assert set(annotations) == {"eks.amazonaws.com/role-arn"}


@pytest.mark.parametrize(("region", "partition"), [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")])
def test_partition_follows_a_concrete_region(region, partition):
    stack = new_stack()
    lbc = build(stack, region=region)
    out = synth(stack)
    policy = only(out, "resource", "aws_iam_policy")["policy"]
    assert json.loads(policy) == policy_document("3.5.0", partition)
    assert "arn:aws:" not in json.dumps(out)
    assert "aws_partition" not in out["data"]
    assert lbc.partition == partition


def test_explicit_partition_for_a_token_region_and_the_data_source_without_one():
    stack = new_stack()
    cluster = DataAwsEksCluster(stack, "cluster", name="demo")
    build(stack, region=cluster.arn, partition="aws-us-gov")  # any token
    out = synth(stack)
    assert "arn:aws-us-gov:" in only(out, "resource", "aws_iam_policy")["policy"]
    assert "aws_partition" not in out["data"]
    with pytest.raises(InvalidSetting, match="the partition of region us-east-1: aws"):
        build(new_stack(), region="us-east-1", partition="aws-us-gov")

    stack = new_stack()
    cluster = DataAwsEksCluster(stack, "cluster", name="demo")
    build(stack, region=cluster.arn)
    out = synth(stack)
    partition = address(out, "data", "aws_partition")
    assert only(out, "resource", "aws_iam_policy")["policy"].endswith(f"[{partition}.partition]}}")


def test_region_of_an_unsupported_partition():
    with pytest.raises(InvalidSetting) as caught:
        build(new_stack(), region="us-iso-east-1")
    assert caught.value.field == "region" and "aws-iso" in caught.value.expected


def test_organisation_rules_reach_every_iam_resource_and_tags_every_taggable_one():
    stack = new_stack()
    boundary = "arn:aws:iam::111122223333:policy/org/boundary"
    build(
        stack,
        iam_name_prefix="acme-",
        iam_path="/platform/",
        permissions_boundary=boundary,
        tags={"team": "platform"},
        public_subnet_ids=["subnet-01234567"],
    )
    out = synth(stack)
    role, policy = only(out, "resource", "aws_iam_role"), only(out, "resource", "aws_iam_policy")
    assert role["name"] == policy["name"] == "acme-demo-aws-lbc"
    assert role["path"] == policy["path"] == "/platform/"
    assert role["permissions_boundary"] == boundary
    taggable = ("aws_iam_role", "aws_iam_policy", "aws_iam_openid_connect_provider")
    for kind in taggable:
        expected = {"team": "platform"}
        if kind == "aws_iam_policy":
            expected[VERSION_TAG] = "v3.5.0"
        assert only(out, "resource", kind)["tags"] == expected, kind
    # aws_ec2_tag is a tag, attachments have no tags; Kubernetes objects and the release are not AWS resources.
    assert "tags" not in only(out, "resource", "aws_ec2_tag")
    assert "team" not in json.dumps(out["resource"]["kubernetes_service_account_v1"])
    assert "team" not in json.dumps(out["resource"]["helm_release"])


def test_pod_identity_association_is_tagged_too():
    stack = new_stack()
    build(stack, identity="pod-identity", tags={"team": "platform"})
    assert only(synth(stack), "resource", "aws_eks_pod_identity_association")["tags"] == {"team": "platform"}


def test_subnet_tags_only_when_subnets_are_given():
    stack = new_stack()
    build(stack, public_subnet_ids=["subnet-01234567"], private_subnet_ids=["subnet-89abcdef"])
    out = synth(stack)
    assert sorted(out["resource"]["aws_ec2_tag"]) == [
        "lbc_subnet-tags_private_7E408EE0",
        "lbc_subnet-tags_public_8EFA37F4",
    ]
    stack = new_stack()
    build(stack)
    assert "aws_ec2_tag" not in synth(stack)["resource"]


def test_iam_name_prefix_is_validated():
    with pytest.raises(InvalidSetting, match="IAM name prefix"):
        build(new_stack(), iam_name_prefix="acme/")
    with pytest.raises(InvalidSetting, match="role name"):
        build(new_stack(), iam_name_prefix="p" * 32, cluster_name="c" * 30)


def test_pod_identity_refuses_an_sts_audience_it_would_ignore():
    with pytest.raises(InvalidSetting) as caught:
        build(new_stack(), identity="pod-identity", issuer_url=None, sts_audience="example.com")
    assert caught.value.field == "sts_audience"


def test_chart_repository_option_reaches_the_release():
    stack = new_stack()
    lbc = build(stack, chart_version="3.4.3", chart_repository="oci://registry.example.com/charts")
    assert lbc.chart_repository == "oci://registry.example.com/charts"
    release = controller_release(synth(stack))
    assert (release["repository"], release["chart"], release["version"]) == (
        "oci://registry.example.com/charts",
        "aws-load-balancer-controller",
        "3.4.3",
    )
    assert build(new_stack()).chart_repository == "https://aws.github.io/eks-charts"
