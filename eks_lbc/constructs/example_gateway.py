"""An opt-in example: the echo app exposed through an ALB Gateway (Gateway API) by the controller."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eks_lbc import _cdk
from eks_lbc._cdk import Construct
from eks_lbc.constructs.echo_app import ECHO_IMAGE, SERVICE_PORT, add_echo_app, check_echo_options, echo_labels
from eks_lbc.gateway_api import example

# Provisioning an ALB takes minutes; so does deleting it before the Gateway's finalizer is released.
TIMEOUT = "15m"


class ExampleGateway(Construct):
    """The echo app behind an ALB made by the controller for a Gateway of class ``alb`` and an HTTPRoute.

    Creates, in ``namespace``, the echo app of :class:`ExampleIngress` (``kubernetes_deployment_v1`` id
    ``deployment``, ``kubernetes_service_v1`` id ``service``) and four ``kubernetes_manifest`` objects:
    ``load-balancer-configuration`` (LoadBalancerConfiguration: the ALB's ``scheme``),
    ``target-group-configuration`` (TargetGroupConfiguration for the Service: ``target_type``), ``gateway``
    (Gateway of class ``alb``, one HTTP listener on port 80) and ``http-route`` (HTTPRoute: every path to the
    Service); and the data source ``gateway-status`` (``kubernetes_resource``) that reads the Gateway back.

    Apply waits until the controller has written the ALB's DNS name to the Gateway's ``status.addresses``
    (the Gateway's ``wait`` block), then reads it (:attr:`hostname`). ``destroy`` deletes the HTTPRoute,
    then the Gateway and waits until it is gone: the controller deletes the ALB, its listeners, target groups
    and security groups, then releases the Gateway's finalizer.

    **Where it can go**: ``kubernetes_manifest`` needs its kinds' CRDs when Terraform *plans*, so this
    construct must be in a stack (a Terraform state) applied after the one that installs the Gateway API CRDs,
    the controller's CRDs, the GatewayClass ``alb`` (:class:`GatewayApi`) and the controller — never in the same
    stack. The app does that with a stack of its own per cluster (``exampleGateway``, see
    :class:`eks_lbc.stacks.ExampleGatewayStack`); that stack's ``destroy`` must run before the controller's.

    :param namespace: existing namespace for every object; default ``default``.
    :param name: name of every object; default ``echo``.
    :param image: echo server image listening on port 5678; default ``hashicorp/http-echo:1.0.0``.
    :param scheme: ``internet-facing`` (default) or ``internal`` ALB.
    :param target_type: ``ip`` (default: the ALB targets pod IPs; needs the VPC CNI) or ``instance``
        (node ports; the Service becomes ``NodePort``).
    :param depends_on: resources of the same stack to create first (and destroy after).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        namespace: str = "default",
        name: str = "echo",
        image: str = ECHO_IMAGE,
        scheme: str = "internet-facing",
        target_type: str = "ip",
        depends_on: Sequence[Any] = (),
    ) -> None:
        super().__init__(scope, id)
        check_echo_options(namespace=namespace, name=name, image=image, scheme=scheme, target_type=target_type)
        labels = echo_labels(name)
        first = list(depends_on) or None
        echo = add_echo_app(
            self,
            namespace=namespace,
            name=name,
            image=image,
            target_type=target_type,
            text=f"hello from {name} behind an ALB gateway",
        )
        self.deployment = echo.deployment
        self.service = echo.service
        timeouts = _cdk.ManifestTimeouts(create=TIMEOUT, update=TIMEOUT, delete=TIMEOUT)
        self.load_balancer_configuration = _cdk.Manifest(
            self,
            "load-balancer-configuration",
            manifest=example.load_balancer_configuration(name=name, namespace=namespace, scheme=scheme, labels=labels),
            depends_on=first,
        )
        self.target_group_configuration = _cdk.Manifest(
            self,
            "target-group-configuration",
            manifest=example.target_group_configuration(
                name=name, namespace=namespace, service=name, target_type=target_type, labels=labels
            ),
            # Before the route, so the controller makes the target group of this type from the start.
            depends_on=[self.service, *(first or [])],
        )
        self.gateway = _cdk.Manifest(
            self,
            "gateway",
            manifest=example.gateway(name=name, namespace=namespace, load_balancer_configuration=name, labels=labels),
            wait=_cdk.ManifestWait(fields={example.HOSTNAME_FIELD: "^.+$"}),
            timeouts=timeouts,
            depends_on=[self.load_balancer_configuration],
        )
        self.http_route = _cdk.Manifest(
            self,
            "http-route",
            manifest=example.http_route(
                name=name,
                namespace=namespace,
                gateway=name,
                service=name,
                service_port=SERVICE_PORT,
                labels=labels,
            ),
            timeouts=timeouts,
            # Destroyed first: the route goes while its Gateway, Service and target group settings still exist.
            depends_on=[self.gateway, self.service, self.target_group_configuration],
        )
        # kubernetes_manifest keeps no status in its state; this read does. depends_on defers it to apply
        # whenever the Gateway or the route changes, so it runs after the Gateway's wait.
        self.status = _cdk.DataKubernetesResource(
            self,
            "gateway-status",
            api_version=example.GATEWAY_API_VERSION,
            kind="Gateway",
            metadata=_cdk.DataKubernetesResourceMetadata(name=name, namespace=namespace),
            depends_on=[self.gateway, self.http_route],
        )

    @property
    def hostname(self) -> str:
        """DNS name of the ALB, from the Gateway's ``status.addresses[0].value`` (known after apply)."""
        return f"${{{self.status.fqn}.object.status.addresses[0].value}}"
