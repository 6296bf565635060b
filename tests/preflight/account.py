"""Purpose-built AWS accounts in moto for the preflight tests, and a way to run preflight against them.

:class:`Account` creates real moto resources (VPCs, subnets, route tables, security groups, instances,
IAM, S3, KMS, the EKS cluster); only what moto lacks goes through :mod:`tests.preflight._moto_gaps`.
:meth:`Account.healthy` builds an account on which every check passes; a test breaks one thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eks_lbc.preflight.aws import Aws, new_session
from eks_lbc.preflight.model import Report, Result
from eks_lbc.preflight.runner import run
from eks_lbc.settings import load_settings
from tests.preflight._moto_gaps import MotoGaps

ACCOUNT_ID = "123456789012"  # moto's
REGION = "eu-west-1"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


@dataclass
class Cluster:
    name: str
    region: str
    vpc_id: str
    cluster_sg: str | None
    issuer: str
    public: list[str]  # subnet ids tagged kubernetes.io/role/elb
    private: list[str]  # subnet ids tagged kubernetes.io/role/internal-elb
    node_sg: str

    @property
    def issuer_host(self) -> str:
        return self.issuer.removeprefix("https://")


class Account:
    def __init__(self, project_dir: Path) -> None:
        self.project_dir = project_dir
        self.gaps = MotoGaps()
        self.calls: list[str] = []  # IAM actions of every call preflight made
        self._clients: dict[tuple[str, str], Any] = {}
        self._session = new_session()
        # preflight's own clients, made (and hooked) once and shared by the test's runs: a client costs ~50 ms.
        self._preflight_clients: dict = {}

    # -- building ---------------------------------------------------------------------------------
    def client(self, service: str, region: str = REGION) -> Any:
        if (service, region) not in self._clients:
            self._clients[service, region] = self._session.client(service, region_name=region)
        return self._clients[service, region]

    def subnet(self, vpc: str, zone: str, cidr: str, tags: dict[str, str] | None = None, region: str = REGION) -> str:
        ec2 = self.client("ec2", region)
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=region + zone)["Subnet"]["SubnetId"]
        if tags:
            ec2.create_tags(Resources=[subnet], Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        return subnet

    def security_group(self, vpc: str, name: str, tags: dict[str, str] | None = None, region: str = REGION) -> str:
        ec2 = self.client("ec2", region)
        group = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        if tags:
            ec2.create_tags(Resources=[group], Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        return group

    def allow(self, group: str, port: int, source_group: str, region: str = REGION) -> None:
        self.client("ec2", region).authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "UserIdGroupPairs": [{"GroupId": source_group}]}
            ],
        )

    def route_to_internet(self, vpc: str, subnets: list[str], region: str = REGION) -> None:
        """A route table with a default route to an internet gateway, associated with ``subnets``."""
        ec2 = self.client("ec2", region)
        gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
        for subnet in subnets:
            ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)

    def node(
        self,
        cluster: Cluster,
        subnet: str,
        groups: list[str],
        *,
        hop_limit: int = 2,
        tag: str = "kubernetes.io/cluster",
        count: int = 1,
    ) -> list[str]:
        """Running EC2 instances of ``cluster``, tagged as eksctl (``kubernetes.io/cluster/<name>``) or EKS does."""
        key, value = (
            (f"kubernetes.io/cluster/{cluster.name}", "owned") if tag != "eks" else ("eks:cluster-name", cluster.name)
        )
        reservation = self.client("ec2", cluster.region).run_instances(
            ImageId="ami-12c6146b",
            MinCount=count,
            MaxCount=count,
            SubnetId=subnet,
            SecurityGroupIds=groups,
            MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": hop_limit},
            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": key, "Value": value}]}],
        )
        return [i["InstanceId"] for i in reservation["Instances"]]

    def cluster(
        self,
        name: str = "demo",
        *,
        region: str = REGION,
        version: str = "1.31",
        public_zones: str = "ab",
        private_zones: str = "ab",
        cluster_sg: bool = True,
        nodes: bool = True,
    ) -> Cluster:
        """A VPC, tagged public and private subnets in ``*_zones``, a cluster security group, the cluster, a node.

        The node's ENI has the node security group (tagged for the cluster, admitting 9443 from the cluster
        security group) and one untagged group, as eksctl's self-managed groups do.
        """
        ec2 = self.client("ec2", region)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        public = [
            self.subnet(vpc, zone, f"10.0.{i}.0/24", {"kubernetes.io/role/elb": "1"}, region)
            for i, zone in enumerate(public_zones)
        ]
        private = [
            self.subnet(vpc, zone, f"10.0.{10 + i}.0/24", {"kubernetes.io/role/internal-elb": "1"}, region)
            for i, zone in enumerate(private_zones)
        ]
        if public:
            self.route_to_internet(vpc, public, region)
        own_tag = {f"kubernetes.io/cluster/{name}": "owned"}
        # EKS tags the cluster security group kubernetes.io/cluster/<name>=owned.
        control_plane = self.security_group(vpc, f"eks-cluster-sg-{name}", own_tag, region) if cluster_sg else None
        role = self.client("iam", region).create_role(RoleName=f"{name}-cluster", AssumeRolePolicyDocument=TRUST)
        created = self.client("eks", region).create_cluster(
            name=name,
            version=version,
            roleArn=role["Role"]["Arn"],
            resourcesVpcConfig={"subnetIds": private or public},
        )["cluster"]
        self.gaps.cluster(name, vpc_id=vpc, cluster_security_group_id=control_plane)
        node_sg = self.security_group(vpc, f"{name}-nodes", own_tag, region)
        shared = self.security_group(vpc, f"{name}-shared", None, region)
        cluster = Cluster(
            name, region, vpc, control_plane, created["identity"]["oidc"]["issuer"], public, private, node_sg
        )
        if control_plane:
            self.allow(node_sg, 9443, control_plane, region)
        if nodes and (private or public):
            self.node(cluster, (private or public)[0], [node_sg, shared])
        return cluster

    def oidc_provider(self, cluster: Cluster, client_ids: tuple[str, ...] = ("sts.amazonaws.com",)) -> str:
        return self.client("iam").create_open_id_connect_provider(
            Url=cluster.issuer,
            ClientIDList=list(client_ids),
            ThumbprintList=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
        )["OpenIDConnectProviderArn"]

    def state_bucket(self, name: str, *, versioned: bool = True, region: str = REGION) -> None:
        s3 = self.client("s3", region)
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        if versioned:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})

    # -- running preflight ------------------------------------------------------------------------------
    def _hook(self, client: Any) -> None:
        self.gaps.install(client)

        def record(model: Any, **_: Any) -> None:
            self.calls.append(f"{model.service_model.signing_name}:{model.name}")

        # before-parameter-build fires for every call (before-call stops at the first handler that answers).
        client.meta.events.register("before-parameter-build", record)

    def preflight(self, workers: int = 8, **settings: Any) -> Report:
        """Run preflight with ``settings`` (cdktf.json keys: clusterName, region, ... or clusters)."""
        settings.setdefault("clusterName", "demo") if "clusters" not in settings else None
        settings.setdefault("region", REGION) if "clusters" not in settings else None
        cdktf_json = self.project_dir / "cdktf.json"
        cdktf_json.write_text(json.dumps({"context": {"eks-lbc": settings}}))
        loaded = load_settings(cdktf_json, environ={})
        aws = Aws(client_hook=self._hook, clients=self._preflight_clients)
        return run(loaded, self.project_dir, aws=aws, workers=workers)


def result(report: Report, check: str, cluster: str | None = None) -> Result:
    """The result of ``check`` (of ``cluster``, or of the only cluster)."""
    clusters = [c for c in report.clusters if cluster in (None, c.cluster)]
    assert len(clusters) == 1, [c.cluster for c in report.clusters]
    (found,) = [r for r in clusters[0].results if r.check == check]
    return found
