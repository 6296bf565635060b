"""Helpers for construct inputs that may be plain strings or unresolved tokens."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from eks_lbc._cdk import Fn, Token
from eks_lbc.errors import InvalidSetting
from eks_lbc.options import IamOptions, check_value, spec_named
from eks_lbc.partitions import check_partition, supported_partition


def is_token(value: object) -> bool:
    """True when ``value`` is an unresolved cdktf token (known only at apply time): a string or a number.

    A string token is encoded as ``${TfToken[...]}``, so a string without ``${`` is
    answered here, and a token string is asked about once: each question is a round
    trip to the jsii kernel, which adds up with many stacks. The answers are the same
    as ``Token.is_unresolved`` (tests/constructs/test_inputs.py). Numbers are asked directly.
    """
    if isinstance(value, str):
        return "${" in value and _is_unresolved(value)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and Token.is_unresolved(value)


@lru_cache(maxsize=4096)
def _is_unresolved(value: str) -> bool:
    # A string's encoding never changes, so neither does the answer.
    return Token.is_unresolved(value)


def literal(value: str) -> str:
    """A concrete string as Terraform must read it to keep it literal: ``${`` -> ``$${``, ``%{`` -> ``%%{``.

    Terraform evaluates every string of the JSON (and the keys of map values) as a template; a token passes
    unchanged (it is meant to be an expression). A concrete string holding cdktf's marker (``${TfToken[``)
    cannot be told from a token here: the settings edge refuses such values.
    """
    if is_token(value):
        return value
    return value.replace("${", "$${").replace("%{", "%%{")


def flag(field: str, value: object) -> bool:
    """A Python ``bool`` property (it changes which values are rendered, so it cannot be a token)."""
    if not isinstance(value, bool):
        raise InvalidSetting(field, value, "True or False")
    return value


def checked(check: Callable[[str, str], str], field: str, value: str) -> str:
    """Run ``check`` on a concrete string; tokens pass through unchecked."""
    if not is_token(value):
        check(field, value)
    return value


def issuer_host(issuer_url: str) -> str:
    """The issuer URL without its scheme: the prefix of IRSA condition keys (``<host>:sub``)."""
    if is_token(issuer_url):
        return _token_issuer_host(issuer_url)
    if not issuer_url.startswith("https://") or len(issuer_url) <= len("https://"):
        raise InvalidSetting("issuer_url", issuer_url, "an https:// URL, the cluster's OIDC issuer")
    return issuer_url.removeprefix("https://")


@lru_cache(maxsize=1024)
def _token_issuer_host(issuer_url: str) -> str:
    # One Terraform replace() expression per issuer token, shared by the constructs that need it.
    return Fn.replace(issuer_url, "https://", "")


def checked_items(check: Callable[[str, str], str], field: str, values: Sequence[str]) -> list[str]:
    """Run ``check`` on each concrete item of ``values``; a token list (known at apply time) passes unchecked."""
    items = list(values)  # jsii passes lists, not tuples
    if Token.is_unresolved(items):
        return items  # an encoded list token (one placeholder item): resolved at apply time
    for index, value in enumerate(items):
        checked(check, f"{field}[{index}]", value)
    return items


def checked_tags(field: str, tags: Mapping[str, str] | None) -> dict[str, str] | None:
    """Tags for an AWS resource, checked by the ``tags`` option's spec (keys, concrete values, count); or None."""
    if not tags:
        return None
    check_value(spec_named(IamOptions, "tags"), field, tags, is_token)
    return dict(tags)


def known_partition(partition: str | None, region: str | None = None) -> str | None:
    """The partition when it is known at synth time: given as a string, or derived from a concrete region.

    Both given and concrete: they must agree.
    """
    of_region = supported_partition("region", region) if region is not None and not is_token(region) else None
    if partition is None or is_token(partition):
        return of_region
    check_partition("partition", partition)
    if of_region is not None and partition != of_region:
        raise InvalidSetting("partition", partition, f"the partition of region {region}: {of_region}")
    return partition
