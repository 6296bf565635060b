"""The app's stack: one EKS cluster, looked up by name, gets the AWS Load Balancer Controller."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import Any

from eks_lbc import aws_access, chart_repository, naming
from eks_lbc._cdk import (
    Construct,
    DataAwsEksCluster,
    LocalBackend,
    S3Backend,
    S3BackendAssumeRoleConfig,
    TerraformOutput,
    TerraformStack,
    TerraformVariable,
)
from eks_lbc.constructs import ExampleIngress, LoadBalancerController
from eks_lbc.defaults import IDENTITY_IRSA, OIDC_PROVIDER_CREATE, OIDC_PROVIDER_EXISTING
from eks_lbc.gateway_api.example import check_example_gateway
from eks_lbc.settings import ClusterSettings
from eks_lbc.stacks.chart_registry import RegistryLogin, ecr_registry_login
from eks_lbc.stacks.providers import add_cluster_providers
from eks_lbc.stacks.state_owner import add_state_owner


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

    The state records which cluster it belongs to (``terraform_data.state-owner``, see
    :func:`add_state_owner`): a plan of it for another cluster fails. One AWS identity
    (``aws_profile``, ``assume_role_arn``, ``account_id``) is used by the aws provider, the
    kubernetes/helm ``aws eks get-token`` exec and (the profile) the S3 backend.
    With ``cluster.chart_repository`` the chart comes from that mirror: a private ECR registry is logged in to
    by the helm provider with ``data.aws_ecr_authorization_token`` (id ``chart-repository-token``); with
    ``cluster.chart_repository_username`` the password is the sensitive Terraform variable
    ``chart_repository_password`` (``TF_VAR_chart_repository_password``), never a value in the JSON.
    With ``cluster.node_security_group_ids`` the webhook port rules' source is the cluster's own
    security group, ``vpc_config[0].cluster_security_group_id`` of the same data source.

    With ``cluster.example_ingress`` it also deploys :class:`ExampleIngress` (id ``example-ingress``)
    and outputs its ALB's hostname. With ``cluster.example_gateway`` (which needs ``cluster.gateway_api``) it
    adds, next to itself in ``scope``, the :class:`ExampleGatewayStack` that depends on it
    (:attr:`example_gateway_stack`).
    """

    def __init__(self, scope: Construct, id: str, *, cluster: ClusterSettings) -> None:
        check_example_gateway(cluster.example_gateway, cluster.gateway_api)
        super().__init__(scope, id)
        add_backend(self, cluster)
        eks = DataAwsEksCluster(self, "cluster", name=cluster.cluster_name)
        creates_oidc_provider = cluster.identity == IDENTITY_IRSA and cluster.oidc_provider == OIDC_PROVIDER_CREATE
        registries, repository_password = self._chart_repository_access(cluster)
        add_providers_for(self, cluster, eks, tls=creates_oidc_provider, registries=registries)
        add_state_owner(self, eks)
        self.controller = LoadBalancerController(
            self,
            "controller",
            cluster_name=cluster.cluster_name,
            cluster_arn=eks.arn,
            issuer_url=eks.get_string_attribute("identity[0].oidc[0].issuer"),
            region=cluster.region,
            partition=cluster.partition,
            vpc_id=cluster.vpc_id or eks.get_string_attribute("vpc_config[0].vpc_id"),
            iam_name=cluster.iam_base_name,
            existing_oidc_provider=cluster.oidc_provider == OIDC_PROVIDER_EXISTING,
            chart_repository_password=repository_password,
            cluster_security_group_id=(
                eks.get_string_attribute("vpc_config[0].cluster_security_group_id")
                if cluster.node_security_group_ids
                else None
            ),
            # The tags are the aws provider's default_tags (above), which also reach what the controller creates.
            options=replace(cluster.controller_options, tags=MappingProxyType({})),
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
        for feature, feature_policy in self.controller.feature_policies.items():
            TerraformOutput(
                self,
                f"{feature.replace('-', '_')}_policy_arn",
                value=feature_policy.arn,
                description=f"AWS's IAM policy for the controller's {feature.replace('-', ' ')}",
            )
        if self.controller.gateway_api is not None:
            TerraformOutput(
                self,
                "gateway_api_version",
                value=self.controller.gateway_api.version,
                description="Gateway API release whose standard-channel CRDs are installed",
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
        self.example_gateway_stack = None
        if cluster.example_gateway:
            from eks_lbc.stacks.example_gateway_stack import ExampleGatewayStack

            self.example_gateway_stack = ExampleGatewayStack(scope, cluster=cluster, controller_stack=self)

    def _chart_repository_access(self, cluster: ClusterSettings) -> tuple[list[RegistryLogin], str | None]:
        """The helm provider's registry logins and the release's repository password, for a chart mirror."""
        if cluster.chart_repository is None:
            return [], None
        if chart_repository.parse("chartRepository", cluster.chart_repository).private_ecr:
            return [ecr_registry_login(self, "chart-repository-token", cluster.chart_repository)], None
        if cluster.chart_repository_username is None:
            return [], None
        password = TerraformVariable(
            self,
            chart_repository.PASSWORD_VARIABLE,
            type="string",
            sensitive=True,
            nullable=False,
            description=f"password of {cluster.chart_repository_username} at {cluster.chart_repository} "
            f"(set TF_VAR_{chart_repository.PASSWORD_VARIABLE}; never written to the synthesized JSON)",
        )
        return [], password.string_value


def add_providers_for(stack: TerraformStack, cluster: ClusterSettings, eks: DataAwsEksCluster, **extra: Any) -> None:
    """The providers of a stack of ``cluster`` (:func:`add_cluster_providers`), reaching it the same way from every
    stack: its region, endpoint and CA (from ``eks``), the app's default tags and one AWS identity. ``extra``: the
    stack's own choices (``tls``, ``helm``, ``registries``)."""
    add_cluster_providers(
        stack,
        region=cluster.region,
        cluster_name=cluster.cluster_name,
        endpoint=eks.endpoint,
        certificate_authority_data=eks.get_string_attribute("certificate_authority[0].data"),
        default_tags=cluster.tags,
        profile=cluster.aws_profile,
        assume_role_arn=cluster.assume_role_arn,
        account_id=cluster.account_id,
        **extra,
    )


def add_backend(stack: TerraformStack, cluster: ClusterSettings, *, stack_name: str | None = None) -> None:
    """Local state next to ``cdktf.out/`` by default; S3 when ``cluster.state_bucket`` is set.

    ``stack_name`` (default ``cluster.stack_name``) names the local state file and the S3 key, for the other
    stacks of a cluster (the example Gateway's).
    The S3 state object is ``<state_key_prefix>/<stack>.tfstate``, encrypted at rest
    (``encrypt``; with ``state_kms_key_id`` by that KMS key), locked with S3's own lock file
    (``use_lockfile``, Terraform >= 1.10) unless ``state_lockfile`` is false. The backend reads the
    bucket with ``aws_profile`` (as the aws provider does) and, if set, ``state_assume_role_arn``.
    """
    local_state_file = cluster.local_state_file if stack_name is None else naming.local_state_file(stack_name)
    if cluster.state_bucket is None:
        LocalBackend(stack, path=f"../../../{local_state_file}")
        return
    S3Backend(
        stack,
        bucket=cluster.state_bucket,
        key=cluster.state_key if stack_name is None else f"{cluster.state_key_prefix}/{stack_name}.tfstate",
        region=cluster.state_region,
        encrypt=True,
        kms_key_id=cluster.state_kms_key_id,
        profile=cluster.aws_profile,
        assume_role=(
            S3BackendAssumeRoleConfig(role_arn=cluster.state_assume_role_arn, session_name=aws_access.SESSION_NAME)
            if cluster.state_assume_role_arn
            else None
        ),
    )
    if cluster.state_lockfile:
        # cdktf 0.21's S3Backend predates Terraform 1.10's native S3 locking; the override adds it.
        stack.add_override("terraform.backend.s3.use_lockfile", True)
