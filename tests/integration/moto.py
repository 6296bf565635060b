"""A local AWS emulator for the integration tiers: ``moto_server`` on 127.0.0.1, and an EKS cluster in it.

One server serves every region and service; tests share one per session and call
:meth:`MotoServer.reset` between cases (moto's ``/moto-api/reset``), which is much
cheaper than a new process. Nothing here talks to real AWS: every client is pointed
at the server's loopback URL with dummy credentials.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
# moto's default account: what sts:GetCallerIdentity answers for any credentials.
ACCOUNT_ID = "123456789012"
DUMMY_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def moto_server_command() -> list[str] | None:
    """The ``moto_server`` console script of this interpreter's environment (``moto[server]``), else PATH's."""
    beside = Path(sys.executable).with_name("moto_server")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("moto_server")
    return [found] if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class MotoServer:
    """A running ``moto_server -H 127.0.0.1 -p PORT``; stop it with :meth:`stop`."""

    def __init__(self, process: subprocess.Popen, port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log
        self.url = f"http://{HOST}:{port}"
        self._clients: dict[tuple[str, str], Any] = {}

    @classmethod
    def start(cls, command: list[str], log: Path, timeout: float = 30.0) -> MotoServer:
        """Start the server on a free port and wait until it answers (or raise with its log)."""
        port = free_port()
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*command, "-H", HOST, "-p", str(port)], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        server = cls(process, port, log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{server.url}/moto-api/data.json", timeout=1):
                    return server
            except OSError:
                time.sleep(0.1)
        server.stop()
        raise RuntimeError(f"moto_server did not answer on {server.url} within {timeout} s:\n{log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def reset(self) -> None:
        """Forget every resource in every region (moto's reset API)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def client(self, service: str, region: str = "us-east-1") -> Any:
        """A boto3 client for ``service`` in ``region``, talking to this server only.

        Made once per service and region (a new boto3 session loads its service models again: ~0.2 s of CPU).
        """
        key = (service, region)
        if key not in self._clients:
            import boto3

            session = boto3.session.Session(region_name=region, **DUMMY_CREDENTIALS)
            self._clients[key] = session.client(service, endpoint_url=self.url)
        return self._clients[key]


@dataclass(frozen=True)
class EksCluster:
    """What a test needs to know about a cluster created in moto."""

    name: str
    region: str
    arn: str
    issuer_url: str
    vpc_id: str
    subnet_ids: tuple[str, ...]
    role_name: str  # the cluster's own IAM role

    @property
    def issuer_host(self) -> str:
        """The issuer without ``https://``: the prefix of IRSA condition keys and the IAM OIDC provider's URL."""
        return self.issuer_url.removeprefix("https://")


def create_eks_cluster(server: MotoServer, name: str, region: str) -> EksCluster:
    """A VPC with two subnets in two zones, the cluster's IAM role, and an EKS cluster using them."""
    ec2 = server.client("ec2", region)
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnet_ids = tuple(
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{index}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for index, zone in enumerate(zones)
    )
    iam = server.client("iam", region)
    role_name = f"{name}-{region}-cluster"  # IAM is one per account: one name in two regions needs two roles
    role_arn = iam.create_role(
        RoleName=role_name,
        AssumeRolePolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},'
            '"Action":"sts:AssumeRole"}]}'
        ),
    )["Role"]["Arn"]
    cluster = server.client("eks", region).create_cluster(
        name=name, roleArn=role_arn, resourcesVpcConfig={"subnetIds": list(subnet_ids)}
    )["cluster"]
    return EksCluster(
        name=name,
        region=region,
        arn=cluster["arn"],
        issuer_url=cluster["identity"]["oidc"]["issuer"],
        vpc_id=vpc_id,
        subnet_ids=subnet_ids,
        role_name=role_name,
    )
