"""CustomResourceDefinitions as a Helm release of their own, versioned with the chart that ships them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from eks_lbc import validation
from eks_lbc._cdk import AssetType, Construct, Release, TerraformAsset
from eks_lbc.constructs._inputs import checked, flag
from eks_lbc.crds import crd_documents
from eks_lbc.errors import InvalidSetting
from eks_lbc.generated_chart import GeneratedChart, generate_chart, object_names
from eks_lbc.versions import CHART_NAME, chart_release, default_chart_version

CRD_RELEASE_NAME = "aws-load-balancer-controller-crds"
CRD_CHART_NAME = "aws-load-balancer-controller-crds"
DEFAULT_CRD_TIMEOUT_SECONDS = 300
# Helm: a release name is a DNS-1123 label-like name of at most 53 characters.
_RELEASE_NAME = re.compile(r"[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?")


class CrdRelease(Construct):
    """``helm_release`` (id ``release``) of a chart generated at synth time (``generate_chart``).

    For objects Helm must install *and upgrade* with a version pin, which a chart's ``crds/`` folder
    cannot do (Helm installs ``crds/`` once and never upgrades it): the objects are the chart's
    templates. The chart travels with the synthesized stack: cdktf's ``TerraformAsset`` (id
    ``chart``) copies it to ``assets/<id>/<digest>/`` in the stack folder, and the release installs
    it from ``${path.module}/`` there, so ``cdktf deploy`` and plain ``terraform apply`` in
    ``cdktf.out/stacks/<stack>`` both find it, and nothing is fetched at plan or apply time. The
    folder's name is the digest of the chart's files: a new chart is a new path, which the plan
    shows next to the version.

    ``generate_chart`` annotates every object ``helm.sh/resource-policy: keep``, so uninstalling the
    release (``terraform destroy``) leaves the objects in the cluster, and the uninstall has nothing
    to wait for. ``take_ownership`` (default on) lets the release adopt objects that already exist
    without Helm's ownership label and annotations (installed with ``kubectl``, by another chart's
    ``crds/`` folder or by another release) instead of failing with "invalid ownership metadata";
    it needs the helm provider >= 3.1.0 (Helm 3.17). The release waits until every CRD is
    ``Established``; it is not atomic: rolling CRDs back automatically can strand stored objects.

    :param release_name: Helm release name (at most 53 of ``a-z0-9-``).
    :param namespace: namespace of the release record (the objects themselves may be cluster-scoped).
    :param chart: the generated chart; its version is the release's ``version``.
    :param take_ownership: adopt existing objects without Helm's ownership metadata; default True.
    :param timeout_seconds: how long Helm waits for the objects (default 300).
    :param depends_on: resources to create first.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        release_name: str,
        namespace: str,
        chart: GeneratedChart,
        take_ownership: bool = True,
        timeout_seconds: int = DEFAULT_CRD_TIMEOUT_SECONDS,
        depends_on: Sequence[Any] = (),
    ) -> None:
        super().__init__(scope, id)
        if not isinstance(release_name, str) or not _RELEASE_NAME.fullmatch(release_name):
            raise InvalidSetting("release_name", release_name, "a Helm release name: at most 53 of a-z, 0-9 and '-'")
        checked(validation.namespace, "namespace", namespace)
        if not isinstance(chart, GeneratedChart):
            raise InvalidSetting("chart", chart, "a chart from eks_lbc.generated_chart.generate_chart")
        self.chart = chart
        self.version = chart.version
        self.asset = TerraformAsset(
            self, "chart", path=str(chart.write()), type=AssetType.DIRECTORY, asset_hash=chart.digest[:32].upper()
        )
        # The chart's folder inside the stack folder, as the release names it.
        self.chart_path = f"./{self.asset.path}"
        self.release = Release(
            self,
            "release",
            name=release_name,
            chart=f"${{path.module}}/{self.asset.path}",
            version=chart.version,
            namespace=namespace,
            take_ownership=flag("take_ownership", take_ownership),
            wait=True,
            timeout=timeout_seconds,
            depends_on=list(depends_on) or None,
        )


@cache
def controller_crd_chart(chart_version: str) -> GeneratedChart:
    """The CRDs of the controller's chart at ``chart_version``, as chart ``aws-load-balancer-controller-crds``.

    Same version and appVersion as the controller's chart; one template per upstream file
    (``crds.yaml``, ``gateway-crds.yaml``), each object as upstream ships it plus the keep annotation.
    Built once per process and version.
    """
    release = chart_release(chart_version)
    return generate_chart(
        CRD_CHART_NAME,
        chart_version,
        crd_documents(chart_version),
        app_version=release.controller,
        description=(
            f"The CustomResourceDefinitions of {CHART_NAME} {chart_version} (aws/eks-charts, crds/), "
            "each annotated helm.sh/resource-policy: keep. Generated by eks-lbc."
        ),
    )


class ControllerCrds(CrdRelease):
    """The controller chart's CRDs, installed and upgraded with the pinned chart version.

    Release ``aws-load-balancer-controller-crds``.

    The controller's own release then sets ``skip_crds`` and depends on this one, so a ``chart_version``
    change upgrades the CRDs first. Existing CRDs (from the controller chart's first install, ``kubectl
    apply -k``, eksctl) are adopted (``take_ownership``); ``terraform destroy`` keeps them.

    :param namespace: namespace of the release record (the controller's namespace).
    :param chart_version: the controller's chart version; default the newest supported.
    :param take_ownership: adopt existing CRDs; default True.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        namespace: str,
        chart_version: str | None = None,
        take_ownership: bool = True,
        timeout_seconds: int = DEFAULT_CRD_TIMEOUT_SECONDS,
        depends_on: Sequence[Any] = (),
    ) -> None:
        self.chart_version = chart_version or default_chart_version()
        chart = controller_crd_chart(self.chart_version)
        super().__init__(
            scope,
            id,
            release_name=CRD_RELEASE_NAME,
            namespace=namespace,
            chart=chart,
            take_ownership=take_ownership,
            timeout_seconds=timeout_seconds,
            depends_on=depends_on,
        )
        self.crd_names = object_names(crd_documents(self.chart_version))
