"""The integration tiers' slow work, each a function returning a record the tests then assert on.

:func:`synthesize_both` (the app's stacks under cdktf and cdktn, in two processes at once),
:func:`terraform_on_moto` (the Terraform tier's one terraform run, see
``test_terraform_moto.py``) and :func:`checkov_scans`. They run in background threads that
start when collection ends (:mod:`tests.integration.fixtures`), while the unit tests run:
almost all of their time is spent waiting on subprocesses. A missing tool is returned as
:class:`Missing`, never raised, so the test that needs it skips (or fails, in CI) naming it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eks_lbc.defaults import STS_AUDIENCE
from eks_lbc.partitions import partition_of
from tests.integration import checkov
from tests.integration import terraform as tf
from tests.integration.moto import EksCluster, MotoServer, create_eks_cluster, moto_server_command
from tests.integration.stacks import (
    APPLIED_ON_MOTO,
    BOUNDARY_NAME,
    BOUNDARY_PATH,
    RUNTIMES,
    STATE_BUCKET,
    SUBNET_PLACEHOLDERS,
    SWITCHED,
    VALIDATED_ON_MOTO,
    SynthesizedStack,
    boundary_arn,
    start_synth,
)
from tests.support import REPO, runtime_python


@dataclass(frozen=True)
class Missing:
    """A tool this work needs is not installed here: ``tool`` says which, and how to get it."""

    tool: str


def synthesize_both(root: Path) -> dict[str, dict[str, SynthesizedStack] | Missing]:
    """runtime -> its stacks (``root/<runtime>/stacks/...``), synthesized by two processes at once."""
    results: dict[str, dict[str, SynthesizedStack] | Missing] = {}
    running = []
    for runtime in RUNTIMES:
        python = runtime_python(runtime)
        if python is None:
            results[runtime] = Missing(f"the {runtime} runtime (`make test` creates .venv-cdktn for cdktn)")
        else:
            running.append(start_synth(python, runtime, root / runtime))
    for synth in running:
        results[synth.runtime] = synth.wait()
    return results


# --- Terraform on moto ---------------------------------------------------------------------------------


# One region per partition the applied stacks use: moto keeps each partition's IAM apart, as AWS does.
PARTITION_REGIONS = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1"}


def iam_view(server: MotoServer, region: str = "us-east-1") -> dict[str, Any]:
    """What IAM holds in ``region``'s partition, as a reviewer would read it: roles (trust, attachments, path,
    boundary, tags), local policies (document, path, tags) and OIDC providers."""
    iam = server.client("iam", region)
    roles = {}
    for role in iam.list_roles()["Roles"]:
        name = role["RoleName"]
        full = iam.get_role(RoleName=name)["Role"]
        roles[name] = {
            "arn": role["Arn"],
            "path": full["Path"],
            "boundary": full.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn"),
            "tags": {t["Key"]: t["Value"] for t in full.get("Tags", [])},
            "trust": full["AssumeRolePolicyDocument"],
            "attached": [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]],
            "inline": iam.list_role_policies(RoleName=name)["PolicyNames"],
        }
    policies = {}
    for policy in iam.list_policies(Scope="Local")["Policies"]:
        version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
        tags = iam.list_policy_tags(PolicyArn=policy["Arn"])["Tags"]
        policies[policy["Arn"]] = {
            "name": policy["PolicyName"],
            "path": policy["Path"],
            "tags": {t["Key"]: t["Value"] for t in tags},
            "document": version["PolicyVersion"]["Document"],
        }
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
class MotoCycle:
    """The Terraform tier's run, recorded for the assertions (see ``test_terraform_moto.py``)."""

    stacks: dict[str, dict[str, SynthesizedStack]]  # runtime -> key -> stack
    clusters: dict[str, EksCluster] = field(default_factory=dict)  # key -> the cluster made for it in moto
    existing_oidc_providers: dict[str, str] = field(default_factory=dict)  # key -> ARN created before apply
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> the stack's outputs after apply
    parts: dict[str, dict[str, Any]] = field(default_factory=dict)  # runtime -> key -> the AWS part terraform ran
    applied: dict[str, Any] = field(default_factory=dict)  # partition -> iam_view after apply
    destroyed: dict[str, Any] = field(default_factory=dict)  # partition -> iam_view after destroy
    # "applied" / "destroyed" -> subnet id -> its tags
    subnet_tags: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    state_objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # S3 key -> head_object, after apply
    state_after_destroy: list[str] = field(default_factory=list)  # S3 keys left in the state bucket
    state_resources: list[str] = field(default_factory=list)  # resource addresses in the S3 state, after apply
    validated: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> the AWS part ``validate`` checked
    # The state owner: plan of the default stack's state with the twin's configuration (another cluster).
    state_owner_refusal: str = ""  # what the failed plan said
    # Switching `identity` of the applied default stack: "pod-identity" (there), "irsa" (back) ->
    switch_plans: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # address -> planned actions
    switch_views: dict[str, dict[str, Any]] = field(default_factory=dict)  # iam_view (aws) after applying the plan
    switched_parts: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> the switched AWS part applied
    steps: list[str] = field(default_factory=list)  # "<runtime> <command>", in order, each one succeeded
    timings: list[tuple[str, float]] = field(default_factory=list)
    error: str | None = None


def with_subnets(part: dict[str, Any], key: str, cluster: EksCluster) -> dict[str, Any]:
    """``part`` with the configuration's subnet id placeholders replaced by the moto cluster's subnets."""
    if key not in SUBNET_PLACEHOLDERS:
        return part
    text = json.dumps(part)
    for placeholder, subnet in zip(SUBNET_PLACEHOLDERS[key], cluster.subnet_ids, strict=True):
        text = text.replace(placeholder, subnet)
    return json.loads(text)


def with_moved(part: dict[str, Any], stack: SynthesizedStack) -> dict[str, Any]:
    """``part`` with the ``moved`` blocks the app wrote beside the stack (``moved.tf``), as Terraform JSON."""
    return {**part, "moved": stack.moved} if stack.moved else part


def s3_backend_on(server: MotoServer, backend: dict[str, Any]) -> dict[str, Any]:
    """A synthesized S3 backend block, unchanged, plus what it takes to reach the emulator."""
    return {
        **backend,
        "access_key": "testing",
        "secret_key": "testing",
        "endpoints": {"s3": server.url, "sts": server.url, "iam": server.url},
        "use_path_style": True,
        "skip_credentials_validation": True,
        "skip_requesting_account_id": True,
        "skip_metadata_api_check": True,
        "shared_config_files": [os.devnull],
        "shared_credentials_files": [os.devnull],
    }


def _prepare_account(server: MotoServer, record: MotoCycle) -> None:
    """What the configurations expect to exist already: boundaries, the existing OIDC provider, the state bucket."""
    for key in APPLIED_ON_MOTO:
        settings = record.stacks["cdktf"][key].settings
        partition = partition_of(settings.region)
        iam = server.client("iam", settings.region)
        if settings.permissions_boundary and not any(
            p["Arn"] == settings.permissions_boundary for p in iam.list_policies(Scope="Local")["Policies"]
        ):
            boundary = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
            arn = iam.create_policy(PolicyName=BOUNDARY_NAME, Path=BOUNDARY_PATH, PolicyDocument=json.dumps(boundary))
            if arn["Policy"]["Arn"] != boundary_arn(partition):
                raise AssertionError(f"moto named the boundary {arn['Policy']['Arn']}, not {boundary_arn(partition)}")
        if settings.oidc_provider == "existing":  # as eksctl or the console would have made it
            record.existing_oidc_providers[key] = iam.create_open_id_connect_provider(
                Url=record.clusters[key].issuer_url, ClientIDList=[STS_AUDIENCE], ThumbprintList=[tf.FIXED_THUMBPRINT]
            )["OpenIDConnectProviderArn"]
        if settings.state_bucket:
            region = settings.state_region
            server.client("s3", region).create_bucket(
                Bucket=settings.state_bucket, CreateBucketConfiguration={"LocationConstraint": region}
            )
            kms = server.client("kms", region)
            key_id = kms.create_key(Description="terraform state")["KeyMetadata"]["KeyId"]
            kms.create_alias(AliasName=settings.state_kms_key_id, TargetKeyId=key_id)


def _subnet_tags(server: MotoServer, record: MotoCycle) -> dict[str, dict[str, str]]:
    tags = {}
    for key, cluster in record.clusters.items():
        if key in SUBNET_PLACEHOLDERS:
            ec2 = server.client("ec2", cluster.region)
            for subnet in cluster.subnet_ids:
                found = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [subnet]}])["Tags"]
                tags[subnet] = {t["Key"]: t["Value"] for t in found}
    return tags


def terraform_on_moto(stacks: dict[str, dict[str, SynthesizedStack]], work: Path) -> MotoCycle | Missing:
    """The stacks' AWS part on moto: cdktf's configuration applied, cdktn's planned (no changes), switched, destroyed.

    One working directory, the :data:`APPLIED_ON_MOTO` stacks as modules of one root
    (:func:`tests.integration.terraform.modules_root`) whose backend is the ``non-default``
    stack's own S3 backend block, pointed at moto's S3 (so the state really goes to a
    KMS-encrypted object with S3 locking):

    0. moto gets what the configurations expect to exist: an EKS cluster each (``default`` and
       ``twin`` are one name in two regions), the permissions boundary, the existing OIDC provider,
       the state bucket and its KMS alias;
    1. cdktf's AWS parts: ``init -plugin-dir``, ``validate`` with the Pod Identity stack as a
       further module (:data:`VALIDATED_ON_MOTO`: ``validate`` costs the same for any number of
       modules, while each applied one costs a provider start per graph walk; moto has no Pod
       Identity API anyway), then ``apply`` of :data:`APPLIED_ON_MOTO`; outputs, IAM, subnet
       tags and the state object read back;
    2. the state owner: the twin's configuration (the same name, another region) put at the default
       stack's address, as a shared state key would do, and ``plan`` must fail naming both clusters;
    3. ``identity`` switched on the applied default stack (:data:`SWITCHED`): to Pod Identity (its
       synthesized stack without the association, which moto cannot create), then back to IRSA;
       each one ``apply -json`` (the planned actions recorded: the role must be updated in place),
       IAM read back after each;
    4. cdktn's AWS parts replace them: ``init``, then ``plan -detailed-exitcode`` (which validates
       the configuration first, as ``validate`` does) must report no changes: no perpetual diff,
       cdktn's stacks are exactly the infrastructure cdktf's created, attribute for attribute, as
       the provider reads it back from moto, and the identity round trip left nothing behind;
    5. ``destroy`` on cdktn's configuration; IAM and subnet tags read back.

    The two runtimes' AWS parts are one configuration but for the ``//`` comment terraform
    ignores (``test_both_runtimes_aws_parts_are_one_configuration``), so the empty plan holds
    for either. Every terraform command costs about 3 s of CPU per AWS provider configuration
    and graph walk (the provider builds its whole schema at each start): hence one root for
    all stacks, one apply/plan/destroy for both runtimes, and ``-target=module.default`` for
    the steps about one stack (only its provider starts).
    """
    if tf.TERRAFORM is None:
        return Missing("terraform (>= 1.5 on PATH)")
    plugins = tf.plugin_dir()
    if "aws" not in tf.mirrored_providers(plugins):
        return Missing(f"the hashicorp/aws provider in a Terraform provider mirror at {plugins} ({tf.PLUGIN_DIR_ENV})")
    command = moto_server_command()
    if command is None or importlib.util.find_spec("boto3") is None:
        return Missing("moto_server and boto3 (pip install 'moto[server]' boto3; `make test` installs them)")

    record = MotoCycle(stacks)
    work.mkdir(parents=True, exist_ok=True)
    server = MotoServer.start(command, work / "moto_server.log")
    runner = tf.Terraform(work / "terraform", tf.offline_environment(work, plugins))
    try:
        for key in APPLIED_ON_MOTO:
            settings = stacks["cdktf"][key].settings
            record.clusters[key] = create_eks_cluster(server, settings.cluster_name, settings.region)
        _prepare_account(server, record)
        for runtime in RUNTIMES:
            record.parts[runtime] = {
                key: with_subnets(tf.aws_part(stacks[runtime][key].document, endpoint=server.url), key, cluster)
                for key, cluster in record.clusters.items()
            }
        record.validated = {
            **record.parts["cdktf"],
            **{
                key: with_moved(tf.aws_part(stacks["cdktf"][key].document, endpoint=server.url), stacks["cdktf"][key])
                for key in VALIDATED_ON_MOTO
                if key not in APPLIED_ON_MOTO
            },
        }
        backend = {"s3": s3_backend_on(server, stacks["cdktf"]["non-default"].document["terraform"]["backend"]["s3"])}

        def root(parts: dict[str, Any]) -> dict[str, Any]:
            files = tf.modules_root(parts)
            files["main.tf.json"]["terraform"]["backend"] = backend
            return files

        runner.write_files(root(record.validated))
        runner.init(plugins)
        runner.validate()
        record.steps += ["cdktf init", "cdktf validate"]
        try:
            runner.write_files(root(record.parts["cdktf"]))  # the validated-only module is no longer called
            runner.apply()
            record.steps.append("cdktf apply")
            record.outputs = runner.outputs()
            record.applied = {p: iam_view(server, r) for p, r in PARTITION_REGIONS.items()}
            record.subnet_tags["applied"] = _subnet_tags(server, record)
            s3 = server.client("s3", "us-gov-west-1")
            for item in s3.list_objects_v2(Bucket=STATE_BUCKET).get("Contents", []):
                head = s3.head_object(Bucket=STATE_BUCKET, Key=item["Key"])
                record.state_objects[item["Key"]] = {k: head.get(k) for k in ("ServerSideEncryption", "SSEKMSKeyId")}
                body = json.loads(s3.get_object(Bucket=STATE_BUCKET, Key=item["Key"])["Body"].read())
                record.state_resources = sorted(
                    f"{r.get('module', '')}.{r['type']}.{r['name']}".lstrip(".") for r in body.get("resources", [])
                )
            # The state owner: another cluster's configuration where the default's state is.
            runner.write_files(root({**record.parts["cdktf"], "default": record.parts["cdktf"]["twin"]}))
            record.state_owner_refusal = runner.plan_failure("-refresh=false", "-target=module.default")
            record.steps.append("cdktf plan refused")
            _switch_identity(server, runner, root, record)
            # Back from the round trip, cdktn's configuration: nothing to change, so the switch left nothing behind.
            runner.write_files(root(record.parts["cdktn"]))
            runner.init(plugins)
            changes = runner.plan_changes()
            if changes is not None:
                raise AssertionError(f"plan after apply is not empty (a perpetual diff, or cdktn != cdktf):\n{changes}")
            record.steps += ["cdktn init", "cdktn plan"]
        finally:
            # Without the refresh walk (a provider start per stack): nothing changed in moto since the
            # plan above read every object back. The no-change plan itself always refreshes.
            runner.destroy(refresh=False)
        record.steps.append("cdktn destroy")
        record.destroyed = {p: iam_view(server, r) for p, r in PARTITION_REGIONS.items()}
        record.subnet_tags["destroyed"] = _subnet_tags(server, record)
        s3 = server.client("s3", "us-gov-west-1")
        record.state_after_destroy = [o["Key"] for o in s3.list_objects_v2(Bucket=STATE_BUCKET).get("Contents", [])]
    except Exception:  # recorded: each test then fails with it
        record.error = traceback.format_exc()
    finally:
        record.timings = runner.timings
        server.stop()
    return record


def _switch_identity(server: MotoServer, runner: tf.Terraform, root: Any, record: MotoCycle) -> None:
    """Step 4 of :func:`terraform_on_moto`: the default stack to Pod Identity and back, one saved plan each."""
    for key in SWITCHED:
        switched = record.stacks["cdktf"][f"{key}@switched"]
        part = with_subnets(tf.aws_part(switched.document, endpoint=server.url), key, record.clusters[key])
        part = with_moved(part, switched)  # moved blocks from earlier Pod Identity addresses: no-ops here
        # moto has no EKS Pod Identity API: the association (and its output) cannot be applied here.
        record.switched_parts[key] = tf.without_resources(part, "aws_eks_pod_identity_association")
    target = [f"-target=module.{key}" for key in SWITCHED]
    there = {**record.parts["cdktf"], **record.switched_parts}
    for direction, parts in (("pod-identity", there), ("irsa", record.parts["cdktf"])):
        runner.write_files(root(parts))
        record.switch_plans[direction] = runner.apply_actions(*target)
        record.switch_views[direction] = iam_view(server, PARTITION_REGIONS["aws"])
        record.steps.append(f"cdktf switch to {direction}")


# --- checkov ---------------------------------------------------------------------------------------------

CHECKOV_CONFIG = REPO / ".checkov.yaml"


@dataclass(frozen=True)
class CheckovScans:
    """Both scans' reports: with the repository's .checkov.yaml, and without any config."""

    with_config: list[dict[str, Any]]
    without_config: list[dict[str, Any]]
    policy_view: list[str]  # the IAM policy resources written into the HCL policy view


def checkov_scans(stacks: dict[str, dict[str, SynthesizedStack]], work: Path) -> CheckovScans | Missing:
    """Every runtime's stacks and their IAM policy view, scanned twice at the same time."""
    command = checkov.checkov_command()
    if command is None:
        return Missing(f"checkov (`make test` installs it into .venv/tools; or set {checkov.CHECKOV_ENV})")
    work.mkdir(parents=True, exist_ok=True)
    view = work / "policy-view"
    viewed = checkov.write_policy_view(
        {f"{s.runtime}-{s.key}": s.document for by_key in stacks.values() for s in by_key.values()},
        view,
    )
    # Every folder of stacks (the switched configurations are synthesized by an app, and into a folder, of their own).
    directories = [*sorted({s.file.parent.parent for by_key in stacks.values() for s in by_key.values()}), view]
    # Offline: no platform mappings; anything but loopback goes to a closed port and fails at once.
    env = {
        **os.environ,
        "BC_SKIP_MAPPING": "TRUE",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
    }
    bare_cwd = work / "no-config"
    bare_cwd.mkdir(parents=True)
    with_config = checkov.Scan(
        command, directories, config=CHECKOV_CONFIG, output=work / "with-config", cwd=REPO, env=env
    )
    without = checkov.Scan(command, directories, config=None, output=work / "without", cwd=bare_cwd, env=env)
    return CheckovScans(with_config.reports(), without.reports(), viewed)
