"""The app's stack: one EKS cluster, looked up by name, gets the AWS Load Balancer Controller."""

from __future__ import annotations

from eks_lbc._cdk import Construct, DataAwsEksCluster, LocalBackend, TerraformOutput, TerraformStack
from eks_lbc.constructs import ExampleIngress, LoadBalancerController
from eks_lbc.settings import ClusterSettings
from eks_lbc.stacks.providers import add_cluster_providers


class LoadBalancerControllerStack(TerraformStack):
    """aws, tls, kubernetes and helm providers for an existing EKS cluster, and a :class:`LoadBalancerController`.

    The cluster is read with ``data.aws_eks_cluster`` (id ``cluster``) for its endpoint,
    CA, OIDC issuer and VPC. State is local, in ``terraform.<stack>.tfstate`` next to
    the output folder (a relative path, so it survives re-synthesis and holds no
    machine-specific directory).

    With ``cluster.example_ingress`` it also deploys :class:`ExampleIngress` (id ``example-ingress``)
    and outputs its ALB's hostname.
    """

    def __init__(self, scope: Construct, id: str, *, cluster: ClusterSettings) -> None:
        super().__init__(scope, id)
        LocalBackend(self, path=f"../../../terraform.{id}.tfstate")
        eks = DataAwsEksCluster(self, "cluster", name=cluster.cluster_name)
        add_cluster_providers(
            self,
            region=cluster.region,
            cluster_name=cluster.cluster_name,
            endpoint=eks.endpoint,
            certificate_authority_data=eks.certificate_authority.get(0).data,
        )
        self.controller = LoadBalancerController(
            self,
            "controller",
            cluster_name=cluster.cluster_name,
            issuer_url=eks.identity.get(0).oidc.get(0).issuer,
            region=cluster.region,
            vpc_id=cluster.vpc_id or eks.vpc_config.get(0).vpc_id,
            chart_version=cluster.chart_version,
            namespace=cluster.namespace,
            service_account_name=cluster.service_account_name,
            image_repository=cluster.image_repository,
            image_tag=cluster.image_tag,
            replicas=cluster.replicas,
            pod_disruption_budget=cluster.pod_disruption_budget,
            zone_spread=cluster.zone_spread,
            enable_service_mutator_webhook=cluster.enable_service_mutator_webhook,
            helm_values=cluster.helm_values,
        )
        TerraformOutput(self, "role_arn", value=self.controller.role_arn, description="IAM role the controller assumes")
        TerraformOutput(self, "policy_arn", value=self.controller.policy_arn, description="the controller's IAM policy")
        TerraformOutput(
            self,
            "oidc_provider_arn",
            value=self.controller.oidc_provider_arn,
            description="the cluster's IAM OIDC provider",
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
