"""An optional IAM policy AWS publishes for one controller feature (ACM certificates, Global Accelerator)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from eks_lbc._cdk import Construct, IamPolicy
from eks_lbc.constructs._inputs import checked_tags, is_token
from eks_lbc.constructs.controller_policy import VERSION_TAG, check_policy_inputs
from eks_lbc.errors import InvalidSetting
from eks_lbc.features import FEATURE_TABLE, FEATURES, check_feature, feature_policy_file, feature_policy_json
from eks_lbc.versions import chart_release, default_chart_version


class FeaturePolicy(Construct):
    """``aws_iam_policy`` (id ``policy``) holding AWS's policy for one optional controller feature.

    ``certificate-management``: ``iam_policy_acm_certs.json`` (controller v3.3.0 and later);
    ``global-accelerator``: ``aga_controller_iam_policy.json`` (v2.17.0 and later; commercial partition
    only). The file is the one published at the chart's controller tag, vendored unchanged
    (``eks_lbc/policies/feature_policies.json``) and embedded in the synthesized JSON. As for
    :class:`ControllerPolicy`, the description is constant and the release is the tag
    ``eks-lbc/controller-version``, so a chart upgrade updates the policy in place (IAM cannot change a
    description: a changing one would replace the policy and detach it meanwhile).

    :param feature: ``certificate-management`` or ``global-accelerator``.
    :param name: IAM policy name (at most 128 characters).
    :param chart_version: chart whose controller the policy is for; default the newest supported.
    :param partition: the cluster's partition when known (Global Accelerator is refused outside ``aws``);
        default unknown (a token or None: not checked).
    :param path: IAM path of the policy; default ``/``.
    :param tags: tags of the policy (at most 49: ``eks-lbc/controller-version`` is added); default none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        feature: str,
        name: str,
        chart_version: str | None = None,
        partition: str | None = None,
        path: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(scope, id)
        if feature not in FEATURES:
            raise InvalidSetting("feature", feature, f"one of {', '.join(FEATURES)}")
        check_policy_inputs(name, path, tags)
        self.feature = feature
        self.chart_version = chart_version or default_chart_version()
        self.controller_version = chart_release(self.chart_version).controller
        spec = FEATURE_TABLE[feature]
        check_feature(
            spec.option, self.chart_version, feature, None if partition is None or is_token(partition) else partition
        )
        file = str(feature_policy_file(self.controller_version, feature)).rsplit("/", 1)[-1]
        self.policy = IamPolicy(
            self,
            "policy",
            name=name,
            description=(
                f"AWS Load Balancer Controller {spec.title}: AWS's published {file} (release in tag {VERSION_TAG})"
            ),
            policy=feature_policy_json(self.controller_version, feature),
            path=path,
            tags={**(checked_tags("tags", tags) or {}), VERSION_TAG: self.controller_version},
        )

    @property
    def document(self) -> dict[str, Any]:
        """The policy document (a fresh dict)."""
        return json.loads(feature_policy_json(self.controller_version, self.feature))

    @cached_property
    def arn(self) -> str:
        """ARN of the IAM policy."""
        return self.policy.arn
