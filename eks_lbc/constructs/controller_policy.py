"""The controller's IAM policy, as AWS publishes it for the controller release."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from eks_lbc import validation
from eks_lbc._cdk import Construct, IamPolicy
from eks_lbc.constructs._inputs import checked
from eks_lbc.policies import policy_document, policy_json
from eks_lbc.versions import chart_release, default_chart_version


class ControllerPolicy(Construct):
    """``aws_iam_policy`` (id ``policy``) holding AWS's ``iam_policy.json`` for a controller release.

    The document is embedded in the synthesized JSON (no ``file()`` path), so the
    stack folder is self-contained.

    :param name: IAM policy name (at most 128 characters).
    :param chart_version: chart whose controller release the policy is for; default the newest supported.
    :param partition: ``aws`` (default), ``aws-cn`` or ``aws-us-gov``; selects AWS's partition variant.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        chart_version: str | None = None,
        partition: str = "aws",
    ) -> None:
        super().__init__(scope, id)
        checked(lambda f, v: validation.iam_name(f, v, 128), "policy name", name)
        self.chart_version = chart_version or default_chart_version()
        self.controller_version = chart_release(self.chart_version).controller
        self.partition = partition
        self.policy = IamPolicy(
            self,
            "policy",
            name=name,
            description=f"AWS Load Balancer Controller {self.controller_version} (AWS published iam_policy.json)",
            policy=policy_json(self.chart_version, partition),
        )

    @property
    def document(self) -> dict[str, Any]:
        """The policy document (a fresh dict: changing it changes nothing in the stack)."""
        return policy_document(self.chart_version, self.partition)

    @cached_property
    def arn(self) -> str:
        """ARN of the IAM policy."""
        return self.policy.arn
