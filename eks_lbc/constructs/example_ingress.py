"""An opt-in example: a small echo app exposed through an ALB by the controller."""

from __future__ import annotations

import re

from eks_lbc import _cdk, validation
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
    ServiceV1,
    ServiceV1Metadata,
    ServiceV1Spec,
    ServiceV1SpecPort,
)
from eks_lbc.constructs._inputs import checked, is_token
from eks_lbc.constructs.controller_release import ControllerRelease
from eks_lbc.constructs.load_balancer_controller import LoadBalancerController
from eks_lbc.errors import InvalidSetting

# hashicorp/http-echo: a static Go binary in a scratch image (a few MB), answering every path with 200
# and the -text it is given. Pinned to a release tag; override `image` to pull it from a mirror.
ECHO_IMAGE = "hashicorp/http-echo:1.0.0"
ECHO_PORT = 5678
INGRESS_CLASS = "alb"
SCHEMES = ("internet-facing", "internal")
TARGET_TYPES = ("ip", "instance")
# Unprivileged user and group for the scratch image, which defines none ("nonroot" in distroless).
NON_ROOT_ID = "65532"


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
        checked(validation.namespace, "namespace", namespace)
        checked(validation.namespace, "name", name)  # an RFC 1123 label names all three objects
        # (the characters of an image reference: no `${` or `%{` that Terraform would evaluate)
        if not is_token(image) and not re.fullmatch(r"[A-Za-z0-9._/:@-]+", image):
            raise InvalidSetting("image", image, "a container image reference such as 'hashicorp/http-echo:1.0.0'")
        if scheme not in SCHEMES:
            raise InvalidSetting("scheme", scheme, f"one of {', '.join(SCHEMES)}")
        if target_type not in TARGET_TYPES:
            raise InvalidSetting("target_type", target_type, f"one of {', '.join(TARGET_TYPES)}")
        release = controller.release.release if isinstance(controller, LoadBalancerController) else controller.release
        labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "eks-lbc-example"}
        selector = {"app.kubernetes.io/name": name}

        self.deployment = _cdk.DeploymentV1(
            self,
            "deployment",
            metadata=_cdk.DeploymentV1Metadata(name=name, namespace=namespace, labels=labels),
            spec=_cdk.DeploymentV1Spec(
                replicas="2",
                selector=_cdk.DeploymentV1SpecSelector(match_labels=selector),
                template=_cdk.DeploymentV1SpecTemplate(
                    metadata=_cdk.DeploymentV1SpecTemplateMetadata(labels=labels),
                    spec=_cdk.DeploymentV1SpecTemplateSpec(
                        automount_service_account_token=False,
                        security_context=_cdk.DeploymentV1SpecTemplateSpecSecurityContext(
                            run_as_non_root=True,
                            run_as_user=NON_ROOT_ID,
                            run_as_group=NON_ROOT_ID,
                            seccomp_profile=_cdk.DeploymentV1SpecTemplateSpecSecurityContextSeccompProfile(
                                type="RuntimeDefault"
                            ),
                        ),
                        container=[
                            _cdk.DeploymentV1SpecTemplateSpecContainer(
                                name="echo",
                                image=image,
                                args=[f"-listen=:{ECHO_PORT}", f"-text=hello from {name} behind an ALB"],
                                port=[
                                    _cdk.DeploymentV1SpecTemplateSpecContainerPort(
                                        name="http", container_port=ECHO_PORT, protocol="TCP"
                                    )
                                ],
                                resources=_cdk.DeploymentV1SpecTemplateSpecContainerResources(
                                    requests={"cpu": "10m", "memory": "16Mi"}, limits={"memory": "32Mi"}
                                ),
                                readiness_probe=_cdk.DeploymentV1SpecTemplateSpecContainerReadinessProbe(
                                    http_get=_cdk.DeploymentV1SpecTemplateSpecContainerReadinessProbeHttpGet(
                                        path="/", port="http"
                                    ),
                                    period_seconds=5,
                                ),
                                liveness_probe=_cdk.DeploymentV1SpecTemplateSpecContainerLivenessProbe(
                                    http_get=_cdk.DeploymentV1SpecTemplateSpecContainerLivenessProbeHttpGet(
                                        path="/", port="http"
                                    ),
                                    period_seconds=10,
                                    failure_threshold=3,
                                ),
                                security_context=_cdk.DeploymentV1SpecTemplateSpecContainerSecurityContext(
                                    allow_privilege_escalation=False,
                                    read_only_root_filesystem=True,
                                    capabilities=_cdk.DeploymentV1SpecTemplateSpecContainerSecurityContextCapabilities(
                                        drop=["ALL"]
                                    ),
                                ),
                            )
                        ],
                    ),
                ),
            ),
        )
        self.service = ServiceV1(
            self,
            "service",
            metadata=ServiceV1Metadata(name=name, namespace=namespace, labels=labels),
            spec=ServiceV1Spec(
                type="ClusterIP" if target_type == "ip" else "NodePort",
                selector=selector,
                port=[ServiceV1SpecPort(name="http", port=80, target_port="http", protocol="TCP")],
            ),
        )
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
                                            port=IngressV1SpecRuleHttpPathBackendServicePort(number=80),
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
