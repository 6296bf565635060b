"""The vendored policies are AWS's published ones, byte for byte, for every supported version."""

import hashlib
import json
import os
from importlib import resources
from pathlib import Path

import pytest

from eks_lbc.errors import InvalidSetting
from eks_lbc.policies import policy_document
from eks_lbc.versions import chart_release, supported_charts
from tests.support import REPO


def upstream_dir() -> Path | None:
    """``shared/upstream`` (see DEVELOPERS.md): $EKS_LBC_UPSTREAM, or found beside the checkout."""
    if os.environ.get("EKS_LBC_UPSTREAM"):
        return Path(os.environ["EKS_LBC_UPSTREAM"])
    for parent in REPO.parents:
        candidate = parent / "shared" / "upstream"
        if candidate.is_dir():
            return candidate
    return None


CASES = [(r.chart, partition) for r in supported_charts() for partition in r.policy_files]


def vendored_bytes(chart: str, partition: str) -> bytes:
    relative = chart_release(chart).policy_files[partition]
    return resources.files("eks_lbc.policies").joinpath(relative).read_bytes()


@pytest.mark.parametrize(("chart", "partition"), CASES)
def test_vendored_policy_matches_recorded_upstream_hash(chart, partition):
    recorded = chart_release(chart).policy_sha256[partition]
    assert hashlib.sha256(vendored_bytes(chart, partition)).hexdigest() == recorded


@pytest.mark.parametrize(("chart", "partition"), CASES)
def test_vendored_policy_equals_upstream(chart, partition, require_tool):
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    release = chart_release(chart)
    upstream_file = upstream / "iam_policy" / release.policy_files[partition]
    theirs = json.loads(upstream_file.read_text("utf-8"))
    ours = policy_document(chart, partition)
    if ours != theirs:
        def actions(doc):
            listed = ([s["Action"]] if isinstance(s["Action"], str) else s["Action"] for s in doc["Statement"])
            return {a for actions_ in listed for a in actions_}

        pytest.fail(
            f"{chart} {partition}: vendored policy drifted from {upstream_file}; "
            f"actions only upstream: {sorted(actions(theirs) - actions(ours))}, "
            f"only vendored: {sorted(actions(ours) - actions(theirs))}"
        )
    assert upstream_file.read_bytes() == vendored_bytes(chart, partition)


def test_chart_table_matches_upstream_chart_history(require_tool):
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    rows = {}
    for line in (upstream / "chart" / "versions.tsv").read_text().splitlines():
        chart, app_version, _date, commit = line.split("\t")
        rows[chart] = (app_version, commit)
    for release in supported_charts():
        assert rows[release.chart] == (release.controller, release.chart_commit)
    newest = max(rows, key=lambda v: tuple(int(p) for p in v.split(".")))
    assert supported_charts()[0].chart == newest


def test_seed_controller_is_supported_under_its_real_chart_version():
    # The seed pinned version = "2.5.2", which is the controller version; the chart is 1.5.3.
    assert chart_release("1.5.3").controller == "v2.5.2"
    with pytest.raises(InvalidSetting):
        chart_release("2.5.2")


def test_newer_controllers_have_the_actions_they_need():
    # Added in v2.7..v2.13 (shared/upstream/SOURCES.md); an older policy fails at run time with AccessDenied.
    def actions(chart):
        doc = policy_document(chart)
        return {a for s in doc["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}

    needed = {"elasticloadbalancing:DescribeTrustStores", "ec2:GetSecurityGroupsForVpc", "ec2:DescribeRouteTables"}
    assert needed <= actions("3.5.0")
    assert needed <= actions("1.17.1")
    assert not needed & actions("1.5.3")


def test_partition_variant_uses_its_partition_arns():
    text = json.dumps(policy_document("3.5.0", "aws-cn"))
    assert "arn:aws-cn:" in text and "arn:aws:" not in text
    text = json.dumps(policy_document("3.5.0", "aws-us-gov"))
    assert "arn:aws-us-gov:" in text and "arn:aws:" not in text


def test_unknown_partition_is_rejected():
    with pytest.raises(InvalidSetting) as caught:
        policy_document("3.5.0", "aws-mars")
    assert caught.value.field == "partition"
