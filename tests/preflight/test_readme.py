"""docs/preflight.md and the README say what the code does: its checks, its IAM policy, its sample, its place in CI."""

import json
import re

import pytest

from eks_lbc.preflight.aws import policy_document
from eks_lbc.preflight.checks import CHECKS
from tests.preflight.test_report import LINE
from tests.support import REPO

pytestmark = pytest.mark.runtime("cdktf")


def section() -> str:
    return (REPO / "docs" / "preflight.md").read_text()


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_the_policy_shown_is_the_policy_used():
    (policy,) = [b for b in blocks(section(), "json") if '"Statement"' in b]
    assert json.loads(policy) == policy_document()


def test_the_table_lists_every_check():
    rows = re.findall(r"^\| (`[a-z-]+`(?:, `[a-z-]+`)*) \|", section(), re.M)
    listed = [name.strip("`") for row in rows for name in row.split(", ")]
    assert listed == [c.id for c in CHECKS]


def test_the_sample_is_a_report_of_every_check_per_cluster():
    (sample,) = blocks(section(), "text")
    *lines, summary = sample.strip().splitlines()
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), [line for line, m in zip(lines, parsed, strict=True) if not m]
    clusters = list(dict.fromkeys(m[2] for m in parsed))
    for cluster in clusters:
        assert [m[3] for m in parsed if m[2] == cluster] == [c.id for c in CHECKS]
    assert re.fullmatch(
        rf"eks-lbc preflight: {len(clusters)} cluster\(s\) in account \d{{12}}: \d+ ok, \d+ warn, \d+ unknown, "
        r"\d+ fail -> exit [01]",
        summary,
    )


def test_the_readme_points_to_it_with_the_exit_codes():
    text = (REPO / "README.md").read_text()
    start = text.index("## Before you deploy: preflight")
    summary = text[start : text.index("\n## ", start + 1)]
    assert "**0** when nothing fails, **1** when a check fails, **2** on bad settings" in summary
    assert "[docs/preflight.md](docs/preflight.md)" in summary


def test_ci_runs_preflight_before_terraform_plan():
    text = (REPO / "README.md").read_text()
    ci = text[text.index("## CI pipelines") :]
    ci = ci[: ci.index("```\n", ci.index("```sh") + 5)]
    assert ci.index("eks-lbc preflight") < ci.index("plan -input=false")
