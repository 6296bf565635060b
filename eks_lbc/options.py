"""Every option of the controller, declared once: type, default, ``cdktf.json`` key, check, and what it owns.

The options are grouped into typed, frozen objects (:class:`IdentityOptions`, :class:`IamOptions`,
:class:`ReleaseOptions`, :class:`FeatureOptions`, :class:`NetworkOptions`); :class:`ControllerOptions` is all
of them, the props object of :class:`eks_lbc.constructs.LoadBalancerController` (which also takes each option
as a keyword argument), and :class:`eks_lbc.settings.ClusterSettings` adds the app's own settings (state,
AWS access, names) declared the same way. Each field carries a :class:`Spec`:

- the settings edge (:mod:`eks_lbc.settings`) derives its table of ``cdktf.json`` keys and ``EKS_LBC_*``
  variables from the specs, and parses a raw value by its :attr:`Spec.kind` with its :attr:`Spec.check`;
- the constructs run the same checks on concrete values (:func:`check_fields`), let tokens through where a
  value only flows into Terraform, and refuse a token where the value chooses structure (:attr:`Spec.concrete`);
- the chart values an option sets (:attr:`Spec.owns`) are refused in extra Helm values, naming the option
  (:func:`owned_values`).

The rules that involve more than one option are functions here too, one per rule, called by both edges with
``where`` (option name -> the name an error shows: the construct's keyword, or where a setting was read).

This module does not import cdktf.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields, replace
from functools import cache
from types import MappingProxyType
from typing import Any

from eks_lbc import chart_repository as repositories
from eks_lbc import ingress_webhook, validation
from eks_lbc.defaults import (
    DEFAULT_NAMESPACE,
    DEFAULT_REPLICAS,
    DEFAULT_SERVICE_ACCOUNT,
    DEFAULT_SERVICE_MUTATOR_WEBHOOK,
    DEFAULT_ZONE_SPREAD,
    IDENTITIES,
    IDENTITY_IRSA,
    IDENTITY_POD_IDENTITY,
    STS_AUDIENCE,
)
from eks_lbc.errors import InvalidSetting
from eks_lbc.features import POLICY_FULL, POLICY_MODES
from eks_lbc.images import REGIONAL
from eks_lbc.versions import chart_release, check_pod_identity, default_chart_version

# What a setting's raw value is (how the settings edge parses it and how check_fields walks it).
TEXT = "text"  # a string
BOOL = "bool"  # true/false
INTEGER = "integer"  # a whole number (check gives the range)
LIST = "list"  # strings, each checked, no duplicates
MAP = "map"  # strings to strings: keys by check_key, values by check, at most `limit` entries
VALUES = "values"  # a JSON object of chart values (checked against the chart by the rules below)
GATES = "gates"  # names to true/false (checked against the controller by the rules below)

Check = Callable[[str, Any], Any]
Where = Callable[[str], str]


@dataclass(frozen=True)
class Spec:
    """How one option is read, checked and rendered, besides its Python type and default."""

    key: str  # cdktf.json key (the environment variable is EKS_LBC_<ATTRIBUTE>)
    kind: str = TEXT
    check: Check | None = None  # a concrete value (LIST: each item; MAP: each value)
    check_key: Check | None = None  # MAP: each key
    limit: int | None = None  # MAP: most entries
    concrete: str | None = None  # why a token is refused: the value chooses structure (None: tokens allowed)
    owns: tuple[str, ...] = ()  # chart value paths the option sets: refused in extra Helm values
    required: bool = False
    names_cluster: bool = False  # with a `clusters` list it cannot come from the environment


def option(default: Any = MISSING, *, factory: Callable[[], Any] | None = None, **spec: Any) -> Any:
    """A dataclass field with its :class:`Spec` (``spec`` are Spec's fields)."""
    metadata = {"spec": Spec(**spec)}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def spec_of(f: Any) -> Spec:
    return f.metadata["spec"]


def spec_named(options_type: type, name: str) -> Spec:
    """The spec of option ``name`` of ``options_type``."""
    (found,) = (f for f in fields(options_type) if f.name == name)
    return spec_of(found)


def _empty_map() -> Mapping[str, Any]:
    return MappingProxyType({})


def _chart_version(name: str, value: str) -> str:
    chart_release(value, name)
    return value


def _supported_charts() -> tuple[str, ...]:
    from eks_lbc.versions import supported_charts

    return tuple(r.chart for r in supported_charts())


_chart_version.choices = _supported_charts  # type: ignore[attr-defined]  # (read when the schema is made)


def _image_repository(name: str, value: str) -> str:
    return value if value == REGIONAL else validation.image_repository(name, value)


def _chart_repository(name: str, value: str) -> str:
    return repositories.parse(name, value).url


# --- the groups -----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ClusterRef:
    """The cluster the controller runs on (the constructs take these as their own arguments; they may be tokens)."""

    cluster_name: str = option(
        key="clusterName", check=validation.cluster_name, required=True, names_cluster=True, owns=("clusterName",)
    )
    region: str = option(key="region", check=validation.region, required=True, names_cluster=True, owns=("region",))
    # None: the cluster's own VPC (the app reads it from data.aws_eks_cluster).
    vpc_id: str | None = option(None, key="vpcId", check=validation.vpc_id, owns=("vpcId",))


@dataclass(frozen=True, kw_only=True)
class IdentityOptions:
    """How the controller's pods get AWS credentials."""

    # "irsa" (IAM roles for service accounts) or "pod-identity" (EKS Pod Identity).
    identity: str = option(
        IDENTITY_IRSA,
        key="identity",
        check=validation.choice(IDENTITIES),
        concrete="it chooses between IRSA's and Pod Identity's resources",
    )
    # IRSA: the token audience; another value also annotates the service account with it.
    sts_audience: str = option(STS_AUDIENCE, key="stsAudience", check=validation.audience)


@dataclass(frozen=True, kw_only=True)
class IamOptions:
    """Organisation rules for the IAM role and policies."""

    # Prepended to the role and policy names.
    iam_name_prefix: str = option("", key="iamNamePrefix", check=validation.iam_name_prefix)
    # IAM path of the role and policies; None: "/".
    iam_path: str | None = option(None, key="iamPath", check=validation.iam_path)
    # ARN of the managed policy that bounds the role (of the cluster's partition).
    permissions_boundary: str | None = option(None, key="permissionsBoundary", check=validation.policy_arn)
    # Tags of the AWS resources (the app sets them as the aws provider's default_tags). One less than IAM's
    # 50: the controller's policy also carries eks-lbc/controller-version.
    tags: Mapping[str, str] = option(
        key="tags",
        kind=MAP,
        check_key=validation.tag_key,
        check=validation.tag_value,
        limit=validation.TAGS_MAX - 1,
        factory=_empty_map,
    )


@dataclass(frozen=True, kw_only=True)
class ReleaseOptions:
    """The controller's Helm release: where it runs, its chart, image, availability, webhooks, extra values."""

    namespace: str = option(DEFAULT_NAMESPACE, key="namespace", check=validation.namespace)
    service_account_name: str = option(
        DEFAULT_SERVICE_ACCOUNT,
        key="serviceAccountName",
        check=validation.service_account_name,
        owns=("serviceAccount",),
    )
    # The newest supported chart by default (None, from a library caller, means the same).
    chart_version: str | None = option(
        factory=default_chart_version,
        key="chartVersion",
        check=_chart_version,
        concrete="it chooses the IAM policy, the CRDs and the values the chart reads",
    )
    # None: the chart's public ECR image; "regional": the region's EKS image registry.
    image_repository: str | None = option(
        None, key="imageRepository", check=_image_repository, owns=("image.repository",)
    )
    # None: the chart's appVersion.
    image_tag: str | None = option(None, key="imageTag", check=validation.image_tag, owns=("image.tag",))
    replicas: int = option(
        DEFAULT_REPLICAS, key="replicas", kind=INTEGER, check=validation.replicas, owns=("replicaCount",)
    )
    pod_disruption_budget: bool = option(
        True,
        key="podDisruptionBudget",
        kind=BOOL,
        concrete="it chooses whether a PodDisruptionBudget is rendered",
        owns=("podDisruptionBudget",),
    )
    # "preferred", "required" or "off": topology spread across zones.
    zone_spread: str = option(
        DEFAULT_ZONE_SPREAD,
        key="zoneSpread",
        check=validation.zone_spread,
        concrete="it chooses the topology spread constraint",
        owns=("topologySpreadConstraints",),
    )
    enable_service_mutator_webhook: bool = option(
        DEFAULT_SERVICE_MUTATOR_WEBHOOK,
        key="enableServiceMutatorWebhook",
        kind=BOOL,
        concrete="it chooses the chart's webhooks",
        owns=("enableServiceMutatorWebhook",),
    )
    # "ignore", "fail" or "off"; None: the safest the chart allows.
    ingress_validation_webhook: str | None = option(
        None,
        key="ingressValidationWebhook",
        check=validation.choice(ingress_webhook.CHOICES),
        concrete="it chooses the chart's webhook values",
        owns=("webhookConfig.ingressValdationFailurePolicy", "webhookConfig.disableIngressValidation"),
    )
    # Further chart values, deep-merged over eks-lbc's own; checked against the pinned chart.
    helm_values: Mapping[str, Any] = option(key="helmValues", kind=VALUES, factory=dict)
    # None: eks-charts; an https:// repository or an oci:// registry (a mirror).
    chart_repository: str | None = option(
        None,
        key="chartRepository",
        check=_chart_repository,
        concrete="it chooses how Helm fetches the chart (https or OCI)",
    )
    # For a private repository that is neither public nor private ECR.
    chart_repository_username: str | None = option(
        None, key="chartRepositoryUsername", check=repositories.check_username
    )


@dataclass(frozen=True, kw_only=True)
class FeatureOptions:
    """The controller's capabilities: feature gates, feature-tied IAM policies, the policy mode, Gateway API."""

    feature_gates: Mapping[str, bool] = option(
        key="featureGates", kind=GATES, concrete="gate names and values choose the rendered values", factory=_empty_map
    )
    certificate_management: bool = option(
        False, key="certificateManagement", kind=BOOL, concrete="it chooses an IAM policy and a gate"
    )
    global_accelerator: bool = option(
        False, key="globalAccelerator", kind=BOOL, concrete="it chooses an IAM policy and gates"
    )
    policy: str = option(
        POLICY_FULL,
        key="policy",
        check=validation.choice(POLICY_MODES),
        concrete="it chooses the IAM policy and the chart values",
    )
    gateway_api: bool = option(
        False, key="gatewayApi", kind=BOOL, concrete="it chooses the Gateway API CRDs, GatewayClasses and gates"
    )


@dataclass(frozen=True, kw_only=True)
class NetworkOptions:
    """Subnets to tag for discovery, and node security groups to open on the webhook port."""

    public_subnet_ids: tuple[str, ...] = option((), key="publicSubnetIds", kind=LIST, check=validation.subnet_id)
    private_subnet_ids: tuple[str, ...] = option((), key="privateSubnetIds", kind=LIST, check=validation.subnet_id)
    node_security_group_ids: tuple[str, ...] = option(
        (), key="nodeSecurityGroupIds", kind=LIST, check=validation.security_group_id
    )


@dataclass(frozen=True, kw_only=True)
class ControllerOptions(IdentityOptions, IamOptions, ReleaseOptions, FeatureOptions, NetworkOptions):
    """Every option of :class:`eks_lbc.constructs.LoadBalancerController`: the groups together.

    Pass one as ``options=`` (e.g. the app's ``ClusterSettings.controller_options``), or the options as
    keyword arguments of the construct, or both (keywords override).
    """

    @property
    def resolved_chart_version(self) -> str:
        """``chart_version`` or the newest supported chart."""
        return self.chart_version or default_chart_version()


def option_names(options_type: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(options_type))


def with_keywords(options_type: type, given: Any, keywords: Mapping[str, Any], *, owner: str) -> Any:
    """``given`` (or the defaults) with ``keywords`` replacing its options; an unknown keyword is an error."""
    names = set(option_names(options_type))
    for name in keywords:
        if name not in names:
            raise TypeError(f"{owner}() got an unexpected keyword argument {name!r}")
    if given is None:
        return options_type(**keywords)
    if not isinstance(given, options_type):
        raise InvalidSetting("options", type(given).__name__, f"an {options_type.__name__}")
    return replace(given, **keywords) if keywords else given


def concrete_options(options_type: type) -> tuple[str, ...]:
    """The options that choose structure (a token is refused)."""
    return tuple(f.name for f in fields(options_type) if spec_of(f).concrete)


# --- checks of single options ---------------------------------------------------------------------------


def check_fields(
    options: Any, where: Where, is_token: Callable[[Any], bool], names: Sequence[str] | None = None
) -> None:
    """Each option of ``options`` (or of ``names``) by its spec; tokens are refused where the value chooses structure.

    The settings edge parses the same specs (:mod:`eks_lbc.settings`); here values come from Python callers,
    so the kind's shape is checked too.
    """
    for f in fields(options):
        if names is not None and f.name not in names:
            continue
        spec = spec_of(f)
        check_value(spec, where(f.name), getattr(options, f.name), is_token)


def check_value(spec: Spec, name: str, value: Any, is_token: Callable[[Any], bool]) -> None:
    if value is None:
        return
    if spec.concrete and _holds_token(value, is_token):
        raise InvalidSetting(name, value, f"a concrete value, not a token: {spec.concrete}")
    if is_token(value):
        return
    if spec.kind == BOOL:
        if not isinstance(value, bool):
            raise InvalidSetting(name, value, "True or False")
    elif spec.kind == TEXT:
        if not isinstance(value, str):
            raise InvalidSetting(name, value, "a string")
        if spec.check is not None:
            spec.check(name, value)
    elif spec.kind == INTEGER:
        if spec.check is not None:
            spec.check(name, value)
    elif spec.kind == LIST:
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise InvalidSetting(name, value, "a list of strings")
        seen: set[str] = set()
        for index, item in enumerate(value):
            if is_token(item):
                continue
            if not isinstance(item, str):
                raise InvalidSetting(f"{name}[{index}]", item, "a string")
            if spec.check is not None:
                spec.check(f"{name}[{index}]", item)
            if item in seen:
                raise InvalidSetting(f"{name}[{index}]", item, "no duplicates")
            seen.add(item)
    elif spec.kind == MAP:
        if not isinstance(value, Mapping):
            raise InvalidSetting(name, value, "a mapping of strings to strings")
        if spec.limit is not None and len(value) > spec.limit:
            raise InvalidSetting(name, dict(value), f"at most {spec.limit} entries")
        for key, item in value.items():
            if not is_token(key) and spec.check_key is not None:
                spec.check_key(f"{name} key", key)
            if is_token(item):
                continue
            if not isinstance(item, str):
                raise InvalidSetting(f"{name}[{key!r}]", item, "a string")
            if spec.check is not None:
                spec.check(f"{name}[{key!r}]", item)
    elif spec.kind == GATES:
        if not isinstance(value, Mapping) or not all(isinstance(v, bool) for v in value.values()):
            raise InvalidSetting(name, value, 'a mapping of gate names to True/False, e.g. {"EnableRGTAPI": True}')
    # VALUES: checked against the chart by check_chart_values.


def _holds_token(value: Any, is_token: Callable[[Any], bool]) -> bool:
    if isinstance(value, Mapping):
        return any(is_token(k) or is_token(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(is_token(v) for v in value)
    return is_token(value)


# --- rules of more than one option ----------------------------------------------------------------------


def check_identity(options: ControllerOptions, where: Where, *, oidc_provider: tuple[str, Any] | None = None) -> None:
    """Pod Identity needs a chart whose controller supports it, and takes no IRSA option.

    ``oidc_provider``: (option, value) by which the caller asked for an OIDC provider (the ``oidcProvider:
    existing`` setting, or the construct's ``oidc_provider``/``existing_oidc_provider``), None when it did not.
    """
    if options.identity != IDENTITY_POD_IDENTITY:
        return
    check_pod_identity(
        options.resolved_chart_version, where("chart_version") if options.chart_version else where("identity")
    )
    # IRSA-only options would be silently ignored: say so instead.
    if options.sts_audience != STS_AUDIENCE:
        raise InvalidSetting(
            where("sts_audience"),
            options.sts_audience,
            f"unset with identity pod-identity (the token audience is an IRSA setting; set by {where('identity')})",
        )
    if oidc_provider is not None:
        name, value = oidc_provider
        raise InvalidSetting(
            where(name),
            value,
            f"unset with identity pod-identity (Pod Identity uses no OIDC provider; set by {where('identity')})",
        )


def check_subnets(
    public: Sequence[str], private: Sequence[str], private_field: str, is_token: Callable[[Any], bool]
) -> None:
    """A subnet is tagged public or private, not both (``private_field`` names the private list)."""
    public_ids = {s for s in public if not is_token(s)}
    for index, subnet in enumerate(private):
        if not is_token(subnet) and subnet in public_ids:
            raise InvalidSetting(f"{private_field}[{index}]", subnet, "a subnet that is not also listed as public")


def check_boundary(field: str, boundary: str | None, partition: str | None, is_token: Callable[[Any], bool]) -> None:
    """The permissions boundary is a managed policy ARN, of the cluster's partition when that is known."""
    if boundary is not None and not is_token(boundary):
        known = None if partition is None or is_token(partition) else partition
        validation.policy_arn(field, boundary, known)


def check_chart_values(
    options: ReleaseOptions, where: Where, region: str | None, is_token: Callable[[Any], bool]
) -> dict[str, Any]:
    """What depends on the chart version: extra values' keys, the Ingress webhook choice, the regional registry.

    Returns a checked copy of ``helm_values``.
    """
    from eks_lbc.chart_values import check_extra_values
    from eks_lbc.images import regional_repository

    chart = options.chart_version or default_chart_version()
    helm_values = check_extra_values(where("helm_values"), options.helm_values, chart)
    if options.ingress_validation_webhook is not None:
        ingress_webhook.check(where("ingress_validation_webhook"), options.ingress_validation_webhook, chart)
    if options.image_repository == REGIONAL and region is not None and not is_token(region):
        regional_repository(region, where("image_repository"))
    return helm_values


def check_chart_repository(
    options: ReleaseOptions, where: Where, region: str | None, is_token: Callable[[Any], bool]
) -> repositories.ChartRepository:
    """The chart's repository; a username only for a private mirror that takes one; private ECR in the region."""
    from eks_lbc.versions import CHART_REPOSITORY

    username = options.chart_repository_username
    if options.chart_repository is None:
        if username is not None:
            raise InvalidSetting(
                where("chart_repository_username"),
                username,
                "unset unless chartRepository names a private mirror (the default, eks-charts, is public)",
            )
        return repositories.parse(where("chart_repository"), CHART_REPOSITORY)
    repository = repositories.parse(where("chart_repository"), options.chart_repository)
    if username is not None:
        shown_name = "<token>" if is_token(username) else username
        repositories.check_credentials(where("chart_repository_username"), repository, shown_name)
    if region is not None and not is_token(region):
        repositories.check_ecr_region(where("chart_repository"), repository, region)
    return repository


@dataclass(frozen=True)
class FeaturePlan:
    """What the capability options ask for, checked: the features on, and the gates from ``feature_gates``."""

    features: tuple[str, ...]
    gates: Mapping[str, bool]


def check_features(
    options: ControllerOptions,
    where: Where,
    partition: str | None,
    helm_values: Mapping[str, Any],
    is_token: Callable[[Any], bool],
) -> FeaturePlan:
    """The capabilities against the chart, the partition (when known), the policy mode and the other options.

    ``helm_values``: the checked extra values (:func:`check_chart_values`), whose gates and ``webhookBindPort``
    are checked here too.
    """
    from eks_lbc.features import (
        CERTIFICATE_MANAGEMENT,
        FEATURE_TABLE,
        GLOBAL_ACCELERATOR,
        check_feature,
        check_gates,
        check_helm_values,
        check_policy_mode,
        helm_value_gates,
        merge_gates,
        owned_gates,
    )
    from eks_lbc.gateway_api import check_gateway_api

    chart = options.resolved_chart_version
    features = tuple(
        f for f in (CERTIFICATE_MANAGEMENT, GLOBAL_ACCELERATOR) if getattr(options, FEATURE_TABLE[f].option)
    )
    check_policy_mode(
        where("policy"),
        options.policy,
        features=features,
        enable_service_mutator_webhook=options.enable_service_mutator_webhook,
        feature_fields={f: where(FEATURE_TABLE[f].option) for f in features},
        webhook_field=where("enable_service_mutator_webhook"),
        gateway_api=options.gateway_api,
        gateway_api_field=where("gateway_api"),
    )
    if options.gateway_api:
        check_gateway_api(where("gateway_api"), chart)
    for feature in features:
        check_feature(where(FEATURE_TABLE[feature].option), chart, feature, partition)
    if helm_values:
        check_helm_values(where("helm_values"), helm_values, chart, options.policy, features, options.gateway_api)
    owned = owned_gates(options.policy, features, options.gateway_api)
    gates = check_gates(where("feature_gates"), options.feature_gates, chart, owned)
    merge_gates(
        where("feature_gates"),
        helm_value_gates(helm_values),
        gates,
        f"{where('helm_values')}.controllerConfig.featureGates",
    )
    port = helm_values.get("webhookBindPort")
    if options.node_security_group_ids and port not in (None, "") and not is_token(port):
        validation.port(f"{where('helm_values')}.webhookBindPort", helm_values["webhookBindPort"])
    return FeaturePlan(features, MappingProxyType(gates))


@cache
def owned_values() -> Mapping[str, tuple[str, str]]:
    """Chart value path -> (``cdktf.json`` key, construct keyword) of the option that sets it."""
    owned: dict[str, tuple[str, str]] = {}
    for options_type in (ClusterRef, ControllerOptions):
        for f in fields(options_type):
            for path in spec_of(f).owns:
                owned[path] = (spec_of(f).key, f.name)
    return MappingProxyType(owned)
