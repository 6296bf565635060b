"""Terraform tier: the synthesized stacks' AWS half, applied by real terraform + the AWS provider on moto.

What runs for real: ``terraform init -plugin-dir`` (the offline AWS provider mirror),
``validate``, ``apply``, ``plan -detailed-exitcode`` (must be empty: a diff right after
apply is a perpetual diff users would see on every plan), ``destroy``; and the AWS
provider's own API calls, answered by ``moto_server`` on 127.0.0.1 (IAM, STS, EKS, EC2).

What is emulated or left out, honestly:

* the EKS cluster the stack looks up (``data.aws_eks_cluster``) is created in moto
  beforehand with boto3, with a VPC and two subnets; its OIDC issuer is moto's made-up
  URL, not a reachable TLS endpoint;
* the kubernetes, helm and tls providers cannot be installed offline, so their
  resources and data sources (the service account, the Helm release, the issuer's
  certificate) are removed and the OIDC provider's thumbprint is a fixed value
  (:func:`tests.integration.terraform.aws_part`, which refuses to drop anything the AWS
  part still refers to). The chart tier (``test_chart.py``) covers the release's values,
  and ``test_complete_stack_validates`` validates the whole stack where those providers
  are installable;
* moto checks much less than IAM does (e.g. it does not reject a malformed condition
  key), so the assertions below read back what was created and check its meaning.

The two configurations run at the same time (one thread each, sharing the session's
moto server: different clusters, regions and IAM names), because each terraform
command spends seconds starting the AWS provider; the assertions then read the
recorded results.
"""

from __future__ import annotations

import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest

from eks_lbc.defaults import default_iam_name
from eks_lbc.policies import policy_document
from eks_lbc.versions import chart_release
from tests.integration import terraform as tf
from tests.integration.moto import EksCluster, MotoServer, create_eks_cluster
from tests.integration.stacks import APPLIED_ON_MOTO, SynthesizedStack

pytestmark = [pytest.mark.integration, pytest.mark.terraform]

STS_AUDIENCE = "sts.amazonaws.com"


def iam_view(server: MotoServer) -> dict[str, Any]:
    """What IAM holds, as a reviewer would read it: roles (trust, attachments), local policies, OIDC providers."""
    iam = server.client("iam")
    roles = {}
    for role in iam.list_roles()["Roles"]:
        name = role["RoleName"]
        roles[name] = {
            "arn": role["Arn"],
            "trust": iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"],
            "attached": [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]],
            "inline": iam.list_role_policies(RoleName=name)["PolicyNames"],
        }
    policies = {}
    for policy in iam.list_policies(Scope="Local")["Policies"]:
        version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
        policies[policy["Arn"]] = {"name": policy["PolicyName"], "document": version["PolicyVersion"]["Document"]}
    providers = {}
    for entry in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=entry["Arn"])
        providers[entry["Arn"]] = {
            "url": provider["Url"],
            "client_ids": provider["ClientIDList"],
            "thumbprints": provider["ThumbprintList"],
        }
    return {"roles": roles, "policies": policies, "oidc_providers": providers}


@dataclass
class MotoRun:
    """One configuration's trip through terraform on moto, recorded for the assertions."""

    stack: SynthesizedStack
    cluster: EksCluster | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    applied: dict[str, Any] = field(default_factory=dict)  # iam_view after apply + empty plan
    destroyed: dict[str, Any] = field(default_factory=dict)  # iam_view after destroy
    timings: list[tuple[str, float]] = field(default_factory=list)
    error: str | None = None

    def check(self) -> None:
        if self.error:
            pytest.fail(f"{self.stack.key}: terraform on moto failed:\n{self.error}", pytrace=False)


def run_on_moto(stack: SynthesizedStack, server: MotoServer, setup) -> MotoRun:
    run = MotoRun(stack)
    try:
        run.cluster = create_eks_cluster(server, stack.settings.cluster_name, stack.settings.region)
        with tf.applied_on_moto(
            stack.document,
            endpoint=server.url,
            workdir=setup.workdir(stack.key),
            env=setup.env,
            plugins=setup.plugins,
        ) as applied:
            run.outputs = applied.outputs
            run.applied = iam_view(server)
            run.timings = applied.terraform.timings
        run.destroyed = iam_view(server)
    except Exception:  # recorded so each configuration reports its own failure
        run.error = traceback.format_exc()
    return run


@pytest.fixture(scope="module")
def moto_runs(moto_server, terraform_env, synthesized_stacks) -> dict[str, MotoRun]:
    moto_server.reset()
    stacks = [synthesized_stacks[key] for key in APPLIED_ON_MOTO]
    with ThreadPoolExecutor(max_workers=len(stacks)) as pool:
        runs = list(pool.map(lambda s: run_on_moto(s, moto_server, terraform_env), stacks))
    return {run.stack.key: run for run in runs}


@pytest.fixture(params=APPLIED_ON_MOTO)
def run(request, moto_runs) -> MotoRun:
    """One configuration; fails with terraform's output if its run failed (apply, a non-empty plan, destroy)."""
    result = moto_runs[request.param]
    result.check()
    return result


def as_list(value: Any) -> list[Any]:
    """IAM JSON allows a single value or a list; compare as lists."""
    return value if isinstance(value, list) else [value]


def created(run: MotoRun) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The stack's role, policy and OIDC provider as IAM holds them after apply, found by the stack's outputs."""
    view = run.applied
    role_name = run.outputs["role_arn"].rsplit("/", 1)[1]
    return (
        view["roles"][role_name],
        view["policies"][run.outputs["policy_arn"]],
        view["oidc_providers"][run.outputs["oidc_provider_arn"]],
    )


def test_apply_plan_destroy_cycle_is_clean(run):
    # Reaching here means: init, validate, apply, an empty `plan -detailed-exitcode`, and destroy all succeeded.
    assert [name for name, _ in run.timings] == ["init", "validate", "apply", "plan", "output", "destroy"]


def test_oidc_provider_registers_the_clusters_issuer_for_sts(run):
    _, _, provider = created(run)
    assert provider["url"] == run.cluster.issuer_host
    assert provider["client_ids"] == [STS_AUDIENCE]
    assert provider["thumbprints"] == [tf.FIXED_THUMBPRINT]  # the harness's stand-in for data.tls_certificate


def test_role_trusts_exactly_the_created_oidc_provider(run):
    role, _, _ = created(run)
    (statement,) = role["trust"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert as_list(statement["Action"]) == ["sts:AssumeRoleWithWebIdentity"]
    assert statement["Principal"] == {"Federated": run.outputs["oidc_provider_arn"]}
    # ... and that provider is this cluster's issuer, no other.
    matching = [arn for arn, p in run.applied["oidc_providers"].items() if p["url"] == run.cluster.issuer_host]
    assert matching == [run.outputs["oidc_provider_arn"]]


def test_trust_conditions_are_keyed_by_the_issuer_host(run):
    role, _, _ = created(run)
    (statement,) = role["trust"]["Statement"]
    host = run.cluster.issuer_host
    settings = run.stack.settings
    conditions = {test: {key: as_list(v) for key, v in keys.items()} for test, keys in statement["Condition"].items()}
    assert conditions == {
        "StringEquals": {
            f"{host}:aud": [STS_AUDIENCE],
            f"{host}:sub": [f"system:serviceaccount:{settings.namespace}:{settings.service_account_name}"],
        }
    }


def test_role_has_exactly_the_vendored_policy_attached(run):
    role, policy, _ = created(run)
    assert role["attached"] == [run.outputs["policy_arn"]]
    assert role["inline"] == []
    assert policy["document"] == policy_document(run.stack.settings.chart_version, "aws")


def test_iam_names_and_outputs(run):
    settings = run.stack.settings
    role_name = run.outputs["role_arn"].rsplit("/", 1)[1]
    policy_name = run.outputs["policy_arn"].rsplit("/", 1)[1]
    assert role_name == policy_name == default_iam_name(settings.cluster_name)
    assert run.outputs["chart_version"] == settings.chart_version
    assert run.outputs["controller_version"] == chart_release(settings.chart_version).controller


def test_destroy_removes_what_apply_created(run):
    role_name = run.outputs["role_arn"].rsplit("/", 1)[1]
    assert role_name not in run.destroyed["roles"]
    assert run.outputs["policy_arn"] not in run.destroyed["policies"]
    assert run.outputs["oidc_provider_arn"] not in run.destroyed["oidc_providers"]
    assert f"{run.stack.settings.cluster_name}-cluster" in run.destroyed["roles"]  # the cluster's own role stays


def test_complete_stack_validates(synthesized_stacks, terraform_env, tmp_path):
    """The whole stack (kubernetes, helm, tls included) through ``init`` + ``validate``.

    Needs all four providers. They are not installable offline, so this is the one case
    ``EKS_LBC_REQUIRE_ALL_TIERS`` does not force: it runs where the provider mirror
    (``$EKS_LBC_TF_PLUGIN_DIR``, default ``/opt/tf-plugins``) holds them, and skips,
    saying so, where it does not. See README, "Tests".
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
