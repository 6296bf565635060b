"""The AWS Load Balancer Controller with its IAM identity: the construct library's entry point."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eks_lbc import validation
from eks_lbc._cdk import Construct, DataAwsCallerIdentity, DataAwsPartition
from eks_lbc.chart_values import check_extra_values
from eks_lbc.constructs._addresses import logical_id, path_in_stack
from eks_lbc.constructs._inputs import checked, flag, is_token, known_partition
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
from eks_lbc.defaults import (
    DEFAULT_NAMESPACE,
    DEFAULT_REPLICAS,
    DEFAULT_SERVICE_ACCOUNT,
    DEFAULT_SERVICE_MUTATOR_WEBHOOK,
    DEFAULT_ZONE_SPREAD,
    IDENTITIES,
    IDENTITY_IRSA,
    STS_AUDIENCE,
    default_iam_name,
)
from eks_lbc.errors import InvalidSetting
from eks_lbc.features import (
    CERTIFICATE_MANAGEMENT,
    FEATURE_TABLE,
    GLOBAL_ACCELERATOR,
    POLICY_FULL,
    POLICY_TARGET_GROUP_BINDING_ONLY,
    TGB_ONLY_VALUES,
    check_feature,
    check_gates,
    check_helm_values,
    check_policy_mode,
    gates_for,
    helm_value_gates,
    merge_gates,
    owned_gates,
)
from eks_lbc.features import controller_gates as controller_gates_of
from eks_lbc.gateway_api import check_gateway_api, gateway_gates
from eks_lbc.versions import check_pod_identity, default_chart_version

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
    kubernetes and helm providers. Every string may be a token.

    :param cluster_name: EKS cluster name.
    :param cluster_arn: Pod Identity: the cluster's ARN, pinned in the role's trust policy; default
        ``arn:<partition>:eks:<region>:<account>:cluster/<cluster_name>``, the account being the aws
        provider's (``data.aws_caller_identity``).
    :param region: the cluster's region.
    :param vpc_id: the cluster's VPC id.
    :param issuer_url: the cluster's OIDC issuer URL; required for IRSA unless ``oidc_provider`` is given.
    :param chart_version: chart version; default the newest supported (see ``eks_lbc.versions``).
    :param namespace: namespace of the service account and release; default ``kube-system``.
    :param service_account_name: default ``aws-load-balancer-controller``.
    :param iam_name: name of the IAM role and policy; default ``<cluster_name>-aws-lbc``, unique in an account
        only while the cluster name is (the app passes ``<cluster_name>-<region>-aws-lbc``).
    :param iam_name_prefix: prepended to the role and policy name (organisation naming rules); default none.
    :param iam_path: IAM path of the role and policy; default ``/``.
    :param permissions_boundary: ARN of the managed policy that bounds the role; default none.
    :param tags: tags of every taggable AWS resource created here; default none. (The app uses the
        aws provider's ``default_tags`` instead, which also reach resources created elsewhere.)
    :param identity: ``irsa`` (default) or ``pod-identity``.
    :param existing_oidc_provider: IRSA: look the cluster's IAM OIDC provider up by issuer URL
        instead of creating it (an account holds one per issuer); default False.
    :param oidc_provider: IRSA: the cluster's OIDC provider, from elsewhere (anything with ``arn``
        and ``issuer_host``, e.g. :meth:`OidcProvider.from_arn`); default none: created or looked up here.
    :param sts_audience: IRSA: the token audience; default ``sts.amazonaws.com`` (every partition).
        Another value also annotates the service account with ``eks.amazonaws.com/audience``.
    :param partition: ``aws``, ``aws-cn`` or ``aws-us-gov`` (selects AWS's policy variant); default
        derived from a concrete ``region``, else read from ``data.aws_partition`` at plan time.
    :param public_subnet_ids: subnets to tag ``kubernetes.io/role/elb=1``; default none.
    :param private_subnet_ids: subnets to tag ``kubernetes.io/role/internal-elb=1``; default none.
    :param image_repository: controller image repository for clusters without public ECR access, or
        ``"regional"`` for the region's EKS image registry; default the chart's public ECR image.
    :param image_tag: controller image tag; default the chart's appVersion.
    :param replicas: controller pods; default 2.
    :param pod_disruption_budget: PodDisruptionBudget ``maxUnavailable: 1``; default True.
    :param zone_spread: ``"preferred"`` (default), ``"required"`` or ``"off"``: topology spread across zones.
    :param enable_service_mutator_webhook: the chart's Service mutating webhook; default False
        (see :class:`ControllerRelease` for why).
    :param ingress_validation_webhook: ``"ignore"``, ``"fail"`` or ``"off"``: the chart's Ingress validating
        webhook; default ``"ignore"`` where the chart allows it, else ``"fail"`` (see :class:`ControllerRelease`).
    :param helm_values: extra chart values, deep-merged over the construct's own; checked against the
        pinned chart's keys, and keys the construct sets itself are refused.
    :param chart_repository: the chart's repository, an ``https://`` Helm repository or ``oci://`` registry
        (a mirror); default eks-charts. See :class:`ControllerRelease` for it and the two credential options.
    :param chart_repository_username: username for a private repository; default none.
    :param chart_repository_password: its password, a token only (never a literal); default none.
    :param feature_gates: controller feature gates (name -> bool) merged into the chart's
        ``controllerConfig.featureGates``: each must be a gate of the pinned controller, and gates the
        options below set are refused, naming the option. Default none (the controller's defaults).
    :param certificate_management: attach AWS's ``iam_policy_acm_certs.json`` and turn on gate
        ``EnableCertificateManagement`` (controller v3.3.0 and later); default False.
    :param global_accelerator: attach AWS's ``aga_controller_iam_policy.json`` and turn on gates
        ``GlobalAcceleratorController`` and ``EnableRGTAPI`` (controller v2.17.0 and later, commercial
        partition only); default False.
    :param policy: ``full`` (default: AWS's ``iam_policy.json``) or ``target-group-binding-only``: AWS's
        minimal policy, with the Service controller and Gateway API gates off and Ingresses kept away
        (no IngressClass ``alb``, the ``kubernetes.io/ingress.class`` annotation disabled).
    :param node_security_group_ids: node security groups to open to the control plane on the webhook port
        (TCP 9443, or ``helm_values["webhookBindPort"]``); default none. Needs ``cluster_security_group_id``.
    :param cluster_security_group_id: the EKS cluster security group (source of those rules); may be a token.
    :param gateway_api: install the Gateway API standard-channel CRDs of the release the pinned controller is
        built for and GatewayClasses ``alb``/``nlb``, and set the Gateway gates on explicitly (charts whose
        controller names its Gateway API release: 3.5.0); default False (the controller's auto-detection).
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
        chart_version: str | None = None,
        namespace: str = DEFAULT_NAMESPACE,
        service_account_name: str = DEFAULT_SERVICE_ACCOUNT,
        iam_name: str | None = None,
        iam_name_prefix: str = "",
        iam_path: str | None = None,
        permissions_boundary: str | None = None,
        tags: Mapping[str, str] | None = None,
        identity: str = IDENTITY_IRSA,
        existing_oidc_provider: bool = False,
        oidc_provider: OidcProviderRef | None = None,
        sts_audience: str = STS_AUDIENCE,
        partition: str | None = None,
        public_subnet_ids: Sequence[str] = (),
        private_subnet_ids: Sequence[str] = (),
        image_repository: str | None = None,
        image_tag: str | None = None,
        replicas: int = DEFAULT_REPLICAS,
        pod_disruption_budget: bool = True,
        zone_spread: str = DEFAULT_ZONE_SPREAD,
        enable_service_mutator_webhook: bool = DEFAULT_SERVICE_MUTATOR_WEBHOOK,
        ingress_validation_webhook: str | None = None,
        helm_values: Mapping[str, Any] | None = None,
        chart_repository: str | None = None,
        chart_repository_username: str | None = None,
        chart_repository_password: str | None = None,
        feature_gates: Mapping[str, bool] | None = None,
        certificate_management: bool = False,
        global_accelerator: bool = False,
        policy: str = POLICY_FULL,
        node_security_group_ids: Sequence[str] = (),
        cluster_security_group_id: str | None = None,
        gateway_api: bool = False,
    ) -> None:
        super().__init__(scope, id)
        if is_token(policy):
            raise InvalidSetting(
                "policy", policy, "a concrete policy mode: it chooses the IAM policy and the chart values"
            )
        features = tuple(
            feature
            for feature, on in (
                (CERTIFICATE_MANAGEMENT, flag("certificate_management", certificate_management)),
                (GLOBAL_ACCELERATOR, flag("global_accelerator", global_accelerator)),
            )
            if on
        )
        check_policy_mode(
            "policy",
            policy,
            features=features,
            enable_service_mutator_webhook=flag("enable_service_mutator_webhook", enable_service_mutator_webhook),
            gateway_api=flag("gateway_api", gateway_api),
        )
        checked(validation.choice(IDENTITIES), "identity", identity)
        checked(validation.iam_name_prefix, "iam_name_prefix", iam_name_prefix)
        name = iam_name_prefix + (iam_name or default_iam_name(cluster_name))
        self.identity = identity
        self.partition = self._partition(partition, region)
        known = known_partition(partition, region)
        iam = dict(path=iam_path, permissions_boundary=permissions_boundary, tags=tags)

        self.oidc_provider: OidcProviderRef | None = None
        sa_annotations: dict[str, str] = {}
        if identity == IDENTITY_IRSA:
            self.oidc_provider = self._oidc_provider(
                issuer_url, oidc_provider, existing_oidc_provider, audience=sts_audience, tags=tags
            )
            self.role: IrsaRole | PodIdentityRole = IrsaRole(
                self,
                ROLE_ID,
                oidc_provider=self.oidc_provider,
                namespace=namespace,
                service_account_name=service_account_name,
                name=name,
                audience=sts_audience,
                partition=known,
                **iam,
            )
            if sts_audience != STS_AUDIENCE:
                sa_annotations[AUDIENCE_ANNOTATION] = sts_audience
        else:
            if oidc_provider is not None or existing_oidc_provider:
                raise InvalidSetting("oidc_provider", oidc_provider or "existing", "unset with pod-identity")
            if sts_audience != STS_AUDIENCE:
                raise InvalidSetting("sts_audience", sts_audience, "unset with pod-identity (an IRSA option)")
            check_pod_identity(chart_version or default_chart_version(), "chart_version")
            self.role = PodIdentityRole(
                self,
                ROLE_ID,
                cluster_name=cluster_name,
                cluster_arn=cluster_arn or self._cluster_arn(cluster_name, region),
                namespace=namespace,
                service_account_name=service_account_name,
                name=name,
                partition=known,
                **iam,
            )
        self.policy = ControllerPolicy(
            self,
            "iam-policy",
            name=name,
            chart_version=chart_version,
            partition=self.partition,
            path=iam_path,
            tags=tags,
            mode=policy,
        )
        chart = self.policy.chart_version
        # Checked here too so an error names this construct's property.
        helm_values = check_extra_values("helm_values", helm_values or {}, chart)
        for feature in features:
            check_feature(FEATURE_TABLE[feature].option, chart, feature, known)
        if gateway_api:
            check_gateway_api("gateway_api", chart)
        check_helm_values("helm_values", helm_values, chart, policy, features, gateway_api)
        setting_gates = check_gates(
            "feature_gates", feature_gates or {}, chart, owned_gates(policy, features, gateway_api)
        )
        merge_gates(
            "feature_gates", helm_value_gates(helm_values), setting_gates, "helm_values.controllerConfig.featureGates"
        )
        # The featureGates option's gates and eks-lbc's own (the helm_values ones stay in helm_values).
        controller_gates = {
            **setting_gates,
            **gates_for(self.policy.controller_version, features=features, policy=policy),
        }
        if gateway_api:
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
                path=iam_path,
                tags=tags,
            )
            feature_attachments.append(
                self.role.attach_policy(FEATURE_POLICY_IDS[feature], self.feature_policies[feature].arn)
            )
        self.service_account = ServiceAccount(
            self,
            "service-account",
            name=service_account_name,
            namespace=namespace,
            role_arn=self.role.arn if identity == IDENTITY_IRSA else None,
            annotations=sa_annotations,
        )
        self.subnet_tags = (
            SubnetDiscoveryTags(
                self, "subnet-tags", public_subnet_ids=public_subnet_ids, private_subnet_ids=private_subnet_ids
            )
            if public_subnet_ids or private_subnet_ids
            else None
        )
        self.webhook_port_rules = None
        if node_security_group_ids:
            if cluster_security_group_id is None:
                raise InvalidSetting(
                    "cluster_security_group_id",
                    None,
                    "the EKS cluster security group, the source of the webhook port rules",
                )
            self.webhook_port_rules = WebhookPortRules(
                self,
                "webhook-port-rules",
                node_security_group_ids=node_security_group_ids,
                cluster_security_group_id=cluster_security_group_id,
                port=webhook_port(helm_values),
            )
        self.crds = ControllerCrds(self, "crds", namespace=namespace, chart_version=self.policy.chart_version)
        prerequisites: list[Any] = [self.crds.release, self.service_account.resource, attachment, *feature_attachments]
        self.gateway_api = None
        if gateway_api:
            # Explicit Gateway gates stop the controller if their CRDs are missing: it starts after them.
            self.gateway_api = GatewayApi(self, "gateway-api", namespace=namespace, chart_version=chart)
            prerequisites.append(self.gateway_api.crds.release)
        if isinstance(self.role, PodIdentityRole):
            prerequisites.append(self.role.association)
        self.release = ControllerRelease(
            self,
            "helm-release",
            cluster_name=cluster_name,
            region=region,
            vpc_id=vpc_id,
            service_account_name=self.service_account.name,
            namespace=namespace,
            chart_version=self.policy.chart_version,
            image_repository=image_repository,
            image_tag=image_tag,
            replicas=replicas,
            pod_disruption_budget=pod_disruption_budget,
            zone_spread=zone_spread,
            enable_service_mutator_webhook=enable_service_mutator_webhook,
            ingress_validation_webhook=ingress_validation_webhook,
            values=helm_values,
            feature_gates=controller_gates,
            depends_on=prerequisites,
            chart_repository=chart_repository,
            chart_repository_username=chart_repository_username,
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
