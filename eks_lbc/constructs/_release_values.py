"""Split a release's chart values into the JSON document (concrete values) and ``set`` entries (tokens).

A value known only at apply time cannot be written into the document: Terraform would paste its text
into it, so a newline or a quote in it would change the document's structure. Each token leaf goes into
its own ``set`` entry instead (``set_sensitive`` at a secret path), which the helm provider parses with
Helm's ``--set`` parser (strvals): the entry's name is the leaf's path with strvals' special characters
escaped, and a string token's value is escaped at apply time by Terraform (``replace``), so a comma, a
backslash or a leading ``{`` in it stays part of the one string (``type = "string"``). A token in a list
leaves ``null`` at its index in the document, and its entry sets that index (``name[i]``): the helm
provider applies ``set`` after merging the documents, into the existing list.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eks_lbc._cdk import Fn, Token
from eks_lbc.constructs._inputs import is_token
from eks_lbc.errors import InvalidSetting
from eks_lbc.helm_values import MAX_DEPTH, Shown, secret_error, secret_kind

# strvals reads a key up to one of `.`, `=`, `[`, `,` and a value up to `,`; a backslash escapes the next
# character in both, and a value starting with `{` is a list. `{` is escaped in names too, so a name
# never contains `${` or `%{` (Terraform templates) or a cdktf marker.
_NAME_SPECIAL = re.compile(r"([\\.=\[\],{}])")
# cdktf writes a string argument of a function into the HCL expression as it is (no escaping), so these
# are the HCL spellings: the regex [\\,{] and the replacement \$0 (a backslash before the match).
_VALUE_SPECIAL_HCL = "/[\\\\\\\\,{]/"
_ESCAPED_MATCH_HCL = "\\\\$0"


@dataclass(frozen=True)
class SetEntry:
    """One ``set``/``set_sensitive`` entry: Helm path, value expression, type (None: Helm's own typing)."""

    name: str
    value: str
    type: str | None
    sensitive: bool


def set_name(path: tuple[str | int, ...]) -> str:
    """The strvals name of ``path``: keys joined by ``.`` with special characters escaped, ``[i]`` for indexes."""
    name = ""
    for part in path:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += ("." if name else "") + _NAME_SPECIAL.sub(r"\\\1", part)
    return name


def split_values(field: str, values: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[SetEntry, ...]]:
    """The concrete document (tokens removed; ``null`` in lists) and one entry per token leaf.

    Refuses keys that are tokens (a key chooses the document's structure), values that are not JSON
    (str, number, bool, None, list, mapping), numbers that are not finite, nesting deeper than
    :data:`eks_lbc.helm_values.MAX_DEPTH`, and concrete secrets (:func:`eks_lbc.helm_values.secret_kind`).
    """
    entries: list[SetEntry] = []
    document = _split(field, (), values, entries)
    return document, tuple(sorted(entries, key=lambda e: e.name))


def _split(field: str, path: tuple[str | int, ...], value: Any, entries: list[SetEntry]) -> Any:
    where = field + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    keys = tuple(p for p in path if isinstance(p, str))
    if len(path) > MAX_DEPTH:
        raise InvalidSetting(field, Shown("<not shown>"), f"chart values nested at most {MAX_DEPTH} levels deep")
    if isinstance(value, Mapping):
        document = {}
        for key, child in value.items():
            if not isinstance(key, str):
                raise InvalidSetting(f"{where} key", key, "chart value keys that are strings")
            if is_token(key):
                raise InvalidSetting(f"{where} key", key, "a concrete key (a key chooses the values' structure)")
            kept = _split(field, (*path, key), child, entries)
            if kept is not _TOKEN:
                document[key] = kept
        return document
    if isinstance(value, (list, tuple)):
        if Token.is_unresolved(list(value)):
            raise InvalidSetting(where, "<list token>", "a list of values (each item may be a token)")
        return [
            None if (kept := _split(field, (*path, i), child, entries)) is _TOKEN else kept
            for i, child in enumerate(value)
        ]
    if isinstance(value, bool) or value is None:
        if secret_kind(keys) is not None and value is not None:
            raise secret_error(field, keys)
        return value
    if isinstance(value, (str, int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            # (asked before is_token: JSON, which jsii speaks, has no NaN or infinity)
            raise InvalidSetting(where, value, "a finite number")
        if is_token(value):
            entries.append(_entry(path, value, sensitive=secret_kind(keys) is not None))
            return _TOKEN
        if secret_kind(keys) is not None:
            raise secret_error(field, keys)
        return value
    raise InvalidSetting(where, type(value).__name__, "a JSON value: string, number, boolean, null, list or object")


_TOKEN = object()  # a leaf sent as a `set` entry


def _entry(path: tuple[str | int, ...], token: str | int | float, *, sensitive: bool) -> SetEntry:
    if isinstance(token, str):
        value = Fn.replace(token, _VALUE_SPECIAL_HCL, _ESCAPED_MATCH_HCL)
        return SetEntry(set_name(path), value, "string", sensitive)
    # A number token: Helm's own typing reads "2" as 2.
    return SetEntry(set_name(path), Token.as_string(token), None, sensitive)
