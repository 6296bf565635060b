"""The stacks the integration tiers run tools on, synthesized by the real app (``build_app`` + ``synth``).

``default`` is what ``make synth`` builds from the committed ``cdktf.json``. ``non-default``
changes every setting (names, namespace, region, the oldest supported chart, an explicit VPC).
``chart-1.17.1`` pins the remaining supported chart, so the chart tier renders every vendored
chart. The Terraform-on-moto tier applies the first two (:data:`APPLIED_ON_MOTO`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eks_lbc.settings import ClusterSettings, Settings, load_settings
from tests.support import REPO


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

    @property
    def document(self) -> dict[str, Any]:
        """A fresh copy of the stack's Terraform JSON (callers may change it)."""
        return json.loads(self.file.read_text("utf-8"))


def synthesize(outdir: Path) -> dict[str, SynthesizedStack]:
    """Synthesize every configuration into ``outdir`` with the app's own code path."""
    from eks_lbc.app import build_app

    configs = configurations()
    app = build_app(Settings(clusters=tuple(configs.values())), outdir=str(outdir))
    app.synth()
    return {
        key: SynthesizedStack(key, settings, outdir / "stacks" / settings.stack_name / "cdk.tf.json")
        for key, settings in configs.items()
    }
