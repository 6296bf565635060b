"""CRDs as a Helm release of their own: the generated chart, the release, and its place in the controller."""

import json
from pathlib import Path

import pytest
import yaml

from eks_lbc.constructs import ControllerCrds, CrdRelease, LoadBalancerController
from eks_lbc.constructs.crd_release import CRD_RELEASE_NAME, controller_crd_chart
from eks_lbc.crds import crd_documents, crd_file_names
from eks_lbc.errors import InvalidSetting
from eks_lbc.generated_chart import KEEP, RESOURCE_POLICY, generate_chart
from eks_lbc.versions import supported_charts
from tests.support import controller_release, new_stack, only, synth

CHARTS = [r.chart for r in supported_charts()]
CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com", "annotations": {"a": "b"}},
    "spec": {"group": "example.com", "names": {"plural": "widgets"}},
}


def template_objects(chart, name):
    return [d for d in yaml.safe_load_all(chart.files[f"templates/{name}"]) if d]


# The chart's files are made in Python; the runtime only carries them (the newest chart shows it on both).
@pytest.mark.parametrize(
    "chart_version", [CHARTS[0], *(pytest.param(c, marks=pytest.mark.runtime("cdktf")) for c in CHARTS[1:])]
)
def test_generated_chart_is_upstreams_crds_each_kept(chart_version):
    chart = controller_crd_chart(chart_version)
    meta = yaml.safe_load(chart.files["Chart.yaml"])
    assert (meta["name"], meta["version"]) == (CRD_RELEASE_NAME, chart_version)
    assert sorted(chart.files) == ["Chart.yaml", *sorted(f"templates/{n}" for n in crd_file_names(chart_version))]
    for name, upstream in crd_documents(chart_version).items():
        ours = template_objects(chart, name)
        assert len(ours) == len(upstream)
        for mine, theirs in zip(ours, upstream, strict=True):
            assert mine["metadata"]["annotations"].pop(RESOURCE_POLICY) == KEEP
            assert mine == theirs  # nothing else changed


def test_braces_are_escaped_for_helm_and_read_back_unchanged():
    crd = json.loads(json.dumps(CRD))
    crd["spec"]["description"] = "use {{ .Values.x }} and {{- end }}"
    chart = generate_chart("widgets", "1.2.3", {"crds.yaml": [crd]})
    text = chart.files["templates/crds.yaml"]
    assert "{{" not in text
    (read,) = template_objects(chart, "crds.yaml")
    assert read["spec"]["description"] == "use {{ .Values.x }} and {{- end }}"


def test_chart_digest_follows_content_only():
    one = generate_chart("widgets", "1.2.3", {"crds.yaml": [CRD]})
    assert one.digest == generate_chart("widgets", "1.2.3", {"crds.yaml": [json.loads(json.dumps(CRD))]}).digest
    assert one.digest != generate_chart("widgets", "1.2.4", {"crds.yaml": [CRD]}).digest
    written = one.write()
    assert {str(p.relative_to(written)) for p in written.rglob("*") if p.is_file()} == set(one.files)
    assert CRD["metadata"]["annotations"] == {"a": "b"}  # the caller's objects are not changed


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "Widgets"}, "chart name"),
        ({"version": "1.2"}, "chart version"),
        ({"manifests": {}}, "manifests"),
        ({"manifests": {"crds.json": [CRD]}}, "manifests"),
        ({"manifests": {"crds.yaml": [{"kind": "X"}]}}, "manifests['crds.yaml'][0]"),
        ({"manifests": {"a.yaml": [CRD], "b.yaml": [CRD]}}, "manifests['b.yaml'][0]"),
    ],
)
def test_bad_charts_are_refused(kwargs, field):
    args = {"name": "widgets", "version": "1.2.3", "manifests": {"crds.yaml": [CRD]}, **kwargs}
    with pytest.raises(InvalidSetting) as caught:
        generate_chart(args["name"], args["version"], args["manifests"])
    assert caught.value.field == field


def test_tokens_cannot_go_into_a_chart_file():
    from eks_lbc._cdk import TerraformVariable

    stack = new_stack()
    crd = json.loads(json.dumps(CRD))
    crd["spec"]["group"] = TerraformVariable(stack, "group", type="string").string_value
    with pytest.raises(InvalidSetting) as caught:
        generate_chart("widgets", "1.2.3", {"crds.yaml": [crd]})
    assert "no tokens" in caught.value.expected


def test_crd_release_installs_the_chart_from_the_stack_folder():
    stack = new_stack()
    chart = generate_chart("widgets", "1.2.3", {"crds.yaml": [CRD]})
    crds = CrdRelease(stack, "widgets", release_name="widgets-crds", namespace="platform", chart=chart)
    release = only(synth(stack), "resource", "helm_release")
    assert release["chart"] == "${path.module}/" + crds.asset.path
    assert crds.asset.path.startswith("assets/") and crds.asset.path.endswith(chart.digest[:32].upper())
    assert (release["name"], release["namespace"], release["version"]) == ("widgets-crds", "platform", "1.2.3")
    assert release["take_ownership"] is True and release["wait"] is True
    assert "atomic" not in release  # no automatic CRD rollback (it can strand stored versions)
    with pytest.raises(InvalidSetting):
        CrdRelease(stack, "bad", release_name="Bad_Name", namespace="platform", chart=chart)


def test_controller_release_skips_crds_and_waits_for_the_crd_release():
    stack = new_stack()
    lbc = LoadBalancerController(
        stack, "lbc", cluster_name="demo", region="eu-west-1", vpc_id="vpc-01234567", issuer_url="https://oidc.x/id/1"
    )
    out = synth(stack)
    crd_address = f"helm_release.{lbc.crds.release.friendly_unique_id}"
    release = controller_release(out)
    assert release["skip_crds"] is True
    assert crd_address in release["depends_on"]
    crds = out["resource"]["helm_release"][lbc.crds.release.friendly_unique_id]
    assert (crds["name"], crds["namespace"], crds["version"]) == (CRD_RELEASE_NAME, "kube-system", "3.5.0")
    assert isinstance(lbc.crds, ControllerCrds) and "targetgroupbindings.elbv2.k8s.aws" in lbc.crds.crd_names


def test_the_app_writes_the_chart_where_the_release_finds_it(tmp_path):
    from eks_lbc.app import build_app
    from eks_lbc.settings import ClusterSettings, Settings

    cluster = ClusterSettings(cluster_name="demo", region="ap-northeast-1", chart_version="1.17.1")
    build_app(Settings(clusters=(cluster,)), outdir=str(tmp_path)).synth()
    stack_dir = tmp_path / "stacks" / cluster.stack_name
    document = json.loads((stack_dir / "cdk.tf.json").read_text())
    (crds,) = [r for r in document["resource"]["helm_release"].values() if r["name"] == CRD_RELEASE_NAME]
    folder = stack_dir / crds["chart"].replace("${path.module}/", "")  # path.module is "." in the stack folder
    expected = controller_crd_chart("1.17.1")
    assert {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} == set(expected.files)
    for relative, text in expected.files.items():
        assert (folder / relative).read_text("utf-8") == text
    assert Path(crds["chart"]).name == expected.digest[:32].upper()
