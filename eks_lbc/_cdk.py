"""The one module that imports the CDK runtime and the prebuilt provider bindings.

Everything else in eks_lbc imports cdktf, constructs and provider classes from here.
Two runtimes with the same API are supported: HashiCorp's archived cdktf
(``cdktf``, ``cdktf-cdktf-provider-*``) and its successor CDK Terrain (``cdktn``,
``cdktn-provider-*``, the ``[cdktn]`` install extra). :mod:`eks_lbc.runtime` chooses
one per process (``RUNTIME``); this module imports only that one, after
:mod:`eks_lbc._runtime_setup` has set the process up for it.

``PROVIDER_CONSTRAINTS`` is what the synthesized ``required_providers`` admits, per
runtime. The bindings would otherwise pin the exact provider version they were
generated for (cdktf: aws 6.25.0, kubernetes 2.38.0, helm 3.1.1, tls 4.1.0; cdktn:
aws 6.69.1, kubernetes 3.4.0, helm 3.3.0, tls 4.4.1). Each range admits its
runtime's binding versions, the AWS provider 5.100.0 the integration tests apply
with, and (cdktn) the cdktf bindings' versions: both runtimes synthesize the same
JSON apart from provider versions and metadata (tests/integration/test_terraform_moto.py), so what worked
under cdktf keeps working after a move to cdktn.
"""

from __future__ import annotations

import importlib

from eks_lbc._runtime_setup import prepare

# Before the first jsii import below: chooses the runtime and starts jsii's kernel the way it must start.
RUNTIME = prepare()

from constructs import Construct  # noqa: E402

if RUNTIME == "cdktn":
    from cdktn import (
        App,
        AssetType,
        DataResource,
        Fn,
        LocalBackend,
        Postcondition,
        S3Backend,
        S3BackendAssumeRoleConfig,
        TerraformAsset,
        TerraformIterator,
        TerraformLocal,
        TerraformOutput,
        TerraformResourceLifecycle,
        TerraformStack,
        TerraformVariable,
        Testing,
        Token,
    )
    from cdktn_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
    from cdktn_provider_aws.data_aws_eks_cluster import DataAwsEksCluster
    from cdktn_provider_aws.data_aws_iam_openid_connect_provider import DataAwsIamOpenidConnectProvider
    from cdktn_provider_aws.data_aws_iam_policy_document import (
        DataAwsIamPolicyDocument,
        DataAwsIamPolicyDocumentStatement,
        DataAwsIamPolicyDocumentStatementCondition,
        DataAwsIamPolicyDocumentStatementPrincipals,
    )
    from cdktn_provider_aws.data_aws_partition import DataAwsPartition
    from cdktn_provider_aws.ec2_tag import Ec2Tag
    from cdktn_provider_aws.eks_pod_identity_association import EksPodIdentityAssociation
    from cdktn_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
    from cdktn_provider_aws.iam_policy import IamPolicy
    from cdktn_provider_aws.iam_role import IamRole
    from cdktn_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
    from cdktn_provider_aws.provider import AwsProvider, AwsProviderAssumeRole, AwsProviderDefaultTags
    from cdktn_provider_aws.security_group_rule import SecurityGroupRule
    from cdktn_provider_helm.provider import (
        HelmProvider,
        HelmProviderKubernetes,
        HelmProviderKubernetesExec,
        HelmProviderRegistries,
    )
    from cdktn_provider_helm.release import Release, ReleaseSet, ReleaseSetSensitive
    from cdktn_provider_kubernetes.ingress_v1 import (
        IngressV1,
        IngressV1Metadata,
        IngressV1Spec,
        IngressV1SpecRule,
        IngressV1SpecRuleHttp,
        IngressV1SpecRuleHttpPath,
        IngressV1SpecRuleHttpPathBackend,
        IngressV1SpecRuleHttpPathBackendService,
        IngressV1SpecRuleHttpPathBackendServicePort,
        IngressV1Timeouts,
    )
    from cdktn_provider_kubernetes.provider import KubernetesProvider, KubernetesProviderExec
    from cdktn_provider_kubernetes.service_account_v1 import ServiceAccountV1, ServiceAccountV1Metadata
    from cdktn_provider_kubernetes.service_v1 import ServiceV1, ServiceV1Metadata, ServiceV1Spec, ServiceV1SpecPort
    from cdktn_provider_tls.data_tls_certificate import DataTlsCertificate
    from cdktn_provider_tls.provider import TlsProvider
else:
    from cdktf import (
        App,
        AssetType,
        DataResource,
        Fn,
        LocalBackend,
        Postcondition,
        S3Backend,
        S3BackendAssumeRoleConfig,
        TerraformAsset,
        TerraformIterator,
        TerraformLocal,
        TerraformOutput,
        TerraformResourceLifecycle,
        TerraformStack,
        TerraformVariable,
        Testing,
        Token,
    )
    from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
    from cdktf_cdktf_provider_aws.data_aws_eks_cluster import DataAwsEksCluster
    from cdktf_cdktf_provider_aws.data_aws_iam_openid_connect_provider import DataAwsIamOpenidConnectProvider
    from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
        DataAwsIamPolicyDocument,
        DataAwsIamPolicyDocumentStatement,
        DataAwsIamPolicyDocumentStatementCondition,
        DataAwsIamPolicyDocumentStatementPrincipals,
    )
    from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
    from cdktf_cdktf_provider_aws.ec2_tag import Ec2Tag
    from cdktf_cdktf_provider_aws.eks_pod_identity_association import EksPodIdentityAssociation
    from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
    from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
    from cdktf_cdktf_provider_aws.iam_role import IamRole
    from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
    from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderAssumeRole, AwsProviderDefaultTags
    from cdktf_cdktf_provider_aws.security_group_rule import SecurityGroupRule
    from cdktf_cdktf_provider_helm.provider import (
        HelmProvider,
        HelmProviderKubernetes,
        HelmProviderKubernetesExec,
        HelmProviderRegistries,
    )
    from cdktf_cdktf_provider_helm.release import Release, ReleaseSet, ReleaseSetSensitive
    from cdktf_cdktf_provider_kubernetes.ingress_v1 import (
        IngressV1,
        IngressV1Metadata,
        IngressV1Spec,
        IngressV1SpecRule,
        IngressV1SpecRuleHttp,
        IngressV1SpecRuleHttpPath,
        IngressV1SpecRuleHttpPathBackend,
        IngressV1SpecRuleHttpPathBackendService,
        IngressV1SpecRuleHttpPathBackendServicePort,
        IngressV1Timeouts,
    )
    from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider, KubernetesProviderExec
    from cdktf_cdktf_provider_kubernetes.service_account_v1 import ServiceAccountV1, ServiceAccountV1Metadata
    from cdktf_cdktf_provider_kubernetes.service_v1 import (
        ServiceV1,
        ServiceV1Metadata,
        ServiceV1Spec,
        ServiceV1SpecPort,
    )
    from cdktf_cdktf_provider_tls.data_tls_certificate import DataTlsCertificate
    from cdktf_cdktf_provider_tls.provider import TlsProvider

# runtime -> provider local name -> (source, version constraint)
CONSTRAINTS_BY_RUNTIME: dict[str, dict[str, tuple[str, str]]] = {
    "cdktf": {
        "aws": ("hashicorp/aws", ">= 5.100.0, < 7.0.0"),
        "kubernetes": ("hashicorp/kubernetes", ">= 2.38.0, < 3.0.0"),
        "helm": ("hashicorp/helm", ">= 3.1.1, < 4.0.0"),
        "tls": ("hashicorp/tls", ">= 4.1.0, < 5.0.0"),
    },
    "cdktn": {
        "aws": ("hashicorp/aws", ">= 5.100.0, < 7.0.0"),
        "kubernetes": ("hashicorp/kubernetes", ">= 2.38.0, < 4.0.0"),
        "helm": ("hashicorp/helm", ">= 3.1.1, < 4.0.0"),
        "tls": ("hashicorp/tls", ">= 4.1.0, < 5.0.0"),
    },
}
PROVIDER_CONSTRAINTS: dict[str, tuple[str, str]] = CONSTRAINTS_BY_RUNTIME[RUNTIME]

# Imported on first use (``_cdk.DeploymentV1...``, not in ``__all__``): the kubernetes Deployment binding is
# the largest module the app would import (~0.1 s of every synth) and only the opt-in example Ingress uses it.
_DEFERRED = {
    "DeploymentV1": "_kubernetes.deployment_v1",
    # Only a private ECR chart mirror reads it.
    "DataAwsEcrAuthorizationToken": "_aws.data_aws_ecr_authorization_token",
    # Only the opt-in example Gateway's stack uses them.
    "Manifest": "_kubernetes.manifest",
    "DataKubernetesResource": "_kubernetes.data_kubernetes_resource",
}


def __getattr__(name: str) -> object:
    for prefix, module in _DEFERRED.items():
        if name.startswith(prefix):
            bindings = "cdktn_provider" if RUNTIME == "cdktn" else "cdktf_cdktf_provider"
            value = getattr(importlib.import_module(bindings + module), name)
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CONSTRAINTS_BY_RUNTIME",
    "PROVIDER_CONSTRAINTS",
    "RUNTIME",
    "App",
    "AssetType",
    "AwsProvider",
    "AwsProviderAssumeRole",
    "AwsProviderDefaultTags",
    "Construct",
    "DataAwsCallerIdentity",
    "DataAwsEksCluster",
    "DataAwsIamOpenidConnectProvider",
    "DataAwsIamPolicyDocument",
    "DataAwsIamPolicyDocumentStatement",
    "DataAwsIamPolicyDocumentStatementCondition",
    "DataAwsIamPolicyDocumentStatementPrincipals",
    "DataAwsPartition",
    "DataResource",
    "DataTlsCertificate",
    "Ec2Tag",
    "EksPodIdentityAssociation",
    "Fn",
    "HelmProvider",
    "HelmProviderKubernetes",
    "HelmProviderKubernetesExec",
    "HelmProviderRegistries",
    "IamOpenidConnectProvider",
    "IamPolicy",
    "IamRole",
    "IamRolePolicyAttachment",
    "IngressV1",
    "IngressV1Metadata",
    "IngressV1Spec",
    "IngressV1SpecRule",
    "IngressV1SpecRuleHttp",
    "IngressV1SpecRuleHttpPath",
    "IngressV1SpecRuleHttpPathBackend",
    "IngressV1SpecRuleHttpPathBackendService",
    "IngressV1SpecRuleHttpPathBackendServicePort",
    "IngressV1Timeouts",
    "KubernetesProvider",
    "KubernetesProviderExec",
    "LocalBackend",
    "Postcondition",
    "Release",
    "ReleaseSet",
    "ReleaseSetSensitive",
    "S3Backend",
    "S3BackendAssumeRoleConfig",
    "SecurityGroupRule",
    "ServiceAccountV1",
    "ServiceAccountV1Metadata",
    "ServiceV1",
    "ServiceV1Metadata",
    "ServiceV1Spec",
    "ServiceV1SpecPort",
    "TerraformAsset",
    "TerraformIterator",
    "TerraformLocal",
    "TerraformOutput",
    "TerraformResourceLifecycle",
    "TerraformStack",
    "TerraformVariable",
    "Testing",
    "TlsProvider",
    "Token",
]
