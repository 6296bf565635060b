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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from eks_lbc.constructs.controller_policy import VERSION_TAG
from eks_lbc.defaults import STS_AUDIENCE
from eks_lbc.partitions import partition_of
from eks_lbc.versions import chart_release
from tests.integration import checkov
from tests.integration import terraform as tf
from tests.integration.moto import EksCluster, MotoServer, create_eks_cluster, moto_server_command
from tests.integration.stacks import (
    APPLIED_ON_MOTO,
    BOUNDARY_NAME,
    BOUNDARY_PATH,
    RUNTIMES,
    SECURITY_GROUP_PLACEHOLDERS,
    STATE_BUCKET,
    SUBNET_PLACEHOLDERS,
    SWITCHED,
    VALIDATED_ON_MOTO,
    SynthesizedStack,
    boundary_arn,
    start_synth,
    upgrade_stacks,
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


@dataclass(frozen=True)
class UpgradeStep:
    """One apply of the default stack's upgrade path: the chart, terraform's plan (``apply -json``), IAM after."""

    chart: str
    part: dict[str, Any]  # the default stack's AWS part that was applied
    planned: dict[str, Any]  # Terraform.apply_planned: {"changes": {address: action}, "summary": {...}}
    iam: dict[str, Any]  # identity_view after the apply


def identity_view(server: MotoServer, region: str = "us-east-1") -> dict[str, Any]:
    """What says whether IAM objects were replaced or updated: ids, creation dates, policy versions, attachments."""
    iam = server.client("iam", region)
    policies = {}
    for policy in iam.list_policies(Scope="Local")["Policies"]:
        arn = policy["Arn"]
        default = policy["DefaultVersionId"]
        policies[arn] = {
            "id": policy["PolicyId"],
            "created": str(policy["CreateDate"]),
            "default_version": default,
            "versions": sorted(v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]),
            "document": iam.get_policy_version(PolicyArn=arn, VersionId=default)["PolicyVersion"]["Document"],
            "description": iam.get_policy(PolicyArn=arn)["Policy"].get("Description"),
            "tags": {t["Key"]: t["Value"] for t in iam.list_policy_tags(PolicyArn=arn)["Tags"]},
        }
    roles = {
        role["RoleName"]: {
            "id": role["RoleId"],
            "created": str(role["CreateDate"]),
            "attached": [
                p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]
            ],
        }
        for role in iam.list_roles()["Roles"]
    }
    providers = {
        entry["Arn"]: str(iam.get_open_id_connect_provider(OpenIDConnectProviderArn=entry["Arn"])["CreateDate"])
        for entry in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    }
    return {"policies": policies, "roles": roles, "oidc_providers": providers}


def legacy_description(controller: str) -> str:
    """The policy description eks-lbc wrote before it became constant (it named the controller release)."""
    return f"AWS Load Balancer Controller {controller} (AWS published iam_policy.json)"


def as_an_earlier_eks_lbc_wrote_it(part: dict[str, Any], chart: str) -> dict[str, Any]:
    """``part`` with its IAM policy as eks-lbc synthesized it before: the release in the description, no version
    tag, no ``lifecycle``. Everything else in the AWS part was the same then."""
    part = json.loads(json.dumps(part))
    for policy in part["resource"]["aws_iam_policy"].values():
        policy["description"] = legacy_description(chart_release(chart).controller)
        tags = {k: v for k, v in policy.pop("tags", {}).items() if k != VERSION_TAG}
        if tags:
            policy["tags"] = tags
        policy.pop("lifecycle", None)
    return part


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
    state_resources: dict[str, list[str]] = field(default_factory=dict)  # S3 key -> resource addresses, after apply
    validated: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> a module of the first apply's root
    stacks_applied: dict[str, Any] = field(default_factory=dict)  # Terraform.apply_planned of the stacks' root
    # The state owner: plan of the default stack's state with the twin's configuration (another cluster).
    state_owner_refusal: str = ""  # what the failed plan said
    # Switching `identity` of the applied default stack: "pod-identity" (there), "irsa" (back) ->
    switch_plans: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # address -> planned actions
    switch_views: dict[str, dict[str, Any]] = field(default_factory=dict)  # iam_view (aws) after applying the plan
    switched_parts: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> the switched AWS part applied
    # The default stack's upgrade path (UPGRADE_PATH, then the default chart), one entry per apply, oldest first.
    upgrade: list[UpgradeStep] = field(default_factory=list)
    # key -> {"cluster": the cluster security group, "nodes": [node security groups]}, made in moto before apply
    security_groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    # "applied" / "destroyed" -> node security group id -> its ingress rules (describe_security_groups)
    node_group_rules: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
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


# Where the stack reads the cluster security group (LoadBalancerControllerStack: data.aws_eks_cluster "cluster").
CLUSTER_SECURITY_GROUP_EXPRESSION = "${data.aws_eks_cluster.cluster.vpc_config[0].cluster_security_group_id}"


def _create_security_groups(server: MotoServer, record: MotoCycle) -> None:
    """The cluster security group EKS would have made, and the node groups' own, in each cluster's VPC.

    moto's EKS does not create a cluster security group, and ``describe_cluster`` reports no
    ``clusterSecurityGroupId`` (so ``data.aws_eks_cluster`` reads an empty string): the tier makes one here
    and :func:`with_security_groups` puts its id where the stack reads it. Nothing else is simulated.
    """
    for key, placeholders in SECURITY_GROUP_PLACEHOLDERS.items():
        if key not in record.clusters:
            continue
        cluster = record.clusters[key]
        ec2 = server.client("ec2", cluster.region)
        names = [(f"eks-cluster-sg-{cluster.name}", "EKS created security group (simulated)")]
        names += [(f"{cluster.name}-nodes-{i}", "custom node group security group") for i in range(len(placeholders))]
        ids = [
            ec2.create_security_group(GroupName=name, Description=text, VpcId=cluster.vpc_id)["GroupId"]
            for name, text in names
        ]
        record.security_groups[key] = {"cluster": ids[0], "nodes": ids[1:]}


def with_security_groups(part: dict[str, Any], key: str, groups: dict[str, Any] | None) -> dict[str, Any]:
    """``part`` with the node security group placeholders replaced by moto's, and the cluster security group's id
    where the stack reads it from ``data.aws_eks_cluster`` (moto reports none: see :func:`_create_security_groups`)."""
    if key not in SECURITY_GROUP_PLACEHOLDERS or groups is None:
        return part
    text = json.dumps(part)
    if CLUSTER_SECURITY_GROUP_EXPRESSION not in text:
        raise tf.HarnessError(f"{key}: the stack no longer reads {CLUSTER_SECURITY_GROUP_EXPRESSION}")
    text = text.replace(CLUSTER_SECURITY_GROUP_EXPRESSION, groups["cluster"])
    for placeholder, group in zip(SECURITY_GROUP_PLACEHOLDERS[key], groups["nodes"], strict=True):
        text = text.replace(placeholder, group)
    return json.loads(text)


def _node_group_rules(server: MotoServer, record: MotoCycle) -> dict[str, list[dict[str, Any]]]:
    """Node security group -> its ingress permissions (DescribeSecurityGroups), one entry per source group."""
    rules: dict[str, list[dict[str, Any]]] = {}
    for key, groups in record.security_groups.items():
        ec2 = server.client("ec2", record.clusters[key].region)
        for group in ec2.describe_security_groups(GroupIds=groups["nodes"])["SecurityGroups"]:
            rules[group["GroupId"]] = [
                {
                    "protocol": permission["IpProtocol"],
                    "ports": (permission.get("FromPort"), permission.get("ToPort")),
                    "source": pair["GroupId"],
                    "description": pair.get("Description"),
                }
                for permission in group["IpPermissions"]
                for pair in permission.get("UserIdGroupPairs", [])
            ] + [{"cidr": r["CidrIp"]} for permission in group["IpPermissions"] for r in permission.get("IpRanges", [])]
    return rules


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

    Two working directories (roots, :func:`tests.integration.terraform.modules_root`), both on the
    ``non-default`` stack's own S3 backend block, pointed at moto's S3 (so each state really goes to a
    KMS-encrypted object with S3 locking): ``stacks``, whose modules are the :data:`APPLIED_ON_MOTO`
    stacks but the default one (state under the non-default stack's own key), and ``default``, the
    default stack alone (state under the key the same settings give the default stack,
    :func:`default_state_key`). The default stack's own steps (its upgrade path, the state owner, the
    identity switches) run in its root: terraform validates every module and starts its provider for
    each command, so in the shared root each of those six commands would start all five stacks' providers
    for one stack's change:

    0. moto gets what the configurations expect to exist: an EKS cluster each (``default`` and
       ``twin`` are one name in two regions), the permissions boundary, the existing OIDC provider,
       the state bucket and its KMS alias;
    1. cdktf's AWS parts: ``init -plugin-dir`` of both roots; ``apply -json`` of the ``stacks`` root,
       with the Pod Identity stack as a further module that terraform validates (it validates every
       module before a targeted plan) but does not apply (moto has no Pod Identity API); then the
       default stack's upgrade path in its root (:data:`UPGRADE_PATH`, ``tests/integration/test_upgrade.py``),
       one ``apply -json`` per chart, terraform's plan and IAM's ids and versions recorded after each
       (:class:`UpgradeStep`): first at chart 1.5.3 as an earlier eks-lbc wrote it, then 1.17.1 and the
       default chart without a refresh walk; outputs, IAM, subnet tags and the state objects read back;
    2. the state owner: the twin's configuration (the same name, another region) put at the default
       stack's address in its state, as a shared state key would do, and ``plan`` must fail naming both
       clusters;
    3. ``identity`` switched on the applied default stack (:data:`SWITCHED`): to Pod Identity (its
       synthesized stack without the association, which moto cannot create), then back to IRSA;
       each one ``apply -json`` (the planned actions recorded: the role must be updated in place),
       IAM read back after each;
    4. cdktn's AWS parts replace them in both roots: ``init``, then ``plan -detailed-exitcode`` (which
       validates the configuration first, as ``validate`` does) must report no changes in either: no
       perpetual diff, cdktn's stacks are exactly the infrastructure cdktf's created, attribute for
       attribute, as the provider reads it back from moto, and the identity round trip left nothing behind;
    5. ``destroy`` of both roots on cdktn's configuration; IAM, subnet tags and the state bucket read back.

    The two runtimes' AWS parts are one configuration but for the ``//`` comment terraform
    ignores (``test_both_runtimes_aws_parts_are_one_configuration``), so the empty plan holds
    for either. Every terraform command costs ~2 s of CPU before it walks anything (the 700 MB
    provider's checksum, its schema fetched and decoded) and ~0.3 s per AWS provider configuration
    and graph walk (measured with ``TF_LOG=debug``; see docs/performance.md): hence few roots, one
    apply/plan/destroy for both runtimes, and the one-stack steps in a root of their own.
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
    env = tf.offline_environment(work, plugins, endpoint=server.url)
    # One timeline for both roots (record.timings), in the order the commands ran.
    runner = tf.Terraform(work / "terraform", env, record.timings)  # the other stacks
    default_runner = tf.Terraform(work / "terraform-default", env, record.timings)  # the default stack alone
    runners = (runner, default_runner)
    try:
        for key in APPLIED_ON_MOTO:
            settings = stacks["cdktf"][key].settings
            record.clusters[key] = create_eks_cluster(server, settings.cluster_name, settings.region)
        _prepare_account(server, record)
        _create_security_groups(server, record)
        for runtime in RUNTIMES:
            record.parts[runtime] = {
                key: with_security_groups(
                    with_subnets(tf.aws_part(stacks[runtime][key].document), key, cluster),
                    key,
                    record.security_groups.get(key),
                )
                for key, cluster in record.clusters.items()
            }
        record.validated = {
            **record.parts["cdktf"],
            **{
                key: with_moved(tf.aws_part(stacks["cdktf"][key].document), stacks["cdktf"][key])
                for key in VALIDATED_ON_MOTO
                if key not in APPLIED_ON_MOTO
            },
        }
        synthesized = stacks["cdktf"]["non-default"].document["terraform"]["backend"]["s3"]
        backends = {
            runner.workdir: {"s3": s3_backend_on(server, synthesized)},
            default_runner.workdir: {"s3": s3_backend_on(server, {**synthesized, "key": default_state_key(stacks)})},
        }

        def write(target: tf.Terraform, parts: dict[str, Any]) -> None:
            """``parts`` as the modules of ``target``'s root, on its S3 backend (the default stack: only its own)."""
            if (target is default_runner) != (set(parts) == {"default"}):
                raise AssertionError(f"the default stack has a root of its own: {sorted(parts)} in {target.workdir}")
            files = tf.modules_root(parts)
            files["main.tf.json"]["terraform"]["backend"] = backends[target.workdir]
            target.write_files(files)

        def others(parts: dict[str, Any]) -> dict[str, Any]:
            return {key: part for key, part in parts.items() if key != "default"}

        write(runner, others(record.validated))
        write(default_runner, {"default": record.parts["cdktf"]["default"]})
        for each in runners:
            each.init(plugins)
        record.steps += ["cdktf init"]
        try:
            # Every module of the root, the validated-only one included, is validated by terraform before it
            # plans (a targeted plan too); only the applied ones are targeted.
            targets = tuple(f"module.{key}" for key in APPLIED_ON_MOTO if key != "default")
            record.stacks_applied = runner.apply_planned(*targets)
            record.steps.append("cdktf apply stacks")
            # The default stack walks its upgrade path: first at the oldest chart, as an earlier eks-lbc
            # wrote it, then each newer chart as this eks-lbc writes it, ending at the default configuration.
            path = upgrade_stacks(stacks["cdktf"]["default"])
            default_cluster = record.clusters["default"]
            sequence = [
                (chart, with_subnets(tf.aws_part(stack.document), "default", default_cluster))
                for chart, stack in path.items()
            ]
            sequence[0] = (sequence[0][0], as_an_earlier_eks_lbc_wrote_it(sequence[0][1], sequence[0][0]))
            sequence.append((stacks["cdktf"]["default"].settings.chart_version, record.parts["cdktf"]["default"]))
            for index, (chart, part) in enumerate(sequence):
                write(default_runner, {"default": part})
                # After the first apply nothing changes in moto but through terraform: no refresh walk needed
                # (the cdktn plan at the end refreshes everything and must find no change).
                planned = default_runner.apply_planned(refresh=not index)
                record.upgrade.append(UpgradeStep(chart, part, planned, identity_view(server, default_cluster.region)))
                record.steps.append(f"cdktf apply {chart}")
            record.outputs = {**runner.outputs(), **default_runner.outputs()}
            record.applied = {p: iam_view(server, r) for p, r in PARTITION_REGIONS.items()}
            record.subnet_tags["applied"] = _subnet_tags(server, record)
            record.node_group_rules["applied"] = _node_group_rules(server, record)
            s3 = server.client("s3", "us-gov-west-1")
            for item in s3.list_objects_v2(Bucket=STATE_BUCKET).get("Contents", []):
                head = s3.head_object(Bucket=STATE_BUCKET, Key=item["Key"])
                record.state_objects[item["Key"]] = {k: head.get(k) for k in ("ServerSideEncryption", "SSEKMSKeyId")}
                body = json.loads(s3.get_object(Bucket=STATE_BUCKET, Key=item["Key"])["Body"].read())
                record.state_resources[item["Key"]] = sorted(
                    f"{r.get('module', '')}.{r['type']}.{r['name']}".lstrip(".") for r in body.get("resources", [])
                )
            # The state owner: another cluster's configuration where the default's state is.
            write(default_runner, {"default": record.parts["cdktf"]["twin"]})
            record.state_owner_refusal = default_runner.plan_failure("-refresh=false")
            record.steps.append("cdktf plan refused")
            _switch_identity(server, default_runner, write, record)
            # Back from the round trip, cdktn's configuration: nothing to change, so the switch left nothing behind.
            write(runner, others(record.parts["cdktn"]))
            write(default_runner, {"default": record.parts["cdktn"]["default"]})
            for each in runners:
                each.init(plugins)
            record.steps.append("cdktn init")
            for each in runners:
                changes = each.plan_changes()
                if changes is not None:
                    raise AssertionError(
                        f"plan after apply is not empty (a perpetual diff, or cdktn != cdktf) in {each.workdir}:\n"
                        f"{changes}"
                    )
            record.steps.append("cdktn plan")
        finally:
            # Without the refresh walk (a provider start and a read per stack): nothing changed in moto since the
            # plan above read every object back. The no-change plan itself always refreshes.
            failures = []
            for each in runners:
                try:
                    each.destroy(refresh=False)
                except AssertionError as failure:  # still destroy the other root
                    failures.append(failure)
            if failures:
                raise failures[0]
        record.steps.append("cdktn destroy")
        record.destroyed = {p: iam_view(server, r) for p, r in PARTITION_REGIONS.items()}
        record.subnet_tags["destroyed"] = _subnet_tags(server, record)
        record.node_group_rules["destroyed"] = _node_group_rules(server, record)
        s3 = server.client("s3", "us-gov-west-1")
        record.state_after_destroy = [o["Key"] for o in s3.list_objects_v2(Bucket=STATE_BUCKET).get("Contents", [])]
    except Exception:  # recorded: each test then fails with it
        record.error = traceback.format_exc()
    finally:
        server.stop()
    return record


def default_state_key(stacks: dict[str, dict[str, SynthesizedStack]]) -> str:
    """Where the default stack's root keeps its state in the non-default stack's bucket: the key the non-default
    stack's ``stateKeyPrefix`` gives the default stack (``<prefix>/<stack>.tfstate``), as it would in a user's
    bucket holding both clusters' states."""
    non_default, default = stacks["cdktf"]["non-default"].settings, stacks["cdktf"]["default"].settings
    return replace(non_default, cluster_name=default.cluster_name, region=default.region).state_key


def _switch_identity(server: MotoServer, runner: tf.Terraform, write: Any, record: MotoCycle) -> None:
    """Step 3 of :func:`terraform_on_moto`: the default stack to Pod Identity and back, one ``apply -json`` each,
    in the default stack's own root."""
    for key in SWITCHED:
        switched = record.stacks["cdktf"][f"{key}@switched"]
        part = with_subnets(tf.aws_part(switched.document), key, record.clusters[key])
        part = with_moved(part, switched)  # moved blocks from earlier Pod Identity addresses: no-ops here
        # moto has no EKS Pod Identity API: the association (and its output) cannot be applied here.
        record.switched_parts[key] = tf.without_resources(part, "aws_eks_pod_identity_association")
    if SWITCHED != ("default",):
        raise AssertionError(f"only the default stack has a root of its own to switch in, not {SWITCHED}")
    for direction, parts in (("pod-identity", record.switched_parts), ("irsa", record.parts["cdktf"])):
        write(runner, {"default": parts["default"]})
        record.switch_plans[direction] = runner.apply_actions()
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
