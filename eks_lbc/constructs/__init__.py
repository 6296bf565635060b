"""Reusable constructs, one concern each. Providers belong to stacks, never to these."""

from eks_lbc.constructs.controller_policy import ControllerPolicy
from eks_lbc.constructs.controller_release import ControllerRelease
from eks_lbc.constructs.crd_release import ControllerCrds, CrdRelease
from eks_lbc.constructs.example_gateway import ExampleGateway
from eks_lbc.constructs.example_ingress import ExampleIngress
from eks_lbc.constructs.feature_policy import FeaturePolicy
from eks_lbc.constructs.gateway_api import GatewayApi
from eks_lbc.constructs.irsa_role import IrsaRole
from eks_lbc.constructs.load_balancer_controller import LoadBalancerController
from eks_lbc.constructs.oidc_provider import ExistingOidcProvider, ImportedOidcProvider, OidcProvider, OidcProviderRef
from eks_lbc.constructs.pod_identity_role import PodIdentityRole
from eks_lbc.constructs.service_account import ServiceAccount
from eks_lbc.constructs.subnet_tags import SubnetDiscoveryTags
from eks_lbc.constructs.webhook_port_rules import WebhookPortRules

__all__ = [
    "ControllerCrds",
    "ControllerPolicy",
    "ControllerRelease",
    "CrdRelease",
    "ExampleGateway",
    "ExampleIngress",
    "ExistingOidcProvider",
    "FeaturePolicy",
    "GatewayApi",
    "ImportedOidcProvider",
    "IrsaRole",
    "LoadBalancerController",
    "OidcProvider",
    "OidcProviderRef",
    "PodIdentityRole",
    "ServiceAccount",
    "SubnetDiscoveryTags",
    "WebhookPortRules",
]
