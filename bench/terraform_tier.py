"""Terraform-on-moto tier benchmark: the tier's recorded run (``tests.integration.tiers.terraform_on_moto``), timed.

Run ``.venv/bin/python bench/terraform_tier.py --runs 3 --baseline main`` (``make bench-tier``). Not part of
``make test``.

Each run is a fresh process in a checkout: it synthesizes the integration stacks under both runtimes (not
timed), then runs the tier's whole cycle (moto_server, every terraform command, the read-backs) and reports
its wall time and the CPU time of everything it ran (terraform, the AWS provider processes, moto_server, boto3
in this process). With ``--baseline REF``, the same is measured in a clone of this repository at ``REF``
(using this checkout's venvs), round by round interleaved with this checkout, so machine noise hits both
alike; the ratio of the medians is printed. On a shared 2-core machine the CPU time is the steadier number:
the tier is CPU-bound (each terraform command spends ~2 s of CPU on the AWS provider's checksum and schema).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.synth import machine  # noqa: E402  (bench/ is not a package on sys.path by itself)

# Runs in the checkout being measured (its own tests/ and eks_lbc/ come first on sys.path).
RUN = """
import json, os, resource, shutil, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, os.getcwd())
from tests.integration import tiers

def cpu():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

root = Path(tempfile.mkdtemp(prefix="eks-lbc-tier-bench-"))
try:
    stacks = tiers.synthesize_both(root / "synth")
    started, used = time.perf_counter(), cpu()
    record = tiers.terraform_on_moto(stacks, root / "moto")
    wall, used = time.perf_counter() - started, cpu() - used
finally:
    shutil.rmtree(root, ignore_errors=True)
if isinstance(record, tiers.Missing):
    sys.exit(f"missing: {record.tool}")
print(json.dumps({"wall": wall, "cpu": used, "commands": [name for name, _ in record.timings], "error": record.error}))
"""


@dataclass
class Case:
    label: str
    checkout: Path
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    commands: int = 0

    def run(self, env: dict[str, str]) -> None:
        result = subprocess.run(
            [sys.executable, "-c", RUN], cwd=self.checkout, env=env, capture_output=True, text=True, timeout=1800
        )
        if result.returncode != 0:
            sys.exit(f"{self.label}: exited {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        report = json.loads(result.stdout.strip().splitlines()[-1])
        if report["error"]:
            sys.exit(f"{self.label}: the tier failed\n{report['error'][-3000:]}")
        self.wall.append(report["wall"])
        self.cpu.append(report["cpu"])
        self.commands = len(report["commands"])

    def row(self) -> str:
        return (
            f"| {self.label} | {len(self.wall)} | {statistics.median(self.wall):.1f} | "
            f"{min(self.wall):.1f} / {max(self.wall):.1f} | {statistics.median(self.cpu):.1f} | {self.commands} |"
        )


def baseline_checkout(ref: str, root: Path) -> Path:
    """A clone of this repository at ``ref``, using this checkout's CDK Terrain venv (the tier's cdktn synth)."""
    target = root / "baseline"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "checkout", "--quiet", ref], check=True)
    (target / ".venv-cdktn").symlink_to(REPO / ".venv-cdktn", target_is_directory=True)
    return target


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--baseline", help="a git ref to measure the same way, interleaved (e.g. main)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EKS_LBC_", "VIRTUAL_ENV"))}
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    print(f"# Terraform-on-moto tier, {datetime.date.today().isoformat()}")
    print(f"Machine: {machine()}; {args.runs} rounds; commit {head.stdout.strip()}.\n")
    with tempfile.TemporaryDirectory(prefix="eks-lbc-tier-bench-") as tmp:
        cases = [Case("this checkout", REPO)]
        if args.baseline:
            cases.append(Case(f"baseline ({args.baseline})", baseline_checkout(args.baseline, Path(tmp))))
        for round_ in range(1, args.runs + 1):
            for case in cases:
                case.run(env)
                print(
                    f"  round {round_} {case.label}: {case.wall[-1]:.1f} s wall, {case.cpu[-1]:.1f} s CPU, "
                    f"load {load()}",
                    file=sys.stderr,
                    flush=True,
                )
    print("| case | runs | median wall s | min / max s | median CPU s | terraform commands |")
    print("|---|---|---|---|---|---|")
    for case in cases:
        print(case.row())
    if args.baseline:
        this, base = cases
        wall = statistics.median(base.wall) / statistics.median(this.wall)
        cpu = statistics.median(base.cpu) / statistics.median(this.cpu)
        print(f"\nBaseline / this checkout (medians): wall {wall:.2f}x, CPU {cpu:.2f}x. Load average at end {load()}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
