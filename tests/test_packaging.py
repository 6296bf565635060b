"""`pip install .` gives a working library with its policies inside, usable from any directory."""

import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from tests.support import REPO

LIBRARY_USER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    from cdktf import App, TerraformStack
    from cdktf_cdktf_provider_aws.eks_cluster import EksCluster
    from cdktf_cdktf_provider_aws.provider import AwsProvider

    import eks_lbc
    from eks_lbc.constructs import LoadBalancerController
    from eks_lbc.stacks import add_cluster_providers

    assert Path(eks_lbc.__file__).resolve().is_relative_to(Path(sys.argv[1]).resolve()), eks_lbc.__file__

    app = App(outdir="out")
    stack = TerraformStack(app, "platform")
    AwsProvider(stack, "aws", region="us-east-1")
    cluster = EksCluster(
        stack, "cluster", name="platform", role_arn="arn:aws:iam::111122223333:role/eks",
        vpc_config={"subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]},
    )
    add_cluster_providers(
        stack, aws=False, region="us-east-1", cluster_name=cluster.name,
        endpoint=cluster.endpoint, certificate_authority_data=cluster.certificate_authority.get(0).data,
    )
    lbc = LoadBalancerController(
        stack, "lbc",
        cluster_name=cluster.name,
        issuer_url=cluster.identity.get(0).oidc.get(0).issuer,
        region="us-east-1",
        vpc_id=cluster.vpc_config.vpc_id,
        image_repository="regional",             # needs data/ecr_registries.json
        helm_values={"logLevel": "debug"},       # checked against data/chart_values/<chart>.json
    )
    app.synth()
    print(json.dumps({"chart": lbc.chart_version}))
    """
)


@pytest.mark.slow
def test_wheel_installs_and_synthesizes_with_tokens(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(REPO)],
        check=True,
        timeout=300,
    )
    (wheel,) = dist.glob("eks_lbc-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(subprocess.check_output([python, "-c", purelib], text=True).strip())
    # Dependencies (cdktf, providers: hundreds of MB) come from this environment; eks_lbc itself only from the wheel.
    (site / "_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
        timeout=300,
    )
    user = tmp_path / "user-project"
    user.mkdir()
    (user / "app.py").write_text(LIBRARY_USER)
    result = subprocess.run([python, "app.py", str(venv)], cwd=user, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert '{"chart": "3.5.0"}' in result.stdout
    out = (user / "out" / "stacks" / "platform" / "cdk.tf.json").read_text()
    assert '"name": "${aws_eks_cluster.cluster.name}-aws-lbc"' in out
    assert "elasticloadbalancing:DescribeTrustStores" in out  # the vendored policy travelled in the wheel
    assert "602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon/aws-load-balancer-controller" in out  # and the data
    assert "logLevel: debug" in out
    assert "${aws_eks_cluster.cluster.identity[0].oidc[0].issuer}" in out
