"""An opt-in example: a small echo app exposed through an ALB by the controller."""

from __future__ import annotations

from eks_lbc._cdk import (
    Construct,
    IngressV1,
    IngressV1Metadata,
    IngressV1Spec,
    IngressV1SpecRule,
    IngressV1SpecRuleHttp,
    IngressV1SpecRuleHttpPath,
    IngressV1SpecRuleHttpPathBackend,
    IngressV1SpecRuleHttpPathBackendService,
    IngressV1SpecRuleHttpPathBackendServicePort,
    IngressV1Timeouts,
)
from eks_lbc.constructs.controller_release import ControllerRelease
from eks_lbc.constructs.echo_app import (
    ECHO_IMAGE,
    SERVICE_PORT,
    add_echo_app,
    check_echo_options,
    echo_labels,
)
from eks_lbc.constructs.load_balancer_controller import LoadBalancerController

INGRESS_CLASS = "alb"


class ExampleIngress(Construct):
    """An echo Deployment, its Service and an Ingress with ``ingressClassName: alb``: the controller makes an ALB.

    Creates ``kubernetes_deployment_v1`` (id ``deployment``: 2 non-root, read-only replicas with
    probes and resource requests), ``kubernetes_service_v1`` (id ``service``) and
    ``kubernetes_ingress_v1`` (id ``ingress``, annotated ``alb.ingress.kubernetes.io/scheme`` and
    ``alb.ingress.kubernetes.io/target-type``; the class is ``spec.ingressClassName``, not the
    deprecated ``kubernetes.io/ingress.class`` annotation).

    The Ingress depends on the controller's Helm release, so ``terraform destroy`` deletes the
    Ingress first and waits until it is gone: the controller, still running, deletes the ALB, its
    target groups and security groups and then releases the Ingress's finalizer. Destroyed in the
    other order, those AWS resources would be orphaned. Apply waits until the ALB has a hostname
    (:attr:`hostname`).

    :param controller: the :class:`LoadBalancerController` (or its :class:`ControllerRelease`) that serves the Ingress.
    :param namespace: existing namespace for the three objects; default ``default``.
    :param name: name of the Deployment, Service and Ingress; default ``echo``.
    :param image: echo server image listening on port 5678 (``-listen``/``-text`` arguments); default
        ``hashicorp/http-echo:1.0.0``.
    :param scheme: ``internet-facing`` (default) or ``internal`` ALB.
    :param target_type: ``ip`` (default: the ALB targets pod IPs; needs the VPC CNI) or ``instance``
        (node ports; the Service becomes ``NodePort``).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        controller: LoadBalancerController | ControllerRelease,
        namespace: str = "default",
        name: str = "echo",
        image: str = ECHO_IMAGE,
        scheme: str = "internet-facing",
        target_type: str = "ip",
    ) -> None:
        super().__init__(scope, id)
        check_echo_options(namespace=namespace, name=name, image=image, scheme=scheme, target_type=target_type)
        release = controller.release.release if isinstance(controller, LoadBalancerController) else controller.release
        labels = echo_labels(name)
        echo = add_echo_app(
            self,
            namespace=namespace,
            name=name,
            image=image,
            target_type=target_type,
            text=f"hello from {name} behind an ALB",
        )
        self.deployment = echo.deployment
        self.service = echo.service
        self.ingress = IngressV1(
            self,
            "ingress",
            metadata=IngressV1Metadata(
                name=name,
                namespace=namespace,
                labels=labels,
                annotations={
                    "alb.ingress.kubernetes.io/scheme": scheme,
                    "alb.ingress.kubernetes.io/target-type": target_type,
                    "alb.ingress.kubernetes.io/healthcheck-path": "/",
                },
            ),
            spec=IngressV1Spec(
                ingress_class_name=INGRESS_CLASS,
                rule=[
                    IngressV1SpecRule(
                        http=IngressV1SpecRuleHttp(
                            path=[
                                IngressV1SpecRuleHttpPath(
                                    path="/",
                                    path_type="Prefix",
                                    backend=IngressV1SpecRuleHttpPathBackend(
                                        service=IngressV1SpecRuleHttpPathBackendService(
                                            # A reference: the Ingress is created after, and destroyed
                                            # before, the Service.
                                            name=self.service.metadata.name,
                                            port=IngressV1SpecRuleHttpPathBackendServicePort(number=SERVICE_PORT),
                                        )
                                    ),
                                )
                            ]
                        )
                    )
                ],
            ),
            wait_for_load_balancer=True,
            # Provisioning an ALB takes minutes; so does deleting it before the finalizer is released.
            timeouts=IngressV1Timeouts(create="15m", delete="15m"),
            depends_on=[release],
        )

    @property
    def hostname(self) -> str:
        """DNS name of the ALB, from the Ingress status (known after apply)."""
        return self.ingress.status.get(0).load_balancer.get(0).ingress.get(0).hostname
