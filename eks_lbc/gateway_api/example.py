"""The example Gateway's objects as data (no cdktf import): what ``exampleGateway`` asks the controller for.

Shapes from the controller's v3.5.0 gateway guides (shared/upstream docs/v3.5.0/gateway/): a Gateway of the
GatewayClass ``alb`` (controller ``gateway.k8s.aws/alb``) becomes an ALB; its load balancer is ``internal``
unless a LoadBalancerConfiguration (``gateway.k8s.aws/v1``, attached with ``spec.infrastructure.parametersRef``)
says ``scheme: internet-facing`` (loadbalancerconfig.md: "Default internal"); a Service's target group is of type
``instance`` unless a TargetGroupConfiguration (``spec.targetReference.name``: the Service) says ``ip``
(targetgroupconfig.md, "Controller defaults"). The controller writes the ALB's DNS name to the Gateway's
``status.addresses`` (``type: Hostname``) once the ALB is active (l7gateway.md, listenersets.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eks_lbc import naming
from eks_lbc.errors import InvalidSetting

GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1"
LBC_API_VERSION = "gateway.k8s.aws/v1"
GATEWAY_CLASS = "alb"
LISTENER = "http"
LISTENER_PORT = 80
# The field kubernetes_manifest's waiter polls and the status read returns: the ALB's DNS name.
HOSTNAME_FIELD = "status.addresses[0].value"
STACK_SUFFIX = "-example-gateway"


def load_balancer_configuration(*, name: str, namespace: str, scheme: str, labels: dict[str, str]) -> dict[str, Any]:
    """LoadBalancerConfiguration ``name``: the ALB's ``scheme`` (the controller's default is ``internal``)."""
    return {
        "apiVersion": LBC_API_VERSION,
        "kind": "LoadBalancerConfiguration",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {"scheme": scheme},
    }


def target_group_configuration(
    *, name: str, namespace: str, service: str, target_type: str, labels: dict[str, str]
) -> dict[str, Any]:
    """TargetGroupConfiguration ``name`` for Service ``service``: ``target_type`` (the controller's default is
    ``instance``)."""
    return {
        "apiVersion": LBC_API_VERSION,
        "kind": "TargetGroupConfiguration",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {"targetReference": {"name": service}, "defaultConfiguration": {"targetType": target_type}},
    }


def gateway(*, name: str, namespace: str, load_balancer_configuration: str, labels: dict[str, str]) -> dict[str, Any]:
    """Gateway ``name`` of class ``alb`` with one HTTP listener on port 80 for routes of its own namespace."""
    return {
        "apiVersion": GATEWAY_API_VERSION,
        "kind": "Gateway",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {
            "gatewayClassName": GATEWAY_CLASS,
            "infrastructure": {
                "parametersRef": {
                    "group": "gateway.k8s.aws",
                    "kind": "LoadBalancerConfiguration",
                    "name": load_balancer_configuration,
                }
            },
            "listeners": [
                {
                    "name": LISTENER,
                    "protocol": "HTTP",
                    "port": LISTENER_PORT,
                    "allowedRoutes": {"namespaces": {"from": "Same"}},
                }
            ],
        },
    }


def http_route(
    *, name: str, namespace: str, gateway: str, service: str, service_port: int, labels: dict[str, str]
) -> dict[str, Any]:
    """HTTPRoute ``name``: every path (prefix ``/``) of the Gateway's ``http`` listener to ``service``."""
    return {
        "apiVersion": GATEWAY_API_VERSION,
        "kind": "HTTPRoute",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {
            "parentRefs": [
                {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": gateway, "sectionName": LISTENER}
            ],
            "rules": [
                {
                    "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                    "backendRefs": [{"name": service, "port": service_port}],
                }
            ],
        },
    }


def example_gateway_stack_name(stack: str) -> str:
    """The example Gateway's stack: ``<stack>-example-gateway`` (its folder, local state file and S3 key follow)."""
    return stack + STACK_SUFFIX


def check_example_gateway(example_gateway: bool, gateway_api: bool, field: str = "exampleGateway") -> None:
    """``exampleGateway`` needs ``gatewayApi``: the Gateway is of its class ``alb``, its kinds are its CRDs."""
    if example_gateway and not gateway_api:
        raise InvalidSetting(
            field,
            True,
            "false unless gatewayApi is true (the example's Gateway and HTTPRoute need the Gateway API CRDs and "
            "the GatewayClass alb that gatewayApi installs)",
        )


def check_unique_stacks(stack_names: list[str], example_stacks: list[str]) -> None:
    """No example Gateway stack shares a name (folder, state) with another stack, ignoring case.

    Only a cluster with ``legacyNames`` can make one: ``eks-lbc-<cluster>`` for a cluster named like
    ``prod-eu-west-1-example-gateway``; region-qualified stack names end with a digit.
    """
    seen = {name.casefold() for name in stack_names}
    for name in example_stacks:
        if name.casefold() in seen:
            raise InvalidSetting(
                "exampleGateway", True, f"false, or another cluster name: its stack {name!r} is another cluster's"
            )
        seen.add(name.casefold())


def check_example_state(project_dir: Path, clusters: Sequence[Any]) -> None:
    """Refuse to drop the example Gateway's stack while its local state still holds resources.

    With ``exampleGateway`` off the stack is no longer synthesized, so nothing would ever destroy what it made
    (a Gateway, and the ALB the controller keeps for it). ``clusters``: ClusterSettings. S3 state is not read
    here (synth is offline): the docs say to destroy the stack first.
    """
    for cluster in clusters:
        if cluster.example_gateway or cluster.state_bucket is not None:
            continue
        stack = example_gateway_stack_name(cluster.stack_name)
        state = project_dir / naming.local_state_file(stack)
        if _holds_resources(state):
            raise InvalidSetting(
                "exampleGateway",
                False,
                f"true until its stack is destroyed: {state.name} still holds the example Gateway of cluster "
                f"{cluster.cluster_name}; run `cdktf destroy {stack}` (or `terraform -chdir=cdktf.out/stacks/{stack} "
                "destroy`) first",
            )


def _holds_resources(state: Path) -> bool:
    try:
        document = json.loads(state.read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return False
    resources = document.get("resources") if isinstance(document, dict) else None
    return any(r.get("mode") == "managed" and r.get("instances") for r in resources or [] if isinstance(r, dict))
