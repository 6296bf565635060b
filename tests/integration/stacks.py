"""The stacks the integration tiers run tools on, synthesized by the real app (``build_app`` + ``synth``).

``default`` is what ``make synth`` builds from the committed ``cdktf.json``. ``non-default``
changes every setting (names, namespace, region, the oldest supported chart, an explicit VPC).
``chart-1.17.1`` pins the remaining supported chart. The Terraform-on-moto tier applies the
first two (:data:`APPLIED_ON_MOTO`); checkov scans all of them.

Each runtime (cdktf, cdktn) synthesizes in a process of its own (``python -m
tests.integration.stacks OUTDIR`` with ``EKS_LBC_RUNTIME``; one process imports one runtime),
so one test session proves the stacks of both: :func:`start_synth` / :meth:`Synth.wait`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eks_lbc.runtime import ENV_RUNTIME, PACKAGES
from eks_lbc.settings import ClusterSettings, Settings, load_settings
from tests.support import REPO

RUNTIMES = tuple(PACKAGES)  # ("cdktf", "cdktn")


def configurations() -> dict[str, ClusterSettings]:
    return {
        "default": load_settings(REPO / "cdktf.json", environ={}).clusters[0],
        "non-default": ClusterSettings(
            cluster_name="prod_eu",
            region="eu-central-1",
            namespace="aws-lbc",
            service_account_name="lbc",
            chart_version="1.5.3",
            vpc_id="vpc-0123456789abcdef0",
        ),
        "chart-1.17.1": ClusterSettings(cluster_name="staging", region="us-west-2", chart_version="1.17.1"),
    }


APPLIED_ON_MOTO = ("default", "non-default")


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


def stacks_in(outdir: Path, runtime: str = "") -> dict[str, SynthesizedStack]:
    """The configurations' stacks as :func:`synthesize` writes them into ``outdir``."""
    return {
        key: SynthesizedStack(key, settings, outdir / "stacks" / settings.stack_name / "cdk.tf.json", runtime)
        for key, settings in configurations().items()
    }


def synthesize(outdir: Path) -> dict[str, SynthesizedStack]:
    """Synthesize every configuration into ``outdir`` with the app's own code path, in this process."""
    from eks_lbc._cdk import RUNTIME
    from eks_lbc.app import build_app

    app = build_app(Settings(clusters=tuple(configurations().values())), outdir=str(outdir))
    app.synth()
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
