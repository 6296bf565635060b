"""AWS partitions: which one a region belongs to, and which ones the project supports (no cdktf import here).

A partition is a separate AWS: its own accounts, IAM and ARNs (``arn:<partition>:...``).
The controller needs AWS's partition variant of its IAM policy, and any ARN a user
gives (a permissions boundary, a KMS key) must be of the cluster's partition.
"""

from __future__ import annotations

from eks_lbc.errors import InvalidSetting

AWS = "aws"
AWS_CN = "aws-cn"
AWS_US_GOV = "aws-us-gov"

# Partitions that AWS publishes a controller policy for (iam_policy.json, _cn, _us-gov).
SUPPORTED_PARTITIONS = (AWS, AWS_CN, AWS_US_GOV)

# Region-code prefix -> partition, for every partition outside the commercial one.
# Source: the partition table of the AWS SDKs (botocore's partitions.json, regionRegex per partition).
_PREFIXES = (
    ("cn-", AWS_CN),
    ("us-gov-", AWS_US_GOV),
    ("us-iso-", "aws-iso"),
    ("us-isob-", "aws-iso-b"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-isof-", "aws-iso-f"),
    ("eusc-", "aws-eusc"),
)


def partition_of(region: str) -> str:
    """The partition of a (well-formed) region code: ``cn-north-1`` -> ``aws-cn``, ``us-east-1`` -> ``aws``."""
    for prefix, partition in _PREFIXES:
        if region.startswith(prefix):
            return partition
    return AWS


def supported_partition(field: str, region: str) -> str:
    """:func:`partition_of` ``region``, refusing partitions without an AWS-published controller policy."""
    partition = partition_of(region)
    if partition not in SUPPORTED_PARTITIONS:
        raise InvalidSetting(
            field,
            region,
            f"a region of a partition AWS publishes the controller's IAM policy for "
            f"({', '.join(SUPPORTED_PARTITIONS)}); {region} is in {partition}",
        )
    return partition


def check_partition(field: str, partition: str) -> str:
    """A supported partition name (``aws``, ``aws-cn``, ``aws-us-gov``)."""
    if partition not in SUPPORTED_PARTITIONS:
        raise InvalidSetting(field, partition, f"one of {', '.join(SUPPORTED_PARTITIONS)}")
    return partition
