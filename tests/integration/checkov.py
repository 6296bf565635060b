"""Running checkov on synthesized stacks, and the policy view that makes its IAM analysis see our policies.

checkov's ``terraform_json`` runner hands a policy given as JSON *text* (how cdktf
writes ``aws_iam_policy.policy``) to its cloudsplaining-based checks as a string;
they then return UNKNOWN, which checkov does not report. So CKV_AWS_286..290 and
CKV_AWS_355 never judge the controller's policy in a plain scan. :func:`write_policy_view`
writes each such policy, verbatim, into a small HCL file (``policy = <<POLICY ...``),
where checkov's ``terraform`` runner parses it and those checks do run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tests.support import REPO

CHECKOV_ENV = "EKS_LBC_CHECKOV"
# Resource types whose `policy` attribute is an IAM policy document, and checkov's frameworks for each input.
POLICY_RESOURCES = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")
FRAMEWORKS = ("terraform_json", "terraform")


def checkov_command() -> str | None:
    """``$EKS_LBC_CHECKOV``, else the tools venv ``make test`` creates (``.venv/tools``), else PATH's."""
    if os.environ.get(CHECKOV_ENV):
        return os.environ[CHECKOV_ENV]
    tools = REPO / ".venv" / "tools" / "bin" / "checkov"
    if tools.is_file():
        return str(tools)
    return shutil.which("checkov")


def write_policy_view(stacks: Mapping[str, Mapping[str, Any]], directory: Path) -> list[str]:
    """One ``<stack>/policies.tf`` per stack with its IAM policy documents; returns the HCL addresses written."""
    addresses = []
    for stack_name, stack in stacks.items():
        blocks = []
        for kind in POLICY_RESOURCES:
            for name, resource in stack.get("resource", {}).get(kind, {}).items():
                text = resource.get("policy")
                if not isinstance(text, str) or "${" in text:
                    continue  # computed at apply time: nothing static to analyse
                json.loads(text)  # a document, or this view is wrong
                label = re.sub(r"[^A-Za-z0-9_-]", "_", name)
                blocks.append(
                    f"# {kind}.{name} of stack {stack_name}, its policy verbatim\n"
                    f'resource "{kind}" "{label}" {{\n  policy = <<POLICY\n{text}\nPOLICY\n}}\n'
                )
                addresses.append(f"{kind}.{label}")
        if blocks:
            (directory / stack_name).mkdir(parents=True, exist_ok=True)
            (directory / stack_name / "policies.tf").write_text("\n".join(blocks))
    return addresses


class Scan:
    """A running ``checkov --framework terraform_json terraform --skip-download`` over some directories.

    ``config`` None runs without any config file (``cwd`` must then hold none: checkov
    reads ``.checkov.yaml`` from its working directory by itself). The JSON report goes
    to ``<output>/results_json.json``.
    """

    def __init__(
        self,
        command: str,
        directories: Iterable[Path],
        *,
        config: Path | None,
        output: Path,
        cwd: Path,
        env: Mapping[str, str],
    ) -> None:
        args = [command, "--framework", *FRAMEWORKS, "--skip-download", "--output", "json"]
        args += ["--output-file-path", str(output)]
        if config is not None:
            args += ["--config-file", str(config)]
        for directory in directories:
            args += ["--directory", str(directory)]
        self.args = args
        self.output = output
        self.process = subprocess.Popen(
            args, cwd=cwd, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )

    def reports(self, timeout: float = 300) -> list[dict[str, Any]]:
        """One report per framework that found files; exit status 1 only means failed checks."""
        log, _ = self.process.communicate(timeout=timeout)
        result = self.output / "results_json.json"
        if self.process.returncode not in (0, 1) or not result.is_file():
            text = log.decode(errors="replace")[-4000:]
            raise AssertionError(f"{' '.join(self.args)} exited {self.process.returncode}:\n{text}")
        parsed = json.loads(result.read_text())
        found = parsed if isinstance(parsed, list) else [parsed]
        return [report for report in found if "check_type" in report]


def failures(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [check for report in found for check in report["results"]["failed_checks"]]


def describe(checks: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  {c['check_id']} {c['check_name']!r} on {c['resource']} in {c['file_path']} ({c.get('guideline') or ''})"
        for c in checks
    )
