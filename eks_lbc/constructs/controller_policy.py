"""The controller's IAM policy, as AWS publishes it for the controller release."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from eks_lbc import validation
from eks_lbc._cdk import Construct, Fn, IamPolicy, TerraformLocal
from eks_lbc.constructs._inputs import checked, checked_tags, is_token
from eks_lbc.errors import InvalidSetting
from eks_lbc.features import (
    POLICY_FULL,
    POLICY_TARGET_GROUP_BINDING_ONLY,
    check_policy_mode,
    target_group_binding_only_json,
)
from eks_lbc.partitions import AWS, SUPPORTED_PARTITIONS, check_partition
from eks_lbc.policies import policy_document, policy_json
from eks_lbc.versions import chart_release, default_chart_version

# Constant, so that a chart upgrade updates the policy in place: IAM cannot change a policy's description,
# so Terraform replaces the policy (and detaches it from the role meanwhile) whenever the description changes.
DESCRIPTION = (
    "AWS Load Balancer Controller: AWS's published iam_policy.json (release in tag eks-lbc/controller-version)"
)
# policy: target-group-binding-only. Switching modes keeps the policy (description changes are ignored, see below):
# the description is the one of the mode it was created in; the document is always the current mode's.
TARGET_GROUP_BINDING_ONLY_DESCRIPTION = (
    "AWS Load Balancer Controller: AWS's TargetGroupBinding-only policy (installation guide, special IAM cases)"
)
# The controller release whose published policy this is (a tag: IAM updates tags in place).
VERSION_TAG = "eks-lbc/controller-version"


def check_policy_inputs(name: str, path: str | None, tags: Mapping[str, str] | None) -> None:
    """The checks every eks-lbc IAM policy's inputs get: an IAM policy name, an IAM path, room for the version tag."""
    checked(lambda f, v: validation.iam_name(f, v, 128), "policy name", name)
    if tags and (len(tags) >= validation.TAGS_MAX or VERSION_TAG in tags):
        raise InvalidSetting(
            "tags", dict(tags), f"at most {validation.TAGS_MAX - 1} tags, without {VERSION_TAG} (eks-lbc sets it)"
        )
    if path is not None:
        checked(validation.iam_path, "path", path)


class ControllerPolicy(Construct):
    """``aws_iam_policy`` (id ``policy``) holding AWS's ``iam_policy.json`` for a controller release.

    The document is embedded in the synthesized JSON (no ``file()`` path), so the
    stack folder is self-contained. AWS publishes one variant per partition, whose ARNs
    are of that partition (``arn:aws-cn:...``): ``partition`` selects it. When the partition
    is a token (e.g. ``data.aws_partition``), all variants are embedded in a local (id
    ``documents``) and Terraform picks the partition's at plan time.

    A chart upgrade updates the policy in place (a new default policy version, same ARN): the
    description is constant and the controller release is the tag ``eks-lbc/controller-version``.
    Policies made by an earlier eks-lbc named the release in their description; Terraform ignores
    description changes (``lifecycle.ignore_changes``), so they are never replaced for it.

    With ``mode="target-group-binding-only"`` the document is instead AWS's minimal policy for
    TargetGroupBinding only (installation guide, "Special IAM cases"; no ARNs, the same in every
    partition); the resource keeps its address, so switching the mode is an in-place update.

    :param name: IAM policy name (at most 128 characters).
    :param chart_version: chart whose controller release the policy is for; default the newest supported.
    :param partition: ``aws`` (default), ``aws-cn`` or ``aws-us-gov``, or a token resolving to one.
    :param path: IAM path of the policy; default ``/``.
    :param tags: tags of the policy (at most 49: ``eks-lbc/controller-version`` is added); default none.
    :param mode: ``full`` (default: ``iam_policy.json``) or ``target-group-binding-only``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        chart_version: str | None = None,
        partition: str = AWS,
        path: str | None = None,
        tags: Mapping[str, str] | None = None,
        mode: str = POLICY_FULL,
    ) -> None:
        super().__init__(scope, id)
        check_policy_mode("mode", mode)
        self.mode = mode
        check_policy_inputs(name, path, tags)
        self.chart_version = chart_version or default_chart_version()
        self.controller_version = chart_release(self.chart_version).controller
        self.partition = partition
        description = DESCRIPTION
        if mode == POLICY_TARGET_GROUP_BINDING_ONLY:
            if not is_token(partition):
                check_partition("partition", partition)
            policy = target_group_binding_only_json()
            description = TARGET_GROUP_BINDING_ONLY_DESCRIPTION
        elif is_token(partition):
            documents = TerraformLocal(
                self,
                "documents",
                {p: policy_json(self.chart_version, p) for p in SUPPORTED_PARTITIONS},
            )
            policy = Fn.lookup(documents.expression, partition)
        else:
            policy = policy_json(self.chart_version, check_partition("partition", partition))
        self.policy = IamPolicy(
            self,
            "policy",
            name=name,
            description=description,
            policy=policy,
            path=path,
            tags={**(checked_tags("tags", tags) or {}), VERSION_TAG: self.controller_version},
        )
        # A description written by an earlier eks-lbc (it named the release) must not replace the policy.
        self.policy.add_override("lifecycle.ignore_changes", ["description"])

    @property
    def document(self) -> dict[str, Any] | None:
        """The policy document (a fresh dict: changing it changes nothing in the stack).

        None when the partition is a token: the document is chosen at plan time.
        """
        if self.mode == POLICY_TARGET_GROUP_BINDING_ONLY:
            return json.loads(target_group_binding_only_json())
        if is_token(self.partition):
            return None
        return policy_document(self.chart_version, self.partition)

    @cached_property
    def arn(self) -> str:
        """ARN of the IAM policy."""
        return self.policy.arn
