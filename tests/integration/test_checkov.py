"""checkov tier: every synthesized stack scanned with ``checkov --framework terraform_json --skip-download``.

Zero failed checks, with the repository's ``.checkov.yaml``. A finding is accepted only
there (``skip-check``, one line of reason each), and a second scan without that file
proves each accepted check id still fires: nothing stays silenced after the cause is gone.

The IAM policy view (:func:`tests.integration.checkov.write_policy_view`) is scanned with
the same settings, because checkov's terraform_json runner cannot parse a policy given as
JSON text and its IAM analysis (CKV_AWS_286..290, CKV_AWS_355) would silently not run.
"""

from __future__ import annotations

import re

import pytest

from tests.integration import checkov
from tests.integration.tiers import CHECKOV_CONFIG as CONFIG

# Once per `make test` (it scans both runtimes' stacks), in the cdktf pass: it shares that pass's synthesis
# of both runtimes' stacks with the Terraform tier (the two passes run at once; CPU is what counts).
pytestmark = [pytest.mark.integration, pytest.mark.checkov, pytest.mark.runtime("cdktf")]


def accepted_checks() -> dict[str, str]:
    """``skip-check`` entries of .checkov.yaml with the reason written beside each."""
    entries = {}
    in_list = False
    for line in CONFIG.read_text().splitlines():
        if re.match(r"^skip-check:\s*$", line):
            in_list = True
            continue
        if in_list and not line.startswith((" ", "-")):
            in_list = False
        item = re.match(r"^\s*-\s*(\S+)\s*(?:#\s*(.*))?$", line) if in_list else None
        if item:
            entries[item.group(1)] = (item.group(2) or "").strip()
    return entries


def test_every_stack_passes_with_the_accepted_findings_only(checkov_scans):
    failed = checkov.failures(checkov_scans.with_config)
    assert not failed, "checkov failed checks (fix them, or accept one in .checkov.yaml with a reason):\n" + (
        checkov.describe(failed)
    )


def test_every_stack_and_its_iam_policy_were_actually_scanned(checkov_scans, synthesized_by_runtime):
    reports = checkov_scans.with_config
    by_type = {r["check_type"]: r for r in reports}
    assert set(by_type) == {"terraform_json", "terraform"}
    assert all(r["summary"]["parsing_errors"] == 0 for r in reports)
    json_results = by_type["terraform_json"]["results"]["passed_checks"]
    judged = ("aws_iam_policy", "aws_iam_role", "aws_iam_role_policy_attachment", "kubernetes_service_account_v1")
    for runtime, stacks in synthesized_by_runtime.items():
        for stack in stacks.values():
            document = stack.document
            expected = [name for kind in judged for name in document["resource"].get(kind, {})]
            expected += list(document["data"]["aws_iam_policy_document"])
            scanned = {c["resource"].rsplit(".", 1)[-1] for c in json_results if c["file_abs_path"] == str(stack.file)}
            assert set(expected) <= scanned, (runtime, stack.key, sorted(set(expected) - scanned))
    policy_results = by_type["terraform"]["results"]["passed_checks"]
    assert len(checkov_scans.policy_view) == sum(
        len(stack.document["resource"]["aws_iam_policy"])
        for stacks in synthesized_by_runtime.values()
        for stack in stacks.values()
    )
    assert {c["check_id"] for c in policy_results} >= {"CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288", "CKV_AWS_289"}


def test_accepted_findings_have_reasons_and_still_fire(checkov_scans):
    without_config = checkov_scans.without_config
    accepted = accepted_checks()
    assert accepted, ".checkov.yaml accepts nothing: then drop this test's premise, not the scan"
    short = {check: reason for check, reason in accepted.items() if len(reason) < 20}
    assert not short, f"give each accepted check a one-line reason: {short}"
    fired = {c["check_id"] for c in checkov.failures(without_config)}
    assert fired == set(accepted), (
        f"accepted but no longer found (remove from .checkov.yaml): {sorted(set(accepted) - fired)}; "
        f"found but not accepted: {sorted(fired - set(accepted))}"
    )
