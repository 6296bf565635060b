"""Builds the cdktf app from settings; ``main.py`` is a thin wrapper around :func:`main`."""

from __future__ import annotations

import sys
from pathlib import Path

from eks_lbc.errors import InvalidSetting
from eks_lbc.settings import Settings, check_local_state, load_settings


def build_app(settings: Settings, outdir: str | None = None):  # -> cdktf App
    """One :class:`LoadBalancerControllerStack` per configured cluster."""
    from eks_lbc._cdk import App
    from eks_lbc.stacks import LoadBalancerControllerStack

    app = App(outdir=outdir) if outdir else App()
    for cluster in settings.clusters:
        LoadBalancerControllerStack(app, cluster.stack_name, cluster=cluster)
    return app


def main(project_dir: Path) -> int:
    """Synthesize the app configured by ``project_dir/cdktf.json`` and the environment.

    A user error prints one line naming the field and exits 2, before anything is
    written, so an earlier ``cdktf.out/`` stays as it was.
    """
    try:
        settings = load_settings(project_dir / "cdktf.json")
        check_local_state(settings, project_dir)
        app = build_app(settings)
    except InvalidSetting as error:
        print(f"eks-lbc: {error}", file=sys.stderr)
        return 2
    app.synth()
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
    return 0
