"""Kubernetes service account bound to an IAM role."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from eks_lbc import validation
from eks_lbc._cdk import Construct, ServiceAccountV1, ServiceAccountV1Metadata
from eks_lbc.constructs._inputs import checked, literal

ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"


AUDIENCE_ANNOTATION = "eks.amazonaws.com/audience"


class ServiceAccount(Construct):
    """``kubernetes_service_account_v1`` (id ``service-account``), annotated with an IAM role for IRSA.

    :param name: service-account name.
    :param namespace: its namespace (must exist).
    :param role_arn: IAM role ARN for the ``eks.amazonaws.com/role-arn`` annotation (IRSA); None for
        EKS Pod Identity, which binds the role with an association instead of an annotation.
    :param labels: extra labels; ``app.kubernetes.io/name`` defaults to ``name``.
    :param annotations: extra annotations, e.g. ``eks.amazonaws.com/audience`` for a token audience
        other than ``sts.amazonaws.com``; default none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        namespace: str,
        role_arn: str | None,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(scope, id)
        checked(validation.namespace, "namespace", namespace)
        checked(validation.service_account_name, "service_account_name", name)
        self.resource = ServiceAccountV1(
            self,
            "service-account",
            metadata=ServiceAccountV1Metadata(
                name=name,
                namespace=namespace,
                labels={"app.kubernetes.io/name": name, **{literal(k): literal(v) for k, v in (labels or {}).items()}},
                annotations={
                    **({ROLE_ARN_ANNOTATION: role_arn} if role_arn else {}),
                    **{literal(k): literal(v) for k, v in (annotations or {}).items()},
                }
                or None,
            ),
        )

    @cached_property
    def name(self) -> str:
        """The service account's name, read from the resource so users depend on its creation."""
        return self.resource.get_string_attribute("metadata[0].name")  # = metadata.name, one round trip

    @cached_property
    def namespace(self) -> str:
        """The service account's namespace, read from the resource."""
        return self.resource.get_string_attribute("metadata[0].namespace")
