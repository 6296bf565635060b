"""The app's settings: read once, validated once, frozen.

Sources, highest precedence first:

1. environment variables ``EKS_LBC_*`` (an empty variable counts as unset);
2. ``context["eks-lbc"]`` in ``cdktf.json``;
3. built-in defaults.

Every user-facing check happens here (or in a construct constructor for library
users), with :class:`eks_lbc.errors.InvalidSetting` naming the source field, the
value and the expected form. Nothing below this module reads the environment.
This module does not import cdktf, so bad input fails fast.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from eks_lbc import validation
from eks_lbc.defaults import DEFAULT_NAMESPACE, DEFAULT_SERVICE_ACCOUNT, default_iam_name
from eks_lbc.errors import InvalidSetting
from eks_lbc.versions import chart_release, default_chart_version

CONTEXT_KEY = "eks-lbc"
ENV_PREFIX = "EKS_LBC_"
IAM_ROLE_NAME_MAX = 64


@dataclass(frozen=True)
class ClusterSettings:
    """Settings for one cluster: one stack."""

    cluster_name: str
    region: str
    namespace: str = DEFAULT_NAMESPACE
    service_account_name: str = DEFAULT_SERVICE_ACCOUNT
    chart_version: str = ""
    vpc_id: str | None = None

    @property
    def stack_name(self) -> str:
        """Stack id and folder under ``cdktf.out/stacks/``."""
        return f"eks-lbc-{self.cluster_name}"


@dataclass(frozen=True)
class Settings:
    """Everything main.py needs to build the app."""

    clusters: tuple[ClusterSettings, ...]


@dataclass(frozen=True)
class _Field:
    attribute: str
    key: str
    check: Callable[[str, str], str]
    required: bool = False

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.attribute.upper()


def _chart_version(field: str, value: str) -> str:
    chart_release(value, field)
    return value


_FIELDS = (
    _Field("cluster_name", "clusterName", validation.cluster_name, required=True),
    _Field("region", "region", validation.region, required=True),
    _Field("namespace", "namespace", validation.namespace),
    _Field("service_account_name", "serviceAccountName", validation.service_account_name),
    _Field("chart_version", "chartVersion", _chart_version),
    _Field("vpc_id", "vpcId", validation.vpc_id),
)

# Keep the table and the dataclass in step.
assert {f.attribute for f in _FIELDS} == {f.name for f in fields(ClusterSettings)}


def read_context(cdktf_json: Path) -> Mapping[str, Any]:
    """``context["eks-lbc"]`` of ``cdktf_json``; empty when the file or the key is absent."""
    where = f"{cdktf_json.name}"
    try:
        document = json.loads(cdktf_json.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as error:
        raise InvalidSetting(where, f"line {error.lineno}: {error.msg}", "valid JSON") from None
    context = document.get("context", {}).get(CONTEXT_KEY, {})
    if not isinstance(context, Mapping):
        raise InvalidSetting(f"{where} context.{CONTEXT_KEY}", context, "a JSON object of settings")
    return context


def load_settings(cdktf_json: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the settings from ``cdktf_json`` and ``environ`` (default ``os.environ``)."""
    environ = os.environ if environ is None else environ
    context = read_context(cdktf_json)
    prefix = f"{cdktf_json.name} context.{CONTEXT_KEY}"
    known = {f.key for f in _FIELDS}
    for key in context:
        if key not in known:
            raise InvalidSetting(f"{prefix}.{key}", context[key], f"a known setting: one of {', '.join(sorted(known))}")

    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for field in _FIELDS:
        if environ.get(field.env):
            source, value = field.env, environ[field.env]
        elif context.get(field.key) is not None:
            source, value = f"{prefix}.{field.key}", context[field.key]
        elif field.required:
            raise InvalidSetting(field.env, None, f"set in the environment or as {prefix}.{field.key}")
        else:
            continue
        if not isinstance(value, str):
            raise InvalidSetting(source, value, "a string")
        values[field.attribute] = field.check(source, value)
        sources[field.attribute] = source
    values.setdefault("chart_version", default_chart_version())
    if len(default_iam_name(values["cluster_name"])) > IAM_ROLE_NAME_MAX:
        longest = IAM_ROLE_NAME_MAX - len(default_iam_name(""))
        raise InvalidSetting(
            sources["cluster_name"],
            values["cluster_name"],
            f"at most {longest} characters, so the IAM role name {default_iam_name('<cluster>')!r} "
            f"fits IAM's {IAM_ROLE_NAME_MAX}",
        )
    return Settings(clusters=(ClusterSettings(**values),))
