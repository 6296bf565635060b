"""Every preflight check, in report order: one function per check taking a :class:`ClusterContext`.

A check returns one :class:`~eks_lbc.preflight.model.Result`; it raises
:class:`~eks_lbc.preflight.aws.Unavailable` when an API it needs is denied or not available (the
runner reports ``unknown`` with that reason). Check ids are part of the ``--json`` contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from eks_lbc.preflight.checks import cluster, iam, nodes, pod_identity, state, subnets
from eks_lbc.preflight.context import ClusterContext
from eks_lbc.preflight.model import Result


@dataclass(frozen=True)
class Check:
    id: str
    summary: str
    run: Callable[[ClusterContext], Result]


CHECKS: tuple[Check, ...] = (
    Check("cluster", "the cluster exists in its region, ACTIVE, in the configured VPC", cluster.cluster_exists),
    Check(
        "kubernetes-version", "the pinned chart's controller supports the cluster's version", cluster.kubernetes_version
    ),
    Check(
        "oidc-provider",
        "IRSA: the IAM OIDC provider matches oidcProvider; its client IDs hold stsAudience",
        iam.oidc_provider,
    ),
    Check("iam-names", "the IAM role and policy names eks-lbc creates are free (or this stack's)", iam.iam_names),
    Check("subnets-internet-facing", "an internet-facing ALB finds subnets in 2+ zones", subnets.internet_facing),
    Check("subnets-internal", "an internal ALB finds subnets in 2+ zones", subnets.internal),
    Check("subnet-ids", "publicSubnetIds/privateSubnetIds exist in the cluster's VPC", subnets.configured_subnets),
    Check(
        "webhook-port", "node security groups admit the webhook port from the control plane", nodes.webhook_reachable
    ),
    Check(
        "node-security-groups", "one security group per node ENI carries the cluster tag", nodes.node_security_groups
    ),
    Check(
        "pod-identity-agent",
        "Pod Identity: the eks-pod-identity-agent add-on is ACTIVE",
        pod_identity.pod_identity_agent,
    ),
    Check("permissions-boundary", "the permissions boundary policy exists", iam.permissions_boundary),
    Check("state-bucket", "the S3 state bucket exists in stateRegion, versioned", state.state_bucket),
    Check("state-kms-key", "the state's KMS key or alias exists and is enabled", state.state_kms_key),
    Check("imds-hop-limit", "nodes' IMDSv2 hop limit (warn only)", nodes.imds_hop_limit),
)
