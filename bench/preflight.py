"""Preflight benchmark: ``python -m eks_lbc.preflight`` against moto_server on 127.0.0.1, 10 clusters.

Run ``make bench`` (or ``.venv/bin/python bench/preflight.py --runs 5``). Not part of ``make test``.

One ``moto_server`` on a free loopback port holds 10 EKS clusters in three regions, each with its VPC,
tagged subnets in two zones, a node and its security groups, plus IAM OIDC providers for some of them.
Each case is the real command in a fresh process (boto3's standard chain: dummy credentials in the
environment, ``AWS_ENDPOINT_URL`` pointing at moto), ``--json``, interleaved so machine noise hits all alike:

1. 10 clusters, checks concurrent (the default, 16 workers);
2. 10 clusters, ``--workers 1``: every check and call one after the other, the baseline;
3. 1 cluster, concurrent: what one more cluster costs;
4. and 5. cases 1 and 2 through a loopback relay that holds every request for ``--latency`` ms (default 50),
   as a network round trip to AWS would: moto answers in about a millisecond of CPU, so on a busy machine
   cases 1 and 2 measure CPU, not waiting, and concurrency cannot show there.

The reports of every 10-cluster run are compared (they must be equal). moto_server lacks the cluster's VPC id
(set as ``vpcId``) and cluster security group, so the webhook check reports ``unknown`` here (the tests fill
these in with botocore hooks; this measures the command exactly as users run it).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.synth import machine  # noqa: E402  (bench/ is not a package on sys.path by itself)
from tests.integration.moto import MotoServer, create_eks_cluster, moto_server_command  # noqa: E402

CLUSTERS = 10
REGIONS = ("eu-west-1", "us-east-1", "ap-northeast-1")


@dataclass
class Case:
    label: str
    project: Path
    args: list[str]
    env: dict[str, str]
    seconds: list[float] = field(default_factory=list)
    reports: list[dict] = field(default_factory=list)

    def run(self) -> None:
        command = [sys.executable, "-m", "eks_lbc.preflight", "--json", "--project-dir", str(self.project), *self.args]
        started = time.perf_counter()
        result = subprocess.run(command, cwd=REPO, env=self.env, capture_output=True, text=True)
        self.seconds.append(time.perf_counter() - started)
        if result.returncode not in (0, 1):
            sys.exit(f"{self.label}: preflight exited {result.returncode}:\n{result.stderr[-3000:]}")
        self.reports.append(json.loads(result.stdout))

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def row(self) -> str:
        counts = self.reports[-1]["counts"]
        shown = ", ".join(f"{n} {s}" for s, n in counts.items())
        return f"| {self.label} | {self.median:.2f} | {min(self.seconds):.2f} / {max(self.seconds):.2f} | {shown} |"


class SlowRelay:
    """A TCP relay on 127.0.0.1 to moto_server that holds each chunk a client sends for ``delay`` seconds."""

    def __init__(self, target_port: int, delay: float) -> None:
        self.target_port = target_port
        self.delay = delay
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        self.port = 0

        async def serve() -> None:
            server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            started.set()
            async with server:
                await server.serve_forever()

        threading.Thread(target=lambda: self.loop.run_until_complete(serve()), daemon=True).start()
        started.wait(10)
        self.url = f"http://127.0.0.1:{self.port}"

    async def _relay(self, client_reader, client_writer) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)

        async def pipe(reader, writer, delay: float) -> None:
            try:
                while data := await reader.read(65536):
                    if delay:
                        await asyncio.sleep(delay)
                    writer.write(data)
                    await writer.drain()
            except ConnectionError:
                pass
            finally:
                writer.close()

        await asyncio.gather(pipe(client_reader, server_writer, self.delay), pipe(server_reader, client_writer, 0))


def build_account(server: MotoServer) -> list[dict[str, str]]:
    """10 clusters with tagged subnets, a node each, and an OIDC provider for every other one."""
    entries = []
    issuers: set[str] = set()
    for index in range(CLUSTERS):
        name, region = f"cluster-{index:02d}", REGIONS[index % len(REGIONS)]
        cluster = create_eks_cluster(server, name, region)
        ec2 = server.client("ec2", region)
        ec2.create_tags(
            Resources=list(cluster.subnet_ids), Tags=[{"Key": "kubernetes.io/role/internal-elb", "Value": "1"}]
        )
        group = ec2.create_security_group(GroupName=f"{name}-nodes", Description="nodes", VpcId=cluster.vpc_id)
        ec2.run_instances(
            ImageId="ami-12c6146b",
            MinCount=1,
            MaxCount=1,
            SubnetId=cluster.subnet_ids[0],
            SecurityGroupIds=[group["GroupId"]],
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": f"kubernetes.io/cluster/{name}", "Value": "owned"}]}
            ],
        )
        if index % 2 and cluster.issuer_url not in issuers:  # moto gives every cluster of a region one issuer
            issuers.add(cluster.issuer_url)
            server.client("iam").create_open_id_connect_provider(
                Url=cluster.issuer_url, ClientIDList=["sts.amazonaws.com"], ThumbprintList=["9" * 40]
            )
        entries.append({"clusterName": name, "region": region, "vpcId": cluster.vpc_id})
    return entries


def project(root: Path, name: str, entries: list[dict[str, str]]) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "cdktf.json").write_text(json.dumps({"context": {"eks-lbc": {"clusters": entries}}}, indent=2))
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per case (default 5)")
    parser.add_argument("--latency", type=int, default=50, help="ms the relay holds each request (default 50)")
    args = parser.parse_args()
    command = moto_server_command()
    if command is None:
        sys.exit("needs moto_server (pip install 'moto[server]'; `make test` installs it)")

    print(f"# eks-lbc preflight benchmark, {datetime.date.today().isoformat()}")
    print(f"Machine: {machine()}; {args.runs} runs per case, interleaved.\n")
    with tempfile.TemporaryDirectory(prefix="eks-lbc-bench-preflight-") as tmp:
        root = Path(tmp)
        server = MotoServer.start(command, root / "moto_server.log")
        try:
            entries = build_account(server)
            env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EKS_LBC_"))}
            env.update(
                AWS_ACCESS_KEY_ID="testing",
                AWS_SECRET_ACCESS_KEY="testing",
                AWS_ENDPOINT_URL=server.url,
                AWS_EC2_METADATA_DISABLED="true",
                AWS_CONFIG_FILE=str(root / "none"),
                AWS_SHARED_CREDENTIALS_FILE=str(root / "none"),
            )
            ten = project(root, "ten", entries)
            concurrent = Case(f"{CLUSTERS} clusters, concurrent (default)", ten, [], env)
            sequential = Case(f"{CLUSTERS} clusters, `--workers 1` (baseline)", ten, ["--workers", "1"], env)
            one = Case("1 cluster, concurrent", project(root, "one", entries[:1]), [], env)
            relay = SlowRelay(server.port, args.latency / 1000)
            slow_env = {**env, "AWS_ENDPOINT_URL": relay.url}
            slow = f"+{args.latency} ms per request"
            slow_concurrent = Case(f"{CLUSTERS} clusters, concurrent, {slow}", ten, [], slow_env)
            slow_sequential = Case(f"{CLUSTERS} clusters, `--workers 1`, {slow}", ten, ["--workers", "1"], slow_env)
            cases = [concurrent, sequential, one, slow_concurrent, slow_sequential]
            for round_ in range(args.runs):
                for case in cases:
                    case.run()
                    print(f"  run {round_ + 1}/{args.runs} {case.label}: {case.seconds[-1]:.2f} s", file=sys.stderr)
        finally:
            server.stop()

    print("| case | median s | min / max s | checks (last run) |")
    print("|---|---|---|---|")
    for case in cases:
        print(case.row())
    reports = [*concurrent.reports, *sequential.reports, *slow_concurrent.reports, *slow_sequential.reports]
    same = all(report == reports[0] for report in reports)
    print(
        f"\nConcurrent vs `--workers 1`: **{sequential.median / concurrent.median:.1f}x** on moto as it is, "
        f"**{slow_sequential.median / slow_concurrent.median:.1f}x** with {slow} (medians); "
        f"reports identical: {'yes' if same else 'NO'}. "
        f"{CLUSTERS} clusters cost {concurrent.median / one.median:.2f}x one cluster "
        f"(about {(concurrent.median - one.median) / (CLUSTERS - 1) * 1000:.0f} ms per further cluster)."
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
