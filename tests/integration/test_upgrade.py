"""The upgrade path: chart 1.5.3 -> 1.17.1 -> 3.5.0 on one stack, applied by real terraform on moto.

The Terraform tier (:func:`tests.integration.tiers.terraform_on_moto`) applies the default stack's AWS
part at each chart of :data:`UPGRADE_PATH` and then at the default chart, in the same state: the first
apply as an earlier eks-lbc synthesized it (the controller release in the IAM policy's description, which
replaced the policy on every upgrade), the later ones as this eks-lbc does. Terraform's plan of each apply
(``apply -json``) and moto (boto3) must agree: the policy is updated in place (same ARN and id, a new
default policy version when the document changes), and the role, the OIDC provider and the attachment are
not touched. The Kubernetes side (CRD release, controller release, service account) cannot be applied here
(no helm or kubernetes provider offline); its part of the claim is asserted on the synthesized JSON of
both runtimes: between two charts only versions, the CRD chart's path and the policy change.
"""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

import pytest

from eks_lbc.constructs.controller_policy import DESCRIPTION, VERSION_TAG
from eks_lbc.constructs.crd_release import CRD_RELEASE_NAME
from eks_lbc.policies import policy_document
from eks_lbc.versions import chart_release
from tests.integration.stacks import RUNTIMES, UPGRADE_PATH, upgrade_stacks
from tests.integration.tiers import MotoCycle, legacy_description
from tests.support import CONTROLLER_RELEASE_NAME, differences

pytestmark = [pytest.mark.integration, pytest.mark.terraform, pytest.mark.runtime("cdktf")]

CHARTS = (*UPGRADE_PATH, "3.5.0")


@pytest.fixture
def cycle(moto_cycle: MotoCycle) -> MotoCycle:
    if moto_cycle.error:
        pytest.fail(f"terraform on moto failed after {moto_cycle.steps}:\n{moto_cycle.error}", pytrace=False)
    return moto_cycle


def addresses(part: dict[str, Any], kind: str) -> list[str]:
    return [f"module.default.{kind}.{name}" for name in part["resource"].get(kind, {})]


def the_policy(step) -> tuple[str, dict[str, Any]]:
    """The default stack's policy in IAM, by the name its applied part gives it (other stacks share the account)."""
    (resource,) = step.part["resource"]["aws_iam_policy"].values()
    ((arn, policy),) = [(a, p) for a, p in step.iam["policies"].items() if a.endswith(f"/{resource['name']}")]
    return arn, policy


def test_the_path_was_walked_in_order(cycle):
    assert [step.chart for step in cycle.upgrade] == list(CHARTS)
    assert cycle.steps[2:5] == [f"cdktf apply {chart}" for chart in CHARTS]
    # The first apply creates everything of the stack (and reads the trust policy document, a data source).
    first = cycle.upgrade[0].planned
    assert set(first["changes"].values()) == {"create", "read"} and first["summary"]["remove"] == 0
    assert {a for a, action in first["changes"].items() if action == "read"} == {
        a for a in first["changes"] if ".data." in a
    }


@pytest.mark.parametrize("index", range(1, len(CHARTS)))
def test_each_upgrade_plan_only_updates_the_policy_in_place(cycle, index):
    step = cycle.upgrade[index]
    (policy,) = addresses(step.part, "aws_iam_policy")
    assert step.planned["changes"] == {policy: "update"}, step.chart
    summary = step.planned["summary"]
    assert {k: summary[k] for k in ("add", "change", "remove")} == {"add": 0, "change": 1, "remove": 0}


@pytest.mark.parametrize("index", range(1, len(CHARTS)))
def test_moto_sees_the_same_policy_role_oidc_provider_and_attachment(cycle, index):
    before, after = cycle.upgrade[index - 1], cycle.upgrade[index]
    arn, policy = the_policy(after)
    assert the_policy(before)[0] == arn  # same ARN ...
    assert the_policy(before)[1]["id"] == policy["id"]  # ... and the same object, not a new one of that name
    assert the_policy(before)[1]["created"] == policy["created"]
    assert after.iam["roles"] == before.iam["roles"]  # ids, creation dates, the attachment
    assert after.iam["oidc_providers"] == before.iam["oidc_providers"]
    role = after.iam["roles"][arn.rsplit("/", 1)[1]]
    assert role["attached"] == [arn]


@pytest.mark.parametrize("index", range(len(CHARTS)))
def test_the_policy_holds_each_charts_document_and_release(cycle, index):
    step = cycle.upgrade[index]
    _, policy = the_policy(step)
    controller = chart_release(step.chart).controller
    assert policy["document"] == policy_document(step.chart)
    if index == 0:  # as an earlier eks-lbc created it
        assert policy["tags"] == {}
    else:
        assert policy["tags"] == {VERSION_TAG: controller}
    # The description is never changed in place (IAM cannot) nor by replacement (ignore_changes): the one an
    # earlier eks-lbc wrote stays; a policy created by this eks-lbc has the constant DESCRIPTION.
    assert policy["description"] == legacy_description(chart_release(CHARTS[0]).controller) != DESCRIPTION


def test_a_new_default_version_exactly_when_the_document_changes(cycle):
    versions = [the_policy(step)[1]["default_version"] for step in cycle.upgrade]
    documents = [the_policy(step)[1]["document"] for step in cycle.upgrade]
    # 1.5.3 -> 1.17.1 changes the document (v2.5.2 -> v2.17.1: new actions); 1.17.1 -> 3.5.0 does not (AWS
    # published the same file), so only the version tag changes and the default version stays.
    assert documents[0] != documents[1] == documents[2]
    assert versions == ["v1", "v2", "v2"]
    assert the_policy(cycle.upgrade[-1])[1]["versions"] == ["v1", "v2"]


def helm_releases(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {body["name"]: body for body in document["resource"]["helm_release"].values()}


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_kubernetes_side_only_changes_versions_between_charts(synthesized_by_runtime, runtime):
    """Between two charts: same resources (nothing added, removed or renamed, so nothing replaced by address),
    and only these attributes differ: the CRD release's version and chart folder, the controller release's
    version, the policy document and version tag, and the version outputs."""
    default = synthesized_by_runtime[runtime]["default"]
    path = [*upgrade_stacks(default).values(), default]
    documents = [stack.document for stack in path]
    for (older, newer), charts in zip(pairwise(documents), pairwise(CHARTS), strict=True):
        crds, controller = helm_releases(newer)[CRD_RELEASE_NAME], helm_releases(newer)[CONTROLLER_RELEASE_NAME]
        assert helm_releases(older)[CRD_RELEASE_NAME]["version"] == charts[0] != crds["version"] == charts[1]
        assert helm_releases(older)[CONTROLLER_RELEASE_NAME]["version"] == charts[0] != controller["version"]
        assert controller["skip_crds"] is True
        found = {path for path in differences(older, newer) if path[0] != "//"}
        (crd_id,) = [k for k, v in newer["resource"]["helm_release"].items() if v["name"] == CRD_RELEASE_NAME]
        (controller_id,) = [
            k for k, v in newer["resource"]["helm_release"].items() if v["name"] == CONTROLLER_RELEASE_NAME
        ]
        (policy_id,) = newer["resource"]["aws_iam_policy"]
        allowed = {
            ("resource", "helm_release", crd_id, "version"),
            ("resource", "helm_release", crd_id, "chart"),
            ("resource", "helm_release", controller_id, "version"),
            ("resource", "aws_iam_policy", policy_id, "policy"),
            ("resource", "aws_iam_policy", policy_id, "tags", VERSION_TAG),
            ("output", "chart_version", "value"),
            ("output", "controller_version", "value"),
            ("output", "controller_image", "value"),
        }
        # The values change only where the chart's own choices do: the Ingress webhook's safest failure
        # policy (Ignore) exists from chart 3.2.0 on (eks_lbc/ingress_webhook.py).
        values = ("resource", "helm_release", controller_id, "values", 0)
        if values in found:
            older_values = json.loads(helm_releases(older)[CONTROLLER_RELEASE_NAME]["values"][0])
            newer_values = json.loads(controller["values"][0])
            assert newer_values.pop("webhookConfig") == {"ingressValdationFailurePolicy": "Ignore"}, charts
            assert "webhookConfig" not in older_values and newer_values == older_values, charts
            found.remove(values)
        assert found <= allowed, (charts, sorted(found - allowed))
        assert ("resource", "helm_release", crd_id, "version") in found, charts
        # The helm provider replaces a release whose name or namespace changes: neither does.
        for name in (CRD_RELEASE_NAME, CONTROLLER_RELEASE_NAME):
            for attribute in ("name", "namespace"):
                assert helm_releases(older)[name][attribute] == helm_releases(newer)[name][attribute]
