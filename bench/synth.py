"""Synth benchmarks: lazy provider loading on vs off, and how synth time grows with clusters.

Run ``make bench`` (or ``.venv/bin/python bench/synth.py --runs 5``). Not part of ``make test``.

1. Default stack, cold: ``python main.py`` in a fresh process per run, with
   ``EKS_LBC_LAZY_PROVIDERS`` unset (on) and ``=0`` (off, the usual eager imports),
   interleaved so machine noise hits both alike. Wall time per run, and the peak RSS of
   the Python process and of jsii's Node kernel.
2. Scale: one app whose ``cdktf.json`` lists 1, 10 and 50 clusters (one stack each),
   interleaved, lazy loading on.
3. With ``--node PATH`` (repeatable): the default stack, lazy on, under each further Node.js
   binary (``JSII_NODE``), interleaved with the rest.
4. The default stack, lazy on, with an empty jsii package cache per run (a fresh machine or
   CI runner before ``python -m eks_lbc.jsii_cache``; see that module).
5. With ``--cdktn-python PATH`` (a Python with the ``[cdktn]`` extra): the default stack on
   CDK Terrain, lazy on and off (cdktn's Python bindings are lazy already; its Node side is not).

Every run writes its own copy of the project (``main.py`` + ``cdktf.json``) in a temporary
folder; the synthesized JSON of the on and off runs is compared byte for byte.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MEASURE = Path(__file__).resolve().with_name("_measure.py")
TARGET_SPEEDUP = 5.0
TARGET_SCALE_50 = 3.0


@dataclass
class Case:
    label: str
    project: Path
    env: dict[str, str]
    python: str = sys.executable
    fresh_jsii_cache: bool = False
    seconds: list[float] = field(default_factory=list)
    python_mb: list[float] = field(default_factory=list)
    node_mb: list[float] = field(default_factory=list)

    def run(self) -> None:
        report = self.project / "report.json"
        shutil.rmtree(self.project / "cdktf.out", ignore_errors=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EKS_LBC_", "JSII_NODE"))}
        env.update(self.env)
        with tempfile.TemporaryDirectory(prefix="jsii-cache-") as cache:
            if self.fresh_jsii_cache:
                env["JSII_RUNTIME_PACKAGE_CACHE_ROOT"] = cache
            started = time.perf_counter()
            result = subprocess.run(
                [self.python, str(MEASURE), str(report)], cwd=self.project, env=env, capture_output=True, text=True
            )
            elapsed = time.perf_counter() - started
        if result.returncode != 0:
            sys.exit(f"{self.label}: synth failed ({result.returncode}):\n{result.stderr[-3000:]}")
        measured = json.loads(report.read_text())
        self.seconds.append(elapsed)
        self.python_mb.append(measured["python_kb"] / 1024)
        self.node_mb.append(measured["node_kb"] / 1024)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def row(self) -> str:
        return (
            f"| {self.label} | {self.median:.2f} | {min(self.seconds):.2f} / {max(self.seconds):.2f} "
            f"| {max(self.python_mb):.0f} | {max(self.node_mb):.0f} |"
        )

    def synthesized(self) -> dict[str, bytes]:
        stacks = self.project / "cdktf.out" / "stacks"
        return {p.parent.name: p.read_bytes() for p in sorted(stacks.glob("*/cdk.tf.json"))}


def make_project(root: Path, name: str, clusters: int | None) -> Path:
    folder = root / name
    folder.mkdir()
    shutil.copy(REPO / "main.py", folder / "main.py")
    document = json.loads((REPO / "cdktf.json").read_text())
    if clusters is not None:
        settings = document["context"]["eks-lbc"]
        shared = {k: v for k, v in settings.items() if k not in ("clusterName", "region")}
        regions = ("eu-west-1", "us-east-1", "ap-northeast-1")
        shared["clusters"] = [
            {"clusterName": f"cluster-{i:02d}", "region": regions[i % len(regions)]} for i in range(clusters)
        ]
        document["context"]["eks-lbc"] = shared
    (folder / "cdktf.json").write_text(json.dumps(document, indent=2))
    return folder


def node_version(node: str) -> str:
    try:
        return subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not found"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}, Python {platform.python_version()}, "
        f"Node {node_version(os.environ.get('JSII_NODE', 'node'))}; load average at start {load}"
    )


def interleave(cases: list[Case], runs: int) -> None:
    for round_ in range(runs):
        for case in cases:
            case.run()
            print(f"  run {round_ + 1}/{runs} {case.label}: {case.seconds[-1]:.2f} s", file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per case (default 5)")
    parser.add_argument("--node", action="append", default=[], help="also time the default stack under this Node.js")
    parser.add_argument("--cdktn-python", help="also time the default stack on cdktn with this Python")
    parser.add_argument("--skip-scale", action="store_true", help="only the on/off comparison")
    args = parser.parse_args()

    print(f"# eks-lbc synth benchmark, {datetime.date.today().isoformat()}")
    print(f"Machine: {machine()}; {args.runs} runs per case, interleaved.\n")
    with tempfile.TemporaryDirectory(prefix="eks-lbc-bench-") as tmp:
        root = Path(tmp)
        lazy = Case("default stack, lazy providers (on)", make_project(root, "on", None), {})
        eager = Case(
            "default stack, eager (`EKS_LBC_LAZY_PROVIDERS=0`)",
            make_project(root, "off", None),
            {"EKS_LBC_LAZY_PROVIDERS": "0"},
        )
        cases = [lazy, eager]
        for i, node in enumerate(os.path.abspath(n) if os.sep in n else n for n in args.node):
            cases.append(
                Case(
                    f"default stack, lazy, Node {node_version(node)}",
                    make_project(root, f"node{i}", None),
                    {"JSII_NODE": node},
                )
            )
        cases.append(
            Case(
                "default stack, lazy, empty jsii package cache",
                make_project(root, "fresh", None),
                {},
                fresh_jsii_cache=True,
            )
        )
        if args.cdktn_python:
            for label, folder, env in (
                ("default stack on cdktn, lazy", "cdktn-on", {}),
                ("default stack on cdktn, `EKS_LBC_LAZY_PROVIDERS=0`", "cdktn-off", {"EKS_LBC_LAZY_PROVIDERS": "0"}),
            ):
                cases.append(
                    Case(
                        label,
                        make_project(root, folder, None),
                        {"EKS_LBC_RUNTIME": "cdktn", **env},
                        python=os.path.abspath(args.cdktn_python),
                    )
                )
        scale = []
        if not args.skip_scale:
            scale = [
                Case(f"{n} cluster{'s' if n > 1 else ''} (one stack each), lazy", make_project(root, f"n{n}", n), {})
                for n in (1, 10, 50)
            ]
        interleave(cases + scale, args.runs)

        identical = lazy.synthesized() == eager.synthesized()
        print("| case | median s | min / max s | peak RSS python MB | peak RSS node MB |")
        print("|---|---|---|---|---|")
        for case in cases + scale:
            print(case.row())
        speedup = eager.median / lazy.median
        print(
            f"\nSpeed-up of the default stack, eager / lazy medians: **{speedup:.1f}x** "
            f"(target >= {TARGET_SPEEDUP:.0f}x: {'met' if speedup >= TARGET_SPEEDUP else 'NOT met'}); "
            f"synthesized JSON byte-identical: {'yes' if identical else 'NO'}."
        )
        if scale:
            one, ten, fifty = scale
            growth = fifty.median / one.median
            per_stack = (fifty.median - one.median) / 49
            print(
                f"Scale: 10 clusters {ten.median / one.median:.2f}x, 50 clusters **{growth:.2f}x** one cluster "
                f"(target <= {TARGET_SCALE_50:.0f}x: {'met' if growth <= TARGET_SCALE_50 else 'NOT met'}); "
                f"about {per_stack * 1000:.0f} ms per further stack."
            )
        return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
