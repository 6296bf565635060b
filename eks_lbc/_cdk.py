"""The one module that imports the CDK runtime and the prebuilt provider bindings.

Everything else in eks_lbc imports cdktf, constructs and provider classes from
here, so moving to another runtime with the same API (CDK Terrain's ``cdktn`` and
``cdktn-provider-*``) changes this file only.

``PROVIDER_CONSTRAINTS`` is what the synthesized ``required_providers`` admits:
the provider versions the bindings were generated for, and the AWS provider
5.100.0 the integration tests apply with. The bindings would otherwise pin the
exact version they were generated from.
"""

from __future__ import annotations

from cdktf import (
    App,
    Fn,
    LocalBackend,
    TerraformOutput,
    TerraformStack,
    TerraformVariable,
    Testing,
    Token,
)
from cdktf_cdktf_provider_aws.data_aws_eks_cluster import DataAwsEksCluster
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
)
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_helm.provider import HelmProvider, HelmProviderKubernetes, HelmProviderKubernetesExec
from cdktf_cdktf_provider_helm.release import Release, ReleaseSet
from cdktf_cdktf_provider_kubernetes.deployment_v1 import (
    DeploymentV1,
    DeploymentV1Metadata,
    DeploymentV1Spec,
    DeploymentV1SpecSelector,
    DeploymentV1SpecTemplate,
    DeploymentV1SpecTemplateMetadata,
    DeploymentV1SpecTemplateSpec,
    DeploymentV1SpecTemplateSpecContainer,
    DeploymentV1SpecTemplateSpecContainerLivenessProbe,
    DeploymentV1SpecTemplateSpecContainerLivenessProbeHttpGet,
    DeploymentV1SpecTemplateSpecContainerPort,
    DeploymentV1SpecTemplateSpecContainerReadinessProbe,
    DeploymentV1SpecTemplateSpecContainerReadinessProbeHttpGet,
    DeploymentV1SpecTemplateSpecContainerResources,
    DeploymentV1SpecTemplateSpecContainerSecurityContext,
    DeploymentV1SpecTemplateSpecContainerSecurityContextCapabilities,
    DeploymentV1SpecTemplateSpecSecurityContext,
    DeploymentV1SpecTemplateSpecSecurityContextSeccompProfile,
)
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
from cdktf_cdktf_provider_kubernetes.service_v1 import ServiceV1, ServiceV1Metadata, ServiceV1Spec, ServiceV1SpecPort
from cdktf_cdktf_provider_tls.data_tls_certificate import DataTlsCertificate
from cdktf_cdktf_provider_tls.provider import TlsProvider
from constructs import Construct

RUNTIME = "cdktf"

# provider local name -> (source, version constraint)
PROVIDER_CONSTRAINTS: dict[str, tuple[str, str]] = {
    "aws": ("hashicorp/aws", ">= 5.100.0, < 7.0.0"),
    "kubernetes": ("hashicorp/kubernetes", ">= 2.38.0, < 3.0.0"),
    "helm": ("hashicorp/helm", ">= 3.1.1, < 4.0.0"),
    "tls": ("hashicorp/tls", ">= 4.1.0, < 5.0.0"),
}

__all__ = [
    "PROVIDER_CONSTRAINTS",
    "RUNTIME",
    "App",
    "AwsProvider",
    "Construct",
    "DataAwsEksCluster",
    "DataAwsIamPolicyDocument",
    "DataAwsIamPolicyDocumentStatement",
    "DataAwsIamPolicyDocumentStatementCondition",
    "DataAwsIamPolicyDocumentStatementPrincipals",
    "DataTlsCertificate",
    "DeploymentV1",
    "DeploymentV1Metadata",
    "DeploymentV1Spec",
    "DeploymentV1SpecSelector",
    "DeploymentV1SpecTemplate",
    "DeploymentV1SpecTemplateMetadata",
    "DeploymentV1SpecTemplateSpec",
    "DeploymentV1SpecTemplateSpecContainer",
    "DeploymentV1SpecTemplateSpecContainerLivenessProbe",
    "DeploymentV1SpecTemplateSpecContainerLivenessProbeHttpGet",
    "DeploymentV1SpecTemplateSpecContainerPort",
    "DeploymentV1SpecTemplateSpecContainerReadinessProbe",
    "DeploymentV1SpecTemplateSpecContainerReadinessProbeHttpGet",
    "DeploymentV1SpecTemplateSpecContainerResources",
    "DeploymentV1SpecTemplateSpecContainerSecurityContext",
    "DeploymentV1SpecTemplateSpecContainerSecurityContextCapabilities",
    "DeploymentV1SpecTemplateSpecSecurityContext",
    "DeploymentV1SpecTemplateSpecSecurityContextSeccompProfile",
    "Fn",
    "HelmProvider",
    "HelmProviderKubernetes",
    "HelmProviderKubernetesExec",
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
    "Release",
    "ReleaseSet",
    "ServiceAccountV1",
    "ServiceAccountV1Metadata",
    "ServiceV1",
    "ServiceV1Metadata",
    "ServiceV1Spec",
    "ServiceV1SpecPort",
    "TerraformOutput",
    "TerraformStack",
    "TerraformVariable",
    "Testing",
    "TlsProvider",
    "Token",
]
