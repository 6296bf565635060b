"""Checks of user-supplied values, shared by the settings edge and construct constructors.

Every check takes the field name used in the error, so a message names what the
user wrote (``EKS_LBC_REGION``, ``namespace``...). None of them imports cdktf:
callers that may hold tokens skip the check for unresolved values themselves
(see :func:`eks_lbc.constructs._inputs.is_token`).
"""

from __future__ import annotations

import re
import unicodedata

from eks_lbc.errors import InvalidSetting

# EKS CreateCluster: 1-100 characters, starts with a letter or digit.
_CLUSTER_NAME = re.compile(r"[0-9A-Za-z][A-Za-z0-9_-]{0,99}")
# Region codes: us-east-1, ap-southeast-7, us-gov-west-1, cn-north-1, eusc-de-east-1, us-isob-east-1.
_REGION = re.compile(r"[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}")
# Kubernetes RFC 1123 label (namespaces) and subdomain (service-account names).
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_VPC_ID = re.compile(r"vpc-([0-9a-f]{8}|[0-9a-f]{17})")
# IAM role and policy names: ASCII [\w+=,.@-] (Python's \w would also match non-ASCII letters, which IAM
# refuses), role up to 64, policy up to 128 characters.
_IAM_NAME = re.compile(r"[A-Za-z0-9_+=,.@-]+")
# OCI image references (distribution/reference grammar): a registry host (with a dot or a port, or
# localhost) and one or more lowercase path components; tags are [\w][\w.-]{0,127}.
_DNS_PART = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_REGISTRY_HOST = rf"(?:localhost|{_DNS_PART}(?:\.{_DNS_PART})+)(?::[0-9]{{1,5}})?"
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_IMAGE_REPOSITORY = re.compile(rf"(?P<host>{_REGISTRY_HOST}|[A-Za-z0-9-]+:[0-9]{{1,5}})(?:/{_PATH_COMPONENT})+")
_IMAGE_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
ZONE_SPREAD_CHOICES = ("preferred", "required", "off")
# One replica leads (leader election); the others are warm standbys that also serve the webhooks.
REPLICAS_MIN, REPLICAS_MAX = 1, 10


def cluster_name(field: str, value: str) -> str:
    if not _CLUSTER_NAME.fullmatch(value):
        raise InvalidSetting(
            field, value, "an EKS cluster name: 1-100 letters, digits, '-' or '_', starting with a letter or digit"
        )
    return value


def region(field: str, value: str) -> str:
    if not _REGION.fullmatch(value):
        raise InvalidSetting(field, value, "an AWS region code such as 'us-east-1' or 'ap-northeast-1'")
    return value


def namespace(field: str, value: str) -> str:
    if len(value) > 63 or not _DNS_LABEL.fullmatch(value):
        raise InvalidSetting(
            field,
            value,
            "a Kubernetes namespace: at most 63 lowercase letters, digits or '-', alphanumeric at both ends",
        )
    return value


def service_account_name(field: str, value: str) -> str:
    if len(value) > 253 or not _DNS_SUBDOMAIN.fullmatch(value):
        raise InvalidSetting(
            field,
            value,
            "a Kubernetes service-account name: at most 253 lowercase letters, digits, '-' or '.', "
            "alphanumeric at both ends",
        )
    return value


def vpc_id(field: str, value: str) -> str:
    if not _VPC_ID.fullmatch(value):
        raise InvalidSetting(field, value, "a VPC id: 'vpc-' followed by 8 or 17 lowercase hex digits")
    return value


def iam_name(field: str, value: str, max_length: int) -> str:
    if not (1 <= len(value) <= max_length) or not _IAM_NAME.fullmatch(value):
        raise InvalidSetting(field, value, f"an IAM name: 1-{max_length} ASCII letters, digits or any of '+=,.@_-'")
    return value


_SUBNET_ID = re.compile(r"subnet-([0-9a-f]{8}|[0-9a-f]{17})")
# IAM paths: "/" or "/segments/", at most 512 (IAM API, CreateRole Path). IAM takes any of U+0021-U+007E;
# segments here are of the IAM name characters, so a path can never hold a Terraform template (${, %{) or
# an IAM policy variable (${...}, &{...} in aws_iam_policy_document) that would not stay literal.
_IAM_PATH = re.compile(r"/|/([A-Za-z0-9_+=,.@-]+/)+")
_IAM_NAME_PREFIX = re.compile(r"[A-Za-z0-9_+=,.@-]*")
# arn:<partition>:iam::<account or "aws">:policy/<optional path/><name> (IAM managed policy ARNs).
_POLICY_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):iam::(?P<account>[0-9]{12}|aws):policy/(?P<rest>[A-Za-z0-9_+=,.@/-]+)"
)
# S3 general purpose bucket names (S3 User Guide, "Bucket naming rules").
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_IPV4 = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){3}")
_BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
# State key prefix: S3's "safe" key characters, "/"-separated, no empty, "." or ".." segment.
_KEY_SEGMENT = re.compile(r"[A-Za-z0-9!_.*'()-]+")
# KMS key references the S3 backend accepts as kms_key_id: key id, key ARN, alias name, alias ARN.
_KMS_KEY = re.compile(
    r"(?P<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
    r"|alias/[A-Za-z0-9/_-]{1,250}"
    r"|arn:(?P<partition>aws[a-z-]*):kms:[a-z0-9-]+:[0-9]{12}:"
    r"(key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})|alias/[A-Za-z0-9/_-]{1,250})"
)
# An OIDC audience (client id), 1-255 characters (IAM's limit per client id): the characters of a URI
# (RFC 3986), which leave out braces, so no Terraform template (${, %{) and no IAM policy variable
# (&{...} in aws_iam_policy_document, ${...} in a policy) can reach the trust policy's aud condition.
_AUDIENCE = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]{1,255}")
TAGS_MAX = 50


def subnet_id(field: str, value: str) -> str:
    if not _SUBNET_ID.fullmatch(value):
        raise InvalidSetting(field, value, "a subnet id: 'subnet-' followed by 8 or 17 lowercase hex digits")
    return value


def iam_path(field: str, value: str) -> str:
    if len(value) > 512 or not _IAM_PATH.fullmatch(value):
        raise InvalidSetting(
            field,
            value,
            "an IAM path: '/' or '/'-separated segments of ASCII letters, digits or any of '+=,.@_-' between "
            "slashes, e.g. '/platform/eks/', at most 512 characters",
        )
    return value


def iam_name_prefix(field: str, value: str) -> str:
    if len(value) > 32 or not _IAM_NAME_PREFIX.fullmatch(value):
        raise InvalidSetting(field, value, "an IAM name prefix: at most 32 ASCII letters, digits or any of '+=,.@_-'")
    return value


def policy_arn(field: str, value: str, partition: str | None = None) -> str:
    """An IAM managed policy ARN; of ``partition`` when given (a cluster's policies live in its partition)."""
    match = _POLICY_ARN.fullmatch(value)
    if not match or not 1 <= len(match["rest"].rsplit("/", 1)[-1]) <= 128:
        raise InvalidSetting(
            field, value, "an IAM policy ARN: arn:<partition>:iam::<12-digit account or 'aws'>:policy/[path/]<name>"
        )
    if partition is not None and match["partition"] != partition:
        raise InvalidSetting(field, value, f"an ARN of the cluster's partition: arn:{partition}:iam::...")
    return value


def s3_bucket(field: str, value: str) -> str:
    if (
        not _BUCKET.fullmatch(value)
        or ".." in value
        or ".-" in value
        or "-." in value
        or _IPV4.fullmatch(value)
        or value.startswith(_BUCKET_RESERVED_PREFIXES)
        or value.endswith(_BUCKET_RESERVED_SUFFIXES)
    ):
        raise InvalidSetting(
            field,
            value,
            "an S3 bucket name: 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or "
            "digit, not an IP address, no '..', no reserved prefix (xn--, sthree-, amzn-s3-demo-) or suffix "
            "(-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)",
        )
    return value


def state_key_prefix(field: str, value: str) -> str:
    segments = value.split("/")
    if len(value) > 512 or not all(_KEY_SEGMENT.fullmatch(s) and s not in (".", "..") for s in segments):
        raise InvalidSetting(
            field,
            value,
            "an S3 key prefix: '/'-separated segments of letters, digits or !_.*'()-, "
            "no leading, trailing or doubled '/', at most 512 characters",
        )
    return value


def kms_key(field: str, value: str, partition: str | None = None) -> str:
    """A KMS key id, key ARN, ``alias/<name>`` or alias ARN; ARNs of ``partition`` when given."""
    match = _KMS_KEY.fullmatch(value)
    if not match:
        raise InvalidSetting(
            field,
            value,
            "a KMS key: a key id (uuid or mrk-...), a key ARN, 'alias/<name>' or an alias ARN",
        )
    if partition is not None and match["partition"] and match["partition"] != partition:
        raise InvalidSetting(field, value, f"an ARN of the partition of the state's region: arn:{partition}:kms:...")
    return value


def audience(field: str, value: str) -> str:
    if not _AUDIENCE.fullmatch(value):
        raise InvalidSetting(
            field,
            value,
            "an OIDC audience: 1-255 URI characters (ASCII letters, digits and -._~:/?#[]@!$&'()*+,;=%), "
            "no spaces or braces",
        )
    return value


def _tag_text(text: str) -> bool:
    # IAM and EC2 tag character set, ^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$: Unicode letters, separators (space, not
    # tab or newline, which are control characters) and numbers, and _ . : / = + - @
    return all(unicodedata.category(c)[0] in "LZN" or c in "_.:/=+-@" for c in text)


def tag_key(field: str, value: str) -> str:
    if not 1 <= len(value) <= 128 or not _tag_text(value) or value.lower().startswith("aws:"):
        raise InvalidSetting(
            field,
            value,
            "a tag key: 1-128 letters, digits, spaces or any of '_.:/=+-@', not starting with 'aws:' (reserved)",
        )
    return value


def tag_value(field: str, value: str) -> str:
    if len(value) > 256 or not _tag_text(value):
        raise InvalidSetting(field, value, "a tag value: at most 256 letters, digits, spaces or any of '_.:/=+-@'")
    return value


def choice(options: tuple[str, ...]):
    """A check accepting exactly one of ``options``."""

    def check(field: str, value: str) -> str:
        if value not in options:
            raise InvalidSetting(field, value, f"one of {', '.join(repr(o) for o in options)}")
        return value

    check.choices = options  # type: ignore[attr-defined]  # the settings schema lists them
    return check


def image_repository(field: str, value: str) -> str:
    """A registry host and repository path, without a tag or digest (those go in the image tag)."""
    expected = (
        "an image repository with its registry host and no tag, e.g. "
        "'111122223333.dkr.ecr.eu-west-1.amazonaws.com/mirror/aws-load-balancer-controller'"
    )
    if "@" in value or (":" in value.rsplit("/", 1)[-1] and "/" in value):
        raise InvalidSetting(
            field, value, expected + "; put the tag in the image tag setting (digests are not supported)"
        )
    if len(value) > 255 or not _IMAGE_REPOSITORY.fullmatch(value):
        raise InvalidSetting(field, value, expected)
    return value


def image_tag(field: str, value: str) -> str:
    if not _IMAGE_TAG.fullmatch(value):
        raise InvalidSetting(
            field,
            value,
            "an image tag: 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-', e.g. 'v3.5.0' "
            "(the chart builds '<repository>:<tag>', so digests cannot be used)",
        )
    return value


def zone_spread(field: str, value: str) -> str:
    if value not in ZONE_SPREAD_CHOICES:
        raise InvalidSetting(
            field,
            value,
            "one of 'preferred' (spread across zones when possible), 'required' (never two replicas more in one "
            "zone than another) or 'off'",
        )
    return value


zone_spread.choices = ZONE_SPREAD_CHOICES  # type: ignore[attr-defined]


def replicas(field: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not REPLICAS_MIN <= value <= REPLICAS_MAX:
        raise InvalidSetting(
            field, value, f"a whole number of controller replicas from {REPLICAS_MIN} to {REPLICAS_MAX}"
        )
    return value


replicas.minimum, replicas.maximum = REPLICAS_MIN, REPLICAS_MAX  # type: ignore[attr-defined]

_SECURITY_GROUP_ID = re.compile(r"sg-([0-9a-f]{8}|[0-9a-f]{17})")


def security_group_id(field: str, value: str) -> str:
    if not _SECURITY_GROUP_ID.fullmatch(value):
        raise InvalidSetting(field, value, "a security group id: 'sg-' followed by 8 or 17 lowercase hex digits")
    return value


def port(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise InvalidSetting(field, value, "a TCP port number from 1 to 65535")
    return value
