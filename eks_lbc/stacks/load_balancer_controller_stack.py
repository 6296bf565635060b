"""The app's stack: one EKS cluster, looked up by name, gets the AWS Load Balancer Controller."""

from __future__ import annotations

from eks_lbc._cdk import Construct, DataAwsEksCluster, LocalBackend, S3Backend, TerraformOutput, TerraformStack
from eks_lbc.constructs import ExampleIngress, LoadBalancerController
from eks_lbc.defaults import IDENTITY_IRSA, OIDC_PROVIDER_CREATE, OIDC_PROVIDER_EXISTING
from eks_lbc.settings import ClusterSettings
from eks_lbc.stacks.providers import add_cluster_providers


class LoadBalancerControllerStack(TerraformStack):
    """aws, tls, kubernetes and helm providers for an existing EKS cluster, and a :class:`LoadBalancerController`.

    The cluster is read with ``data.aws_eks_cluster`` (id ``cluster``) for its endpoint,
    CA, OIDC issuer and VPC. Nested attributes are read by path: one jsii round trip each
    instead of one per step of ``identity.get(0).oidc.get(0).issuer``, which adds up with
    many stacks (the Terraform expressions are the same). State is local by default, in
    ``terraform.<stack>.tfstate`` next to the output folder (a relative path, so it survives
    re-synthesis and holds no machine-specific directory); with ``state_bucket`` set it is in
    S3 (see :func:`add_backend`). The aws provider tags every taggable resource with the
    cluster's ``tags`` (``default_tags``).

    With ``cluster.example_ingress`` it also deploys :class:`ExampleIngress` (id ``example-ingress``)
    and outputs its ALB's hostname.
    """

    def __init__(self, scope: Construct, id: str, *, cluster: ClusterSettings) -> None:
        super().__init__(scope, id)
        add_backend(self, cluster)
        eks = DataAwsEksCluster(self, "cluster", name=cluster.cluster_name)
        creates_oidc_provider = cluster.identity == IDENTITY_IRSA and cluster.oidc_provider == OIDC_PROVIDER_CREATE
        add_cluster_providers(
            self,
            region=cluster.region,
            cluster_name=cluster.cluster_name,
            endpoint=eks.endpoint,
            certificate_authority_data=eks.get_string_attribute("certificate_authority[0].data"),
            tls=creates_oidc_provider,
            default_tags=cluster.tags,
        )
        self.controller = LoadBalancerController(
            self,
            "controller",
            cluster_name=cluster.cluster_name,
            issuer_url=eks.get_string_attribute("identity[0].oidc[0].issuer"),
            region=cluster.region,
            partition=cluster.partition,
            vpc_id=cluster.vpc_id or eks.get_string_attribute("vpc_config[0].vpc_id"),
            chart_version=cluster.chart_version,
            namespace=cluster.namespace,
            service_account_name=cluster.service_account_name,
            identity=cluster.identity,
            existing_oidc_provider=cluster.oidc_provider == OIDC_PROVIDER_EXISTING,
            sts_audience=cluster.sts_audience,
            iam_name_prefix=cluster.iam_name_prefix,
            iam_path=cluster.iam_path,
            permissions_boundary=cluster.permissions_boundary,
            public_subnet_ids=cluster.public_subnet_ids,
            private_subnet_ids=cluster.private_subnet_ids,
            image_repository=cluster.image_repository,
            image_tag=cluster.image_tag,
            replicas=cluster.replicas,
            pod_disruption_budget=cluster.pod_disruption_budget,
            zone_spread=cluster.zone_spread,
            enable_service_mutator_webhook=cluster.enable_service_mutator_webhook,
            ingress_validation_webhook=cluster.ingress_validation_webhook,
            helm_values=cluster.helm_values,
        )
        TerraformOutput(self, "role_arn", value=self.controller.role_arn, description="IAM role the controller assumes")
        TerraformOutput(self, "policy_arn", value=self.controller.policy_arn, description="the controller's IAM policy")
        if self.controller.oidc_provider_arn is not None:
            TerraformOutput(
                self,
                "oidc_provider_arn",
                value=self.controller.oidc_provider_arn,
                description="the cluster's IAM OIDC provider",
            )
        if self.controller.pod_identity_association_arn is not None:
            TerraformOutput(
                self,
                "pod_identity_association_arn",
                value=self.controller.pod_identity_association_arn,
                description="the EKS Pod Identity association of the controller's service account",
            )
        TerraformOutput(
            self, "chart_version", value=self.controller.chart_version, description="installed chart version"
        )
        TerraformOutput(
            self,
            "controller_version",
            value=self.controller.controller_version,
            description="controller release the chart ships",
        )
        TerraformOutput(
            self,
            "controller_image",
            value=self.controller.image,
            description="controller image the release runs (mirror it for clusters without public ECR access)",
        )
        if cluster.example_ingress:
            example = ExampleIngress(self, "example-ingress", controller=self.controller)
            TerraformOutput(
                self,
                "example_ingress_hostname",
                value=example.hostname,
                description="DNS name of the example Ingress's ALB",
            )


def add_backend(stack: TerraformStack, cluster: ClusterSettings) -> None:
    """Local state next to ``cdktf.out/`` by default; S3 when ``cluster.state_bucket`` is set.

    The S3 state object is ``<state_key_prefix>/<stack>.tfstate``, encrypted at rest
    (``encrypt``; with ``state_kms_key_id`` by that KMS key), locked with S3's own lock file
    (``use_lockfile``, Terraform >= 1.10) unless ``state_lockfile`` is false.
    """
    if cluster.state_bucket is None:
        LocalBackend(stack, path=f"../../../terraform.{stack.node.id}.tfstate")
        return
    S3Backend(
        stack,
        bucket=cluster.state_bucket,
        key=cluster.state_key,
        region=cluster.state_region,
        encrypt=True,
        kms_key_id=cluster.state_kms_key_id,
    )
    if cluster.state_lockfile:
        # cdktf 0.21's S3Backend predates Terraform 1.10's native S3 locking; the override adds it.
        stack.add_override("terraform.backend.s3.use_lockfile", True)
