"""The app's settings: read once, validated once, frozen.

Sources, highest precedence first:

1. environment variables ``EKS_LBC_*`` (an empty variable counts as unset);
2. in ``cdktf.json`` ``context["eks-lbc"]``: the cluster's own entry in ``clusters`` (if that list is used),
   then the top-level keys, which are shared by every cluster;
3. built-in defaults.

Every user-facing check happens here (or in a construct constructor for library
users), with :class:`eks_lbc.errors.InvalidSetting` naming the source field (the
environment variable or the ``cdktf.json`` key path), the value and the expected
form. Nothing below this module reads the environment. This module does not
import cdktf, so bad input fails fast.

To add a setting: add a field to :class:`ClusterSettings` (or :class:`Settings` for
app-wide ones) and a row to ``_FIELDS``; the README's settings table documents it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from eks_lbc import _lazy_providers, runtime, validation
from eks_lbc.defaults import DEFAULT_NAMESPACE, DEFAULT_SERVICE_ACCOUNT, default_iam_name
from eks_lbc.errors import InvalidSetting
from eks_lbc.versions import chart_release, default_chart_version

CONTEXT_KEY = "eks-lbc"
CLUSTERS_KEY = "clusters"
ENV_PREFIX = "EKS_LBC_"
IAM_ROLE_NAME_MAX = 64


@dataclass(frozen=True)
class ClusterSettings:
    """Settings for one cluster: one stack."""

    cluster_name: str
    region: str
    namespace: str = DEFAULT_NAMESPACE
    service_account_name: str = DEFAULT_SERVICE_ACCOUNT
    chart_version: str = field(default_factory=default_chart_version)
    vpc_id: str | None = None

    @property
    def stack_name(self) -> str:
        """Stack id and folder under ``cdktf.out/stacks/``: ``eks-lbc-<cluster>``."""
        return f"eks-lbc-{self.cluster_name}"


@dataclass(frozen=True)
class Settings:
    """Everything main.py needs to build the app: one entry per cluster, one stack each."""

    clusters: tuple[ClusterSettings, ...]


# A parser turns a raw value (a JSON value from cdktf.json, or the decoded environment
# variable) into the setting's value, raising InvalidSetting(source, raw, expected).
Parser = Callable[[str, Any], Any]


def text(check: Callable[[str, str], str]) -> Parser:
    """A string setting checked by one of :mod:`eks_lbc.validation`'s functions."""

    def parse(source: str, raw: Any) -> str:
        if not isinstance(raw, str):
            raise InvalidSetting(source, raw, "a string")
        return check(source, raw)

    parse.accepts_text = True  # type: ignore[attr-defined]  # the environment's string is used as is
    return parse


def boolean(source: str, raw: Any) -> bool:
    """``true``/``false`` (JSON booleans; in the environment also ``1``/``0``)."""
    if isinstance(raw, bool):
        return raw
    raise InvalidSetting(source, raw, "true or false")


def integer(minimum: int, maximum: int) -> Parser:
    def parse(source: str, raw: Any) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int) or not minimum <= raw <= maximum:
            raise InvalidSetting(source, raw, f"a whole number from {minimum} to {maximum}")
        return raw

    return parse


def _chart_version(source: str, raw: str) -> str:
    chart_release(raw, source)
    return raw


@dataclass(frozen=True)
class _Field:
    attribute: str  # ClusterSettings / Settings attribute
    key: str  # cdktf.json key
    parse: Parser
    required: bool = False
    per_cluster: bool = True  # False: app-wide, only at the top level of the context
    identity: bool = False  # names a cluster: with a `clusters` list it cannot come from the environment

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.attribute.upper()


_FIELDS: tuple[_Field, ...] = (
    _Field("cluster_name", "clusterName", text(validation.cluster_name), required=True, identity=True),
    _Field("region", "region", text(validation.region), required=True, identity=True),
    _Field("namespace", "namespace", text(validation.namespace)),
    _Field("service_account_name", "serviceAccountName", text(validation.service_account_name)),
    _Field("chart_version", "chartVersion", text(_chart_version)),
    _Field("vpc_id", "vpcId", text(validation.vpc_id)),
)

# Keep the table and the dataclasses in step.
assert {f.attribute for f in _FIELDS if f.per_cluster} == {f.name for f in fields(ClusterSettings)}
assert {f.attribute for f in _FIELDS if not f.per_cluster} == {f.name for f in fields(Settings)} - {"clusters"}


def _decode_env(field: _Field, raw: str) -> Any:
    """Environment variables are text; non-text settings are written as JSON (``true``, ``3``, ``{...}``)."""
    if getattr(field.parse, "accepts_text", False):
        return raw
    if field.parse is boolean and raw in ("1", "0"):
        return raw == "1"
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw  # the parser reports it with the expected form


def read_context(cdktf_json: Path) -> Mapping[str, Any]:
    """``context["eks-lbc"]`` of ``cdktf_json``; empty when the file or the key is absent."""
    try:
        document = json.loads(cdktf_json.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as error:
        raise InvalidSetting(cdktf_json.name, f"line {error.lineno}: {error.msg}", "valid JSON") from None
    context = document.get("context", {}).get(CONTEXT_KEY, {})
    if not isinstance(context, Mapping):
        raise InvalidSetting(f"{cdktf_json.name} context.{CONTEXT_KEY}", context, "a JSON object of settings")
    return context


def _check_keys(where: str, mapping: Mapping[str, Any], allowed: set[str]) -> None:
    for key in mapping:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise InvalidSetting(f"{where}.{key}", mapping[key], f"a known setting: one of {known}")


def load_settings(cdktf_json: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the settings from ``cdktf_json`` and ``environ`` (default ``os.environ``)."""
    environ = os.environ if environ is None else environ
    # Process switches, acted on elsewhere (when eks_lbc and eks_lbc._cdk are imported); reported here, at the edge.
    _lazy_providers.switch(environ)
    runtime.choose(environ, sys.modules.keys())
    context = read_context(cdktf_json)
    prefix = f"{cdktf_json.name} context.{CONTEXT_KEY}"
    cluster_keys = {f.key for f in _FIELDS if f.per_cluster}
    _check_keys(prefix, context, {f.key for f in _FIELDS} | {CLUSTERS_KEY})

    entries = context.get(CLUSTERS_KEY)
    if entries is None:
        entries = [{}]
        entry_prefixes = [prefix]
    else:
        if not isinstance(entries, list) or not entries or not all(isinstance(e, Mapping) for e in entries):
            raise InvalidSetting(f"{prefix}.{CLUSTERS_KEY}", entries, "a non-empty list of objects, one per cluster")
        entry_prefixes = [f"{prefix}.{CLUSTERS_KEY}[{i}]" for i in range(len(entries))]
        for entry, where in zip(entries, entry_prefixes, strict=True):
            _check_keys(where, entry, cluster_keys)
        for f in _FIELDS:
            if f.identity and environ.get(f.env):
                raise InvalidSetting(
                    f.env,
                    environ[f.env],
                    f"unset while {prefix}.{CLUSTERS_KEY} lists the clusters; set {f.key} in each entry",
                )

    def resolve(f: _Field, entry: Mapping[str, Any], where: str) -> tuple[bool, Any, str]:
        if environ.get(f.env):
            return True, f.parse(f.env, _decode_env(f, environ[f.env])), f.env
        for mapping, path in ((entry, where), (context, prefix)):
            if mapping.get(f.key) is not None:
                return True, f.parse(f"{path}.{f.key}", mapping[f.key]), f"{path}.{f.key}"
        if f.required:
            raise InvalidSetting(f.env, None, f"set in the environment or as {where}.{f.key}")
        return False, None, ""

    clusters = []
    for entry, where in zip(entries, entry_prefixes, strict=True):
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        for f in _FIELDS:
            if not f.per_cluster:
                continue
            found, value, source = resolve(f, entry, where)
            if found:
                values[f.attribute] = value
                sources[f.attribute] = source
        _check_role_name_fits(values["cluster_name"], sources["cluster_name"])
        clusters.append(ClusterSettings(**values))

    seen: dict[str, int] = {}
    for index, cluster in enumerate(clusters):
        if cluster.stack_name in seen:
            raise InvalidSetting(
                f"{entry_prefixes[index]}.clusterName",
                cluster.cluster_name,
                f"a cluster name not already used by {entry_prefixes[seen[cluster.stack_name]]}",
            )
        seen[cluster.stack_name] = index

    app_values = {}
    for f in _FIELDS:
        if not f.per_cluster:
            found, value, _ = resolve(f, {}, prefix)
            if found:
                app_values[f.attribute] = value
    return Settings(clusters=tuple(clusters), **app_values)


def _check_role_name_fits(cluster_name: str, source: str) -> None:
    if len(default_iam_name(cluster_name)) > IAM_ROLE_NAME_MAX:
        longest = IAM_ROLE_NAME_MAX - len(default_iam_name(""))
        raise InvalidSetting(
            source,
            cluster_name,
            f"at most {longest} characters, so the IAM role name {default_iam_name('<cluster>')!r} "
            f"fits IAM's {IAM_ROLE_NAME_MAX}",
        )
