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

To add a setting: declare it once, as a field with its :func:`eks_lbc.options.option` spec (``cdktf.json``
key, kind, check, whether it must be concrete, the chart values it sets): in a group of
:mod:`eks_lbc.options` when the constructs take it, else in one of the app's groups below. The table of
keys and variables (``_FIELDS``) is derived from the declarations; render it where it acts, and give it its
row in ``docs/settings.md`` (a test checks).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from eks_lbc import _lazy_providers, aws_access, naming, options, runtime, validation
from eks_lbc.defaults import DEFAULT_STATE_KEY_PREFIX, OIDC_PROVIDER_CREATE, OIDC_PROVIDER_MODES
from eks_lbc.errors import InvalidSetting
from eks_lbc.gateway_api.example import check_example_gateway
from eks_lbc.helm_values import Shown, check_literal_values, shown
from eks_lbc.options import (
    BOOL,
    GATES,
    INTEGER,
    LIST,
    MAP,
    TEXT,
    VALUES,
    ClusterRef,
    ControllerOptions,
    Spec,
    option,
    option_names,
    spec_of,
)
from eks_lbc.partitions import partition_of, supported_partition

CONTEXT_KEY = "eks-lbc"
CLUSTERS_KEY = "clusters"
ENV_PREFIX = "EKS_LBC_"
IAM_ROLE_NAME_MAX = 64


@dataclass(frozen=True, kw_only=True)
class StateSettings:
    """Where the stack's Terraform state lives: an S3 backend when ``state_bucket`` is set, else local state."""

    state_bucket: str | None = option(None, key="stateBucket", check=validation.s3_bucket)
    state_key_prefix: str = option(DEFAULT_STATE_KEY_PREFIX, key="stateKeyPrefix", check=validation.state_key_prefix)
    state_region: str | None = option(None, key="stateRegion", check=validation.region)
    state_kms_key_id: str | None = option(None, key="stateKmsKeyId", check=validation.kms_key)
    state_lockfile: bool = option(True, key="stateLockfile", kind=BOOL)


@dataclass(frozen=True, kw_only=True)
class AccessSettings:
    """The deployment's names (eks_lbc/naming.py) and how Terraform reaches AWS (eks_lbc/aws_access.py)."""

    # True: the cluster-name-only names of deployments made before, kept as they were.
    legacy_names: bool = option(False, key="legacyNames", kind=BOOL)
    # The cluster's account: allowed_account_ids, and part of the stack name.
    account_id: str | None = option(None, key="accountId", check=aws_access.account_id)
    # The aws provider, `aws eks get-token` and the S3 backend.
    aws_profile: str | None = option(None, key="awsProfile", check=aws_access.profile)
    # The aws provider and `aws eks get-token --role-arn`.
    assume_role_arn: str | None = option(None, key="assumeRoleArn", check=aws_access.role_arn)
    # The S3 backend's role (the bucket's account).
    state_assume_role_arn: str | None = option(None, key="stateAssumeRoleArn", check=aws_access.role_arn)


@dataclass(frozen=True, kw_only=True)
class AppSettings:
    """The app's own choices of what the stack builds around the controller."""

    # IRSA: "create" the IAM OIDC provider, or use the "existing" one for the cluster's issuer.
    oidc_provider: str = option(OIDC_PROVIDER_CREATE, key="oidcProvider", check=validation.choice(OIDC_PROVIDER_MODES))
    example_ingress: bool = option(False, key="exampleIngress", kind=BOOL)
    # The example Gateway and HTTPRoute, in a stack of its own applied after this one (needs gateway_api).
    example_gateway: bool = option(False, key="exampleGateway", kind=BOOL)


@dataclass(frozen=True, kw_only=True)
class ClusterSettings(AppSettings, AccessSettings, StateSettings, ControllerOptions, ClusterRef):
    """Settings for one cluster, one stack: the controller's options (:mod:`eks_lbc.options`) and the app's own."""

    @property
    def controller_options(self) -> ControllerOptions:
        """The options of :class:`eks_lbc.constructs.LoadBalancerController`, as set here."""
        return ControllerOptions(**{name: getattr(self, name) for name in option_names(ControllerOptions)})

    @property
    def stack_name(self) -> str:
        """Stack id and folder under ``cdktf.out/stacks/``: ``eks-lbc-<cluster>-<region>[-<account>]``.

        With ``legacy_names``: ``eks-lbc-<cluster>``, as deployments made before region-qualified names have it.
        """
        return naming.stack_name(self.cluster_name, self.region, self.account_id, legacy=self.legacy_names)

    @property
    def partition(self) -> str:
        """The AWS partition of the cluster's region: ``aws``, ``aws-cn`` or ``aws-us-gov``."""
        return partition_of(self.region)

    @property
    def iam_base_name(self) -> str:
        """The IAM role and policy name without the prefix: ``<cluster>-<region>-aws-lbc`` (legacy: no region)."""
        return naming.iam_base_name(self.cluster_name, self.region, legacy=self.legacy_names)

    @property
    def iam_name(self) -> str:
        """Name of the controller's IAM role and policy: ``<iam_name_prefix><cluster>-<region>-aws-lbc``."""
        return self.iam_name_prefix + self.iam_base_name

    @property
    def local_state_file(self) -> str:
        """The local state file (without ``state_bucket``), in the project folder next to ``cdktf.out/``."""
        return naming.local_state_file(self.stack_name)

    @property
    def state_key(self) -> str:
        """The stack's state object in the S3 bucket: ``<state_key_prefix>/<stack>.tfstate``."""
        return f"{self.state_key_prefix}/{self.stack_name}.tfstate"


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


def string_list(check: Callable[[str, str], str]) -> Parser:
    """A list of strings, each checked by ``check``, without duplicates.

    In ``cdktf.json`` a JSON array; in the environment comma-separated (``a,b``; spaces around
    items are ignored) or a JSON array (``["a","b"]``).
    """

    def parse(source: str, raw: Any) -> tuple[str, ...]:
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise InvalidSetting(source, raw, "a list of strings")
        seen: set[str] = set()
        for index, item in enumerate(raw):
            check(f"{source}[{index}]", item)
            if item in seen:
                raise InvalidSetting(f"{source}[{index}]", item, "no duplicates")
            seen.add(item)
        return tuple(raw)

    def decode_env(raw: str) -> Any:
        if raw.lstrip().startswith("["):
            return _json_or_raw(raw)
        return [item.strip() for item in raw.split(",")]

    parse.decode_env = decode_env  # type: ignore[attr-defined]
    return parse


def string_map(check_key: Callable[[str, str], str], check_value: Callable[[str, str], str], limit: int) -> Parser:
    """A JSON object of strings to strings (in the environment too), at most ``limit`` entries."""

    def parse(source: str, raw: Any) -> Mapping[str, str]:
        if not isinstance(raw, Mapping) or not all(isinstance(v, str) for v in raw.values()):
            raise InvalidSetting(source, raw, "a JSON object of strings")
        if len(raw) > limit:
            raise InvalidSetting(source, raw, f"at most {limit} entries")
        for key, value in raw.items():
            check_key(f"{source} key", key)
            check_value(f"{source}[{key!r}]", value)
        return MappingProxyType(dict(raw))

    return parse


@dataclass(frozen=True)
class _UndecodedJson:
    """An environment variable whose text is not JSON: why (the text itself is never shown: it may hold secrets)."""

    error: str


def json_object(source: str, raw: Any) -> dict[str, Any]:
    """A JSON object (in the environment: its JSON text, e.g. ``{"logLevel": "debug"}``) of chart values.

    Checked here for what cannot stay literal or safe whatever the chart (:func:`check_literal_values`);
    an error shows where the problem is, never the whole text.
    """
    expected = 'a JSON object, e.g. {"logLevel": "debug"}'
    if isinstance(raw, _UndecodedJson):
        raise InvalidSetting(source, Shown("<text not shown>"), f"{expected}; the text is not JSON: {raw.error}")
    if not isinstance(raw, Mapping):
        raise InvalidSetting(source, shown(raw), expected)
    check_literal_values(source, raw)
    return dict(raw)


def boolean_map(source: str, raw: Any) -> Mapping[str, bool]:
    """A JSON object of names to ``true``/``false`` (in the environment too); names are checked later."""
    if not isinstance(raw, Mapping) or not all(isinstance(v, bool) for v in raw.values()):
        raise InvalidSetting(source, raw, 'a JSON object of names to true/false, e.g. {"EnableRGTAPI": true}')
    return MappingProxyType(dict(raw))


def _decode_json_object(raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        return _UndecodedJson(f"{error.msg} (line {error.lineno}, column {error.colno})")
    except RecursionError:
        return _UndecodedJson("nested too deeply")


json_object.decode_env = _decode_json_object  # type: ignore[attr-defined]


def _same(source: str, raw: Any) -> Any:
    return raw


def _parser(spec: Spec) -> Parser:
    """How the settings edge reads a raw value of ``spec``'s kind, with its checks."""
    if spec.kind == TEXT:
        return text(spec.check or _same)
    if spec.kind == BOOL:
        return boolean
    if spec.kind == INTEGER:
        assert spec.check is not None, spec.key
        return spec.check
    if spec.kind == LIST:
        return string_list(spec.check or _same)
    if spec.kind == MAP:
        assert spec.check_key is not None and spec.check is not None and spec.limit is not None, spec.key
        return string_map(spec.check_key, spec.check, spec.limit)
    if spec.kind == VALUES:
        return json_object
    if spec.kind == GATES:
        return boolean_map
    raise AssertionError(f"{spec.key}: unknown kind {spec.kind}")


@dataclass(frozen=True)
class _Field:
    """One row of the settings table: a :class:`ClusterSettings` field and how it is read."""

    attribute: str  # ClusterSettings attribute
    spec: Spec
    parse: Parser

    @property
    def key(self) -> str:  # cdktf.json key
        return self.spec.key

    @property
    def required(self) -> bool:
        return self.spec.required

    @property
    def identity(self) -> bool:  # names a cluster: with a `clusters` list it cannot come from the environment
        return self.spec.names_cluster

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.attribute.upper()


# Derived from the declarations: one row per ClusterSettings field.
_FIELDS: tuple[_Field, ...] = tuple(_Field(f.name, spec_of(f), _parser(spec_of(f))) for f in fields(ClusterSettings))
_KEYS = {f.attribute: f.key for f in _FIELDS}


def context_schema() -> dict[str, Any]:
    """A JSON Schema of ``cdktf.json`` checking ``context["eks-lbc"]``, derived from the declarations (editors, CI).

    It knows each key's type, its choices and defaults; the checks it cannot express (names, ARNs, the rules of
    several settings) still run when the app reads the settings.
    """
    properties: dict[str, Any] = {}
    for f in _FIELDS:
        schema = _kind_schema(f.spec)
        default = _json_default(f.attribute)
        if default is not None:
            schema["default"] = default
        properties[f.key] = schema
    cluster = {"type": "object", "properties": properties, "additionalProperties": False}
    context = {
        "type": "object",
        "properties": {**properties, CLUSTERS_KEY: {"type": "array", "minItems": 1, "items": cluster}},
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "cdktf.json of an eks-lbc project",
        "description": "Generated from eks_lbc/settings.py and eks_lbc/options.py (make schema); see docs/settings.md. "
        "It checks context.eks-lbc; the rest of cdktf.json is cdktf's.",
        "type": "object",
        "properties": {"context": {"type": "object", "properties": {CONTEXT_KEY: {"$ref": "#/$defs/settings"}}}},
        "$defs": {"settings": context},
    }


def _kind_schema(spec: Spec) -> dict[str, Any]:
    if spec.kind == TEXT:
        choices = getattr(spec.check, "choices", None)
        choices = choices() if callable(choices) else choices
        return {"type": "string", "enum": list(choices)} if choices else {"type": "string"}
    if spec.kind == BOOL:
        return {"type": "boolean"}
    if spec.kind == INTEGER:
        return {"type": "integer", "minimum": spec.check.minimum, "maximum": spec.check.maximum}  # type: ignore[union-attr]
    if spec.kind == LIST:
        return {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
    if spec.kind == MAP:
        return {"type": "object", "additionalProperties": {"type": "string"}, "maxProperties": spec.limit}
    if spec.kind == GATES:
        return {"type": "object", "additionalProperties": {"type": "boolean"}}
    return {"type": "object"}  # VALUES


def _json_default(attribute: str) -> Any:
    """The field's default as JSON, when it has a fixed one (not None, not computed per cluster)."""
    from dataclasses import MISSING

    (f,) = (f for f in fields(ClusterSettings) if f.name == attribute)
    if f.default is MISSING or f.default is None:
        return None
    return list(f.default) if isinstance(f.default, tuple) else f.default


def _decode_env(field: _Field, raw: str) -> Any:
    """Environment variables are text; non-text settings are written as JSON (``true``, ``3``, ``{...}``)."""
    if getattr(field.parse, "accepts_text", False):
        return raw
    decode = getattr(field.parse, "decode_env", None)
    if decode is not None:
        return decode(raw)
    if field.parse is boolean and raw in ("1", "0"):
        return raw == "1"
    return _json_or_raw(raw)


def _json_or_raw(raw: str) -> Any:
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
    except RecursionError:
        raise InvalidSetting(cdktf_json.name, "<not shown>", "JSON nested less deeply") from None
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
    # Process switches, acted on when eks_lbc._cdk is imported (eks_lbc._runtime_setup); reported here, at the edge.
    _lazy_providers.switch(environ)
    runtime.choose(environ, sys.modules.keys())
    context = read_context(cdktf_json)
    prefix = f"{cdktf_json.name} context.{CONTEXT_KEY}"
    cluster_keys = {f.key for f in _FIELDS}
    _check_keys(prefix, context, cluster_keys | {CLUSTERS_KEY})

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
            found, value, source = resolve(f, entry, where)
            if found:
                values[f.attribute] = value
                sources[f.attribute] = source
        clusters.append(_checked_cluster(ClusterSettings(**values), sources))

    _check_unique(clusters, entry_prefixes)
    return Settings(clusters=tuple(clusters))


def _checked_cluster(cluster: ClusterSettings, sources: Mapping[str, str]) -> ClusterSettings:
    """The rules that involve more than one setting; the same functions check the constructs' options."""

    def where(attribute: str) -> str:
        return sources.get(attribute) or _KEYS[attribute]

    never = _never_a_token
    partition = supported_partition(where("region"), cluster.region)
    asked = ("oidc_provider", cluster.oidc_provider) if cluster.oidc_provider != OIDC_PROVIDER_CREATE else None
    options.check_identity(cluster, where, oidc_provider=asked)
    _check_names(cluster, sources)
    options.check_boundary(where("permissions_boundary"), cluster.permissions_boundary, partition, never)
    _check_access(cluster, where, partition)
    options.check_subnets(cluster.public_subnet_ids, cluster.private_subnet_ids, where("private_subnet_ids"), never)
    _check_state(cluster, sources, where)
    helm_values = options.check_chart_values(cluster, where, cluster.region, never)
    options.check_chart_repository(cluster, where, cluster.region, never)
    options.check_features(cluster, where, partition, helm_values, never)
    check_example_gateway(cluster.example_gateway, cluster.gateway_api, where("example_gateway"))
    return replace(cluster, helm_values=helm_values) if "helm_values" in sources else cluster


def _never_a_token(value: Any) -> bool:
    """Settings are concrete: a value spelling cdktf's token marker is refused where it is read."""
    return False


def _check_names(cluster: ClusterSettings, sources: Mapping[str, str]) -> None:
    """The IAM role name (prefix, cluster, region) fits IAM's limit."""
    prefix = cluster.iam_name_prefix
    base = cluster.iam_base_name
    name = prefix + base
    if len(name) > IAM_ROLE_NAME_MAX:
        if prefix:
            raise InvalidSetting(
                sources["iam_name_prefix"],
                prefix,
                f"a prefix short enough that the IAM role name {name!r} ({len(name)} characters) "
                f"fits IAM's {IAM_ROLE_NAME_MAX}",
            )
        longest = IAM_ROLE_NAME_MAX - len(base) + len(cluster.cluster_name)
        shape = naming.iam_base_name("<cluster>", cluster.region, legacy=cluster.legacy_names)
        raise InvalidSetting(
            sources["cluster_name"],
            cluster.cluster_name,
            f"at most {longest} characters, so the IAM role name {shape!r} fits IAM's {IAM_ROLE_NAME_MAX}",
        )


def _check_state(cluster: ClusterSettings, sources: Mapping[str, str], where: Callable[[str], str]) -> None:
    """The S3 state's companions: a region with the bucket, keys and roles of its partition, nothing without it."""
    if cluster.state_bucket is not None:
        if cluster.state_region is None:
            raise InvalidSetting(
                _sibling(sources["state_bucket"], "stateRegion", "STATE_REGION"),
                None,
                "the S3 state bucket's region, set together with stateBucket",
            )
        state_partition = partition_of(cluster.state_region)
        if cluster.state_kms_key_id is not None:
            validation.kms_key(where("state_kms_key_id"), cluster.state_kms_key_id, state_partition)
        if cluster.state_assume_role_arn is not None:
            aws_access.role_arn(where("state_assume_role_arn"), cluster.state_assume_role_arn, state_partition)
    else:
        for attribute in ("state_region", "state_kms_key_id", "state_assume_role_arn"):
            if getattr(cluster, attribute) is not None:
                raise InvalidSetting(where(attribute), getattr(cluster, attribute), "unset unless stateBucket is set")


def _sibling(source: str, key: str, env_suffix: str) -> str:
    """Where to set a missing companion of the setting read from ``source`` (same place, other key)."""
    if source.startswith(ENV_PREFIX):
        return ENV_PREFIX + env_suffix
    return source.rsplit(".", 1)[0] + "." + key


def _check_access(cluster: ClusterSettings, where: Callable[[str], str], partition: str) -> None:
    """The role to assume is of the cluster's partition and, when ``accountId`` is set, of that account."""
    role = cluster.assume_role_arn
    if role is None:
        return
    aws_access.role_arn(where("assume_role_arn"), role, partition)
    account = cluster.account_id
    if account is not None and aws_access.role_account(role) != account:
        raise InvalidSetting(where("assume_role_arn"), role, f"a role of the cluster's account {account} (accountId)")


def _check_unique(clusters: list[ClusterSettings], where: list[str]) -> None:
    """No two clusters share a stack (folder, state) or an IAM name, compared the way their homes compare them.

    Stack folders and local state files are compared case-insensitively (macOS and Windows file systems fold
    case); IAM names too (IAM does), within a partition and, when both accounts are known, an account.
    """
    stacks: dict[str, int] = {}
    iam: dict[tuple[str, str], list[int]] = {}
    for index, cluster in enumerate(clusters):
        folded = cluster.stack_name.casefold()
        if folded in stacks:
            other = stacks[folded]
            same = "the same" if cluster.stack_name == clusters[other].stack_name else "a case-insensitively equal"
            raise InvalidSetting(
                f"{where[index]}.clusterName",
                cluster.cluster_name,
                f"a cluster that {where[other]} does not also name: both make {same} stack "
                f"{clusters[other].stack_name!r} (folder and state); names that differ only in case collide on "
                "case-insensitive file systems",
            )
        stacks[folded] = index
        key = (cluster.partition, cluster.iam_name.casefold())
        for other in iam.get(key, []):
            accounts = (cluster.account_id, clusters[other].account_id)
            if None in accounts or accounts[0] == accounts[1]:
                raise InvalidSetting(
                    f"{where[index]}.iamNamePrefix" if cluster.iam_name_prefix else f"{where[index]}.clusterName",
                    cluster.iam_name_prefix if cluster.iam_name_prefix else cluster.cluster_name,
                    f"an IAM name not used by {where[other]}: both make the IAM role and policy "
                    f"{cluster.iam_name!r} (IAM names are unique per account, ignoring case)",
                )
        iam.setdefault(key, []).append(index)


def check_local_state(settings: Settings, project_dir: Path) -> None:
    """Refuse to move a deployment away from its local state: a state file of the legacy names is there.

    Deployments made before region-qualified names keep their state in ``terraform.eks-lbc-<cluster>.tfstate``.
    Synthesizing the same cluster with the new names would point Terraform at a new, empty state, whose plan
    creates everything again; instead say how to keep the old names or move the file.
    """
    for cluster in settings.clusters:
        if cluster.legacy_names or cluster.state_bucket is not None:
            continue
        legacy = naming.local_state_file(naming.stack_name(cluster.cluster_name, cluster.region, legacy=True))
        current = cluster.local_state_file
        if (project_dir / legacy).is_file() and not (project_dir / current).exists():
            raise InvalidSetting(
                "legacyNames",
                False,
                f"true for cluster {cluster.cluster_name}: its state is {legacy}, a deployment with the names from "
                f"before region-qualified ones (the new ones, {current} and IAM {cluster.iam_name!r}, would start "
                "from an empty state and replace its IAM role); see README, Upgrading",
            )


if __name__ == "__main__":  # `make schema`: python -m eks_lbc.settings > docs/settings.schema.json
    print(json.dumps(context_schema(), indent=2))
