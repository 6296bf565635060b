"""The vendored policies are AWS's published ones, byte for byte, for every supported version."""

import copy
import difflib
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

# Runtime-independent (no cdktf or cdktn import): once per `make test`, in the cdktf pass.
pytestmark = pytest.mark.runtime("cdktf")


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


def actions(document: dict) -> set[str]:
    """Every action (and NotAction) the policy's statements name."""
    found = set()
    for statement in document["Statement"]:
        for key in ("Action", "NotAction"):
            listed = statement.get(key, [])
            found |= {listed} if isinstance(listed, str) else set(listed)
    return found


def drift_report(ours: dict, theirs: dict, limit: int = 80) -> str:
    """What changed upstream, for a reviewer: actions added and removed, then the JSON diff (first ``limit`` lines)."""
    added, removed = sorted(actions(theirs) - actions(ours)), sorted(actions(ours) - actions(theirs))
    lines = [
        f"actions added upstream ({len(added)}): {', '.join(added) or '-'}",
        f"actions removed upstream ({len(removed)}): {', '.join(removed) or '-'}",
    ]
    diff = list(
        difflib.unified_diff(
            json.dumps(ours, indent=2, sort_keys=True).splitlines(),
            json.dumps(theirs, indent=2, sort_keys=True).splitlines(),
            "vendored",
            "upstream",
            lineterm="",
        )
    )
    lines += diff[:limit] + ([f"... {len(diff) - limit} more diff lines"] if len(diff) > limit else [])
    return "\n".join(lines)


def test_drift_report_names_added_and_removed_actions():
    ours = policy_document("3.5.0")
    theirs = copy.deepcopy(ours)
    theirs["Statement"][1]["Action"] = [*theirs["Statement"][1]["Action"][1:], "ec2:DescribeNewThing"]
    removed = ours["Statement"][1]["Action"][0]
    report = drift_report(ours, theirs).splitlines()
    assert report[0] == "actions added upstream (1): ec2:DescribeNewThing"
    assert report[1] == f"actions removed upstream (1): {removed}"
    assert any(line.startswith("+") and '"ec2:DescribeNewThing"' in line for line in report)
    assert any(line.startswith("-") and f'"{removed}"' in line for line in report)
    # A change that keeps the actions (a condition, a resource) still shows, in the JSON diff.
    theirs = copy.deepcopy(ours)
    theirs["Statement"][0]["Resource"] = "arn:aws:iam::*:role/x"
    report = drift_report(ours, theirs).splitlines()
    assert report[:2] == ["actions added upstream (0): -", "actions removed upstream (0): -"]
    assert any(line.startswith("+") and '"Resource": "arn:aws:iam::*:role/x"' in line for line in report)


@pytest.mark.parametrize(("chart", "partition"), CASES)
def test_vendored_policy_equals_upstream(chart, partition, require_tool):
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    release = chart_release(chart)
    upstream_file = upstream / "iam_policy" / release.policy_files[partition]
    assert upstream_file.is_file(), f"upstream has no {upstream_file}"
    theirs = json.loads(upstream_file.read_text("utf-8"))
    ours = policy_document(chart, partition)
    if ours != theirs:
        pytest.fail(
            f"chart {chart} ({release.controller}) {partition}: the vendored policy drifted from {upstream_file}\n"
            + drift_report(ours, theirs),
            pytrace=False,
        )
    assert upstream_file.read_bytes() == vendored_bytes(chart, partition)


# Upstream's file name for each partition variant this project supports.
PARTITION_FILES = {"aws": "iam_policy.json", "aws-cn": "iam_policy_cn.json", "aws-us-gov": "iam_policy_us-gov.json"}


@pytest.mark.parametrize("chart", [r.chart for r in supported_charts()])
def test_every_partition_variant_upstream_publishes_is_vendored(chart, require_tool):
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    release = chart_release(chart)
    folder = upstream / "iam_policy" / release.controller
    published = {partition for partition, name in PARTITION_FILES.items() if (folder / name).is_file()}
    assert published == set(release.policy_files), (chart, release.controller)
    for partition, relative in release.policy_files.items():
        assert relative == f"{release.controller}/{PARTITION_FILES[partition]}"


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


@pytest.mark.parametrize("release", supported_charts(), ids=lambda r: r.chart)
def test_newer_controllers_have_the_actions_they_need(release):
    # Added in v2.7..v2.13 (shared/upstream/SOURCES.md); an older policy fails at run time with AccessDenied.
    def actions(chart):
        doc = policy_document(chart)
        return {a for s in doc["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}

    needed = {"elasticloadbalancing:DescribeTrustStores", "ec2:GetSecurityGroupsForVpc", "ec2:DescribeRouteTables"}
    controller = tuple(int(part) for part in release.controller.removeprefix("v").split("."))
    if controller >= (2, 13, 0):
        assert needed <= actions(release.chart)
    else:
        assert not needed & actions(release.chart)
    # From v2.13.0 to v3.5.0 upstream's iam_policy.json did not change: every 3.x chart embeds the same policy.
    if controller >= (2, 13, 0):
        assert policy_document(release.chart) == policy_document("3.5.0")


def test_partition_variant_uses_its_partition_arns():
    text = json.dumps(policy_document("3.5.0", "aws-cn"))
    assert "arn:aws-cn:" in text and "arn:aws:" not in text
    text = json.dumps(policy_document("3.5.0", "aws-us-gov"))
    assert "arn:aws-us-gov:" in text and "arn:aws:" not in text


def test_unknown_partition_is_rejected():
    with pytest.raises(InvalidSetting) as caught:
        policy_document("3.5.0", "aws-mars")
    assert caught.value.field == "partition"
