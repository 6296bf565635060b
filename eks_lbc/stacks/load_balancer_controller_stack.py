"""The app's stack: one EKS cluster, looked up by name, gets the AWS Load Balancer Controller."""

from __future__ import annotations

from eks_lbc._cdk import Construct, DataAwsEksCluster, LocalBackend, TerraformOutput, TerraformStack
from eks_lbc.constructs import LoadBalancerController
from eks_lbc.settings import ClusterSettings
from eks_lbc.stacks.providers import add_cluster_providers


class LoadBalancerControllerStack(TerraformStack):
    """aws, tls, kubernetes and helm providers for an existing EKS cluster, and a :class:`LoadBalancerController`.

    The cluster is read with ``data.aws_eks_cluster`` (id ``cluster``) for its endpoint,
    CA, OIDC issuer and VPC. Nested attributes are read by path: one jsii round trip each
    instead of one per step of ``identity.get(0).oidc.get(0).issuer``, which adds up with
    many stacks (the Terraform expressions are the same). State is local, in
    ``terraform.<stack>.tfstate`` next to the output folder (a relative path, so it
    survives re-synthesis and holds no machine-specific directory).
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
            certificate_authority_data=eks.get_string_attribute("certificate_authority[0].data"),
        )
        self.controller = LoadBalancerController(
            self,
            "controller",
            cluster_name=cluster.cluster_name,
            issuer_url=eks.get_string_attribute("identity[0].oidc[0].issuer"),
            region=cluster.region,
            vpc_id=cluster.vpc_id or eks.get_string_attribute("vpc_config[0].vpc_id"),
            chart_version=cluster.chart_version,
            namespace=cluster.namespace,
            service_account_name=cluster.service_account_name,
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
