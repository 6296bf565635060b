"""How chart values are written for Helm and Terraform, literally; and which of them are secrets.

Two parsers read the values document eks-lbc synthesizes, and both would change a plain string:

- **Terraform** evaluates every string of ``cdk.tf.json`` as a template: ``${...}`` and ``%{...}``
  are expressions and directives (``${file("~/.aws/credentials")}`` would be read on the runner), and
  cdktf itself replaces its token markers (``${TfToken[TOKEN.n]}``, ``#{TfToken[...]}``,
  ``&{TfToken[...]}``) before that.
- **Helm** reads values as YAML 1.1 (go-yaml through sigs.k8s.io/yaml): unquoted ``y``, ``no``,
  ``1e3``, ``0o10`` or ``1234e56`` become booleans and numbers.

So the document is JSON (valid YAML in which every string is quoted, so Helm reads strings as strings),
ASCII-only, and inside its strings the first character of ``${``, ``%{``, ``#{`` and ``&{`` is written as a
JSON ``\\u`` escape: neither cdktf nor Terraform then sees a marker or a template sequence, and Helm's
YAML parser decodes the escape back to the character. (A structural ``{`` of JSON is never preceded by
one of those characters, so replacing the pairs in the text only touches string contents.)

This module does not import cdktf.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from eks_lbc.errors import InvalidSetting

# Sequences that open a Terraform template (${, %{) or a cdktf token marker (${, #{, &{).
_OPENERS = ("${", "%{", "#{", "&{")
# cdktf's string token marker: a string holding one is taken for a token (an internal reference).
TOKEN_MARKER = "{TfToken["
# cdktf encodes a number token as a double of about -8e298 (a bit pattern): a larger number from the user
# would be taken for one. No chart value needs it.
NUMBER_MAX = 1e280
# Deeper than any chart's values need; far below Python's recursion limit.
MAX_DEPTH = 32

# Chart values that hold secrets: their text would be in cdk.tf.json, the plan and the state.
# The webhook's TLS material (all three go together: a key without its certificate is useless).
SECRET_PATHS: tuple[tuple[str, ...], ...] = (("webhookTLS", "key"), ("webhookTLS", "cert"), ("webhookTLS", "caCert"))
# `env` entries whose name says they hold a credential (the chart passes `env` to the container as is).
_CREDENTIAL_NAME = re.compile(r"(?i)secret|passw|token|credential|private|api_?key|access_?key|auth")

SECRET_ADVICE = {
    "webhookTLS": "leave webhookTLS unset (the chart generates the webhook certificate) or set enableCertManager: true",
    "env": "put it in a Kubernetes Secret and name that Secret in envSecretName (chart 1.17.1 and later) or envFrom",
}


def values_document(values: Mapping[str, Any]) -> str:
    """``values`` as the release's values document: JSON, keys sorted, escaped as the module docstring says."""
    text = json.dumps(values, sort_keys=True, indent=2, ensure_ascii=True, allow_nan=False)
    for opener in _OPENERS:
        text = text.replace(opener, f"\\u{ord(opener[0]):04x}{{")
    return text


def secret_kind(path: tuple[str, ...]) -> str | None:
    """The :data:`SECRET_ADVICE` key when the value at ``path`` is a secret, else None."""
    if path in SECRET_PATHS:
        return "webhookTLS"
    if len(path) == 2 and path[0] == "env" and _CREDENTIAL_NAME.search(path[1]):
        return "env"
    return None


def secret_error(field: str, path: tuple[str, ...]) -> InvalidSetting:
    kind = secret_kind(path)
    assert kind is not None
    return InvalidSetting(
        f"{field}.{'.'.join(path)}",
        "<hidden>",
        "no secret here: its text would be written in plain text to cdk.tf.json, the plan and the state; "
        f"{SECRET_ADVICE[kind]} (library users may pass a token, e.g. a sensitive variable: it is sent "
        "through the release's set_sensitive)",
    )


def check_literal_values(field: str, values: Any) -> None:
    """Checks of values read from ``cdktf.json`` or the environment (never tokens), before the chart's keys.

    Refuses what cannot reach Helm literally or safely: cdktf's token marker in a key or a string (cdktf
    would resolve it to an internal reference, or fail), numbers that are not finite, nesting deeper than
    :data:`MAX_DEPTH`, and secrets (:func:`secret_kind`). Errors never echo the whole document.
    """
    _check_literal(field, (), values)


def _check_literal(field: str, path: tuple[str, ...], value: Any) -> None:
    where = ".".join((field, *path))
    if len(path) > MAX_DEPTH:
        raise InvalidSetting(field, Shown("<not shown>"), f"chart values nested at most {MAX_DEPTH} levels deep")
    if isinstance(value, Mapping):
        for key, child in value.items():
            if isinstance(key, str) and TOKEN_MARKER in key:
                raise InvalidSetting(f"{where} key", key, "a key without cdktf's token marker '${TfToken['")
            _check_literal(field, (*path, str(key)), child)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _check_literal(field, (*path, f"[{index}]"), child)
    elif isinstance(value, str):
        if secret_kind(path) is not None:
            raise secret_error(field, path)
        if TOKEN_MARKER in value:
            raise InvalidSetting(
                where, value, "a string without cdktf's token marker '${TfToken[' (it would not stay literal)"
            )
    elif isinstance(value, float) and not (math.isfinite(value) and abs(value) < NUMBER_MAX):
        raise InvalidSetting(where, value, f"a finite number smaller than {NUMBER_MAX:g} in magnitude")
    elif secret_kind(path) is not None and value is not None:
        raise secret_error(field, path)


class Shown:
    """What an error shows of a value that may hold secrets: its ``repr`` is the summary."""

    def __init__(self, summary: str) -> None:
        self.summary = summary

    def __repr__(self) -> str:
        return self.summary

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Shown) and other.summary == self.summary

    __hash__ = None  # type: ignore[assignment]


SHOWN_TEXT_MAX = 64


def shown(value: Any) -> Any:
    """``value`` for an error message: a scalar as is (a long string cut), an object by its keys, a list by size.

    Values of the ``helmValues`` setting may hold credentials; an error should name where the problem is
    without repeating a whole document (and a whole environment variable) into a CI log.
    """
    if isinstance(value, Mapping):
        keys = ", ".join(f"{k!r}: ..." for k in list(value)[:10])
        return Shown("{" + keys + (", ..." if len(value) > 10 else "") + "}")
    if isinstance(value, list):
        return Shown(f"[... {len(value)} items]")
    if isinstance(value, str) and len(value) > SHOWN_TEXT_MAX:
        return Shown(repr(value[:SHOWN_TEXT_MAX]) + f"... ({len(value)} characters)")
    return value
