"""What the checks of one cluster share: its settings, its EKS description, and facts read once.

Each fact (the VPC's subnets, the nodes, their security groups, the stack's Terraform state) is
read on first use by whichever check thread needs it and kept, failures included, so checks that
run at the same time never repeat a call and report the same reason when it is denied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eks_lbc.preflight.aws import Aws, Memo, Unavailable, call, pages
from eks_lbc.settings import ClusterSettings

CLUSTER_TAG_PREFIX = "kubernetes.io/cluster/"
# Managed node groups tag their instances with this too (value: the cluster name).
EKS_CLUSTER_NAME_TAG = "eks:cluster-name"


def enis(instance: dict[str, Any]) -> list[dict[str, Any]]:
    """An instance's network interfaces."""
    return instance.get("NetworkInterfaces") or []


def tags_of(resource: dict[str, Any]) -> dict[str, str]:
    """An EC2 resource's ``Tags`` list as a dict."""
    return {t["Key"]: t.get("Value", "") for t in resource.get("Tags") or ()}


@dataclass(frozen=True)
class StackState:
    """This stack's Terraform state, as far as preflight can read it.

    ``where`` names it (the local file or ``s3://bucket/key``); ``exists`` is False when there is no
    state yet (a first deploy). ``resources`` holds ``(type, attributes)`` of every managed instance.
    """

    where: str
    exists: bool
    resources: tuple[tuple[str, dict[str, Any]], ...] = ()

    def attributes(self, resource_type: str) -> list[dict[str, Any]]:
        return [attributes for kind, attributes in self.resources if kind == resource_type]


def parse_state(where: str, text: str) -> StackState:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise Unavailable(f"the state {where} is not JSON ({error.msg})") from None
    found = []
    for resource in document.get("resources", []):
        if resource.get("mode") != "managed":
            continue
        for instance in resource.get("instances", []):
            found.append((resource.get("type", ""), instance.get("attributes") or {}))
    return StackState(where, True, tuple(found))


class ClusterContext:
    """One configured cluster during a preflight run."""

    def __init__(self, settings: ClusterSettings, project_dir: Path, aws: Aws) -> None:
        self.settings = settings
        self.project_dir = project_dir
        self.aws = aws
        self._memo = Memo()

    # -- settings a concurrent change may add: read generically, with a default -------------------
    def setting(self, attribute: str, default: Any = None) -> Any:
        return getattr(self.settings, attribute, default)

    @property
    def profile(self) -> str | None:
        return self.setting("aws_profile")

    def client(self, service: str, region: str | None = None) -> Any:
        """A client of the identity Terraform's aws provider uses: the profile, then ``assumeRoleArn`` if set."""
        return self.aws.client(service, region or self.settings.region, self.profile, self.setting("assume_role_arn"))

    def state_client(self, service: str) -> Any:
        """A client of the identity the S3 backend uses: the profile, then ``stateAssumeRoleArn`` if set."""
        return self.aws.client(service, self.settings.state_region, self.profile, self.setting("state_assume_role_arn"))

    def once(self, key: str, compute) -> Any:
        return self._memo.get(key, compute)

    # -- the cluster -------------------------------------------------------------------------------
    def cluster(self) -> dict[str, Any] | None:
        """``eks:DescribeCluster``'s ``cluster``; ``None`` when there is no such cluster in the region."""

        def describe() -> dict[str, Any] | None:
            answer = call(
                self.client("eks"), "describe_cluster", missing=("ResourceNotFoundException",), name=self.name
            )
            return None if answer is None else answer["cluster"]

        return self.once("cluster", describe)

    def require_cluster(self) -> dict[str, Any]:
        """The cluster, or :class:`Unavailable` saying why a check that needs it cannot run."""
        try:
            cluster = self.cluster()
        except Unavailable as error:
            raise Unavailable(f"needs the cluster: {error}") from None
        if cluster is None:
            raise Unavailable(f"needs the cluster, and there is no cluster {self.name} in {self.settings.region}")
        return cluster

    @property
    def name(self) -> str:
        return self.settings.cluster_name

    def vpc_id(self) -> str:
        """The cluster's VPC (``resourcesVpcConfig.vpcId``), else the ``vpcId`` setting."""
        vpc = self.require_cluster().get("resourcesVpcConfig", {}).get("vpcId") or self.settings.vpc_id
        if not vpc:
            raise Unavailable("the cluster description names no VPC; set vpcId")
        return vpc

    def control_plane_security_groups(self) -> list[str]:
        """The cluster security group and the additional ones: what the control plane's ENIs carry."""
        config = self.require_cluster().get("resourcesVpcConfig", {})
        groups = [config["clusterSecurityGroupId"]] if config.get("clusterSecurityGroupId") else []
        groups += [g for g in config.get("securityGroupIds") or () if g not in groups]
        return groups

    def account(self) -> str | None:
        """The caller's account (``sts:GetCallerIdentity``, allowed for everyone); ``None`` if it fails."""

        def identity() -> str:
            return call(self.client("sts"), "get_caller_identity")["Account"]

        try:
            key = ("account", self.profile, self.setting("assume_role_arn"), self.settings.partition)
            return self.aws.shared(key, identity)
        except Unavailable:
            return None

    # -- the VPC and the nodes ------------------------------------------------------------------------
    def subnets(self) -> list[dict[str, Any]]:
        """Every subnet of the cluster's VPC."""
        vpc = self.vpc_id()
        return self.once(
            "subnets",
            lambda: pages(
                self.client("ec2"), "describe_subnets", "Subnets", Filters=[{"Name": "vpc-id", "Values": [vpc]}]
            ),
        )

    def route_tables(self) -> list[dict[str, Any]]:
        vpc = self.vpc_id()
        return self.once(
            "route_tables",
            lambda: pages(
                self.client("ec2"),
                "describe_route_tables",
                "RouteTables",
                Filters=[{"Name": "vpc-id", "Values": [vpc]}],
            ),
        )

    def nodes(self) -> list[dict[str, Any]]:
        """Running EC2 instances of the cluster: tagged ``kubernetes.io/cluster/<name>`` or ``eks:cluster-name``."""
        own_tag = CLUSTER_TAG_PREFIX + self.name
        self.require_cluster()  # no cluster, no nodes to speak of

        def describe() -> list[dict[str, Any]]:
            reservations = pages(
                self.client("ec2"),
                "describe_instances",
                "Reservations",
                Filters=[
                    {"Name": "tag-key", "Values": [own_tag, EKS_CLUSTER_NAME_TAG]},
                    {"Name": "instance-state-name", "Values": ["pending", "running"]},
                ],
            )
            found = []
            for reservation in reservations:
                for instance in reservation.get("Instances", []):
                    tags = tags_of(instance)
                    if own_tag in tags or tags.get(EKS_CLUSTER_NAME_TAG) == self.name:
                        found.append(instance)
            return sorted(found, key=lambda i: i["InstanceId"])

        return self.once("nodes", describe)

    def security_groups(self, group_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The nodes' security groups by id (asked once for all of the cluster's nodes)."""

        def describe() -> dict[str, dict[str, Any]]:
            wanted = sorted(
                {group["GroupId"] for node in self.nodes() for eni in enis(node) for group in eni.get("Groups", [])}
            )
            if not wanted:
                return {}
            groups = pages(self.client("ec2"), "describe_security_groups", "SecurityGroups", GroupIds=wanted)
            return {g["GroupId"]: g for g in groups}

        known = self.once("security_groups", describe)
        return {g: known[g] for g in group_ids if g in known}

    # -- this stack's Terraform state -------------------------------------------------------------------
    def state(self) -> StackState:
        """The stack's state: the local file next to ``cdktf.out/`` or the S3 object the backend names."""
        return self.once("state", self._read_state)

    def _read_state(self) -> StackState:
        settings = self.settings
        if settings.state_bucket is None:
            path = self.project_dir / f"terraform.{settings.stack_name}.tfstate"
            where = path.name
            try:
                return parse_state(where, path.read_text("utf-8"))
            except FileNotFoundError:
                return StackState(where, False)
            except OSError as error:
                raise Unavailable(f"cannot read the state {where}: {error.strerror}") from None
        where = f"s3://{settings.state_bucket}/{settings.state_key}"
        s3 = self.state_client("s3")
        answer = call(
            s3,
            "get_object",
            missing=("NoSuchKey", "NoSuchBucket"),
            Bucket=settings.state_bucket,
            Key=settings.state_key,
        )
        if answer is None:
            return StackState(where, False)
        return parse_state(where, answer["Body"].read().decode("utf-8"))
