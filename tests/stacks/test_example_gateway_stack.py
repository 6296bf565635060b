"""exampleGateway: a second stack per cluster, after the controller's; its state, providers and output."""

import json

import pytest

from eks_lbc.errors import InvalidSetting
from eks_lbc.settings import ClusterSettings, load_settings
from eks_lbc.stacks import ExampleGatewayStack, LoadBalancerControllerStack
from tests.support import address, only, synth
from tests.test_app import MARKER, project, run

EXAMPLE = "eks-lbc-demo-ap-northeast-1-example-gateway"


def build(**settings):
    from eks_lbc._cdk import Testing

    defaults = {"cluster_name": "demo", "region": "ap-northeast-1", "chart_version": "3.5.0", "gateway_api": True}
    cluster = ClusterSettings(**{**defaults, "example_gateway": True, **settings})
    return LoadBalancerControllerStack(Testing.app(), cluster.stack_name, cluster=cluster)


@pytest.fixture(scope="module")
def stacks():
    main = build()
    return main, main.example_gateway_stack


@pytest.fixture(scope="module")
def example_out(stacks):
    return synth(stacks[1])


@pytest.mark.runtime("cdktf")
def test_example_gateway_stack_snapshot(example_out, snapshot_json):
    assert example_out == snapshot_json


@pytest.mark.runtime("cdktn")
def test_example_gateway_stack_snapshot_cdktn(example_out, snapshot_json):
    assert example_out == snapshot_json


def test_a_second_stack_that_depends_on_the_controllers(stacks):
    main, example = stacks
    assert isinstance(example, ExampleGatewayStack)
    assert example.node.id == EXAMPLE
    assert example.node.path == EXAMPLE  # a sibling in the app, not nested in the controller stack
    assert [stack.node.id for stack in example.dependencies] == [main.node.id]


def test_the_controller_stack_is_unchanged_by_the_example():
    with_example = synth(build())
    without = synth(build(example_gateway=False))
    assert with_example == without
    assert "kubernetes_manifest" not in with_example.get("resource", {})


def test_output_and_objects(example_out):
    status = address(example_out, "data", "kubernetes_resource")
    assert example_out["output"]["example_gateway_hostname"]["value"] == (
        f"${{{status}.object.status.addresses[0].value}}"
    )
    kinds = sorted(body["manifest"]["kind"] for body in example_out["resource"]["kubernetes_manifest"].values())
    assert kinds == ["Gateway", "HTTPRoute", "LoadBalancerConfiguration", "TargetGroupConfiguration"]


def test_providers_and_state_owner(example_out):
    # No helm (nothing to install with it), no tls; the cluster's providers with the same identity.
    assert sorted(example_out["provider"]) == ["aws", "kubernetes"]
    assert sorted(example_out["terraform"]["required_providers"]) == ["aws", "kubernetes"]
    cluster = address(example_out, "data", "aws_eks_cluster")
    (kubernetes,) = example_out["provider"]["kubernetes"]
    assert kubernetes["host"] == f"${{{cluster}.endpoint}}"
    owner = only(example_out, "resource", "terraform_data")
    assert owner["input"] == {"cluster_arn": f"${{{cluster}.arn}}"}


def test_local_state_next_to_the_controllers(example_out):
    assert example_out["terraform"]["backend"] == {"local": {"path": f"../../../terraform.{EXAMPLE}.tfstate"}}


def test_s3_state_is_a_key_of_its_own_in_the_same_bucket():
    main = build(state_bucket="tf-state-bucket", state_key_prefix="platform/eks", state_kms_key_id="alias/tf")
    main_backend = synth(main)["terraform"]["backend"]["s3"]
    example_backend = synth(main.example_gateway_stack)["terraform"]["backend"]["s3"]
    assert main_backend["key"] == "platform/eks/eks-lbc-demo-ap-northeast-1.tfstate"
    assert example_backend["key"] == f"platform/eks/{EXAMPLE}.tfstate"
    assert {k: v for k, v in example_backend.items() if k != "key"} == {
        k: v for k, v in main_backend.items() if k != "key"
    }


def test_account_and_legacy_names_carry_over():
    assert build(account_id="111122223333").example_gateway_stack.node.id == (
        "eks-lbc-demo-ap-northeast-1-111122223333-example-gateway"
    )
    assert build(legacy_names=True).example_gateway_stack.node.id == "eks-lbc-demo-example-gateway"


def test_refused_without_gateway_api():
    with pytest.raises(InvalidSetting) as caught:
        build(gateway_api=False)
    assert caught.value.field == "exampleGateway"


def test_setting_from_the_environment_and_cdktf_json(tmp_path):
    cdktf_json = tmp_path / "cdktf.json"
    cdktf_json.write_text(json.dumps({"context": {"eks-lbc": {"clusterName": "demo", "region": "eu-west-1"}}}))
    (cluster,) = load_settings(cdktf_json, {"EKS_LBC_GATEWAY_API": "true", "EKS_LBC_EXAMPLE_GATEWAY": "true"}).clusters
    assert cluster.example_gateway is True
    (cluster,) = load_settings(cdktf_json, {}).clusters
    assert cluster.example_gateway is False
    with pytest.raises(InvalidSetting) as caught:
        load_settings(cdktf_json, {"EKS_LBC_EXAMPLE_GATEWAY": "yes"})
    assert caught.value.field == "EKS_LBC_EXAMPLE_GATEWAY"


def test_build_app_makes_both_stacks_with_the_dependency_in_the_manifest(tmp_path):
    from eks_lbc.app import build_app
    from eks_lbc.settings import Settings

    settings = Settings(
        clusters=(
            ClusterSettings(cluster_name="demo", region="ap-northeast-1", gateway_api=True, example_gateway=True),
        )
    )
    app = build_app(settings, outdir=str(tmp_path / "out"))
    app.synth()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["stacks"][EXAMPLE]["dependencies"] == ["eks-lbc-demo-ap-northeast-1"]
    assert manifest["stacks"]["eks-lbc-demo-ap-northeast-1"]["dependencies"] == []
    assert len(app.eks_lbc_stacks) == 1  # moved blocks are the controller stacks' only


def test_build_app_refuses_an_example_stack_name_another_cluster_has():
    from eks_lbc.app import build_app
    from eks_lbc.settings import Settings

    clusters = (
        ClusterSettings(cluster_name="a", region="eu-west-1", gateway_api=True, example_gateway=True),
        ClusterSettings(cluster_name="a-eu-west-1-example-gateway", region="eu-west-1", legacy_names=True),
    )
    with pytest.raises(InvalidSetting) as caught:
        build_app(Settings(clusters=clusters))
    assert caught.value.field == "exampleGateway"


@pytest.mark.runtime("cdktf")
def test_without_gateway_api_synth_exits_2_with_one_line_and_writes_nothing(tmp_path):
    folder = project(tmp_path)
    result = run(folder, EKS_LBC_EXAMPLE_GATEWAY="true")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("eks-lbc: invalid EKS_LBC_EXAMPLE_GATEWAY: True; expected false unless gatewayApi is true")
    assert (folder / "cdktf.out" / "stacks" / "eks-lbc-demo-ap-northeast-1" / "cdk.tf.json").read_text() == MARKER


@pytest.mark.runtime("cdktf")
def test_turning_it_off_with_local_state_left_exits_2_and_writes_nothing(tmp_path):
    folder = project(tmp_path)
    resources = [{"mode": "managed", "type": "kubernetes_manifest", "name": "g", "instances": [{}]}]
    (folder / f"terraform.{EXAMPLE}.tfstate").write_text(json.dumps({"version": 4, "resources": resources}))
    result = run(folder, EKS_LBC_GATEWAY_API="true")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert f"cdktf destroy {EXAMPLE}" in line
    assert (folder / "cdktf.out" / "stacks" / "eks-lbc-demo-ap-northeast-1" / "cdk.tf.json").read_text() == MARKER


@pytest.mark.slow
@pytest.mark.runtime("cdktf")
def test_synth_writes_both_stacks_and_says_how_to_deploy_them(tmp_path):
    folder = project(tmp_path)
    result = run(folder, EKS_LBC_GATEWAY_API="true", EKS_LBC_EXAMPLE_GATEWAY="true")
    assert result.returncode == 0, result.stderr
    assert (folder / "cdktf.out" / "stacks" / EXAMPLE / "cdk.tf.json").is_file()
    assert f"cdktf deploy eks-lbc-demo-ap-northeast-1 {EXAMPLE}" in result.stderr
