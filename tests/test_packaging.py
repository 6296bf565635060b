"""`pip install .` gives a working library with its policies inside, usable from any directory."""

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from eks_lbc import runtime
from eks_lbc.versions import supported_charts
from tests.conftest import RUNTIME
from tests.support import REPO

LIBRARY_USER = textwrap.dedent(
    """
    import json, os, sys
    from pathlib import Path

    import eks_lbc.constructs  # first, as docs/library.md says: provider packages imported after it load lazily
    from __CORE__ import App, TerraformStack
    from __AWS__.eks_cluster import EksCluster
    from __AWS__.provider import AwsProvider

    from eks_lbc import _cdk, _lazy_providers
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
    preload = _lazy_providers.node_preload_option()
    from jsii._runtime import kernel  # jsii's kernel was started with the preload; this process keeps its environment
    kernel_environ = Path(f"/proc/{kernel.provider._process._process.pid}/environ").read_bytes().split(b"\\0")
    from importlib import resources
    from eks_lbc.versions import supported_charts
    from eks_lbc.chart_values import chart_values
    print(json.dumps({
        "chart": lbc.chart_version,
        # every supported chart's CRDs and value keys travel in the wheel
        "crds": [r.chart for r in supported_charts()
                 if resources.files("eks_lbc.data").joinpath(f"charts/{r.chart}/crds/crds.yaml").is_file()],
        "values": [r.chart for r in supported_charts() if chart_values(r.chart).app_version == r.controller],
        "runtime": _cdk.RUNTIME,
        "lazy": sorted(_lazy_providers.lazy_packages),
        "node_preload": any(e.startswith(b"NODE_OPTIONS=") and preload.encode() in e for e in kernel_environ)
        and Path(preload.split('"')[1]).is_file() and preload not in os.environ.get("NODE_OPTIONS", ""),
    }))
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
    # The user's app is written for this session's runtime (cdktf, or cdktn in the [cdktn] venv).
    core, aws = runtime.PACKAGES[RUNTIME][:2]
    (user / "app.py").write_text(LIBRARY_USER.replace("__CORE__", core).replace("__AWS__", aws))
    environ = {k: v for k, v in os.environ.items() if not k.startswith("EKS_LBC_")}
    result = subprocess.run(
        [python, "app.py", str(venv)], cwd=user, env=environ, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["chart"] == "3.5.0"
    charts = [r.chart for r in supported_charts()]
    assert report["crds"] == charts and report["values"] == charts and len(charts) == 13
    assert report["runtime"] == RUNTIME
    # The import hook and the Node preload (package data) work from the wheel (cdktn's bindings need no hook).
    hooked = [f"cdktf_cdktf_provider_{p}" for p in ("aws", "helm", "kubernetes", "tls")] if RUNTIME == "cdktf" else []
    assert report["lazy"] == hooked
    assert report["node_preload"] is True
    out = (user / "out" / "stacks" / "platform" / "cdk.tf.json").read_text()
    assert '"name": "${aws_eks_cluster.cluster.name}-aws-lbc"' in out
    assert "elasticloadbalancing:DescribeTrustStores" in out  # the vendored policy travelled in the wheel
    assert "602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon/aws-load-balancer-controller" in out  # and the data
    assert r"\"logLevel\": \"debug\"" in out  # the JSON values document, as a JSON string
    assert "${aws_eks_cluster.cluster.identity[0].oidc[0].issuer}" in out
    # The console script, and preflight's package data (IAM policy, --json schema, Kubernetes versions), from the wheel.
    script = venv / "bin" / "eks-lbc"
    shown = subprocess.run([script, "preflight", "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "--json" in shown.stdout, shown.stderr[-3000:]
    data = (
        "from eks_lbc.preflight import aws, report; from eks_lbc.preflight.checks import cluster; "
        "print(len(aws.policy_actions()), report.schema()['title'], sorted(cluster.kubernetes_versions()))"
    )
    loaded = subprocess.run([python, "-c", data], cwd=user, capture_output=True, text=True, timeout=60)
    assert loaded.returncode == 0 and "preflight --json report" in loaded.stdout, loaded.stderr[-3000:]


PYPROJECT_METADATA = """
import json, sys, warnings
from setuptools.config.pyprojecttoml import apply_configuration
from setuptools.dist import Distribution
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    meta = apply_configuration(Distribution(), sys.argv[1]).metadata
print(json.dumps({
    "warnings": [f"{type(w.message).__name__}: {str(w.message).splitlines()[0]}" for w in caught],
    "license_expression": meta.license_expression,
    "license_files": meta.license_files,
    "classifiers": meta.classifiers,
    "keywords": meta.keywords,
}))
"""


def _metadata(pyproject: Path) -> dict:
    # A subprocess: setuptools' configuration reader changes global state (warnings registry, distutils patching).
    result = subprocess.run(
        [sys.executable, "-c", PYPROJECT_METADATA, str(pyproject)],
        cwd=pyproject.parent,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout)


@pytest.mark.runtime("cdktf")  # no runtime involved: once per `make test`
def test_pyproject_metadata_builds_without_deprecation_warnings():
    """An SPDX license string (setuptools >= 77), the license file shipped, and no warning on any build."""
    metadata = _metadata(REPO / "pyproject.toml")
    assert metadata["warnings"] == []
    assert metadata["license_expression"] == "Apache-2.0"
    assert metadata["license_files"] == ["LICENSE"]
    assert "Apache License" in (REPO / "LICENSE").read_text()[:200]
    # An SPDX expression replaces the License :: classifiers (setuptools refuses both).
    assert not [c for c in metadata["classifiers"] if c.startswith("License ::")]
    assert "Programming Language :: Python :: 3 :: Only" in metadata["classifiers"]
    assert "aws-load-balancer-controller" in metadata["keywords"]


@pytest.mark.runtime("cdktf")
def test_the_old_license_table_would_warn(tmp_path):
    """The check above can fail: the table form this project used before warns on every install."""
    text = (REPO / "pyproject.toml").read_text()
    assert '\nlicense = "Apache-2.0"\n' in text
    old_form = text.replace('\nlicense = "Apache-2.0"\n', '\nlicense = { text = "Apache-2.0" }\n')
    (tmp_path / "pyproject.toml").write_text(old_form.replace('license-files = ["LICENSE"]\n', ""))
    for name in ("README.md", "LICENSE"):
        (tmp_path / name).write_text((REPO / name).read_text())
    warnings = _metadata(tmp_path / "pyproject.toml")["warnings"]
    assert any("`project.license` as a TOML table is deprecated" in w for w in warnings), warnings
