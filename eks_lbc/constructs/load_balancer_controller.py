"""The AWS Load Balancer Controller with its IAM identity: the construct library's entry point."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_lbc._cdk import Construct
from eks_lbc.chart_values import check_extra_values
from eks_lbc.constructs.controller_policy import ControllerPolicy
from eks_lbc.constructs.controller_release import ControllerRelease
from eks_lbc.constructs.irsa_role import IrsaRole
from eks_lbc.constructs.oidc_provider import OidcProvider
from eks_lbc.constructs.service_account import ServiceAccount
from eks_lbc.defaults import (
    DEFAULT_NAMESPACE,
    DEFAULT_REPLICAS,
    DEFAULT_SERVICE_ACCOUNT,
    DEFAULT_SERVICE_MUTATOR_WEBHOOK,
    DEFAULT_ZONE_SPREAD,
    default_iam_name,
)


class LoadBalancerController(Construct):
    """Everything the AWS Load Balancer Controller needs on one EKS cluster.

    Composes, with these construct ids (they become Terraform addresses; keep them stable):
    ``oidc-provider`` (:class:`OidcProvider`), ``iam-policy`` (:class:`ControllerPolicy`),
    ``irsa-role`` (:class:`IrsaRole`, with the policy attached as ``controller-policy``),
    ``service-account`` (:class:`ServiceAccount`) and ``helm-release``
    (:class:`ControllerRelease`, ordered after the service account and the attachment).

    The scope must provide aws, tls, kubernetes and helm providers. Every string may be a token.

    :param cluster_name: EKS cluster name.
    :param issuer_url: the cluster's OIDC issuer URL.
    :param region: the cluster's region.
    :param vpc_id: the cluster's VPC id.
    :param chart_version: chart version; default the newest supported (see ``eks_lbc.versions``).
    :param namespace: namespace of the service account and release; default ``kube-system``.
    :param service_account_name: default ``aws-load-balancer-controller``.
    :param iam_name: name of the IAM role and policy; default ``<cluster_name>-aws-lbc``.
    :param image_repository: controller image repository for clusters without public ECR access, or
        ``"regional"`` for the region's EKS image registry; default the chart's public ECR image.
    :param image_tag: controller image tag; default the chart's appVersion.
    :param replicas: controller pods; default 2.
    :param pod_disruption_budget: PodDisruptionBudget ``maxUnavailable: 1``; default True.
    :param zone_spread: ``"preferred"`` (default), ``"required"`` or ``"off"``: topology spread across zones.
    :param enable_service_mutator_webhook: the chart's Service mutating webhook; default False
        (see :class:`ControllerRelease` for why).
    :param helm_values: extra chart values, deep-merged over the construct's own; checked against the
        pinned chart's keys, and keys the construct sets itself are refused.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster_name: str,
        issuer_url: str,
        region: str,
        vpc_id: str,
        chart_version: str | None = None,
        namespace: str = DEFAULT_NAMESPACE,
        service_account_name: str = DEFAULT_SERVICE_ACCOUNT,
        iam_name: str | None = None,
        image_repository: str | None = None,
        image_tag: str | None = None,
        replicas: int = DEFAULT_REPLICAS,
        pod_disruption_budget: bool = True,
        zone_spread: str = DEFAULT_ZONE_SPREAD,
        enable_service_mutator_webhook: bool = DEFAULT_SERVICE_MUTATOR_WEBHOOK,
        helm_values: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(scope, id)
        name = iam_name or default_iam_name(cluster_name)
        self.oidc_provider = OidcProvider(self, "oidc-provider", issuer_url=issuer_url)
        self.policy = ControllerPolicy(self, "iam-policy", name=name, chart_version=chart_version)
        # Checked here too so an error names this construct's property.
        helm_values = check_extra_values("helm_values", helm_values or {}, self.policy.chart_version)
        self.role = IrsaRole(
            self,
            "irsa-role",
            oidc_provider_arn=self.oidc_provider.arn,
            issuer_url=issuer_url,
            namespace=namespace,
            service_account_name=service_account_name,
            name=name,
        )
        attachment = self.role.attach_policy("controller-policy", self.policy.arn)
        self.service_account = ServiceAccount(
            self,
            "service-account",
            name=service_account_name,
            namespace=namespace,
            role_arn=self.role.arn,
        )
        self.release = ControllerRelease(
            self,
            "helm-release",
            cluster_name=cluster_name,
            region=region,
            vpc_id=vpc_id,
            service_account_name=self.service_account.name,
            namespace=namespace,
            chart_version=self.policy.chart_version,
            image_repository=image_repository,
            image_tag=image_tag,
            replicas=replicas,
            pod_disruption_budget=pod_disruption_budget,
            zone_spread=zone_spread,
            enable_service_mutator_webhook=enable_service_mutator_webhook,
            values=helm_values,
            depends_on=[self.service_account.resource, attachment],
        )

    @property
    def role_arn(self) -> str:
        return self.role.arn

    @property
    def policy_arn(self) -> str:
        return self.policy.arn

    @property
    def oidc_provider_arn(self) -> str:
        return self.oidc_provider.arn

    @property
    def chart_version(self) -> str:
        return self.release.chart_version

    @property
    def controller_version(self) -> str:
        return self.release.controller_version

    @property
    def image(self) -> str:
        """The controller image, ``<repository>:<tag>``."""
        return self.release.image
