"""Helpers for construct inputs that may be plain strings or unresolved tokens."""

from __future__ import annotations

from collections.abc import Callable

from eks_lbc._cdk import Fn, Token
from eks_lbc.errors import InvalidSetting


def is_token(value: object) -> bool:
    """True when ``value`` is an unresolved cdktf token (known only at apply time): a string or a number."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) and Token.is_unresolved(value)


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
        return Fn.replace(issuer_url, "https://", "")
    if not issuer_url.startswith("https://") or len(issuer_url) <= len("https://"):
        raise InvalidSetting("issuer_url", issuer_url, "an https:// URL, the cluster's OIDC issuer")
    return issuer_url.removeprefix("https://")
