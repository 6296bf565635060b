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
app-wide ones) and a row to ``_FIELDS``; ``docs/settings.md``'s table documents it (a test checks).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from eks_lbc import _lazy_providers, aws_access, chart_repository, ingress_webhook, naming, runtime, validation
from eks_lbc.chart_values import check_extra_values
from eks_lbc.defaults import (
    DEFAULT_NAMESPACE,
    DEFAULT_REPLICAS,
    DEFAULT_SERVICE_ACCOUNT,
    DEFAULT_SERVICE_MUTATOR_WEBHOOK,
    DEFAULT_STATE_KEY_PREFIX,
    DEFAULT_ZONE_SPREAD,
    IDENTITIES,
    IDENTITY_IRSA,
    IDENTITY_POD_IDENTITY,
    OIDC_PROVIDER_CREATE,
    OIDC_PROVIDER_MODES,
    STS_AUDIENCE,
)
from eks_lbc.errors import InvalidSetting
from eks_lbc.features import (
    CERTIFICATE_MANAGEMENT,
    FEATURE_TABLE,
    GLOBAL_ACCELERATOR,
    POLICY_FULL,
    POLICY_MODES,
    check_feature,
    check_gates,
    check_helm_values,
    check_policy_mode,
    helm_value_gates,
    merge_gates,
    owned_gates,
)
from eks_lbc.gateway_api import check_gateway_api
from eks_lbc.helm_values import Shown, check_literal_values, shown
from eks_lbc.images import REGIONAL, regional_repository
from eks_lbc.partitions import partition_of, supported_partition
from eks_lbc.versions import chart_release, check_pod_identity, default_chart_version

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
    # Credentials for the controller: "irsa" or "pod-identity".
    identity: str = IDENTITY_IRSA
    # IRSA: "create" the IAM OIDC provider, or use the "existing" one for the cluster's issuer.
    oidc_provider: str = OIDC_PROVIDER_CREATE
    sts_audience: str = STS_AUDIENCE
    # Subnets to tag for the controller's subnet discovery.
    public_subnet_ids: tuple[str, ...] = ()
    private_subnet_ids: tuple[str, ...] = ()
    # Organisation IAM rules.
    iam_name_prefix: str = ""
    iam_path: str | None = None
    permissions_boundary: str | None = None
    tags: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # Remote state: an S3 backend when state_bucket is set, else local state.
    state_bucket: str | None = None
    state_key_prefix: str = DEFAULT_STATE_KEY_PREFIX
    state_region: str | None = None
    state_kms_key_id: str | None = None
    state_lockfile: bool = True
    # Controller image, high availability, webhook, extra chart values, example Ingress.
    image_repository: str | None = None  # None: the chart's public ECR image; "regional": the region's EKS registry
    image_tag: str | None = None  # None: the chart's appVersion
    replicas: int = DEFAULT_REPLICAS
    pod_disruption_budget: bool = True
    zone_spread: str = DEFAULT_ZONE_SPREAD
    enable_service_mutator_webhook: bool = DEFAULT_SERVICE_MUTATOR_WEBHOOK
    # The Ingress validating webhook: "ignore", "fail" or "off"; None: the safest the chart allows.
    ingress_validation_webhook: str | None = None
    helm_values: Mapping[str, Any] = field(default_factory=dict)  # checked against the chart version's keys
    example_ingress: bool = False
    # The deployment's names (eks_lbc/naming.py) and how Terraform reaches AWS (eks_lbc/aws_access.py).
    legacy_names: bool = False  # True: the cluster-name-only names of deployments made before, kept as they were
    account_id: str | None = None  # the cluster's account: allowed_account_ids, and part of the stack name
    aws_profile: str | None = None  # aws provider, `aws eks get-token` and the S3 backend
    assume_role_arn: str | None = None  # aws provider and `aws eks get-token --role-arn`
    state_assume_role_arn: str | None = None  # the S3 backend's role (the bucket's account)
    # Chart mirror: None is eks-charts; an https:// repository or an oci:// registry (eks_lbc/chart_repository.py).
    chart_repository: str | None = None
    # For a private repository that is neither public nor private ECR; its password is TF_VAR_chart_repository_password.
    chart_repository_username: str | None = None
    # Controller capabilities (eks_lbc.features): feature gates, feature-tied IAM policies, the policy mode.
    feature_gates: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))
    certificate_management: bool = False
    global_accelerator: bool = False
    policy: str = POLICY_FULL
    # Node security groups to open to the control plane on the webhook port.
    node_security_group_ids: tuple[str, ...] = ()
    # The Gateway API CRDs and GatewayClasses, with the controller's Gateway gates on.
    gateway_api: bool = False
    # The example Gateway and HTTPRoute, in a stack of its own applied after this one (needs gateway_api).
    example_gateway: bool = False

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


def integer(minimum: int, maximum: int) -> Parser:
    def parse(source: str, raw: Any) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int) or not minimum <= raw <= maximum:
            raise InvalidSetting(source, raw, f"a whole number from {minimum} to {maximum}")
        return raw

    return parse


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


def _image_repository(source: str, raw: str) -> str:
    return raw if raw == REGIONAL else validation.image_repository(source, raw)


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
    _Field("identity", "identity", text(validation.choice(IDENTITIES))),
    _Field("oidc_provider", "oidcProvider", text(validation.choice(OIDC_PROVIDER_MODES))),
    _Field("sts_audience", "stsAudience", text(validation.audience)),
    _Field("public_subnet_ids", "publicSubnetIds", string_list(validation.subnet_id)),
    _Field("private_subnet_ids", "privateSubnetIds", string_list(validation.subnet_id)),
    _Field("iam_name_prefix", "iamNamePrefix", text(validation.iam_name_prefix)),
    _Field("iam_path", "iamPath", text(validation.iam_path)),
    _Field("permissions_boundary", "permissionsBoundary", text(validation.policy_arn)),
    # One less than IAM's 50: the controller's policy also carries eks-lbc/controller-version.
    _Field("tags", "tags", string_map(validation.tag_key, validation.tag_value, validation.TAGS_MAX - 1)),
    _Field("state_bucket", "stateBucket", text(validation.s3_bucket)),
    _Field("state_key_prefix", "stateKeyPrefix", text(validation.state_key_prefix)),
    _Field("state_region", "stateRegion", text(validation.region)),
    _Field("state_kms_key_id", "stateKmsKeyId", text(validation.kms_key)),
    _Field("state_lockfile", "stateLockfile", boolean),
    _Field("image_repository", "imageRepository", text(_image_repository)),
    _Field("image_tag", "imageTag", text(validation.image_tag)),
    _Field("replicas", "replicas", integer(validation.REPLICAS_MIN, validation.REPLICAS_MAX)),
    _Field("pod_disruption_budget", "podDisruptionBudget", boolean),
    _Field("zone_spread", "zoneSpread", text(validation.zone_spread)),
    _Field("enable_service_mutator_webhook", "enableServiceMutatorWebhook", boolean),
    _Field("ingress_validation_webhook", "ingressValidationWebhook", text(validation.choice(ingress_webhook.CHOICES))),
    _Field("helm_values", "helmValues", json_object),
    _Field("example_ingress", "exampleIngress", boolean),
    _Field("legacy_names", "legacyNames", boolean),
    _Field("account_id", "accountId", text(aws_access.account_id)),
    _Field("aws_profile", "awsProfile", text(aws_access.profile)),
    _Field("assume_role_arn", "assumeRoleArn", text(aws_access.role_arn)),
    _Field("state_assume_role_arn", "stateAssumeRoleArn", text(aws_access.role_arn)),
    _Field("chart_repository", "chartRepository", text(lambda source, raw: chart_repository.parse(source, raw).url)),
    _Field("chart_repository_username", "chartRepositoryUsername", text(chart_repository.check_username)),
    _Field("feature_gates", "featureGates", boolean_map),
    _Field("certificate_management", "certificateManagement", boolean),
    _Field("global_accelerator", "globalAccelerator", boolean),
    _Field("policy", "policy", text(validation.choice(POLICY_MODES))),
    _Field("node_security_group_ids", "nodeSecurityGroupIds", string_list(validation.security_group_id)),
    _Field("gateway_api", "gatewayApi", boolean),
    _Field("example_gateway", "exampleGateway", boolean),
)

# Keep the table and the dataclasses in step.
assert {f.attribute for f in _FIELDS if f.per_cluster} == {f.name for f in fields(ClusterSettings)}
assert {f.attribute for f in _FIELDS if not f.per_cluster} == {f.name for f in fields(Settings)} - {"clusters"}


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
        _check_cluster(values, sources)
        _check_chart_dependent(values, sources)
        _check_chart_repository(values, sources)
        _check_features(values, sources)
        clusters.append(ClusterSettings(**values))

    _check_unique(clusters, entry_prefixes)

    app_values = {}
    for f in _FIELDS:
        if not f.per_cluster:
            found, value, _ = resolve(f, {}, prefix)
            if found:
                app_values[f.attribute] = value
    return Settings(clusters=tuple(clusters), **app_values)


def _check_cluster(values: Mapping[str, Any], sources: Mapping[str, str]) -> None:
    """Checks that involve more than one setting of a cluster."""
    partition = supported_partition(sources["region"], values["region"])
    if values.get("identity") == IDENTITY_POD_IDENTITY:
        chart = values.get("chart_version", default_chart_version())
        check_pod_identity(chart, sources.get("chart_version", sources["identity"]))
        # IRSA-only settings would be silently ignored: say so instead.
        if values.get("sts_audience", STS_AUDIENCE) != STS_AUDIENCE:
            raise InvalidSetting(
                sources["sts_audience"],
                values["sts_audience"],
                "unset with identity pod-identity (the token audience is an IRSA setting; "
                f"set by {sources['identity']})",
            )
        if values.get("oidc_provider", OIDC_PROVIDER_CREATE) != OIDC_PROVIDER_CREATE:
            raise InvalidSetting(
                sources["oidc_provider"],
                values["oidc_provider"],
                f"unset with identity pod-identity (Pod Identity uses no OIDC provider; set by {sources['identity']})",
            )
    prefix = values.get("iam_name_prefix", "")
    legacy = values.get("legacy_names", False)
    base = naming.iam_base_name(values["cluster_name"], values["region"], legacy=legacy)
    name = prefix + base
    if len(name) > IAM_ROLE_NAME_MAX:
        if prefix:
            raise InvalidSetting(
                sources["iam_name_prefix"],
                prefix,
                f"a prefix short enough that the IAM role name {name!r} ({len(name)} characters) "
                f"fits IAM's {IAM_ROLE_NAME_MAX}",
            )
        longest = IAM_ROLE_NAME_MAX - len(base) + len(values["cluster_name"])
        shape = naming.iam_base_name("<cluster>", values["region"], legacy=legacy)
        raise InvalidSetting(
            sources["cluster_name"],
            values["cluster_name"],
            f"at most {longest} characters, so the IAM role name {shape!r} fits IAM's {IAM_ROLE_NAME_MAX}",
        )
    if "permissions_boundary" in values:
        validation.policy_arn(sources["permissions_boundary"], values["permissions_boundary"], partition)
    _check_access(values, sources, partition)
    public = set(values.get("public_subnet_ids", ()))
    for index, subnet in enumerate(values.get("private_subnet_ids", ())):
        if subnet in public:
            raise InvalidSetting(
                f"{sources['private_subnet_ids']}[{index}]", subnet, "a subnet that is not also listed as public"
            )
    if "state_bucket" in values:
        if "state_region" not in values:
            raise InvalidSetting(
                _sibling(sources["state_bucket"], "stateRegion", "STATE_REGION"),
                None,
                "the S3 state bucket's region, set together with stateBucket",
            )
        if "state_kms_key_id" in values:
            validation.kms_key(
                sources["state_kms_key_id"], values["state_kms_key_id"], partition_of(values["state_region"])
            )
        if "state_assume_role_arn" in values:
            aws_access.role_arn(
                sources["state_assume_role_arn"], values["state_assume_role_arn"], partition_of(values["state_region"])
            )
    else:
        for attribute in ("state_region", "state_kms_key_id", "state_assume_role_arn"):
            if attribute in values:
                raise InvalidSetting(sources[attribute], values[attribute], "unset unless stateBucket is set")


def _sibling(source: str, key: str, env_suffix: str) -> str:
    """Where to set a missing companion of the setting read from ``source`` (same place, other key)."""
    if source.startswith(ENV_PREFIX):
        return ENV_PREFIX + env_suffix
    return source.rsplit(".", 1)[0] + "." + key


def _check_chart_repository(values: Mapping[str, Any], sources: Mapping[str, str]) -> None:
    """A username only for a repository that takes one; a private ECR mirror in the cluster's region."""
    username = values.get("chart_repository_username")
    if "chart_repository" not in values:
        if username is not None:
            raise InvalidSetting(
                sources["chart_repository_username"],
                username,
                "unset unless chartRepository names a private mirror (the default, eks-charts, is public)",
            )
        return
    repository = chart_repository.parse(sources["chart_repository"], values["chart_repository"])
    chart_repository.check_credentials(sources.get("chart_repository_username", ""), repository, username)
    chart_repository.check_ecr_region(sources["chart_repository"], repository, values["region"])


def _check_chart_dependent(values: dict[str, Any], sources: dict[str, str]) -> None:
    """Checks that need another setting: extra Helm values against the chart version, the regional registry."""
    chart_version = values.get("chart_version") or default_chart_version()
    if "helm_values" in values:
        values["helm_values"] = check_extra_values(sources["helm_values"], values["helm_values"], chart_version)
    if values.get("image_repository") == REGIONAL:
        regional_repository(values["region"], sources["image_repository"])
    if "ingress_validation_webhook" in values:
        source = sources["ingress_validation_webhook"]
        ingress_webhook.check(source, values["ingress_validation_webhook"], chart_version)


def _check_access(values: Mapping[str, Any], sources: Mapping[str, str], partition: str) -> None:
    """The role to assume is of the cluster's partition and, when ``accountId`` is set, of that account."""
    role = values.get("assume_role_arn")
    if role is None:
        return
    aws_access.role_arn(sources["assume_role_arn"], role, partition)
    account = values.get("account_id")
    if account is not None and aws_access.role_account(role) != account:
        raise InvalidSetting(sources["assume_role_arn"], role, f"a role of the cluster's account {account} (accountId)")


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


def _check_features(values: dict[str, Any], sources: dict[str, str]) -> None:
    """The controller's capabilities against its chart, partition, policy mode and the other settings."""
    chart_version = values.get("chart_version") or default_chart_version()
    policy = values.get("policy", POLICY_FULL)
    features = tuple(f for f in (CERTIFICATE_MANAGEMENT, GLOBAL_ACCELERATOR) if values.get(FEATURE_TABLE[f].option))
    gateway_api = values.get("gateway_api", False)
    check_policy_mode(
        sources.get("policy", "policy"),
        policy,
        features=features,
        enable_service_mutator_webhook=values.get("enable_service_mutator_webhook", False),
        feature_fields={f: sources[FEATURE_TABLE[f].option] for f in features},
        webhook_field=sources.get("enable_service_mutator_webhook", ""),
        gateway_api=gateway_api,
        gateway_api_field=sources.get("gateway_api", ""),
    )
    if gateway_api:
        check_gateway_api(sources["gateway_api"], chart_version)
    for feature in features:
        check_feature(sources[FEATURE_TABLE[feature].option], chart_version, feature, partition_of(values["region"]))
    helm_values = values.get("helm_values", {})
    if helm_values:
        check_helm_values(sources["helm_values"], helm_values, chart_version, policy, features, gateway_api)
    if "feature_gates" in values:
        owned = owned_gates(policy, features, gateway_api)
        gates = check_gates(sources["feature_gates"], values["feature_gates"], chart_version, owned)
        in_values = f"{sources.get('helm_values')}.controllerConfig.featureGates"
        merge_gates(sources["feature_gates"], helm_value_gates(helm_values), gates, in_values)
    if values.get("node_security_group_ids") and helm_values.get("webhookBindPort") not in (None, ""):
        validation.port(f"{sources['helm_values']}.webhookBindPort", helm_values["webhookBindPort"])
