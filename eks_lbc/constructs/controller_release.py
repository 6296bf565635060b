"""Helm release of the aws-load-balancer-controller chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from eks_lbc import chart_repository as repositories
from eks_lbc import ingress_webhook
from eks_lbc._cdk import Construct, Fn, Release, ReleaseSet, ReleaseSetSensitive
from eks_lbc.chart_values import chart_values, selector_name
from eks_lbc.constructs._inputs import flag, is_token
from eks_lbc.constructs._release_values import split_values
from eks_lbc.errors import InvalidSetting
from eks_lbc.features import check_gates, helm_value_gates, merge_gates
from eks_lbc.helm_values import values_document
from eks_lbc.images import REGIONAL, REGIONAL_REPOSITORY_PATH, regional_registries, regional_repository
from eks_lbc.options import (
    ClusterRef,
    ReleaseOptions,
    check_chart_repository,
    check_chart_values,
    check_fields,
    option_names,
    with_keywords,
)
from eks_lbc.versions import CHART_NAME, chart_release, default_chart_version

RELEASE_NAME = "aws-load-balancer-controller"
DEFAULT_TIMEOUT_SECONDS = 600
ZONE_TOPOLOGY_KEY = "topology.kubernetes.io/zone"

_WHEN_UNSATISFIABLE = {"preferred": "ScheduleAnyway", "required": "DoNotSchedule"}


def merge_values(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``extra`` into ``base`` the way Helm merges values files (maps merge, the rest replaces)."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_values(merged[key], value)
        else:
            merged[key] = value
    return merged


class ControllerRelease(Construct):
    """``helm_release`` (id ``release``) of chart ``aws-load-balancer-controller`` from eks-charts.

    The controller is told its cluster, region and VPC explicitly, so it never falls
    back to the instance metadata service. It runs as an existing service account
    (``serviceAccount.create=false``). The release waits for the Deployment to become
    ready and is atomic with ``cleanup_on_fail``, so a failed install or upgrade is
    rolled back instead of leaving a half-installed controller.

    High availability by default: ``replicas`` (2) pods, a PodDisruptionBudget with
    ``maxUnavailable: 1`` (the chart renders it only with 2 or more replicas) and a
    topology spread across zones (``topology.kubernetes.io/zone``) selecting the chart's
    pod labels, on top of the chart's own soft anti-affinity across nodes.

    The Service mutating webhook is off by default (the chart's default is on): with it,
    the API server sends every new Service to the controller and, its failure policy being
    ``Fail``, rejects Services while no controller pod is ready (first install, a node
    drain, a broken upgrade), which breaks unrelated workloads; it also silently makes
    this controller the owner of every new ``type: LoadBalancer`` Service. Without it,
    Services opt in with ``spec.loadBalancerClass: service.k8s.aws/nlb``.

    Concrete values go into the release's ``values`` as one JSON document (Helm reads every string
    as a string; Terraform and cdktf see no template or token marker in it: :mod:`eks_lbc.helm_values`);
    values only known at apply time (tokens, also inside ``values``) go into ``set`` entries, one string
    each (``string``-typed, except number tokens), and into ``set_sensitive`` at secret paths
    (``webhookTLS.*``, credential-named ``env`` entries), where a concrete value is refused.

    :param cluster_name: EKS cluster name (``clusterName``).
    :param region: AWS region (``region``).
    :param vpc_id: the cluster's VPC id (``vpcId``).
    :param options: the release's options, a :class:`eks_lbc.options.ReleaseOptions` (a
        :class:`~eks_lbc.options.ControllerOptions` is one); each can also be given as a keyword argument
        (keywords override). Pass ``service_account_name`` as the service-account resource's name so the release
        waits for it. What each option does is documented on ``ReleaseOptions``; in short: ``namespace``,
        ``chart_version`` (default the newest supported), ``image_repository`` (``"regional"``: the EKS image
        registry of ``region``) and ``image_tag``, ``replicas`` (1-10, may be a number token),
        ``pod_disruption_budget``, ``zone_spread`` (``"preferred"``, ``"required"`` or ``"off"``),
        ``enable_service_mutator_webhook``, ``ingress_validation_webhook`` (:mod:`eks_lbc.ingress_webhook`:
        ``"ignore"`` where the chart allows it, else ``"fail"``, or ``"off"``), ``helm_values`` (further chart
        values, deep-merged over the construct's own; keys are checked against the pinned chart, a misspelt key
        is an error, and keys set by an option are refused: :func:`eks_lbc.options.owned_values`; gates in
        ``controllerConfig.featureGates`` must be gates of the chart's controller), ``chart_repository`` (an
        ``https://`` Helm repository or an OCI registry ``oci://<host>/<path>`` holding
        ``aws-load-balancer-controller`` at ``chart_version``; default eks-charts. A private ECR registry needs no
        credentials here: give the helm provider a login, :func:`eks_lbc.stacks.ecr_registry_login` and
        ``add_cluster_providers(registries=...)``) and ``chart_repository_username`` (for a private repository
        that is neither public nor private ECR; may be a token; set together with ``chart_repository_password``).
        Options that choose structure (chart version and repository, the switches, zone spread, the webhook
        choice) must be concrete; the others may be tokens.
    :param feature_gates: controller feature gates (name -> bool), merged into
        ``controllerConfig.featureGates``; each must be a gate of the chart's controller (it exits at
        start-up on an unknown one), and none may also be in ``helm_values``. Default none.
    :param depends_on: resources that must exist before the controller starts
        (the service account and the role's policy attachment).
    :param timeout_seconds: how long Helm waits for the release to become ready (default 600).
    :param chart_repository_password: the chart repository's password: a token only (e.g. a sensitive
        ``TerraformVariable``'s value), never a literal, which would be written into ``cdk.tf.json``. Terraform keeps
        it in the state (``repository_password``, marked sensitive).
    :param skip_crds: do not install the chart's ``crds/`` folder (Helm installs it on the first install
        only and never upgrades it); set when the CRDs come from a :class:`ControllerCrds` release, as
        :class:`LoadBalancerController` does. Default False.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster_name: str,
        region: str,
        vpc_id: str,
        options: ReleaseOptions | None = None,
        feature_gates: Mapping[str, bool] | None = None,
        depends_on: Sequence[Any] = (),
        timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS,
        chart_repository_password: str | None = None,
        skip_crds: bool = False,
        **option_values: Any,
    ) -> None:
        super().__init__(scope, id)
        options = with_keywords(ReleaseOptions, options, option_values, owner="ControllerRelease")
        check_fields(ClusterRef(cluster_name=cluster_name, region=region, vpc_id=vpc_id), _name, is_token)
        check_fields(options, _name, is_token, names=RELEASE_OPTIONS)
        self.chart_version = options.chart_version or default_chart_version()
        if options.chart_version is None:
            options = replace(options, chart_version=self.chart_version)
        self.controller_version = chart_release(self.chart_version).controller
        extra = check_chart_values(options, _name, region, is_token)
        self.chart_repository = self._chart_repository(
            check_chart_repository(options, _name, region, is_token),
            options.chart_repository_username,
            chart_repository_password,
        )
        chart = chart_values(self.chart_version)
        value_gates = helm_value_gates(extra)
        if value_gates is not None:
            check_gates("helm_values.controllerConfig.featureGates", value_gates, self.chart_version)
        gates = merge_gates(
            "feature_gates",
            value_gates,
            check_gates("feature_gates", feature_gates or {}, self.chart_version),
            "helm_values.controllerConfig.featureGates",
        )
        # The controller's gates as rendered into --feature-gates (empty: the chart's defaults).
        self.feature_gates = gates
        image_repository, image_tag = options.image_repository, options.image_tag
        zone_spread = options.zone_spread

        repository = self._repository(image_repository, region)
        # The image the release runs, <repository>:<tag>: what to mirror into a private registry.
        self.image = f"{repository or chart.image_repository}:{image_tag or chart.image_tag}"

        scalars: dict[str, Any] = {
            "clusterName": cluster_name,
            "region": region,
            "vpcId": vpc_id,
            "serviceAccount.name": options.service_account_name,
            "image.repository": repository,
            "image.tag": image_tag,
            "replicaCount": options.replicas,
        }
        static: dict[str, Any] = {
            "serviceAccount": {"create": False},
            "enableServiceMutatorWebhook": options.enable_service_mutator_webhook,
        }
        self.ingress_validation_webhook = ingress_webhook.check(
            "ingress_validation_webhook",
            options.ingress_validation_webhook or ingress_webhook.default(self.chart_version),
            self.chart_version,
        )
        static = merge_values(static, ingress_webhook.values(self.ingress_validation_webhook, self.chart_version))
        if options.pod_disruption_budget:
            static["podDisruptionBudget"] = {"maxUnavailable": 1}
        if zone_spread != "off":
            static["topologySpreadConstraints"] = [self._zone_spread(zone_spread, extra)]
        if gates:
            static["controllerConfig"] = {"featureGates": gates}
        for key, value in scalars.items():
            if value is not None:
                static = merge_values(static, _nest(key, value))
        # Concrete values: one JSON document; tokens (also in `helm_values`): `set` entries, secrets `set_sensitive`.
        self.values, entries = split_values("helm_values", merge_values(static, extra))
        self.set_values = tuple(ReleaseSet(name=e.name, value=e.value, type=e.type) for e in entries if not e.sensitive)
        sensitive = [ReleaseSetSensitive(name=e.name, value=e.value, type=e.type) for e in entries if e.sensitive]

        self.release = Release(
            self,
            "release",
            name=RELEASE_NAME,
            chart=CHART_NAME,
            repository=self.chart_repository,
            repository_username=options.chart_repository_username,
            repository_password=chart_repository_password,
            version=self.chart_version,
            namespace=options.namespace,
            values=[values_document(self.values)],
            set=list(self.set_values) or None,
            set_sensitive=sensitive or None,
            wait=True,
            atomic=True,
            cleanup_on_fail=True,
            timeout=timeout_seconds,
            skip_crds=True if flag("skip_crds", skip_crds) else None,
            depends_on=list(depends_on) or None,
        )

    @staticmethod
    def _chart_repository(repository: repositories.ChartRepository, username: str | None, password: str | None) -> str:
        """The repository's URL; its password is a token given together with a username."""
        if password is not None and not is_token(password):
            raise InvalidSetting(
                "chart_repository_password",
                "***",
                "a token, e.g. a sensitive TerraformVariable's value: a literal would be written into cdk.tf.json",
            )
        if (username is None) != (password is None):
            missing = "chart_repository_password" if password is None else "chart_repository_username"
            raise InvalidSetting(missing, None, "set together with the other of the chart repository's credentials")
        return repository.url

    @staticmethod
    def _repository(image_repository: str | None, region: str) -> str | None:
        if image_repository is None or is_token(image_repository):
            return image_repository
        if image_repository != REGIONAL:
            return image_repository
        if is_token(region):
            # Known at plan time only: Terraform looks the region up in the same table
            # (an unknown region fails the plan).
            registry = Fn.lookup(dict(regional_registries()), region)
            return f"{registry}/{REGIONAL_REPOSITORY_PATH}"
        return regional_repository(region)

    @staticmethod
    def _zone_spread(zone_spread: str, extra: Mapping[str, Any]) -> dict[str, Any]:
        # Every supported chart renders topologySpreadConstraints with toYaml (chart 1.5.3's default is {}
        # rather than [], so Helm logs "cannot overwrite table with non table" and keeps this list).
        # The chart's selector labels (_helpers.tpl "selectorLabels", the same in every supported chart):
        # app.kubernetes.io/name (the chart name or nameOverride) and app.kubernetes.io/instance (the release).
        name = extra.get("nameOverride")
        return {
            "maxSkew": 1,
            "topologyKey": ZONE_TOPOLOGY_KEY,
            "whenUnsatisfiable": _WHEN_UNSATISFIABLE[zone_spread],
            "labelSelector": {
                "matchLabels": {
                    "app.kubernetes.io/name": name if is_token(name) else selector_name(extra),
                    "app.kubernetes.io/instance": RELEASE_NAME,
                }
            },
        }


def _name(option: str) -> str:
    """Errors name an option by its keyword."""
    return option


RELEASE_OPTIONS = option_names(ReleaseOptions)


def _nest(dotted: str, value: Any) -> dict[str, Any]:
    """``"a.b", v`` -> ``{"a": {"b": v}}``."""
    head, _, rest = dotted.partition(".")
    return {head: _nest(rest, value) if rest else value}
