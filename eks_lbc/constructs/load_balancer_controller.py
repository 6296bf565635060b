"""The AWS Load Balancer Controller with its IAM identity: the construct library's entry point."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from eks_lbc._cdk import Construct, DataAwsCallerIdentity, DataAwsPartition
from eks_lbc.constructs._addresses import logical_id, path_in_stack
from eks_lbc.constructs._inputs import flag, is_token, known_partition
from eks_lbc.constructs.controller_policy import ControllerPolicy
from eks_lbc.constructs.controller_release import ControllerRelease, merge_values
from eks_lbc.constructs.crd_release import ControllerCrds
from eks_lbc.constructs.feature_policy import FeaturePolicy
from eks_lbc.constructs.gateway_api import GatewayApi
from eks_lbc.constructs.irsa_role import IrsaRole
from eks_lbc.constructs.oidc_provider import OidcProvider, OidcProviderRef
from eks_lbc.constructs.pod_identity_role import PodIdentityRole
from eks_lbc.constructs.service_account import AUDIENCE_ANNOTATION, ServiceAccount
from eks_lbc.constructs.subnet_tags import SubnetDiscoveryTags
from eks_lbc.constructs.webhook_port_rules import WebhookPortRules, webhook_port
from eks_lbc.defaults import IDENTITY_IRSA, STS_AUDIENCE, default_iam_name
from eks_lbc.errors import InvalidSetting
from eks_lbc.features import (
    CERTIFICATE_MANAGEMENT,
    GLOBAL_ACCELERATOR,
    POLICY_TARGET_GROUP_BINDING_ONLY,
    TGB_ONLY_VALUES,
    gates_for,
)
from eks_lbc.features import controller_gates as controller_gates_of
from eks_lbc.gateway_api import gateway_gates
from eks_lbc.options import (
    ControllerOptions,
    check_chart_repository,
    check_chart_values,
    check_features,
    check_fields,
    check_identity,
    with_keywords,
)
from eks_lbc.versions import default_chart_version


def _name(option: str) -> str:
    """Errors name an option by its keyword."""
    return option


# The role's construct id with either identity: switching `identity` changes its trust policy in place (one
# address, one IAM name) instead of creating a second role of the same name while the first is deleted. The id
# is the one IRSA has always had, so IRSA deployments keep their addresses.
ROLE_ID = "irsa-role"
# Where Pod Identity's role, attachment and association were before: `moved` blocks bring existing state along.
LEGACY_POD_IDENTITY_ROLE_ID = "pod-identity-role"
# Construct ids (Terraform addresses) and IAM name suffixes of the optional feature policies.
FEATURE_POLICY_IDS = {
    CERTIFICATE_MANAGEMENT: "certificate-management-policy",
    GLOBAL_ACCELERATOR: "global-accelerator-policy",
}
FEATURE_POLICY_SUFFIXES = {CERTIFICATE_MANAGEMENT: "-acm-certs", GLOBAL_ACCELERATOR: "-global-accelerator"}


class LoadBalancerController(Construct):
    """Everything the AWS Load Balancer Controller needs on one EKS cluster.

    Composes, with these construct ids (they become Terraform addresses; keep them stable):

    - with ``identity="irsa"`` (default): ``oidc-provider`` (:class:`OidcProvider`, created; or
      :class:`ExistingOidcProvider`, looked up, with ``existing_oidc_provider=True``; nothing when
      ``oidc_provider`` is given) and ``irsa-role`` (:class:`IrsaRole`);
    - with ``identity="pod-identity"``: ``irsa-role`` too (:class:`PodIdentityRole`, with its association),
      so that switching identity updates the role's trust policy in place; ``earlier_addresses`` maps the
      addresses Pod Identity had before (``pod-identity-role/...``) to these, for ``moved`` blocks (the app
      writes them into the stack's folder as ``moved.tf``). No OIDC provider, and no role
      annotation on the service account; also ``account`` (``data.aws_caller_identity``) when the
      cluster's ARN has to be built (``cluster_arn`` not given);
    - ``iam-policy`` (:class:`ControllerPolicy`), attached to the role as ``controller-policy``;
    - ``crds`` (:class:`ControllerCrds`): the pinned chart's CRDs as a Helm release of their own, upgraded
      with ``chart_version`` before the controller, kept by ``destroy``;
    - ``service-account`` (:class:`ServiceAccount`) and ``helm-release`` (:class:`ControllerRelease`,
      with ``skip_crds``, ordered after the CRDs, the service account, the attachment and the Pod Identity
      association);
    - ``subnet-tags`` (:class:`SubnetDiscoveryTags`) when subnets are given;
    - ``certificate-management-policy`` / ``global-accelerator-policy`` (:class:`FeaturePolicy`, attached
      to the role under the same ids) when those features are on;
    - ``webhook-port-rules`` (:class:`WebhookPortRules`) when node security groups are given;
    - ``gateway-api`` (:class:`GatewayApi`: the Gateway API CRDs and the ``alb``/``nlb`` GatewayClasses,
      the controller release after the CRDs) with ``gateway_api``;
    - ``partition`` (``data.aws_partition``) only when the partition can be known neither from
      ``partition`` nor from a concrete ``region``.

    The scope must provide the aws provider, and tls (IRSA with a created OIDC provider),
    kubernetes and helm providers.

    The controller's options are a :class:`eks_lbc.options.ControllerOptions` (what each does is documented
    there, group by group: identity, IAM, release, features, network), given as ``options=``, as keyword
    arguments (``replicas=3``), or both (keywords override): ``LoadBalancerController(self, "lbc",
    cluster_name=..., region=..., vpc_id=..., issuer_url=..., replicas=3)``. An option that chooses structure
    (``identity``, ``chart_version``, ``zone_spread``, ``policy``, ``chart_repository``, the switches,
    ``ingress_validation_webhook``, feature gates) must be concrete: a token is refused, naming it. The
    others, and the arguments below, may be tokens.

    :param cluster_name: EKS cluster name.
    :param region: the cluster's region.
    :param vpc_id: the cluster's VPC id.
    :param cluster_arn: Pod Identity: the cluster's ARN, pinned in the role's trust policy; default
        ``arn:<partition>:eks:<region>:<account>:cluster/<cluster_name>``, the account being the aws
        provider's (``data.aws_caller_identity``).
    :param issuer_url: the cluster's OIDC issuer URL; required for IRSA unless ``oidc_provider`` is given.
    :param iam_name: name of the IAM role and policy (after ``iam_name_prefix``); default ``<cluster_name>-aws-lbc``,
        unique in an account only while the cluster name is (the app passes ``<cluster_name>-<region>-aws-lbc``).
    :param existing_oidc_provider: IRSA: look the cluster's IAM OIDC provider up by issuer URL
        instead of creating it (an account holds one per issuer); default False.
    :param oidc_provider: IRSA: the cluster's OIDC provider, from elsewhere (anything with ``arn``
        and ``issuer_host``, e.g. :meth:`OidcProvider.from_arn`); default none: created or looked up here.
    :param partition: ``aws``, ``aws-cn`` or ``aws-us-gov`` (selects AWS's policy variant); default
        derived from a concrete ``region``, else read from ``data.aws_partition`` at plan time.
    :param cluster_security_group_id: the EKS cluster security group, the source of the webhook port rules
        (needed with ``node_security_group_ids``); may be a token.
    :param chart_repository_password: the chart repository's password, a token only (never a literal);
        default none. See :class:`ControllerRelease`.
    :param options: the controller's options; default all defaults.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster_name: str,
        region: str,
        vpc_id: str,
        cluster_arn: str | None = None,
        issuer_url: str | None = None,
        iam_name: str | None = None,
        existing_oidc_provider: bool = False,
        oidc_provider: OidcProviderRef | None = None,
        partition: str | None = None,
        cluster_security_group_id: str | None = None,
        chart_repository_password: str | None = None,
        options: ControllerOptions | None = None,
        **option_values: Any,
    ) -> None:
        super().__init__(scope, id)
        options = with_keywords(ControllerOptions, options, option_values, owner="LoadBalancerController")
        check_fields(options, _name, is_token)
        if options.chart_version is None:
            options = replace(options, chart_version=default_chart_version())
        self.options = options
        self.identity = identity = options.identity
        self.partition = self._partition(partition, region)
        known = known_partition(partition, region)
        if flag("existing_oidc_provider", existing_oidc_provider) and oidc_provider is not None:
            raise InvalidSetting("existing_oidc_provider", True, "False when oidc_provider is given")
        asked_provider = (
            ("oidc_provider", oidc_provider)
            if oidc_provider is not None
            else ("existing_oidc_provider", True)
            if existing_oidc_provider
            else None
        )
        check_identity(options, _name, oidc_provider=asked_provider)
        helm_values = check_chart_values(options, _name, region, is_token)
        check_chart_repository(options, _name, region, is_token)
        plan = check_features(options, _name, known, helm_values, is_token)
        features = plan.features
        policy = options.policy
        name = options.iam_name_prefix + (iam_name or default_iam_name(cluster_name))
        iam = dict(path=options.iam_path, permissions_boundary=options.permissions_boundary, tags=options.tags)
        sts_audience = options.sts_audience

        self.oidc_provider: OidcProviderRef | None = None
        sa_annotations: dict[str, str] = {}
        if identity == IDENTITY_IRSA:
            self.oidc_provider = self._oidc_provider(
                issuer_url, oidc_provider, existing_oidc_provider, audience=sts_audience, tags=options.tags
            )
            self.role: IrsaRole | PodIdentityRole = IrsaRole(
                self,
                ROLE_ID,
                oidc_provider=self.oidc_provider,
                namespace=options.namespace,
                service_account_name=options.service_account_name,
                name=name,
                audience=sts_audience,
                partition=known,
                **iam,
            )
            if sts_audience != STS_AUDIENCE:
                sa_annotations[AUDIENCE_ANNOTATION] = sts_audience
        else:
            self.role = PodIdentityRole(
                self,
                ROLE_ID,
                cluster_name=cluster_name,
                cluster_arn=cluster_arn or self._cluster_arn(cluster_name, region),
                namespace=options.namespace,
                service_account_name=options.service_account_name,
                name=name,
                partition=known,
                **iam,
            )
        self.policy = ControllerPolicy(
            self,
            "iam-policy",
            name=name,
            chart_version=options.chart_version,
            partition=self.partition,
            path=options.iam_path,
            tags=options.tags,
            mode=policy,
        )
        chart = self.policy.chart_version
        # The featureGates option's gates and eks-lbc's own (the helm_values ones stay in helm_values).
        controller_gates = {
            **plan.gates,
            **gates_for(self.policy.controller_version, features=features, policy=policy),
        }
        if options.gateway_api:
            controller_gates.update(gateway_gates(controller_gates_of(self.policy.controller_version)))
        if policy == POLICY_TARGET_GROUP_BINDING_ONLY:
            helm_values = merge_values(dict(TGB_ONLY_VALUES), helm_values)
        self.policy_mode = policy
        attachment = self.role.attach_policy("controller-policy", self.policy.arn)
        # Pod Identity deployments made before keep their resources: Terraform `moved` blocks, old -> new address.
        self.earlier_addresses = self._earlier_pod_identity_addresses()
        self.feature_policies: dict[str, FeaturePolicy] = {}
        feature_attachments = []
        for feature in features:
            self.feature_policies[feature] = FeaturePolicy(
                self,
                FEATURE_POLICY_IDS[feature],
                feature=feature,
                name=name + FEATURE_POLICY_SUFFIXES[feature],
                chart_version=chart,
                partition=known,
                path=options.iam_path,
                tags=options.tags,
            )
            feature_attachments.append(
                self.role.attach_policy(FEATURE_POLICY_IDS[feature], self.feature_policies[feature].arn)
            )
        self.service_account = ServiceAccount(
            self,
            "service-account",
            name=options.service_account_name,
            namespace=options.namespace,
            role_arn=self.role.arn if identity == IDENTITY_IRSA else None,
            annotations=sa_annotations,
        )
        public_subnet_ids, private_subnet_ids = options.public_subnet_ids, options.private_subnet_ids
        self.subnet_tags = (
            SubnetDiscoveryTags(
                self, "subnet-tags", public_subnet_ids=public_subnet_ids, private_subnet_ids=private_subnet_ids
            )
            if public_subnet_ids or private_subnet_ids
            else None
        )
        self.webhook_port_rules = None
        if options.node_security_group_ids:
            if cluster_security_group_id is None:
                raise InvalidSetting(
                    "cluster_security_group_id",
                    None,
                    "the EKS cluster security group, the source of the webhook port rules",
                )
            self.webhook_port_rules = WebhookPortRules(
                self,
                "webhook-port-rules",
                node_security_group_ids=options.node_security_group_ids,
                cluster_security_group_id=cluster_security_group_id,
                port=webhook_port(helm_values),
            )
        self.crds = ControllerCrds(self, "crds", namespace=options.namespace, chart_version=chart)
        prerequisites: list[Any] = [self.crds.release, self.service_account.resource, attachment, *feature_attachments]
        self.gateway_api = None
        if options.gateway_api:
            # Explicit Gateway gates stop the controller if their CRDs are missing: it starts after them.
            self.gateway_api = GatewayApi(self, "gateway-api", namespace=options.namespace, chart_version=chart)
            prerequisites.append(self.gateway_api.crds.release)
        if isinstance(self.role, PodIdentityRole):
            prerequisites.append(self.role.association)
        self.release = ControllerRelease(
            self,
            "helm-release",
            cluster_name=cluster_name,
            region=region,
            vpc_id=vpc_id,
            options=options,
            service_account_name=self.service_account.name,
            helm_values=helm_values,
            feature_gates=controller_gates,
            depends_on=prerequisites,
            chart_repository_password=chart_repository_password,
            skip_crds=True,
        )

    def _partition(self, partition: str | None, region: str) -> str:
        """The partition as a string when known at synth time, else ``data.aws_partition`` (id ``partition``)."""
        known = known_partition(partition, region)
        if known is not None:
            return known
        if partition is not None:
            return partition  # a token
        return DataAwsPartition(self, "partition").partition

    def _cluster_arn(self, cluster_name: str, region: str) -> str:
        """The cluster's ARN from its name, region, partition and the aws provider's account."""
        account = DataAwsCallerIdentity(self, "account").account_id
        return f"arn:{self.partition}:eks:{region}:{account}:cluster/{cluster_name}"

    def _earlier_pod_identity_addresses(self) -> dict[str, str]:
        """Where Pod Identity's role, attachment and association were before (``pod-identity-role/...``) -> now.

        Kept out of the synthesized JSON on purpose: checkov's ``terraform_json`` parser cannot read a
        ``moved`` block there and then scans nothing of the stack. The app writes them as ``moved.tf``
        next to the stack's JSON (:func:`eks_lbc.app.write_moved_blocks`); library users can do the same.
        """
        if not isinstance(self.role, PodIdentityRole):
            return {}
        here = path_in_stack(self)
        moves = {}
        for resource_type, child in (
            ("aws_iam_role", "role"),
            ("aws_iam_role_policy_attachment", "controller-policy"),
            ("aws_eks_pod_identity_association", "association"),
        ):
            before = logical_id([*here, LEGACY_POD_IDENTITY_ROLE_ID, child])
            now = logical_id([*here, ROLE_ID, child])
            moves[f"{resource_type}.{before}"] = f"{resource_type}.{now}"
        return moves

    def _oidc_provider(
        self,
        issuer_url: str | None,
        given: OidcProviderRef | None,
        existing: bool,
        *,
        audience: str,
        tags: Mapping[str, str] | None,
    ) -> OidcProviderRef:
        if given is not None:
            if existing:
                raise InvalidSetting("existing_oidc_provider", True, "False when oidc_provider is given")
            return given
        if issuer_url is None:
            raise InvalidSetting("issuer_url", None, "the cluster's OIDC issuer URL (IRSA needs it)")
        if existing:
            return OidcProvider.from_issuer(self, "oidc-provider", issuer_url=issuer_url)
        return OidcProvider(self, "oidc-provider", issuer_url=issuer_url, audience=audience, tags=tags)

    @property
    def role_arn(self) -> str:
        return self.role.arn

    @property
    def policy_arn(self) -> str:
        return self.policy.arn

    @property
    def oidc_provider_arn(self) -> str | None:
        """ARN of the OIDC provider (created or looked up); None with Pod Identity."""
        return self.oidc_provider.arn if self.oidc_provider is not None else None

    @property
    def pod_identity_association_arn(self) -> str | None:
        """ARN of the Pod Identity association; None with IRSA."""
        return self.role.association_arn if isinstance(self.role, PodIdentityRole) else None

    @property
    def chart_version(self) -> str:
        return self.release.chart_version

    @property
    def controller_version(self) -> str:
        return self.release.controller_version

    @property
    def chart_repository(self) -> str:
        """The repository the chart is installed from (``helm_release.repository``)."""
        return self.release.chart_repository

    @property
    def image(self) -> str:
        """The controller image, ``<repository>:<tag>``."""
        return self.release.image
