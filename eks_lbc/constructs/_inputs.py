"""Helpers for construct inputs that may be plain strings or unresolved tokens."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from eks_lbc._cdk import Fn, Token
from eks_lbc.errors import InvalidSetting


def is_token(value: object) -> bool:
    """True when ``value`` is an unresolved cdktf token (known only at apply time).

    A string token is encoded as ``${TfToken[...]}``, so a string without ``${`` is
    answered here, and a token string is asked about once: each question is a round
    trip to the jsii kernel, which adds up with many stacks. The answers are the same
    as ``Token.is_unresolved`` (tests/constructs/test_inputs.py).
    """
    return isinstance(value, str) and "${" in value and _is_unresolved(value)


@lru_cache(maxsize=4096)
def _is_unresolved(value: str) -> bool:
    # A string's encoding never changes, so neither does the answer.
    return Token.is_unresolved(value)


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
