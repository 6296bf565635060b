"""Terraform tier: the synthesized stacks' AWS half, applied by real terraform + the AWS provider on moto.

What runs for real: ``terraform init -plugin-dir`` (the offline AWS provider mirror),
``validate``, ``apply``, ``plan -detailed-exitcode`` (with refresh; must report no changes:
a diff right after apply is a perpetual diff users would see on every plan), ``destroy``;
and the AWS provider's own API calls, answered by ``moto_server`` on 127.0.0.1 (IAM, STS,
EKS, EC2). For the default stack and a non-default one (:data:`APPLIED_ON_MOTO`), each
synthesized by the real app under both runtimes (cdktf and cdktn, in their own processes).

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
* the aws provider is pointed at moto (endpoints for iam, sts, eks, ec2; dummy
  credentials; no credential validation or account-id lookup), with a dead proxy for
  anything else, so nothing can reach real AWS;
* moto checks much less than IAM does (e.g. it does not reject a malformed condition
  key), so the assertions below read back what was created and check its meaning;
* the two stacks are modules of one root (:func:`tests.integration.terraform.modules_root`,
  unchanged but for the dropped backend block): one terraform process per command for both,
  because every command spends seconds of CPU starting the AWS provider;
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

from typing import Any

import pytest

from eks_lbc import _cdk
from eks_lbc.defaults import default_iam_name
from eks_lbc.policies import policy_document
from eks_lbc.versions import chart_release
from tests.integration import terraform as tf
from tests.integration.stacks import APPLIED_ON_MOTO, RUNTIMES
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


def as_list(value: Any) -> list[Any]:
    """IAM JSON allows a single value or a list; compare as lists."""
    return value if isinstance(value, list) else [value]


def created(cycle: MotoCycle, key: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The stack's role, policy and OIDC provider as IAM holds them after apply, found by the stack's outputs."""
    view, outputs = cycle.applied, cycle.outputs[key]
    role_name = outputs["role_arn"].rsplit("/", 1)[1]
    return (
        view["roles"][role_name],
        view["policies"][outputs["policy_arn"]],
        view["oidc_providers"][outputs["oidc_provider_arn"]],
    )


def test_every_step_ran_and_the_plan_after_apply_was_empty(cycle):
    # Reaching here means every command exited 0 and `plan -detailed-exitcode` reported no change.
    assert cycle.steps == ["cdktf init", "cdktf validate", "cdktf apply", "cdktn init", "cdktn plan", "cdktn destroy"]
    assert [name for name, _ in cycle.timings] == ["init", "validate", "apply", "output", "init", "plan", "destroy"]
    assert sorted(cycle.outputs) == sorted(APPLIED_ON_MOTO)


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
    matching = [arn for arn, p in cycle.applied["oidc_providers"].items() if p["url"] == issuer]
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


def test_role_has_exactly_the_vendored_policy_attached(cycle, key):
    role, policy, _ = created(cycle, key)
    assert role["attached"] == [cycle.outputs[key]["policy_arn"]]
    assert role["inline"] == []
    assert policy["document"] == policy_document(cycle.stacks["cdktf"][key].settings.chart_version, "aws")


def test_iam_names_and_outputs(cycle, key):
    settings, outputs = cycle.stacks["cdktf"][key].settings, cycle.outputs[key]
    role_name = outputs["role_arn"].rsplit("/", 1)[1]
    policy_name = outputs["policy_arn"].rsplit("/", 1)[1]
    assert role_name == policy_name == default_iam_name(settings.cluster_name)
    assert outputs["chart_version"] == settings.chart_version
    assert outputs["controller_version"] == chart_release(settings.chart_version).controller


def test_destroy_removes_what_apply_created(cycle, key):
    outputs = cycle.outputs[key]
    assert outputs["role_arn"].rsplit("/", 1)[1] not in cycle.destroyed["roles"]
    assert outputs["policy_arn"] not in cycle.destroyed["policies"]
    assert outputs["oidc_provider_arn"] not in cycle.destroyed["oidc_providers"]
    cluster_role = f"{cycle.stacks['cdktf'][key].settings.cluster_name}-cluster"
    assert cluster_role in cycle.destroyed["roles"]  # the cluster's own role, not the stack's, stays


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
