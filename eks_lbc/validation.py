"""Checks of user-supplied values, shared by the settings edge and construct constructors.

Every check takes the field name used in the error, so a message names what the
user wrote (``EKS_LBC_REGION``, ``namespace``...). None of them imports cdktf:
callers that may hold tokens skip the check for unresolved values themselves
(see :func:`eks_lbc.constructs._tokens.is_token`).
"""

from __future__ import annotations

import re

from eks_lbc.errors import InvalidSetting

# EKS CreateCluster: 1-100 characters, starts with a letter or digit.
_CLUSTER_NAME = re.compile(r"[0-9A-Za-z][A-Za-z0-9_-]{0,99}")
# Region codes: us-east-1, ap-southeast-7, us-gov-west-1, cn-north-1, eusc-de-east-1, us-isob-east-1.
_REGION = re.compile(r"[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}")
# Kubernetes RFC 1123 label (namespaces) and subdomain (service-account names).
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_VPC_ID = re.compile(r"vpc-([0-9a-f]{8}|[0-9a-f]{17})")
# IAM role and policy names: [\w+=,.@-], role up to 64, policy up to 128 characters.
_IAM_NAME = re.compile(r"[\w+=,.@-]+")
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
        raise InvalidSetting(
            field, value, f"an IAM name: 1-{max_length} letters, digits or any of '+=,.@_-'"
        )
    return value


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


def replicas(field: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not REPLICAS_MIN <= value <= REPLICAS_MAX:
        raise InvalidSetting(
            field, value, f"a whole number of controller replicas from {REPLICAS_MIN} to {REPLICAS_MAX}"
        )
    return value
