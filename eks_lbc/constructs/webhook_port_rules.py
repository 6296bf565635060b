"""Node security group rules that let the EKS control plane reach the controller's admission webhooks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from eks_lbc import validation
from eks_lbc._cdk import Construct, SecurityGroupRule, TerraformIterator, Token
from eks_lbc.constructs._inputs import checked, checked_items, is_token
from eks_lbc.errors import InvalidSetting

# The controller's webhook server port: the chart's containerPort `{{ .Values.webhookBindPort | default 9443 }}`.
DEFAULT_WEBHOOK_PORT = 9443


def webhook_port(values: Mapping[str, object]) -> int:
    """The port the webhook server listens on for chart ``values``: ``webhookBindPort`` if set, else 9443."""
    port = values.get("webhookBindPort")
    if port is None or port == "":
        return DEFAULT_WEBHOOK_PORT
    if is_token(port):
        raise InvalidSetting(
            "webhookBindPort", port, "a concrete port number: it chooses the security group rule's port"
        )
    return validation.port("webhookBindPort", port)


class WebhookPortRules(Construct):
    """One ``aws_security_group_rule`` (id ``webhook``, ``for_each`` over the node security groups).

    Each allows TCP ``port`` from the cluster security group into a node security group. The API
    server calls the controller's admission webhooks (TargetGroupBinding, Ingress, Service...) on
    the pods' port (9443, or the chart's ``webhookBindPort``); EKS's own cluster security group, which
    managed node groups use, already allows all traffic from itself, but node groups with custom
    security groups need this rule, or every webhook call times out (``context deadline exceeded``).
    Rules are keyed by security group id, so removing one group never replaces another's rule.

    ``aws_security_group_rule`` rather than the newer ``aws_vpc_security_group_ingress_rule``: both make
    the same rule, this one also with AWS provider 5.x's read-back through ``DescribeSecurityGroups``
    (the Terraform tier applies it on moto, whose ``DescribeSecurityGroupRules`` drops descriptions).
    It has no tags of its own. Do not also manage the same rule inline in the group's resource.

    :param node_security_group_ids: the node groups' security groups (a list, or a token list).
    :param cluster_security_group_id: the EKS cluster security group (``vpc_config[0].cluster_security_group_id``
        of ``data.aws_eks_cluster``), the control plane's ENIs' group; may be a token.
    :param port: the webhook server port; default 9443.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        node_security_group_ids: Sequence[str],
        cluster_security_group_id: str,
        port: int = DEFAULT_WEBHOOK_PORT,
    ) -> None:
        super().__init__(scope, id)
        groups = checked_items(validation.security_group_id, "node_security_group_ids", node_security_group_ids)
        checked(validation.security_group_id, "cluster_security_group_id", cluster_security_group_id)
        self.port = validation.port("port", port)
        if isinstance(groups, list) and not is_token(cluster_security_group_id) and cluster_security_group_id in groups:
            raise InvalidSetting(
                "node_security_group_ids",
                groups,
                "node security groups other than the cluster security group (which already allows itself)",
            )
        each = TerraformIterator.from_list(groups)
        self.rules = SecurityGroupRule(
            self,
            "webhook",
            for_each=each,
            type="ingress",
            security_group_id=Token.as_string(each.value),
            source_security_group_id=cluster_security_group_id,
            protocol="tcp",
            from_port=self.port,
            to_port=self.port,
            description="AWS Load Balancer Controller webhooks, from the EKS control plane",
        )
