"""Helm release of the aws-load-balancer-controller chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eks_lbc import chart_repository as repositories
from eks_lbc import ingress_webhook, validation
from eks_lbc._cdk import Construct, Fn, Release, ReleaseSet, ReleaseSetSensitive
from eks_lbc.chart_values import chart_values, check_extra_values, selector_name
from eks_lbc.constructs._inputs import checked, flag, is_token
from eks_lbc.constructs._release_values import split_values
from eks_lbc.defaults import DEFAULT_REPLICAS, DEFAULT_SERVICE_MUTATOR_WEBHOOK, DEFAULT_ZONE_SPREAD
from eks_lbc.errors import InvalidSetting
from eks_lbc.features import check_gates, helm_value_gates, merge_gates
from eks_lbc.helm_values import values_document
from eks_lbc.images import REGIONAL, REGIONAL_REPOSITORY_PATH, regional_registries, regional_repository
from eks_lbc.versions import CHART_NAME, CHART_REPOSITORY, chart_release, default_chart_version

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
    :param service_account_name: service account the controller runs as; pass the
        service-account resource's name so the release waits for it.
    :param namespace: namespace of the release and the service account.
    :param chart_version: pinned chart version; default the newest supported.
    :param image_repository: controller image repository (``image.repository``) for clusters that
        cannot pull from public ECR, with its registry host and no tag; ``"regional"`` picks the EKS
        image registry of ``region`` (``<account>.dkr.ecr.<region>.amazonaws.com/amazon/aws-load-balancer-controller``).
        Default: the chart's ``public.ecr.aws/eks/aws-load-balancer-controller``.
    :param image_tag: image tag (``image.tag``); default the chart's appVersion (the pinned controller release).
    :param replicas: controller pods (``replicaCount``), 1-10; default 2. May be a number token.
    :param pod_disruption_budget: a PodDisruptionBudget with ``maxUnavailable: 1``; default True.
    :param zone_spread: ``"preferred"`` (default: spread replicas across zones when the scheduler
        can), ``"required"`` (never schedule a replica that would unbalance zones) or ``"off"``.
    :param enable_service_mutator_webhook: the chart's ``enableServiceMutatorWebhook``; default False.
    :param ingress_validation_webhook: the chart's Ingress validating webhook (:mod:`eks_lbc.ingress_webhook`):
        ``"ignore"`` (Ingresses pass while no controller pod is ready; charts 3.2.0+), ``"fail"`` (they
        are refused then: the chart's behaviour) or ``"off"`` (charts 1.17.1+). Default: ``"ignore"`` where
        the chart allows it, else ``"fail"``.
    :param values: further chart values, deep-merged over the construct's own; keys are checked
        against the pinned chart (a misspelt key is an error, not silently ignored) and keys this
        construct sets are refused (see :func:`eks_lbc.options.owned_values`). Feature gates in
        ``controllerConfig.featureGates`` must be gates of the chart's controller.
    :param feature_gates: controller feature gates (name -> bool), merged into
        ``controllerConfig.featureGates``; each must be a gate of the chart's controller (it exits at
        start-up on an unknown one), and none may also be in ``values``. Default none.
    :param depends_on: resources that must exist before the controller starts
        (the service account and the role's policy attachment).
    :param timeout_seconds: how long Helm waits for the release to become ready (default 600).
    :param chart_repository: where the chart comes from: an ``https://`` Helm repository or an OCI registry
        ``oci://<host>/<path>`` holding ``aws-load-balancer-controller`` at ``chart_version`` (a mirror);
        default eks-charts (``https://aws.github.io/eks-charts``). It chooses the release's structure, so it
        cannot be a token. A private ECR registry needs no credentials here: give the helm provider a login
        (:func:`eks_lbc.stacks.ecr_registry_login` and ``add_cluster_providers(registries=...)``).
    :param chart_repository_username: username for a private repository (not eks-charts, public ECR or
        private ECR); may be a token. Set together with ``chart_repository_password``.
    :param chart_repository_password: its password: a token only (e.g. a sensitive ``TerraformVariable``'s
        value), never a literal, which would be written into ``cdk.tf.json``. Terraform keeps it in the state
        (``repository_password``, marked sensitive).
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
        service_account_name: str,
        namespace: str,
        chart_version: str | None = None,
        image_repository: str | None = None,
        image_tag: str | None = None,
        replicas: int = DEFAULT_REPLICAS,
        pod_disruption_budget: bool = True,
        zone_spread: str = DEFAULT_ZONE_SPREAD,
        enable_service_mutator_webhook: bool = DEFAULT_SERVICE_MUTATOR_WEBHOOK,
        ingress_validation_webhook: str | None = None,
        values: Mapping[str, Any] | None = None,
        depends_on: Sequence[Any] = (),
        timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS,
        chart_repository: str | None = None,
        chart_repository_username: str | None = None,
        chart_repository_password: str | None = None,
        feature_gates: Mapping[str, bool] | None = None,
        skip_crds: bool = False,
    ) -> None:
        super().__init__(scope, id)
        self.chart_repository = self._chart_repository(
            chart_repository, chart_repository_username, chart_repository_password
        )
        checked(validation.cluster_name, "cluster_name", cluster_name)
        checked(validation.region, "region", region)
        checked(validation.vpc_id, "vpc_id", vpc_id)
        checked(validation.namespace, "namespace", namespace)
        checked(validation.service_account_name, "service_account_name", service_account_name)
        self.chart_version = chart_version or default_chart_version()
        self.controller_version = chart_release(self.chart_version).controller
        if not is_token(replicas):
            validation.replicas("replicas", replicas)
        validation.zone_spread("zone_spread", zone_spread)
        extra = check_extra_values("values", values or {}, self.chart_version)
        chart = chart_values(self.chart_version)
        value_gates = helm_value_gates(extra)
        if value_gates is not None:
            check_gates("values.controllerConfig.featureGates", value_gates, self.chart_version)
        gates = merge_gates(
            "feature_gates",
            value_gates,
            check_gates("feature_gates", feature_gates or {}, self.chart_version),
            "values.controllerConfig.featureGates",
        )
        # The controller's gates as rendered into --feature-gates (empty: the chart's defaults).
        self.feature_gates = gates

        repository = self._repository(image_repository, region)
        if image_tag is not None:
            checked(validation.image_tag, "image_tag", image_tag)
        # The image the release runs, <repository>:<tag>: what to mirror into a private registry.
        self.image = f"{repository or chart.image_repository}:{image_tag or chart.image_tag}"

        scalars: dict[str, Any] = {
            "clusterName": cluster_name,
            "region": region,
            "vpcId": vpc_id,
            "serviceAccount.name": service_account_name,
            "image.repository": repository,
            "image.tag": image_tag,
            "replicaCount": replicas,
        }
        static: dict[str, Any] = {
            "serviceAccount": {"create": False},
            "enableServiceMutatorWebhook": flag("enable_service_mutator_webhook", enable_service_mutator_webhook),
        }
        if is_token(ingress_validation_webhook):
            raise InvalidSetting(
                "ingress_validation_webhook", ingress_validation_webhook, "a concrete choice (it chooses the values)"
            )
        self.ingress_validation_webhook = ingress_webhook.check(
            "ingress_validation_webhook",
            ingress_validation_webhook or ingress_webhook.default(self.chart_version),
            self.chart_version,
        )
        static = merge_values(static, ingress_webhook.values(self.ingress_validation_webhook, self.chart_version))
        if flag("pod_disruption_budget", pod_disruption_budget):
            static["podDisruptionBudget"] = {"maxUnavailable": 1}
        if zone_spread != "off":
            static["topologySpreadConstraints"] = [self._zone_spread(zone_spread, extra)]
        if gates:
            static["controllerConfig"] = {"featureGates": gates}
        for key, value in scalars.items():
            if value is not None:
                static = merge_values(static, _nest(key, value))
        # Concrete values: one JSON document; tokens (here and in `values`): `set` entries, secrets `set_sensitive`.
        self.values, entries = split_values("values", merge_values(static, extra))
        self.set_values = tuple(ReleaseSet(name=e.name, value=e.value, type=e.type) for e in entries if not e.sensitive)
        sensitive = [ReleaseSetSensitive(name=e.name, value=e.value, type=e.type) for e in entries if e.sensitive]

        self.release = Release(
            self,
            "release",
            name=RELEASE_NAME,
            chart=CHART_NAME,
            repository=self.chart_repository,
            repository_username=chart_repository_username,
            repository_password=chart_repository_password,
            version=self.chart_version,
            namespace=namespace,
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
    def _chart_repository(url: str | None, username: str | None, password: str | None) -> str:
        if url is None:
            repository = repositories.parse("chart_repository", CHART_REPOSITORY)
        elif is_token(url):
            raise InvalidSetting(
                "chart_repository", url, "a concrete URL: it chooses how Helm fetches the chart (https or OCI)"
            )
        else:
            repository = repositories.parse("chart_repository", url)
        if password is not None and not is_token(password):
            raise InvalidSetting(
                "chart_repository_password",
                "***",
                "a token, e.g. a sensitive TerraformVariable's value: a literal would be written into cdk.tf.json",
            )
        if (username is None) != (password is None):
            missing = "chart_repository_password" if password is None else "chart_repository_username"
            raise InvalidSetting(missing, None, "set together with the other of the chart repository's credentials")
        if username is not None:
            if not is_token(username):
                repositories.check_username("chart_repository_username", username)
                repositories.check_credentials("chart_repository_username", repository, username)
            elif repository.public or repository.private_ecr:
                repositories.check_credentials("chart_repository_username", repository, "<token>")
        return repository.url

    @staticmethod
    def _repository(image_repository: str | None, region: str) -> str | None:
        if image_repository is None or is_token(image_repository):
            return image_repository
        if image_repository != REGIONAL:
            return validation.image_repository("image_repository", image_repository)
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


def _nest(dotted: str, value: Any) -> dict[str, Any]:
    """``"a.b", v`` -> ``{"a": {"b": v}}``."""
    head, _, rest = dotted.partition(".")
    return {head: _nest(rest, value) if rest else value}
