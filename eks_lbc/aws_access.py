"""How Terraform reaches AWS for one cluster: the account, the CLI profile and the role to assume.

One identity is used everywhere the stack talks to AWS (see the README, "Cross-account and profiles"):

* the aws provider: ``profile`` (source credentials), ``assume_role`` (the role in the cluster's account)
  and ``allowed_account_ids`` (Terraform refuses to run with credentials of any other account);
* the kubernetes and helm providers' ``aws eks get-token`` exec: ``--profile`` and ``--role-arn``, so the
  token is signed by the same role the aws provider uses (EKS maps that role to a Kubernetes identity);
* the S3 backend: the same ``profile``, and its own role (``stateAssumeRoleArn``) when the state bucket lives
  in another account than the cluster, which is common; by default the profile's own identity.

No cdktf import here.
"""

from __future__ import annotations

import re

from eks_lbc.errors import InvalidSetting

_ACCOUNT_ID = re.compile(r"[0-9]{12}")
# arn:<partition>:iam::<account>:role/<optional path/><name>; names [\w+=,.@-]{1,64}, paths printable ASCII.
_ROLE_ARN = re.compile(
    r"arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>[0-9]{12}):role/"
    r"(?P<path>(?:[\x21-\x2e\x30-\x7e]+/)*)(?P<name>[\w+=,.@-]{1,64})"
)
# Profile names as the AWS CLI and SDKs read them from ~/.aws/config section headers; no whitespace, no
# leading '-' (it is passed as an argument to `aws`), and none of $ % { } (Terraform would read a template).
_CLUSTER_ARN = re.compile(
    r"arn:(?:aws|aws-cn|aws-us-gov):eks:[a-z]{2,4}(?:-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:cluster/(?P<name>[0-9A-Za-z][\w-]{0,99})"
)
_PROFILE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@+=,:/-]{0,127}")
SESSION_NAME = "eks-lbc"


def account_id(field: str, value: str) -> str:
    if not _ACCOUNT_ID.fullmatch(value):
        raise InvalidSetting(field, value, "a 12-digit AWS account id, e.g. '111122223333'")
    return value


def role_arn(field: str, value: str, partition: str | None = None) -> str:
    """An IAM role ARN; of ``partition`` when given."""
    match = _ROLE_ARN.fullmatch(value)
    if not match or len(match["path"]) > 511:
        raise InvalidSetting(
            field, value, "an IAM role ARN: arn:<partition>:iam::<12-digit account>:role/[path/]<name>"
        )
    if partition is not None and match["partition"] != partition:
        raise InvalidSetting(field, value, f"an ARN of the partition {partition}: arn:{partition}:iam::...")
    return value


def cluster_arn(field: str, value: str, cluster_name: str | None = None) -> str:
    """An EKS cluster ARN; of the cluster ``cluster_name`` when given."""
    match = _CLUSTER_ARN.fullmatch(value)
    if not match:
        raise InvalidSetting(field, value, "an EKS cluster ARN: arn:<partition>:eks:<region>:<account>:cluster/<name>")
    if cluster_name is not None and match["name"] != cluster_name:
        raise InvalidSetting(field, value, f"the ARN of the cluster {cluster_name}: ...:cluster/{cluster_name}")
    return value


def role_account(arn: str) -> str:
    """The account of a (checked) role ARN."""
    return arn.split(":")[4]


def profile(field: str, value: str) -> str:
    if not _PROFILE.fullmatch(value):
        raise InvalidSetting(
            field,
            value,
            "an AWS CLI profile name: 1-128 letters, digits or _.@+=,:/- , not starting with '-' or '.'",
        )
    return value


def get_token_args(
    cluster_name: str, region: str, *, profile: str | None = None, role_arn: str | None = None
) -> list[str]:
    """``aws`` arguments that print a token for the cluster, signed by the stack's identity."""
    args = ["eks", "get-token", "--cluster-name", cluster_name, "--region", region]
    if role_arn is not None:
        args += ["--role-arn", role_arn]
    if profile is not None:
        args += ["--profile", profile]
    return args
