"""main.py end to end, as a user runs it: a subprocess in a project folder of its own."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO

MARKER = '{"earlier": "synth output that a failed run must leave alone"}'


def project(tmp_path: Path) -> Path:
    for name in ("main.py", "cdktf.json"):
        shutil.copy(REPO / name, tmp_path / name)
    previous = tmp_path / "cdktf.out" / "stacks" / "eks-lbc-demo-ap-northeast-1"
    previous.mkdir(parents=True)
    (previous / "cdk.tf.json").write_text(MARKER)
    return tmp_path


def run(folder: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("EKS_LBC_")}
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), environ.get("PYTHONPATH")]))
    environ.update(env)
    return subprocess.run(
        [sys.executable, "main.py"], cwd=folder, env=environ, capture_output=True, text=True, timeout=300
    )


# Settings fail before any runtime is imported: once per `make test`, in the cdktf pass.
@pytest.mark.runtime("cdktf")
@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("EKS_LBC_CLUSTER_NAME", "my cluster"),
        ("EKS_LBC_REGION", "tokyo"),
        ("EKS_LBC_NAMESPACE", "Kube-System"),
        ("EKS_LBC_SERVICE_ACCOUNT_NAME", "LBC"),
        ("EKS_LBC_CHART_VERSION", "2.5.2"),
        ("EKS_LBC_VPC_ID", "vpc-xyz"),
        ("EKS_LBC_LAZY_PROVIDERS", "maybe"),
        ("EKS_LBC_RUNTIME", "pulumi"),
        ("EKS_LBC_IDENTITY", "kiam"),
        ("EKS_LBC_ACCOUNT_ID", "1234"),
        ("EKS_LBC_AWS_PROFILE", "-p"),
        ("EKS_LBC_ASSUME_ROLE_ARN", "arn:aws:iam::111122223333:user/x"),
        ("EKS_LBC_STATE_BUCKET", "Terraform_State"),
        ("EKS_LBC_PERMISSIONS_BOUNDARY", "arn:aws:iam::111122223333:role/boundary"),
        ("EKS_LBC_CHART_REPOSITORY", "http://charts.example.com"),
    ],
)
def test_bad_input_exits_non_zero_with_one_clear_line_and_writes_nothing(tmp_path, variable, value):
    folder = project(tmp_path)
    result = run(folder, **{variable: value})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"eks-lbc: invalid {variable}: {value!r}; expected " in result.stderr
    assert (folder / "cdktf.out" / "stacks" / "eks-lbc-demo-ap-northeast-1" / "cdk.tf.json").read_text() == MARKER
    assert sorted(p.name for p in (folder / "cdktf.out").iterdir()) == ["stacks"]


@pytest.mark.slow
def test_synth_writes_the_stack_and_says_what_to_run_next(tmp_path):
    folder = project(tmp_path)
    result = run(folder, EKS_LBC_CLUSTER_NAME="staging", EKS_LBC_REGION="us-west-2")
    assert result.returncode == 0, result.stderr
    stack = folder / "cdktf.out" / "stacks" / "eks-lbc-staging-us-west-2" / "cdk.tf.json"
    assert '"name": "staging"' in stack.read_text()
    assert "cdktf.out/stacks/eks-lbc-staging-us-west-2/cdk.tf.json" in result.stderr
    assert "terraform -chdir=cdktf.out/stacks/eks-lbc-staging-us-west-2 init" in result.stderr
    assert str(tmp_path) not in stack.read_text()


def test_one_stack_per_cluster(tmp_path):
    from eks_lbc.app import build_app
    from eks_lbc.settings import ClusterSettings, Settings

    settings = Settings(
        clusters=(
            ClusterSettings(cluster_name="tokyo-1", region="ap-northeast-1"),
            ClusterSettings(cluster_name="dublin-1", region="eu-west-1"),
        )
    )
    app = build_app(settings, outdir=str(tmp_path / "out"))
    app.synth()
    stacks = sorted(p.name for p in (tmp_path / "out" / "stacks").iterdir())
    assert stacks == ["eks-lbc-dublin-1-eu-west-1", "eks-lbc-tokyo-1-ap-northeast-1"]
    dublin = tmp_path / "out" / "stacks" / "eks-lbc-dublin-1-eu-west-1" / "cdk.tf.json"
    assert '"region": "eu-west-1"' in dublin.read_text()


@pytest.mark.runtime("cdktf")
def test_legacy_local_state_stops_synth_with_one_line(tmp_path):
    """Issue 13.1: an earlier deployment's local state is never silently swapped for an empty one."""
    folder = project(tmp_path)
    (folder / "terraform.eks-lbc-demo.tfstate").write_text('{"version": 4}')
    result = run(folder)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("eks-lbc: invalid legacyNames: False; expected true for cluster demo: its state is ")
    assert (folder / "cdktf.out" / "stacks" / "eks-lbc-demo-ap-northeast-1" / "cdk.tf.json").read_text() == MARKER
    result = run(folder, EKS_LBC_LEGACY_NAMES="true")
    assert result.returncode == 0, result.stderr
    backend = (folder / "cdktf.out" / "stacks" / "eks-lbc-demo" / "cdk.tf.json").read_text()
    assert '"path": "../../../terraform.eks-lbc-demo.tfstate"' in backend


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "EKS_LBC_REPLICAS",
            "0",
            "invalid EKS_LBC_REPLICAS: 0; expected a whole number of controller replicas from 1 to 10",
        ),
        (
            "EKS_LBC_HELM_VALUES",
            '{"replicaCount": 3}',
            "invalid EKS_LBC_HELM_VALUES.replicaCount: 3; expected no value here: eks-lbc sets replicaCount itself",
        ),
        (
            "EKS_LBC_HELM_VALUES",
            '{"podLables": {}}',
            "invalid EKS_LBC_HELM_VALUES.podLables: {}; expected a value key that chart 3.5.0 reads",
        ),
        (
            "EKS_LBC_HELM_VALUES",
            '{"podAnnotations": ' * 1000 + "{}" + "}" * 1000,
            "invalid EKS_LBC_HELM_VALUES: <text not shown>; expected a JSON object",
        ),
        (
            "EKS_LBC_HELM_VALUES",
            '{"podAnnotations": ' * 40 + "{}" + "}" * 40,
            "invalid EKS_LBC_HELM_VALUES: <not shown>; expected chart values nested at most 32 levels deep",
        ),
    ],
)
def test_bad_json_setting_exits_with_one_line_naming_the_key(tmp_path, variable, value, message):
    folder = project(tmp_path)
    result = run(folder, **{variable: value})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"eks-lbc: {message}" in result.stderr
    assert (folder / "cdktf.out" / "stacks" / "eks-lbc-demo-ap-northeast-1" / "cdk.tf.json").read_text() == MARKER


@pytest.mark.runtime("cdktf")
def test_moved_blocks_are_written_for_pod_identity_and_removed_for_irsa(tmp_path):
    """Issue 13.5: earlier Pod Identity deployments are moved, not replaced; the blocks live in moved.tf."""
    folder = project(tmp_path)
    stack = folder / "cdktf.out" / "stacks" / "eks-lbc-demo-ap-northeast-1"
    assert run(folder, EKS_LBC_IDENTITY="pod-identity").returncode == 0
    moved = (stack / "moved.tf").read_text()
    assert moved.count("moved {") == 3
    assert "  from = aws_iam_role.controller_pod-identity-role_A683588B\n" in moved
    assert "  to   = aws_iam_role.controller_irsa-role_3D18E97D\n" in moved
    assert '"moved"' not in (stack / "cdk.tf.json").read_text()
    assert run(folder).returncode == 0
    assert not (stack / "moved.tf").exists()  # IRSA: nothing moved, and no stale blocks left behind
