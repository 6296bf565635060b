"""The stacks the integration tiers run tools on, synthesized by the real app (``build_app`` + ``synth``).

``default`` is what ``make synth`` builds from the committed ``cdktf.json``. ``non-default``
changes every basic setting (names, namespace, the oldest supported chart, an explicit VPC) and
adds the production ones that touch AWS: GovCloud (``us-gov-west-1``), IRSA with the cluster's
*existing* IAM OIDC provider, subnet discovery tags, organisation IAM rules (name prefix, path,
permissions boundary, tags) and the state in S3 (KMS-encrypted, S3 lock file). ``pod-identity``
is EKS Pod Identity in China (``cn-north-1``) on chart 1.17.1, with subnet tags and IAM rules, its chart
from a private ECR mirror (the helm provider's login reads ``data.aws_ecr_authorization_token``).
``twin`` is the default's cluster name in another region (``us-east-1``): a cluster of its own, which
must share neither a state nor an IAM name with the default (issue 13).
``capabilities`` turns on the controller capabilities that touch AWS (the ACM certificates and
Global Accelerator policies, webhook port rules on node security groups with a custom
``webhookBindPort``, feature gates) and the Gateway API; ``least-privilege`` is the TargetGroupBinding-only
policy mode. The Terraform-on-moto tier
applies all but the Pod Identity one (:data:`APPLIED_ON_MOTO`) and validates all
(:data:`VALIDATED_ON_MOTO`: moto has no Pod Identity API); checkov scans them all.

:data:`SWITCHED` are the same clusters with another setting, synthesized by a second app (their stack
names are the originals'): ``default`` with ``identity: pod-identity``, which the tier switches to and
back from on the applied default stack.

Values that name things in the account are fixed here and created in moto beforehand under
exactly those names (the boundary policies, the state bucket and its KMS alias); subnet ids,
and security group ids, which moto chooses itself, are placeholders the tier swaps for moto's
(:data:`SUBNET_PLACEHOLDERS`, :data:`SECURITY_GROUP_PLACEHOLDERS`).

Each runtime (cdktf, cdktn) synthesizes in a process of its own (``python -m
tests.integration.stacks OUTDIR`` with ``EKS_LBC_RUNTIME``; one process imports one runtime),
so one test session proves the stacks of both: :func:`start_synth` / :meth:`Synth.wait`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from eks_lbc.runtime import ENV_RUNTIME, PACKAGES
from eks_lbc.settings import ClusterSettings, Settings, load_settings
from tests.integration.moto import ACCOUNT_ID
from tests.support import REPO

RUNTIMES = tuple(PACKAGES)  # ("cdktf", "cdktn")
MOVED_FILE = "moved.tf"  # eks_lbc.app.MOVED_FILE (importing eks_lbc.app here would import a runtime)
_MOVED = re.compile(r"moved \{\n  from = (\S+)\n  to   = (\S+)\n\}")


TAGS = MappingProxyType({"team": "platform", "cost-center": "1234"})
STATE_BUCKET = "acme-terraform-state"
STATE_KMS_ALIAS = "alias/terraform-state"
BOUNDARY_NAME, BOUNDARY_PATH = "eks-boundary", "/org/"
# key -> (public, private) subnet id placeholders; the tier replaces them with the moto cluster's subnets.
SUBNET_PLACEHOLDERS = {
    "non-default": ("subnet-0a00000000000000a", "subnet-0a00000000000000b"),
    "pod-identity": ("subnet-0b00000000000000a", "subnet-0b00000000000000b"),  # validated only: left as they are
}

# key -> node security group id placeholders; the tier creates the groups in the moto cluster's VPC.
SECURITY_GROUP_PLACEHOLDERS = {"capabilities": ("sg-0c00000000000000a", "sg-0c00000000000000b")}
# Not the chart's default 9443: the rules must follow the chart's webhookBindPort.
CAPABILITIES_WEBHOOK_PORT = 9444


def boundary_arn(partition: str) -> str:
    return f"arn:{partition}:iam::{ACCOUNT_ID}:policy{BOUNDARY_PATH}{BOUNDARY_NAME}"


def configurations() -> dict[str, ClusterSettings]:
    return {
        "default": load_settings(REPO / "cdktf.json", environ={}).clusters[0],
        "non-default": ClusterSettings(
            cluster_name="prod_gov",
            region="us-gov-west-1",
            namespace="aws-lbc",
            service_account_name="lbc",
            chart_version="1.5.3",
            vpc_id="vpc-0123456789abcdef0",
            oidc_provider="existing",
            public_subnet_ids=SUBNET_PLACEHOLDERS["non-default"][:1],
            private_subnet_ids=SUBNET_PLACEHOLDERS["non-default"][1:],
            iam_name_prefix="acme-",
            iam_path="/platform/eks/",
            permissions_boundary=boundary_arn("aws-us-gov"),
            tags=TAGS,
            state_bucket=STATE_BUCKET,
            state_key_prefix="eks",
            state_region="us-gov-west-1",
            state_kms_key_id=STATE_KMS_ALIAS,
        ),
        "pod-identity": ClusterSettings(
            cluster_name="cn-prod",
            region="cn-north-1",
            chart_version="1.17.1",
            identity="pod-identity",
            public_subnet_ids=SUBNET_PLACEHOLDERS["pod-identity"][:1],
            private_subnet_ids=SUBNET_PLACEHOLDERS["pod-identity"][1:],
            iam_path="/platform/",
            permissions_boundary=boundary_arn("aws-cn"),
            tags=TAGS,
            # Validated only (moto is not asked for an ECR token): the data source's configuration is checked.
            chart_repository=f"oci://{ACCOUNT_ID}.dkr.ecr.cn-north-1.amazonaws.com.cn/mirror",
            image_repository=f"{ACCOUNT_ID}.dkr.ecr.cn-north-1.amazonaws.com.cn/mirror/aws-load-balancer-controller",
        ),
        "twin": ClusterSettings(cluster_name="demo", region="us-east-1"),
        "capabilities": ClusterSettings(
            cluster_name="capable",
            region="us-west-2",  # moto gives every cluster of a region one OIDC issuer: a region of its own,
            certificate_management=True,
            global_accelerator=True,
            feature_gates=MappingProxyType({"SubnetsClusterTagCheck": False}),
            node_security_group_ids=SECURITY_GROUP_PLACEHOLDERS["capabilities"],
            helm_values={"webhookBindPort": CAPABILITIES_WEBHOOK_PORT},
            gateway_api=True,
        ),
        "least-privilege": ClusterSettings(
            cluster_name="binder",
            region="eu-west-1",
            policy="target-group-binding-only",
        ),
    }


def switched_configurations() -> dict[str, ClusterSettings]:
    """Configurations of :func:`configurations` with one setting switched (same clusters, same stack names)."""
    return {"default": replace(configurations()["default"], identity="pod-identity")}


# The stacks the Terraform tier applies (all IRSA), and the ones it validates.
APPLIED_ON_MOTO = ("default", "non-default", "twin", "capabilities", "least-privilege")
VALIDATED_ON_MOTO = (*APPLIED_ON_MOTO, "pod-identity")
SWITCHED = ("default",)

# The upgrade path the Terraform tier walks with the default stack: it is applied at each of these charts,
# oldest first, before the default configuration itself (the newest chart). Each is the default
# configuration with only ``chart_version`` changed, synthesized into ``<outdir>/upgrade/<chart>/``.
UPGRADE_PATH = ("1.5.3", "1.17.1")


def upgrade_configurations() -> dict[str, ClusterSettings]:
    default = configurations()["default"]
    return {chart: replace(default, chart_version=chart) for chart in UPGRADE_PATH}


@dataclass(frozen=True)
class SynthesizedStack:
    """One stack as ``cdktf synth`` writes it: ``<outdir>/stacks/<stack>/cdk.tf.json``."""

    key: str
    settings: ClusterSettings
    file: Path
    runtime: str = ""

    @property
    def document(self) -> dict[str, Any]:
        """A fresh copy of the stack's Terraform JSON (callers may change it)."""
        return json.loads(self.file.read_text("utf-8"))

    @property
    def moved(self) -> list[dict[str, str]]:
        """The ``moved`` blocks the app wrote beside the JSON (``moved.tf``), in Terraform's JSON form."""
        file = self.file.with_name(MOVED_FILE)
        if not file.is_file():
            return []
        return [{"from": a, "to": b} for a, b in _MOVED.findall(file.read_text("utf-8"))]


def stacks_in(outdir: Path, runtime: str = "") -> dict[str, SynthesizedStack]:
    """The configurations' stacks as :func:`synthesize` writes them into ``outdir`` (switched: ``<key>@switched``)."""
    found = {
        key: SynthesizedStack(key, settings, outdir / "stacks" / settings.stack_name / "cdk.tf.json", runtime)
        for key, settings in configurations().items()
    }
    switched = outdir / "switched" / "stacks"
    for key, settings in switched_configurations().items():
        switched_key = f"{key}@switched"
        found[switched_key] = SynthesizedStack(
            switched_key, settings, switched / settings.stack_name / "cdk.tf.json", runtime
        )
    return found


def upgrade_stacks(default: SynthesizedStack) -> dict[str, SynthesizedStack]:
    """chart -> the default stack at that chart of :data:`UPGRADE_PATH` (beside ``default``, same runtime)."""
    outdir = default.file.parents[2]  # <outdir>/stacks/<stack>/cdk.tf.json
    return {
        chart: SynthesizedStack(
            f"default@{chart}",
            settings,
            outdir / "upgrade" / chart / "stacks" / settings.stack_name / "cdk.tf.json",
            default.runtime,
        )
        for chart, settings in upgrade_configurations().items()
    }


def synthesize(outdir: Path) -> dict[str, SynthesizedStack]:
    """Synthesize every configuration into ``outdir`` with the app's own code path, in this process.

    The upgrade path's stacks go to ``outdir/upgrade/<chart>/`` (one app each: they share a stack name).
    """
    from eks_lbc._cdk import RUNTIME
    from eks_lbc.app import build_app, synth

    synth(build_app(Settings(clusters=tuple(configurations().values())), outdir=str(outdir)))
    switched = Settings(clusters=tuple(switched_configurations().values()))
    synth(build_app(switched, outdir=str(outdir / "switched")))
    for chart, settings in upgrade_configurations().items():
        (outdir / "upgrade" / chart).mkdir(parents=True, exist_ok=True)
        synth(build_app(Settings(clusters=(settings,)), outdir=str(outdir / "upgrade" / chart)))
    return stacks_in(outdir, RUNTIME)


class Synth:
    """``python -m tests.integration.stacks OUTDIR`` running under one runtime; :meth:`wait` for its stacks."""

    def __init__(self, python: str, runtime: str, outdir: Path) -> None:
        self.runtime = runtime
        self.outdir = outdir
        outdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [python, "-m", "tests.integration.stacks", str(outdir)],
            cwd=REPO,
            env={**os.environ, ENV_RUNTIME: runtime},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )

    def wait(self, timeout: float = 300) -> dict[str, SynthesizedStack]:
        output, _ = self.process.communicate(timeout=timeout)
        if self.process.returncode != 0:
            raise AssertionError(f"synth under {self.runtime} exited {self.process.returncode}:\n{output[-4000:]}")
        reported = json.loads(output.strip().splitlines()[-1])
        if reported != {"runtime": self.runtime}:
            raise AssertionError(f"asked for {self.runtime}, synthesized on {reported}")
        return stacks_in(self.outdir, self.runtime)


def start_synth(python: str, runtime: str, outdir: Path) -> Synth:
    return Synth(python, runtime, outdir)


if __name__ == "__main__":
    stacks = synthesize(Path(sys.argv[1]))
    print(json.dumps({"runtime": next(iter(stacks.values())).runtime}))
