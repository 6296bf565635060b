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
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.integration import checkov
from tests.integration import terraform as tf
from tests.integration.moto import EksCluster, MotoServer, create_eks_cluster, moto_server_command
from tests.integration.stacks import APPLIED_ON_MOTO, RUNTIMES, SynthesizedStack, start_synth
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
class MotoCycle:
    """The Terraform tier's run, recorded for the assertions (see ``test_terraform_moto.py``)."""

    stacks: dict[str, dict[str, SynthesizedStack]]  # runtime -> key -> stack
    clusters: dict[str, EksCluster] = field(default_factory=dict)  # key -> the cluster made for it in moto
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> the stack's outputs after apply
    parts: dict[str, dict[str, Any]] = field(default_factory=dict)  # runtime -> key -> the AWS part terraform ran
    applied: dict[str, Any] = field(default_factory=dict)  # iam_view after apply
    destroyed: dict[str, Any] = field(default_factory=dict)  # iam_view after destroy
    steps: list[str] = field(default_factory=list)  # "<runtime> <command>", in order, each one succeeded
    timings: list[tuple[str, float]] = field(default_factory=list)
    error: str | None = None


def terraform_on_moto(stacks: dict[str, dict[str, SynthesizedStack]], work: Path) -> MotoCycle | Missing:
    """The stacks' AWS part on moto: cdktf's configuration applied, cdktn's planned (no changes) and destroyed.

    One working directory, the :data:`APPLIED_ON_MOTO` stacks as modules of one root
    (:func:`tests.integration.terraform.modules_root`):

    1. cdktf's AWS parts: ``init -plugin-dir``, ``validate``, ``apply``; outputs and IAM read back;
    2. cdktn's AWS parts replace them: ``init``, then ``plan -detailed-exitcode`` (which validates
       the configuration first, as ``validate`` does) must report no changes: no perpetual diff,
       and cdktn's stacks are exactly the infrastructure cdktf's created, attribute for
       attribute, as the provider reads it back from moto;
    3. ``destroy`` on cdktn's configuration; IAM read back.

    The two runtimes' AWS parts are one configuration but for the ``//`` comment terraform
    ignores (``test_both_runtimes_aws_parts_are_one_configuration``), so the empty plan holds
    for either. Every terraform command costs about 3 s of CPU per AWS provider configuration
    and graph walk (the provider builds its whole schema at each start): hence one root for
    both stacks, and one apply/plan/destroy for both runtimes.
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
        for runtime in RUNTIMES:
            record.parts[runtime] = {
                key: tf.aws_part(stacks[runtime][key].document, endpoint=server.url) for key in APPLIED_ON_MOTO
            }
        for key in APPLIED_ON_MOTO:
            settings = stacks["cdktf"][key].settings
            record.clusters[key] = create_eks_cluster(server, settings.cluster_name, settings.region)
        runner.write_files(tf.modules_root(record.parts["cdktf"]))
        runner.init(plugins)
        runner.validate()
        record.steps += ["cdktf init", "cdktf validate"]
        try:
            runner.apply()
            record.steps.append("cdktf apply")
            record.outputs = runner.outputs()
            record.applied = iam_view(server)
            runner.write_files(tf.modules_root(record.parts["cdktn"]))
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
        record.destroyed = iam_view(server)
    except Exception:  # recorded: each test then fails with it
        record.error = traceback.format_exc()
    finally:
        record.timings = runner.timings
        server.stop()
    return record


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
        {f"{s.runtime}-{s.settings.stack_name}": s.document for by_key in stacks.values() for s in by_key.values()},
        view,
    )
    directories = [next(iter(by_key.values())).file.parent.parent for by_key in stacks.values()] + [view]
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
