"""The L3 construct composes the others and orders the release after its prerequisites."""

from eks_lbc._cdk import DataAwsEksCluster
from eks_lbc.constructs import LoadBalancerController
from tests.support import address, new_stack, only, synth


def build(stack, **overrides):
    props = dict(
        cluster_name="demo",
        issuer_url="https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE",
        region="ap-northeast-1",
        vpc_id="vpc-0123456789abcdef0",
    )
    props.update(overrides)
    return LoadBalancerController(stack, "lbc", **props)


def test_release_waits_for_service_account_and_policy_attachment():
    stack = new_stack()
    build(stack)
    out = synth(stack)
    release = only(out, "resource", "helm_release")
    assert set(release["depends_on"]) == {
        address(out, "resource", "kubernetes_service_account_v1"),
        address(out, "resource", "aws_iam_role_policy_attachment"),
    }
    sa_address = address(out, "resource", "kubernetes_service_account_v1")
    assert {"name": "serviceAccount.name", "value": f"${{{sa_address}.metadata[0].name}}", "type": "string"} in (
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
