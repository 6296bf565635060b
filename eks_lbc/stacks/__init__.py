"""Stacks own providers, backends, data lookups and outputs; they compose constructs."""

from eks_lbc.stacks.chart_registry import RegistryLogin, ecr_registry_login
from eks_lbc.stacks.example_gateway_stack import ExampleGatewayStack
from eks_lbc.stacks.load_balancer_controller_stack import LoadBalancerControllerStack
from eks_lbc.stacks.providers import add_cluster_providers, pin_providers
from eks_lbc.stacks.state_owner import add_state_owner

__all__ = [
    "ExampleGatewayStack",
    "LoadBalancerControllerStack",
    "RegistryLogin",
    "add_cluster_providers",
    "add_state_owner",
    "ecr_registry_login",
    "pin_providers",
]
