"""The GitHub Actions workflows: valid for GitHub, clean under zizmor, pinned, and doing what the README says.

Both tools run offline from the tools venv ``make test`` creates (``.venv/tools``, pinned in
tools-requirements.txt): ``check-jsonschema --builtin-schema vendor.github-workflows`` (GitHub's
workflow schema, shipped in the package) and ``zizmor --offline`` (its online audits, which ask
GitHub about tags and advisories, do not run).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support import REPO, require

# Runtime-independent (no cdktf or cdktn import): once per `make test`, in the cdktf pass.
pytestmark = pytest.mark.runtime("cdktf")

CI = REPO / ".github" / "workflows" / "ci.yml"
PLAN = REPO / "examples" / "github-actions" / "plan.yml"
WORKFLOWS = (CI, PLAN)
# Each action at one release, its commit read from the action's own git history (README, "CI pipelines").
PINNED = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/setup-node": ("820762786026740c76f36085b0efc47a31fe5020", "v7.0.0"),
    "astral-sh/setup-uv": ("20cfd1bf945f4377ade1205e4dbc17946fc9a30d", "v10.0.1"),
    "actions/cache": ("27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5"),
    "aws-actions/configure-aws-credentials": ("e6de054238d6b7531b4efff3b6587d9aade6a06c", "v6.2.3"),
    "hashicorp/setup-terraform": ("dfe3c3f87815947d99a8997f908cb6525fc44e9e", "v4.0.1"),
}
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+?)@(\S+)(?:\s+#\s*(\S+))?\s*$", re.M)


def tool(name: str) -> str | None:
    """``$EKS_LBC_<NAME>``, else the tools venv ``make test`` creates, else PATH's."""
    override = os.environ.get("EKS_LBC_" + re.sub(r"\W", "_", name).upper())
    if override:
        return override
    venv = REPO / ".venv" / "tools" / "bin" / name
    return str(venv) if venv.is_file() else shutil.which(name)


@pytest.fixture(scope="module")
def check_jsonschema() -> str:
    command = tool("check-jsonschema")
    require(command, "check-jsonschema (tools-requirements.txt; `make tools`)")
    return command


@pytest.fixture(scope="module")
def zizmor() -> str:
    command = tool("zizmor")
    require(command, "zizmor (tools-requirements.txt; `make tools`)")
    return command


def validate(command: str, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [command, "--builtin-schema", "vendor.github-workflows", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def audit(command: str, *files: Path) -> tuple[int, list[dict]]:
    """zizmor's findings at its most thorough persona (every confidence, every severity), offline."""
    result = subprocess.run(
        [command, "--offline", "--no-progress", "--persona", "auditor", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,  # its configuration, if one is ever added, is found from here (.github/zizmor.yml)
    )
    assert result.stdout.strip(), result.stderr[-2000:]
    return result.returncode, json.loads(result.stdout)


def test_workflows_are_valid_for_github(check_jsonschema):
    result = validate(check_jsonschema, *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing(zizmor):
    status, findings = audit(zizmor, *WORKFLOWS)
    summary = [f"{f['ident']}: {f['desc']} ({f['locations'][0]['symbolic']['key']})" for f in findings]
    assert (status, summary) == (0, [])


BAD_WORKFLOW = """
name: bad
on: [pull_request_target]
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v7
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
"""


def test_the_checks_fail_on_a_bad_workflow(check_jsonschema, zizmor, tmp_path):
    """Both checks can fail: a schema error, and a workflow with the classic injection and an unpinned action."""
    invalid = tmp_path / "invalid.yml"
    invalid.write_text(BAD_WORKFLOW.replace("    runs-on: ubuntu-24.04\n", "    runs_on: ubuntu-24.04\n"))
    result = validate(check_jsonschema, invalid)
    assert result.returncode != 0
    assert "runs_on" in result.stdout + result.stderr or "runs-on" in result.stdout + result.stderr

    insecure = tmp_path / "insecure.yml"
    insecure.write_text(BAD_WORKFLOW)
    assert validate(check_jsonschema, insecure).returncode == 0  # valid, yet unsafe
    status, findings = audit(zizmor, insecure)
    assert status != 0
    assert {"template-injection", "unpinned-uses", "dangerous-triggers"} <= {f["ident"] for f in findings}


def test_actions_are_pinned_to_release_commits():
    """Every action by full commit SHA with its release in a comment, the same release in both workflows."""
    seen = set()
    for workflow in WORKFLOWS:
        text = workflow.read_text()
        assert text.count("uses:") == len(USES.findall(text)), workflow
        for action, ref, comment in USES.findall(text):
            assert action in PINNED, f"{workflow.name}: {action} is not a reviewed action"
            assert (ref, comment) == PINNED[action], f"{workflow.name}: {action}@{ref} # {comment}"
            seen.add(action)
    assert seen == set(PINNED)


def steps(job: dict) -> list[dict]:
    return job["steps"]


def step_using(job: dict, action: str) -> dict:
    (step,) = (s for s in steps(job) if s.get("uses", "").startswith(action + "@"))
    return step


def runs(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in steps(job))


def load(workflow: Path) -> dict:
    document = yaml.safe_load(workflow.read_text())
    document["on"] = document.pop(True, document.get("on"))  # YAML 1.1 reads the key `on` as true
    return document


def test_ci_does_what_ci_run_does():
    ci = load(CI)
    assert set(ci["on"]) == {"push", "pull_request"}
    assert ci["permissions"] == {"contents": "read"}
    assert ci["env"]["EKS_LBC_REQUIRE_ALL_TIERS"] == "1"
    test = ci["jobs"]["test"]
    assert re.search(r"^make test\b", runs(test), re.M)
    assert "make node22" in runs(test)
    assert step_using(test, "actions/setup-node")["with"]["node-version"] == "22"
    assert step_using(test, "astral-sh/setup-uv")["with"]["enable-cache"] is True
    terraform = step_using(test, "hashicorp/setup-terraform")["with"]
    assert terraform["terraform_version"].startswith("1.11.")
    assert terraform["terraform_wrapper"] is False
    cached = [s["with"]["path"] for s in steps(test) if s.get("uses", "").startswith("actions/cache@")]
    assert "~/.cache/aws/jsii/package-cache" in cached
    # The terraform tier's provider mirror: filled from the registry on GitHub, handed over as on the build machine.
    make_test = next(s for s in steps(test) if s.get("run", "").startswith("make test"))
    assert make_test["env"]["EKS_LBC_TF_PLUGIN_DIR"] == "${{ runner.temp }}/tf-plugins"
    assert "aws=5.100.0" in ci["env"]["TF_PROVIDERS"]
    # .ci/run is the same entry point on the build machine.
    ci_run = (REPO / ".ci" / "run").read_text()
    assert "EKS_LBC_REQUIRE_ALL_TIERS=1" in ci_run
    assert re.search(r"^make test$", ci_run, re.M)
    assert "make lock-check" in runs(ci["jobs"]["lock"])


def test_ci_runs_every_python_the_package_claims():
    """The classifiers in pyproject.toml name exactly the Python versions CI tests."""
    classifiers = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', (REPO / "pyproject.toml").read_text())
    assert load(CI)["jobs"]["test"]["strategy"]["matrix"]["python"] == classifiers
    assert classifiers[0] == "3.10"  # requires-python's lower bound


def test_plan_workflow_is_the_pipeline_the_readme_describes():
    plan = load(PLAN)
    assert plan["permissions"] == {}
    plan_job, deploy = plan["jobs"]["plan"], plan["jobs"]["deploy"]
    for job in (plan_job, deploy):
        assert job["permissions"] == {"id-token": "write", "contents": "read"}
        assert step_using(job, "hashicorp/setup-terraform")["with"]["terraform_wrapper"] is False
        assert "role-to-assume" in step_using(job, "aws-actions/configure-aws-credentials")["with"]
        names = [s.get("name", s.get("uses", "")) for s in steps(job)]
        # credentials, then preflight, then terraform
        assert names.index("Preflight") > next(i for i, n in enumerate(names) if "configure-aws-credentials" in n)
        assert names.index("Preflight") < next(i for i, n in enumerate(names) if n.startswith("Plan"))
        assert "npm ci --prefix" in runs(job) and 'cdktf" synth' in runs(job)
        assert "terraform-cdk-action" not in json.dumps(job)
    assert "-out=tfplan" in runs(plan_job) and "$GITHUB_STEP_SUMMARY" in runs(plan_job)
    assert deploy["needs"] == "plan" and deploy["environment"] == "production"
    assert "apply -no-color tfplan" in runs(deploy)
    assert "aws-actions/configure-aws-credentials" in PLAN.read_text()


def test_cdktf_cli_is_pinned_to_the_cdktf_release():
    """package.json and its lock pin the cdktf CLI to the cdktf version the lock file installs (0.21.0)."""
    folder = PLAN.parent
    package = json.loads((folder / "package.json").read_text())
    lock = json.loads((folder / "package-lock.json").read_text())
    (cdktf,) = re.findall(r"^cdktf==(\S+)", (REPO / "requirements" / "test.txt").read_text(), re.M)
    assert package["devDependencies"] == {"cdktf-cli": cdktf}
    assert lock["packages"][""]["devDependencies"] == {"cdktf-cli": cdktf}
    cli = lock["packages"]["node_modules/cdktf-cli"]
    assert cli["version"] == cdktf and cli["integrity"].startswith("sha512-")
    assert lock["packages"]["node_modules/cdktf"]["version"] == cdktf
    # plan.yml runs `npm ci --ignore-scripts`: the one install script in the tree builds the pseudo-terminal
    # the CLI's interactive `deploy` uses; `cdktf synth` runs without it (tried with this lock).
    scripted = [name for name, entry in lock["packages"].items() if entry.get("hasInstallScript")]
    assert scripted == ["node_modules/@cdktf/node-pty-prebuilt-multiarch"]
