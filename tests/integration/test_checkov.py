"""checkov tier: every synthesized stack scanned with ``checkov --framework terraform_json --skip-download``.

Zero failed checks, with the repository's ``.checkov.yaml``. A finding is accepted only
there (``skip-check``, one line of reason each), and a second scan without that file
proves each accepted check id still fires: nothing stays silenced after the cause is gone.

The IAM policy view (:func:`tests.integration.checkov.write_policy_view`) is scanned with
the same settings, because checkov's terraform_json runner cannot parse a policy given as
JSON text and its IAM analysis (CKV_AWS_286..290, CKV_AWS_355) would silently not run.
"""

from __future__ import annotations

import os
import re

import pytest

from tests.integration import checkov
from tests.support import REPO, require

pytestmark = [pytest.mark.integration, pytest.mark.checkov]

CONFIG = REPO / ".checkov.yaml"


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


@pytest.fixture(scope="module")
def scans(synthesized_stacks, tmp_path_factory):
    """Both scans, run at the same time: (with .checkov.yaml, without it), plus the policy addresses viewed."""
    command = checkov.checkov_command()
    require(command, f"checkov (`make test` installs it into .venv/tools; or set {checkov.CHECKOV_ENV})")
    work = tmp_path_factory.mktemp("checkov")
    stacks_dir = next(iter(synthesized_stacks.values())).file.parent.parent
    view = work / "policy-view"
    viewed = checkov.write_policy_view(
        {s.settings.stack_name: s.document for s in synthesized_stacks.values()}, view
    )
    # Offline: no platform mappings; anything but loopback goes to a closed port and fails at once.
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    bare_cwd = work / "no-config"
    bare_cwd.mkdir()
    with_config = checkov.Scan(
        command, [stacks_dir, view], config=CONFIG, output=work / "with-config", cwd=REPO, env=env
    )
    without = checkov.Scan(command, [stacks_dir, view], config=None, output=work / "without", cwd=bare_cwd, env=env)
    return with_config.reports(), without.reports(), viewed


def test_every_stack_passes_with_the_accepted_findings_only(scans):
    reports, _, _ = scans
    failed = checkov.failures(reports)
    assert not failed, f"checkov failed checks (fix them, or accept one in .checkov.yaml with a reason):\n" + (
        checkov.describe(failed)
    )


def test_every_stack_and_its_iam_policy_were_actually_scanned(scans, synthesized_stacks):
    reports, _, viewed = scans
    by_type = {r["check_type"]: r for r in reports}
    assert set(by_type) == {"terraform_json", "terraform"}
    assert all(r["summary"]["parsing_errors"] == 0 for r in reports)
    json_results = by_type["terraform_json"]["results"]["passed_checks"]
    judged = ("aws_iam_policy", "aws_iam_role", "aws_iam_role_policy_attachment", "kubernetes_service_account_v1")
    for stack in synthesized_stacks.values():
        document = stack.document
        expected = [name for kind in judged for name in document["resource"].get(kind, {})]
        expected += list(document["data"]["aws_iam_policy_document"])
        scanned = {c["resource"].rsplit(".", 1)[-1] for c in json_results if stack.settings.stack_name in c["file_path"]}
        assert set(expected) <= scanned, (stack.key, sorted(set(expected) - scanned))
    policy_results = by_type["terraform"]["results"]["passed_checks"]
    assert len(viewed) == len(synthesized_stacks)
    assert {c["check_id"] for c in policy_results} >= {"CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288", "CKV_AWS_289"}


def test_accepted_findings_have_reasons_and_still_fire(scans):
    _, without_config, _ = scans
    accepted = accepted_checks()
    assert accepted, ".checkov.yaml accepts nothing: then drop this test's premise, not the scan"
    short = {check: reason for check, reason in accepted.items() if len(reason) < 20}
    assert not short, f"give each accepted check a one-line reason: {short}"
    fired = {c["check_id"] for c in checkov.failures(without_config)}
    assert fired == set(accepted), (
        f"accepted but no longer found (remove from .checkov.yaml): {sorted(set(accepted) - fired)}; "
        f"found but not accepted: {sorted(fired - set(accepted))}"
    )
