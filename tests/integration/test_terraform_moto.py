"""Terraform tier: the synthesized stacks' AWS half, applied by real terraform + the AWS provider on moto.

What runs for real: ``terraform init -plugin-dir`` (the offline AWS provider mirror),
``apply`` (three: the default stack's upgrade path, see ``test_upgrade.py``), ``plan
-detailed-exitcode`` (with refresh; must report no changes:
a diff right after apply is a perpetual diff users would see on every plan), ``destroy``;
and the AWS provider's own API calls, answered by ``moto_server`` on 127.0.0.1 (IAM, STS,
EKS, EC2, and S3/KMS for the state). For the default stack, a non-default one that also carries
the production features touching AWS (GovCloud, the existing IAM OIDC provider, subnet tags,
organisation IAM rules, state in S3) (:data:`APPLIED_ON_MOTO`), each synthesized by the real
app under both runtimes (cdktf and cdktn, in their own processes); and an EKS Pod Identity
stack in China, which terraform only validates (:data:`VALIDATED_ON_MOTO`).

What is emulated or left out, honestly:

* the EKS cluster the stack looks up (``data.aws_eks_cluster``) is created in moto
  beforehand with boto3, with a VPC and two subnets; its OIDC issuer is moto's made-up
  URL, not a reachable TLS endpoint;
* the kubernetes, helm and tls providers cannot be installed offline, so their
  resources and data sources (the service account, the Helm release, the issuer's
  certificate) are removed, their provider blocks too, and the OIDC provider's thumbprint
  is a fixed value (:func:`tests.integration.terraform.aws_part`, which refuses to drop
  anything the AWS part still refers to). ``test_complete_stack_validates`` validates the
  whole stack where those providers are installed, and skips here, saying why;
* the aws provider is pointed at moto (``AWS_ENDPOINT_URL`` in terraform's environment, for every
  service; dummy credentials; no credential validation or account-id lookup), with a dead proxy
  for anything else, so nothing can reach real AWS;
* moto has no EKS Pod Identity API, and each applied stack costs a provider start per graph
  walk: the Pod Identity stack is a module of the first apply's root,
  which terraform validates whole before planning, but the apply targets the other modules;
  later commands no longer call it;
* values naming things in the account are fixed in :mod:`tests.integration.stacks` and
  created in moto beforehand under those names (permissions boundaries, the existing OIDC
  provider, the state bucket and KMS alias); subnet ids, which moto picks, are placeholders
  in the settings, replaced by moto's in the AWS part;
* the roots' backend is the non-default stack's synthesized S3 backend block, plus moto's
  endpoint and dummy credentials (the default stack's root: the key the same prefix gives it);
* moto checks much less than IAM does (e.g. it does not reject a malformed condition
  key), so the assertions below read back what was created and check its meaning;
* the stacks are modules of two roots (:func:`tests.integration.terraform.modules_root`,
  unchanged but for the dropped backend block): the default stack alone, whose own steps
  (upgrade path, state owner, identity switches) are six commands, and the others together:
  one terraform process per command for all of a root, because every command spends ~2 s of CPU
  on the AWS provider's checksum and schema before it starts the provider once per module and
  graph walk (terraform validates every module of a root, even for a targeted plan);
* both runtimes in one pass, not two: cdktf's AWS parts are validated and applied, then
  cdktn's replace them in the same configuration, ``init`` again, and the ``plan
  -detailed-exitcode`` after apply (which validates the configuration first, as
  ``validate`` does) runs on cdktn's: it must report no changes (terraform compares every
  attribute with what the provider reads back from moto), which rules out a perpetual diff
  and proves cdktn's stacks are the infrastructure cdktf's created; ``destroy`` then runs
  on cdktn's configuration. The two AWS parts are one configuration but for the ``//``
  comment terraform ignores (asserted below), and the whole synthesized stacks differ
  only in cdktf's metadata version and provider version ranges. (Each terraform command
  costs ~3 s of CPU per provider configuration and graph walk; a second full cycle would
  not fit the 2-core machine's 90-second budget for the whole suite.)

All of it runs once, in a background thread that starts when collection ends
(:mod:`tests.integration.fixtures`), and the tests below assert on the recorded result.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from eks_lbc import _cdk
from eks_lbc.constructs.controller_policy import VERSION_TAG
from eks_lbc.features import feature_policy_json, target_group_binding_only_json
from eks_lbc.partitions import partition_of
from eks_lbc.policies import policy_document
from eks_lbc.versions import chart_release
from tests.integration import terraform as tf
from tests.integration.stacks import APPLIED_ON_MOTO, CAPABILITIES_WEBHOOK_PORT, RUNTIMES, TAGS, VALIDATED_ON_MOTO
from tests.integration.tiers import MotoCycle
from tests.support import differences

# Once per `make test` (it synthesizes under both runtimes itself), in the cdktf pass.
pytestmark = [pytest.mark.integration, pytest.mark.terraform, pytest.mark.runtime("cdktf")]

STS_AUDIENCE = "sts.amazonaws.com"


@pytest.fixture
def cycle(moto_cycle: MotoCycle) -> MotoCycle:
    """The tier's run; fails with terraform's output if any step failed (apply, a non-empty plan, destroy)."""
    if moto_cycle.error:
        pytest.fail(f"terraform on moto failed after {moto_cycle.steps}:\n{moto_cycle.error}", pytrace=False)
    return moto_cycle


@pytest.fixture(params=APPLIED_ON_MOTO)
def key(request) -> str:
    return request.param


def settings_of(cycle: MotoCycle, key: str):
    return cycle.stacks["cdktf"][key].settings


def view_of(cycle: MotoCycle, key: str, after: str = "applied") -> dict[str, Any]:
    """IAM of the stack's partition, after apply or after destroy."""
    return getattr(cycle, after)[partition_of(settings_of(cycle, key).region)]


def as_list(value: Any) -> list[Any]:
    """IAM JSON allows a single value or a list; compare as lists."""
    return value if isinstance(value, list) else [value]


def created(cycle: MotoCycle, key: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The stack's role, policy and OIDC provider as IAM holds them after apply, found by the stack's outputs."""
    view, outputs = view_of(cycle, key), cycle.outputs[key]
    role_name = outputs["role_arn"].rsplit("/", 1)[1]
    return (
        view["roles"][role_name],
        view["policies"][outputs["policy_arn"]],
        view["oidc_providers"][outputs["oidc_provider_arn"]],
    )


def test_every_step_ran_and_the_plan_after_apply_was_empty(cycle):
    # Reaching here means every command exited 0 and `plan -detailed-exitcode` reported no change (in both roots).
    # Three applies: the default stack's upgrade path (tests/integration/test_upgrade.py) ends at the default chart.
    applies = [f"cdktf apply {step.chart}" for step in cycle.upgrade]
    assert applies[-1] == f"cdktf apply {settings_of(cycle, 'default').chart_version}" and len(applies) == 3
    assert cycle.steps == [
        "cdktf init",
        "cdktf apply stacks",
        *applies,
        "cdktf plan refused",
        "cdktf switch to pod-identity",
        "cdktf switch to irsa",
        "cdktn init",
        "cdktn plan",
        "cdktn destroy",
    ]
    # Two roots (the default stack's and the others'): each is initialised, read, planned and destroyed.
    assert [name for name, _ in cycle.timings] == [
        "init", "init", "apply", *["apply"] * len(applies), "output", "output", "plan", "apply", "apply",
        "init", "init", "plan", "plan", "destroy", "destroy",
    ]  # fmt: skip
    assert sorted(cycle.outputs) == sorted(APPLIED_ON_MOTO)
    # The stacks' root created every stack but the default one (which its own root's upgrade path created).
    created_modules = {a.split(".")[1] for a, action in cycle.stacks_applied["changes"].items() if action == "create"}
    assert created_modules == set(APPLIED_ON_MOTO) - {"default"}
    assert cycle.stacks_applied["summary"]["change"] == cycle.stacks_applied["summary"]["remove"] == 0


def test_oidc_provider_registers_the_clusters_issuer_for_sts(cycle, key):
    _, _, provider = created(cycle, key)
    assert provider["url"] == cycle.clusters[key].issuer_host
    assert provider["client_ids"] == [STS_AUDIENCE]
    assert provider["thumbprints"] == [tf.FIXED_THUMBPRINT]  # the harness's stand-in for data.tls_certificate


def test_role_trusts_exactly_the_created_oidc_provider(cycle, key):
    role, _, _ = created(cycle, key)
    outputs = cycle.outputs[key]
    (statement,) = role["trust"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert as_list(statement["Action"]) == ["sts:AssumeRoleWithWebIdentity"]
    assert statement["Principal"] == {"Federated": outputs["oidc_provider_arn"]}
    # ... and that provider is this cluster's issuer, created by this stack, no other.
    issuer = cycle.clusters[key].issuer_host
    matching = [arn for arn, p in view_of(cycle, key)["oidc_providers"].items() if p["url"] == issuer]
    assert matching == [outputs["oidc_provider_arn"]]


def test_trust_conditions_are_keyed_by_the_issuer_host(cycle, key):
    role, _, _ = created(cycle, key)
    (statement,) = role["trust"]["Statement"]
    host = cycle.clusters[key].issuer_host
    assert not host.startswith("https://") and "/id/" in host
    settings = cycle.stacks["cdktf"][key].settings
    conditions = {test: {k: as_list(v) for k, v in keys.items()} for test, keys in statement["Condition"].items()}
    assert conditions == {
        "StringEquals": {
            f"{host}:aud": [STS_AUDIENCE],
            f"{host}:sub": [f"system:serviceaccount:{settings.namespace}:{settings.service_account_name}"],
        }
    }


FEATURE_OUTPUTS = {
    "certificate-management": "certificate_management_policy_arn",
    "global-accelerator": "global_accelerator_policy_arn",
}


def test_role_has_exactly_the_vendored_policy_attached(cycle, key):
    role, policy, _ = created(cycle, key)
    settings = settings_of(cycle, key)
    features = [f for f in FEATURE_OUTPUTS if getattr(settings, f.replace("-", "_"))]
    expected = [cycle.outputs[key]["policy_arn"], *(cycle.outputs[key][FEATURE_OUTPUTS[f]] for f in features)]
    assert sorted(role["attached"]) == sorted(expected)
    assert role["inline"] == []
    if settings.policy == "target-group-binding-only":
        assert policy["document"] == json.loads(target_group_binding_only_json())
    else:
        assert policy["document"] == policy_document(settings.chart_version, partition_of(settings.region))


def test_iam_names_and_outputs(cycle, key):
    settings, outputs = cycle.stacks["cdktf"][key].settings, cycle.outputs[key]
    role_name = outputs["role_arn"].rsplit("/", 1)[1]
    policy_name = outputs["policy_arn"].rsplit("/", 1)[1]
    expected = f"{settings.iam_name_prefix}{settings.cluster_name}-{settings.region}-aws-lbc"
    assert role_name == policy_name == settings.iam_name == expected
    assert outputs["chart_version"] == settings.chart_version
    assert outputs["controller_version"] == chart_release(settings.chart_version).controller


def test_destroy_removes_what_apply_created(cycle, key):
    outputs, destroyed = cycle.outputs[key], view_of(cycle, key, "destroyed")
    assert outputs["role_arn"].rsplit("/", 1)[1] not in destroyed["roles"]
    assert outputs["policy_arn"] not in destroyed["policies"]
    if key in cycle.existing_oidc_providers:  # looked up, not created: it stays
        assert outputs["oidc_provider_arn"] in destroyed["oidc_providers"]
    else:
        assert outputs["oidc_provider_arn"] not in destroyed["oidc_providers"]
    for output in FEATURE_OUTPUTS.values():
        if output in outputs:
            assert outputs[output] not in destroyed["policies"]
    assert cycle.clusters[key].role_name in destroyed["roles"]  # the cluster's own role, not the stack's, stays


def test_existing_oidc_provider_is_trusted_not_created(cycle):
    """``oidcProvider: existing``: the role trusts the provider that was there; no second one is made."""
    (key,) = cycle.existing_oidc_providers
    existing = cycle.existing_oidc_providers[key]
    assert cycle.outputs[key]["oidc_provider_arn"] == existing
    issuer = cycle.clusters[key].issuer_host
    assert [a for a, p in view_of(cycle, key)["oidc_providers"].items() if p["url"] == issuer] == [existing]


def test_partition_arns_and_policy_variant(cycle):
    """GovCloud: ARNs of the stack's partition, and AWS's policy variant for it."""
    for key in ("non-default",):
        partition = partition_of(settings_of(cycle, key).region)
        assert partition == "aws-us-gov"
        for name in ("role_arn", "policy_arn"):
            assert cycle.outputs[key][name].startswith(f"arn:{partition}:iam::"), (key, name)
        policy = view_of(cycle, key)["policies"][cycle.outputs[key]["policy_arn"]]
        assert policy["document"] == policy_document(settings_of(cycle, key).chart_version, partition)


def test_organisation_iam_rules_reach_role_and_policy(cycle):
    key = "non-default"
    settings = settings_of(cycle, key)
    view = view_of(cycle, key)
    role = view["roles"][cycle.outputs[key]["role_arn"].rsplit("/", 1)[1]]
    policy = view["policies"][cycle.outputs[key]["policy_arn"]]
    path = settings.iam_path or "/"
    assert (role["path"], policy["path"]) == (path, path)
    assert role["boundary"] == settings.permissions_boundary
    assert role["tags"] == dict(TAGS)  # the aws provider's default_tags
    assert policy["tags"] == {**TAGS, VERSION_TAG: chart_release(settings.chart_version).controller}
    assert settings.iam_name_prefix and role["arn"].rsplit("/", 1)[1].startswith(settings.iam_name_prefix)
    assert settings.permissions_boundary in view_of(cycle, key, "destroyed")["policies"]  # not ours: left alone


def test_subnet_discovery_tags_applied_and_removed(cycle):
    for key in ("non-default",):
        public, private = cycle.clusters[key].subnet_ids
        assert cycle.subnet_tags["applied"][public] == {"kubernetes.io/role/elb": "1"}, key
        assert cycle.subnet_tags["applied"][private] == {"kubernetes.io/role/internal-elb": "1"}, key
        assert cycle.subnet_tags["destroyed"][public] == cycle.subnet_tags["destroyed"][private] == {}, key


def test_feature_policies_are_awss_documents_under_the_stacks_names(cycle):
    """certificateManagement and globalAccelerator: AWS's two policies, attached next to the main one."""
    key = "capabilities"
    view, outputs = view_of(cycle, key), cycle.outputs[key]
    name = settings_of(cycle, key).iam_name
    controller = chart_release(settings_of(cycle, key).chart_version).controller
    for feature, output in FEATURE_OUTPUTS.items():
        policy = view["policies"][outputs[output]]
        assert policy["document"] == json.loads(feature_policy_json(controller, feature)), feature
        assert policy["name"] == name + {"certificate-management": "-acm-certs"}.get(feature, "-global-accelerator")


def test_target_group_binding_only_policy_is_applied(cycle):
    key = "least-privilege"
    policy = view_of(cycle, key)["policies"][cycle.outputs[key]["policy_arn"]]
    (statement,) = policy["document"]["Statement"]
    assert "elasticloadbalancing:RegisterTargets" in statement["Action"]
    assert not [a for a in statement["Action"] if a.startswith("elasticloadbalancing:Create")]
    assert not any(o.endswith("_policy_arn") and o != "policy_arn" for o in cycle.outputs[key])


def test_webhook_port_rules_let_the_cluster_security_group_reach_the_nodes(cycle):
    """nodeSecurityGroupIds: one rule per node group, TCP webhookBindPort from the cluster security group."""
    groups = cycle.security_groups["capabilities"]
    assert len(groups["nodes"]) == 2
    for node_group in groups["nodes"]:
        (rule,) = cycle.node_group_rules["applied"][node_group]
        assert rule == {
            "protocol": "tcp",
            "ports": (CAPABILITIES_WEBHOOK_PORT, CAPABILITIES_WEBHOOK_PORT),
            "source": groups["cluster"],
            "description": "AWS Load Balancer Controller webhooks, from the EKS control plane",
        }
        assert cycle.node_group_rules["destroyed"][node_group] == []


def test_pod_identity_stack_passes_validate_with_the_others(cycle):
    """The Pod Identity stack (China, association included) was a module of the first apply's root, not applied.

    Terraform validates every module of the configuration before it plans, a targeted plan too (the apply
    targets the applied modules), so a Pod Identity stack that does not validate fails the first apply."""
    assert sorted(cycle.validated) == sorted(VALIDATED_ON_MOTO)
    part = cycle.validated["pod-identity"]
    assert len(part["resource"]["aws_eks_pod_identity_association"]) == 1
    (trust,) = part["data"]["aws_iam_policy_document"].values()
    assert trust["statement"][0]["principals"] == [{"identifiers": ["pods.eks.amazonaws.com"], "type": "Service"}]
    assert "aws_iam_openid_connect_provider" not in part.get("resource", {})
    # ... with the moved blocks from where Pod Identity's resources were before (moved.tf, validated too)
    assert sorted(m["to"].split(".")[0] for m in part["moved"]) == [
        "aws_eks_pod_identity_association", "aws_iam_role", "aws_iam_role_policy_attachment",
    ]  # fmt: skip
    assert cycle.steps[:2] == ["cdktf init", "cdktf apply stacks"]
    assert not any(a.startswith("module.pod-identity.") for a in cycle.stacks_applied["changes"])
    assert "pod-identity" not in cycle.outputs  # not applied


def test_state_is_in_s3_encrypted_with_the_kms_key_and_unlocked(cycle):
    """The non-default stack's own S3 backend block held the states of the run: one object per root (its own key,
    and the key its prefix gives the default stack, whose steps run in a root of their own), SSE-KMS, no lock left."""
    settings = settings_of(cycle, "non-default")
    default_key = f"{settings.state_key_prefix}/{settings_of(cycle, 'default').stack_name}.tfstate"
    assert sorted(cycle.state_objects) == sorted([settings.state_key, default_key])
    for key in cycle.state_objects:
        assert cycle.state_objects[key] == {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": settings.state_kms_key_id}
    # ... of every stack of its root: each module's role is recorded in it.
    with_role = {
        state: {r.split(".aws_iam_role.")[0] for r in resources if ".aws_iam_role." in r}
        for state, resources in cycle.state_resources.items()
    }
    assert with_role == {
        settings.state_key: {f"module.{key}" for key in APPLIED_ON_MOTO if key != "default"},
        default_key: {"module.default"},
    }
    # the states stay (empty), the .tflock files are gone
    assert sorted(cycle.state_after_destroy) == sorted([settings.state_key, default_key])


# --- one cluster name in two regions (issue 13.1), switching identity (issue 13.5) ---------------------------


def test_one_cluster_name_in_two_regions_shares_no_iam_name_no_provider_and_no_state(cycle):
    """``default`` and ``twin`` are "demo" in ap-northeast-1 and in us-east-1, applied side by side in one account."""
    default, twin = settings_of(cycle, "default"), settings_of(cycle, "twin")
    assert default.cluster_name == twin.cluster_name and default.region != twin.region
    roles = {key: created(cycle, key)[0] for key in ("default", "twin")}
    assert roles["default"]["arn"] != roles["twin"]["arn"]
    view = view_of(cycle, "default")
    for key in ("default", "twin"):
        # each role trusts its own cluster's provider, which registers its own cluster's issuer
        provider_arn = cycle.outputs[key]["oidc_provider_arn"]
        assert roles[key]["trust"]["Statement"][0]["Principal"] == {"Federated": provider_arn}
        assert view["oidc_providers"][provider_arn]["url"] == cycle.clusters[key].issuer_host
    assert cycle.outputs["default"]["oidc_provider_arn"] != cycle.outputs["twin"]["oidc_provider_arn"]
    # ... and each has a state of its own: the local files (or S3 keys) are named after region and cluster.
    backends = {key: cycle.stacks["cdktf"][key].document["terraform"]["backend"] for key in ("default", "twin")}
    assert backends == {
        "default": {"local": {"path": "../../../terraform.eks-lbc-demo-ap-northeast-1.tfstate"}},
        "twin": {"local": {"path": "../../../terraform.eks-lbc-demo-us-east-1.tfstate"}},
    }
    assert default.stack_name != twin.stack_name


def test_a_state_is_never_planned_for_another_cluster(cycle):
    """The default stack's state (S3, on moto; its own root) planned with the twin's configuration: refused, naming
    both."""
    refusal = " ".join(cycle.state_owner_refusal.split())  # terraform wraps long lines
    assert "Resource postcondition failed" in refusal
    default, twin = cycle.clusters["default"].arn, cycle.clusters["twin"].arn
    assert default.startswith("arn:aws:eks:ap-northeast-1:") and twin.startswith("arn:aws:eks:us-east-1:")
    assert f"This Terraform state belongs to EKS cluster {default}, not to {twin}" in refusal


def test_switching_identity_updates_the_role_in_place_both_ways(cycle):
    """irsa -> pod-identity -> irsa on the applied default stack: one plan each, the role never replaced."""
    role = "module.default." + address_of(cycle, "default", "aws_iam_role")
    oidc = "module.default." + address_of(cycle, "default", "aws_iam_openid_connect_provider")
    # (then cdktn's plan after the round trip was empty: test_every_step_ran_and_the_plan_after_apply_was_empty)
    there, back = cycle.switch_plans["pod-identity"], cycle.switch_plans["irsa"]
    assert there[role] == ["update"] and back[role] == ["update"]
    assert there[oidc] == ["delete"] and back[oidc] == ["create"]  # the stack's own provider: IRSA only
    for plan in (there, back):
        changed = {a.split(".")[2] for a in plan}  # resource types
        # the policy and its attachment stay as they are; nothing is replaced
        assert not changed & {"aws_iam_policy", "aws_iam_role_policy_attachment"}, plan
        managed = {a: actions for a, actions in plan.items() if ".data." not in a}  # data sources are only read
        assert all(actions in (["update"], ["create"], ["delete"]) for actions in managed.values()), plan
    role_name = cycle.outputs["default"]["role_arn"].rsplit("/", 1)[1]
    pod_identity = cycle.switch_views["pod-identity"]["roles"][role_name]
    (statement,) = pod_identity["trust"]["Statement"]
    assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert statement["Condition"]["StringEquals"]["aws:RequestTag/eks-cluster-arn"] == cycle.clusters["default"].arn
    assert pod_identity["attached"] == [cycle.outputs["default"]["policy_arn"]]
    irsa = cycle.switch_views["irsa"]["roles"][role_name]
    assert irsa["trust"]["Statement"][0]["Principal"] == {"Federated": cycle.outputs["default"]["oidc_provider_arn"]}
    assert irsa["attached"] == [cycle.outputs["default"]["policy_arn"]]
    # What moto could not take: the association alone (and its output) was left out of the switched stack.
    full = cycle.stacks["cdktf"]["default@switched"].document
    assert list(full["resource"]["aws_eks_pod_identity_association"])
    assert "aws_eks_pod_identity_association" not in cycle.switched_parts["default"]["resource"]


def address_of(cycle: MotoCycle, key: str, kind: str) -> str:
    (name,) = cycle.parts["cdktf"][key]["resource"][kind]
    return f"{kind}.{name}"


def test_both_runtimes_aws_parts_are_one_configuration(cycle):
    """What terraform applied (cdktf's) and planned and destroyed (cdktn's) differ only in the ``//`` comment."""
    for key in APPLIED_ON_MOTO:
        found = differences(cycle.parts["cdktf"][key], cycle.parts["cdktn"][key])
        assert found == [("//", "metadata", "version")], key


def test_runtimes_synthesize_the_same_stacks_but_for_versions(synthesized_by_runtime):
    """cdktf and cdktn: the same Terraform JSON but cdktf's metadata version and the provider ranges."""
    assert RUNTIMES == ("cdktf", "cdktn")
    ranges = _cdk.CONSTRAINTS_BY_RUNTIME
    differing_ranges = {
        ("terraform", "required_providers", provider, "version")
        for provider in ranges["cdktf"]
        if ranges["cdktf"][provider] != ranges["cdktn"][provider]
    }
    assert differing_ranges  # the runtimes' bindings really do differ
    for key, stack in synthesized_by_runtime["cdktf"].items():
        theirs = synthesized_by_runtime["cdktn"][key].document
        assert set(differences(stack.document, theirs)) == {("//", "metadata", "version"), *differing_ranges}, key


def test_complete_stack_validates(synthesized_stacks, terraform_env, tmp_path):
    """The whole stack (kubernetes, helm, tls included) through ``init`` + ``validate``.

    Needs all four providers. They are not installable offline, so this is the one case
    ``EKS_LBC_REQUIRE_ALL_TIERS`` does not force: it runs where the provider mirror
    (``$EKS_LBC_TF_PLUGIN_DIR``, default ``/opt/tf-plugins``) holds them, and skips,
    saying so, where it does not (expected on this offline machine and in its CI).
    See README, "Tests".
    """
    needed = {"aws", "kubernetes", "helm", "tls"}
    missing = needed - tf.mirrored_providers(terraform_env.plugins)
    if missing:
        pytest.skip(
            f"needs hashicorp/{', hashicorp/'.join(sorted(missing))} in the Terraform provider mirror "
            f"{terraform_env.plugins} (set {tf.PLUGIN_DIR_ENV}); not installable offline, so not forced by "
            "EKS_LBC_REQUIRE_ALL_TIERS"
        )
    for key, stack in synthesized_stacks.items():
        runner = tf.Terraform(tmp_path / key, terraform_env.env)
        runner.write(stack.document)
        runner.run("init", "-input=false", "-no-color", "-backend=false", f"-plugin-dir={terraform_env.plugins}")
        runner.validate()
