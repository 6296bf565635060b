"""The command: ``eks-lbc preflight`` / ``python -m eks_lbc.preflight`` / ``make preflight``; exit codes;
the same one-line setting errors as synth; no cdktf import; the real command against moto_server."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from eks_lbc import app
from eks_lbc.preflight import cli
from eks_lbc.preflight.checks import CHECKS
from eks_lbc.preflight.report import schema
from tests.integration.moto import create_eks_cluster
from tests.support import REPO

pytestmark = pytest.mark.runtime("cdktf")

CDK_MODULES = ("cdktf", "cdktn", "jsii", "constructs")


def write_settings(folder: Path, settings: dict) -> None:
    (folder / "cdktf.json").write_text(json.dumps({"app": "python main.py", "context": {"eks-lbc": settings}}))


@pytest.mark.parametrize(
    "settings",
    [
        {"clusterName": "demo", "region": "tokyo"},
        {"clusterName": "demo", "region": "eu-west-1", "oidcProvider": "maybe"},
        {
            "clusters": [
                {"clusterName": "a", "region": "eu-west-1"},
                {"clusterName": "b", "region": "eu-west-1", "replicas": 0},
            ]
        },
    ],
)
def test_bad_settings_exit_2_with_synths_one_line_error(tmp_path, monkeypatch, capsys, settings):
    for name in [n for n in os.environ if n.startswith("EKS_LBC_")]:
        monkeypatch.delenv(name)
    write_settings(tmp_path, settings)
    assert cli.main(["preflight", "--project-dir", str(tmp_path)]) == 2
    preflight = capsys.readouterr()
    assert preflight.out == ""
    monkeypatch.chdir(tmp_path)
    assert app.main(tmp_path) == 2  # synth fails on the settings before it imports cdktf
    synth = capsys.readouterr()
    assert preflight.err == synth.err
    assert preflight.err.startswith("eks-lbc: invalid ") and preflight.err.count("\n") == 1


def test_bad_settings_from_the_environment_exit_2(tmp_path, monkeypatch, capsys):
    write_settings(tmp_path, {"clusterName": "demo", "region": "eu-west-1"})
    monkeypatch.setenv("EKS_LBC_PUBLIC_SUBNET_IDS", "subnet-nothex")
    assert cli.main(["preflight", "--project-dir", str(tmp_path)]) == 2
    assert "invalid EKS_LBC_PUBLIC_SUBNET_IDS[0]: 'subnet-nothex'" in capsys.readouterr().err


def test_workers_must_be_positive(tmp_path, capsys, monkeypatch):
    for name in [n for n in os.environ if n.startswith("EKS_LBC_")]:
        monkeypatch.delenv(name)
    write_settings(tmp_path, {"clusterName": "demo", "region": "eu-west-1"})
    assert cli.main(["preflight", "--project-dir", str(tmp_path), "--workers", "0"]) == 2
    assert capsys.readouterr().err == "eks-lbc: invalid --workers: 0; expected a whole number from 1\n"


def _run(args, env, cwd):
    """``python -m eks_lbc.preflight ARGS`` in a fresh interpreter; also reports the CDK modules it imported."""
    probe = (
        "import json, runpy, sys\n"
        f"sys.argv = ['eks_lbc.preflight', *{args!r}]\n"
        "try:\n"
        "    runpy.run_module('eks_lbc.preflight', run_name='__main__', alter_sys=True)\n"
        "    code = 0\n"
        "except SystemExit as exit_:\n"
        "    code = exit_.code\n"
        f"cdk = sorted(m for m in sys.modules if m.split('.')[0] in {CDK_MODULES!r})\n"
        "print('CDK-MODULES ' + json.dumps(cdk), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    return subprocess.run([sys.executable, "-c", probe], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_the_real_command_against_moto_server(moto, tmp_path):
    """What a user runs: boto3's standard chain (here: environment credentials and AWS_ENDPOINT_URL) and no hooks.

    moto_server lacks what tests/preflight/_moto_gaps.py fills in elsewhere: the cluster's VPC id (so vpcId is set)
    and its cluster security group (so the webhook check is unknown, with the reason).
    """
    cluster = create_eks_cluster(moto, "demo", "eu-west-1")
    ec2 = moto.client("ec2", "eu-west-1")
    ec2.create_tags(Resources=list(cluster.subnet_ids), Tags=[{"Key": "kubernetes.io/role/internal-elb", "Value": "1"}])
    moto.client("iam").create_open_id_connect_provider(
        Url=cluster.issuer_url, ClientIDList=["sts.amazonaws.com"], ThumbprintList=["9" * 40]
    )
    write_settings(tmp_path, {"clusterName": "demo", "region": "eu-west-1", "vpcId": cluster.vpc_id})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EKS_LBC_"))}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_ENDPOINT_URL=moto.url,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
    )
    text = _run(["--project-dir", str(tmp_path)], env, tmp_path)
    assert text.returncode == 1, text.stderr[-3000:]  # the existing OIDC provider fails oidcProvider: create
    assert "CDK-MODULES []" in text.stderr
    lines = text.stdout.splitlines()
    assert len(lines) == len(CHECKS) + 1
    assert re.match(r"^fail +demo +oidc-provider +arn:aws:iam::123456789012:oidc-provider/oidc\.eks\.", lines[2])
    assert lines[2].endswith("| fix: oidcProvider: existing")
    assert lines[-1].startswith("eks-lbc preflight: 1 cluster(s) in account 123456789012:")

    as_json = _run(["--project-dir", str(tmp_path), "--json"], env, REPO)
    assert as_json.returncode == 1
    document = json.loads(as_json.stdout)
    jsonschema.validate(document, schema())
    statuses = {c["check"]: c["status"] for c in document["clusters"][0]["checks"]}
    assert statuses["cluster"] == "ok" and statuses["subnets-internal"] == "ok"
    assert statuses["subnets-internet-facing"] == "fail"  # no public subnets, no internet gateway
    assert statuses["webhook-port"] == "warn"  # no nodes


@pytest.mark.slow
def test_the_console_script_and_make_target():
    script = Path(sys.executable).with_name("eks-lbc")
    assert script.is_file(), "reinstall the project (pip install -e .) to get the eks-lbc console script"
    shown = subprocess.run([script, "preflight", "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "--json" in shown.stdout
    pyproject = (REPO / "pyproject.toml").read_text()
    assert 'eks-lbc = "eks_lbc.preflight.cli:console"' in pyproject
    makefile = (REPO / "Makefile").read_text()
    assert "\t$(PY) -m eks_lbc.preflight $(PREFLIGHT_ARGS)" in makefile
