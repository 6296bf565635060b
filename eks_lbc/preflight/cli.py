"""The ``eks-lbc`` console script; its subcommand ``preflight`` (also ``python -m eks_lbc.preflight``).

Exit status: 0 when no check fails (warnings and unknowns included), 1 when one does, 2 on bad
settings (the same one-line error as synth, before any AWS call).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eks_lbc.errors import InvalidSetting
from eks_lbc.settings import load_settings

EXIT_BAD_SETTINGS = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eks-lbc", description="eks-lbc: the AWS Load Balancer Controller on EKS.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    preflight = commands.add_parser(
        "preflight",
        help="check the AWS account of every configured cluster before deploying (read-only)",
        description=(
            "Read the AWS account of every cluster configured in cdktf.json and EKS_LBC_* (the settings synth uses) "
            "and report, per cluster, one line per check: ok, warn, fail or unknown (an API denied or not "
            "available), what was found and the fix. Exit 0 when nothing fails, 1 when a check fails, 2 on bad "
            "settings. Credentials: boto3's standard chain (AWS_PROFILE, SSO, environment, instance roles)."
        ),
    )
    preflight.add_argument("--json", action="store_true", help="print the report as JSON (schema version 1)")
    preflight.add_argument(
        "--project-dir",
        type=Path,
        default=Path.cwd(),
        help="the folder with cdktf.json and local state files (default: the current directory)",
    )
    preflight.add_argument(
        "--workers", type=int, default=None, help="concurrent AWS calls (default 16; 1 runs the checks one by one)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project_dir: Path = args.project_dir.resolve()
    try:
        settings = load_settings(project_dir / "cdktf.json")
    except InvalidSetting as error:
        print(f"eks-lbc: {error}", file=sys.stderr)
        return EXIT_BAD_SETTINGS
    if args.workers is not None and args.workers < 1:
        print(f"eks-lbc: invalid --workers: {args.workers!r}; expected a whole number from 1", file=sys.stderr)
        return EXIT_BAD_SETTINGS

    from eks_lbc.preflight import report, runner  # boto3 is imported only once the settings are good

    workers = args.workers or runner.DEFAULT_WORKERS
    result = runner.run(settings, project_dir, workers=workers)
    sys.stdout.write(report.as_json(result) if args.json else report.as_text(result))
    return result.exit_code


def console() -> None:
    """Entry point of the ``eks-lbc`` console script."""
    sys.exit(main())
