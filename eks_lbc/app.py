"""Builds the cdktf app from settings; ``main.py`` is a thin wrapper around :func:`main`."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path

from eks_lbc.errors import InvalidSetting
from eks_lbc.gateway_api.example import check_example_state, check_unique_stacks, example_gateway_stack_name
from eks_lbc.settings import Settings, check_local_state, load_settings


def build_app(settings: Settings, outdir: str | None = None):  # -> cdktf App
    """One :class:`LoadBalancerControllerStack` per configured cluster (and its ExampleGatewayStack, if any)."""
    from eks_lbc._cdk import App
    from eks_lbc.stacks import LoadBalancerControllerStack

    # With exampleGateway, a second stack per cluster (<stack>-example-gateway), applied after the first.
    check_unique_stacks(
        [cluster.stack_name for cluster in settings.clusters],
        [example_gateway_stack_name(cluster.stack_name) for cluster in settings.clusters if cluster.example_gateway],
    )
    app = App(outdir=outdir) if outdir else App()
    app.eks_lbc_stacks = [
        LoadBalancerControllerStack(app, cluster.stack_name, cluster=cluster) for cluster in settings.clusters
    ]
    return app


MOVED_FILE = "moved.tf"
_ADDRESS = re.compile(r"[a-z0-9_]+\.[A-Za-z0-9_-]+")


def moved_blocks(moves: Mapping[str, str]) -> str:
    """Terraform ``moved`` blocks (HCL) for ``old address -> new address``."""
    blocks = ["# Written by eks-lbc: where resources of this stack were before (Terraform moves them in the state)."]
    for before, now in sorted(moves.items()):
        if not (_ADDRESS.fullmatch(before) and _ADDRESS.fullmatch(now)):
            raise ValueError(f"not a resource address: {before!r} -> {now!r}")
        blocks.append(f"moved {{\n  from = {before}\n  to   = {now}\n}}")
    return "\n\n".join(blocks) + "\n"


def write_moved_blocks(app, stacks: list) -> None:  # app: cdktf App; stacks: LoadBalancerControllerStack
    """After ``app.synth()``: ``moved.tf`` next to each stack's ``cdk.tf.json`` whose controller has moved resources.

    A file of its own, in HCL, because checkov's ``terraform_json`` parser cannot read ``moved`` in the JSON
    (it then scans nothing of the stack); Terraform reads every ``.tf`` and ``.tf.json`` file of the folder.
    """
    for stack in stacks:
        moves = stack.controller.earlier_addresses
        file = Path(app.outdir) / "stacks" / stack.node.id / MOVED_FILE
        if moves:
            file.write_text(moved_blocks(moves), encoding="utf-8")
        else:
            file.unlink(missing_ok=True)  # left by an earlier synth (say, before switching to IRSA)


def synth(app) -> None:
    """``app.synth()``, then the ``moved`` blocks of the stacks :func:`build_app` made."""
    app.synth()
    write_moved_blocks(app, getattr(app, "eks_lbc_stacks", []))


def main(project_dir: Path) -> int:
    """Synthesize the app configured by ``project_dir/cdktf.json`` and the environment.

    A user error prints one line naming the field and exits 2, before anything is
    written, so an earlier ``cdktf.out/`` stays as it was.
    """
    try:
        settings = load_settings(project_dir / "cdktf.json")
        check_local_state(settings, project_dir)
        check_example_state(project_dir, settings.clusters)
        app = build_app(settings)
    except InvalidSetting as error:
        print(f"eks-lbc: {error}", file=sys.stderr)
        return 2
    synth(app)
    outdir = Path(app.outdir)
    shown = outdir.relative_to(Path.cwd()) if outdir.is_relative_to(Path.cwd()) else outdir
    for cluster in settings.clusters:
        stack_dir = shown / "stacks" / cluster.stack_name
        print(
            f"eks-lbc: synthesized {cluster.stack_name} (cluster {cluster.cluster_name}, {cluster.region}, "
            f"chart {cluster.chart_version}) -> {stack_dir}/cdk.tf.json\n"
            f"  next: terraform -chdir={stack_dir} init && terraform -chdir={stack_dir} plan",
            file=sys.stderr,
        )
        if cluster.example_gateway:
            example_dir = shown / "stacks" / example_gateway_stack_name(cluster.stack_name)
            print(
                f"eks-lbc: synthesized {example_dir.name} (the example Gateway; apply it after {cluster.stack_name}) "
                f"-> {example_dir}/cdk.tf.json\n"
                f"  deploy both in order: cdktf deploy {cluster.stack_name} {example_dir.name}",
                file=sys.stderr,
            )
    return 0
