"""Checks of user-supplied values, shared by the settings edge and construct constructors.

Every check takes the field name used in the error, so a message names what the
user wrote (``EKS_LBC_REGION``, ``namespace``...). None of them imports cdktf:
callers that may hold tokens skip the check for unresolved values themselves
(see :func:`eks_lbc.constructs._inputs.is_token`).
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
