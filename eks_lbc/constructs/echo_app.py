"""The echo app the examples expose: a Deployment of hashicorp/http-echo and its Service."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from eks_lbc import _cdk, validation
from eks_lbc._cdk import Construct, ServiceV1, ServiceV1Metadata, ServiceV1Spec, ServiceV1SpecPort
from eks_lbc.constructs._inputs import checked, is_token
from eks_lbc.errors import InvalidSetting

# hashicorp/http-echo: a static Go binary in a scratch image (a few MB), answering every path with 200
# and the -text it is given. Pinned to a release tag; override `image` to pull it from a mirror.
ECHO_IMAGE = "hashicorp/http-echo:1.0.0"
ECHO_PORT = 5678
SERVICE_PORT = 80
SCHEMES = ("internet-facing", "internal")
TARGET_TYPES = ("ip", "instance")
# Unprivileged user and group for the scratch image, which defines none ("nonroot" in distroless).
NON_ROOT_ID = "65532"


@dataclass(frozen=True)
class EchoApp:
    """The two resources :func:`add_echo_app` made."""

    deployment: Any  # kubernetes_deployment_v1
    service: ServiceV1


def check_echo_options(*, namespace: str, name: str, image: str, scheme: str, target_type: str) -> None:
    """The examples' shared options: InvalidSetting naming the option for a bad one."""
    checked(validation.namespace, "namespace", namespace)
    checked(validation.namespace, "name", name)  # an RFC 1123 label names every object
    # (the characters of an image reference: no `${` or `%{` that Terraform would evaluate)
    if not is_token(image) and not re.fullmatch(r"[A-Za-z0-9._/:@-]+", image):
        raise InvalidSetting("image", image, "a container image reference such as 'hashicorp/http-echo:1.0.0'")
    if scheme not in SCHEMES:
        raise InvalidSetting("scheme", scheme, f"one of {', '.join(SCHEMES)}")
    if target_type not in TARGET_TYPES:
        raise InvalidSetting("target_type", target_type, f"one of {', '.join(TARGET_TYPES)}")


def echo_labels(name: str) -> dict[str, str]:
    """Labels of every example object."""
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "eks-lbc-example"}


def add_echo_app(scope: Construct, *, namespace: str, name: str, image: str, target_type: str, text: str) -> EchoApp:
    """``kubernetes_deployment_v1`` (id ``deployment``) and ``kubernetes_service_v1`` (id ``service``) in ``scope``.

    Made directly in ``scope`` (no construct of their own), so their Terraform addresses are those of the
    example that calls it. The Deployment: 2 non-root, read-only replicas with probes and resource
    requests, answering ``text`` on every path. The Service: port 80 to the pods' port ``http``,
    ``ClusterIP`` for ``target_type`` ``ip`` and ``NodePort`` for ``instance`` (the load balancer then
    targets the nodes' port). Options are checked by :func:`check_echo_options`.
    """
    labels = echo_labels(name)
    selector = {"app.kubernetes.io/name": name}
    deployment = _cdk.DeploymentV1(
        scope,
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
                            args=[f"-listen=:{ECHO_PORT}", f"-text={text}"],
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
    service = ServiceV1(
        scope,
        "service",
        metadata=ServiceV1Metadata(name=name, namespace=namespace, labels=labels),
        spec=ServiceV1Spec(
            type="ClusterIP" if target_type == "ip" else "NodePort",
            selector=selector,
            port=[ServiceV1SpecPort(name="http", port=SERVICE_PORT, target_port="http", protocol="TCP")],
        ),
    )
    return EchoApp(deployment=deployment, service=service)
