"""AWS's published IAM policies for the AWS Load Balancer Controller, vendored per controller release.

Source: kubernetes-sigs/aws-load-balancer-controller, ``docs/install/iam_policy*.json``
at the git tag named by each folder. The files are unmodified copies; their sha256
is recorded in ``supported_versions.json`` and checked by the test suite.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from eks_lbc.errors import InvalidSetting
from eks_lbc.versions import chart_release


def policy_document(chart_version: str, partition: str = "aws") -> dict[str, Any]:
    """The controller's IAM policy for the controller that ``chart_version`` ships, in ``partition``.

    A new dict on every call (callers may change theirs); the file is read once.
    """
    document: dict[str, Any] = json.loads(_policy_text(chart_version, partition))
    return document


@cache
def policy_json(chart_version: str, partition: str = "aws") -> str:
    """:func:`policy_document` serialized compactly, as embedded in ``aws_iam_policy``: built once per process."""
    return json.dumps(policy_document(chart_version, partition), separators=(",", ":"))


@cache
def _policy_text(chart_version: str, partition: str) -> str:
    release = chart_release(chart_version)
    try:
        relative = release.policy_files[partition]
    except KeyError:
        raise InvalidSetting("partition", partition, f"one of {', '.join(sorted(release.policy_files))}") from None
    return resources.files("eks_lbc.policies").joinpath(relative).read_text("utf-8")
