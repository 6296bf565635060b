"""The AWS-only harness (:func:`tests.integration.terraform.aws_part`) changes only what it says it changes."""

from __future__ import annotations

import pytest

from tests.integration import terraform as tf

# Runtime-independent (no cdktf or cdktn import): once per `make test`, in the cdktf pass.
pytestmark = pytest.mark.runtime("cdktf")

THUMBPRINTS = "${data.tls_certificate.cert.certificates[*].sha1_fingerprint}"


def stack() -> dict:
    return {
        "//": {"metadata": {"version": "0.21.0"}},
        "terraform": {
            "backend": {"local": {"path": "../../terraform.demo.tfstate"}},
            "required_providers": {
                "aws": {"source": "hashicorp/aws", "version": ">= 5.100.0, < 7.0.0"},
                "tls": {"source": "hashicorp/tls", "version": ">= 4.1.0, < 5.0.0"},
                "helm": {"source": "hashicorp/helm", "version": ">= 3.1.1, < 4.0.0"},
            },
        },
        "provider": {"aws": [{"region": "eu-west-1"}], "tls": [{}], "helm": [{"kubernetes": {"host": "x"}}]},
        "data": {
            "aws_eks_cluster": {"cluster": {"name": "demo"}},
            "tls_certificate": {"cert": {"url": "${data.aws_eks_cluster.cluster.identity[0].oidc[0].issuer}"}},
        },
        "resource": {
            "aws_iam_openid_connect_provider": {
                "oidc": {"client_id_list": ["sts.amazonaws.com"], "thumbprint_list": THUMBPRINTS, "url": "u"}
            },
            "helm_release": {"lbc": {"name": "aws-load-balancer-controller"}},
        },
        "output": {"oidc_provider_arn": {"value": "${aws_iam_openid_connect_provider.oidc.arn}"}},
    }


def test_keeps_the_aws_part_with_the_emulators_credentials():
    part = tf.aws_part(stack())
    assert part["data"] == {"aws_eks_cluster": {"cluster": {"name": "demo"}}}
    assert list(part["resource"]) == ["aws_iam_openid_connect_provider"]
    assert part["resource"]["aws_iam_openid_connect_provider"]["oidc"]["thumbprint_list"] == [tf.FIXED_THUMBPRINT]
    assert part["output"] == stack()["output"]
    assert list(part["terraform"]["required_providers"]) == ["aws"]
    assert part["terraform"]["backend"] == {"local": {"path": "terraform.tfstate"}}
    (aws,) = part["provider"]["aws"]
    assert aws["region"] == "eu-west-1"
    assert aws["access_key"] == "testing" and aws["skip_credentials_validation"] is True
    assert "endpoints" not in aws  # the environment points the provider at the emulator (below)
    assert list(part["provider"]) == ["aws"]


def test_the_environment_points_every_aws_service_at_the_emulator_on_loopback_only(tmp_path):
    env = tf.offline_environment(tmp_path, tmp_path / "plugins", endpoint="http://127.0.0.1:5000")
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5000"
    assert env["HTTPS_PROXY"] == "http://127.0.0.1:9" and env["NO_PROXY"] == "127.0.0.1,localhost"
    assert "AWS_ENDPOINT_URL" not in tf.offline_environment(tmp_path, tmp_path / "plugins")
    for elsewhere in ("https://iam.amazonaws.com", "http://10.0.0.1:5000", "http://127.0.0.1"):
        home = tmp_path / "refused"
        home.mkdir()
        with pytest.raises(tf.HarnessError, match="loopback"):
            tf.offline_environment(home, tmp_path / "plugins", endpoint=elsewhere)
        assert not any(home.iterdir())  # refused before writing anything
        home.rmdir()


def test_refuses_a_part_that_still_refers_to_a_dropped_object():
    broken = stack()
    broken["output"]["release"] = {"value": "${helm_release.lbc.status}"}
    with pytest.raises(tf.HarnessError, match=r"output\.release\.value: \$\{helm_release\.lbc\.status\}"):
        tf.aws_part(broken)


def test_refuses_a_provider_it_cannot_emulate():
    other = stack()
    other["provider"]["random"] = [{}]
    with pytest.raises(tf.HarnessError, match="random"):
        tf.aws_part(other)


def test_modules_root_calls_each_part_as_a_module_without_its_backend():
    part = tf.aws_part(stack())
    files = tf.modules_root({"default": part})
    assert sorted(files) == ["main.tf.json", "modules/default/main.tf.json"]
    assert files["main.tf.json"] == {
        "terraform": {"backend": {"local": {"path": "terraform.tfstate"}}},
        "module": {"default": {"source": "./modules/default"}},
        "output": {"default": {"value": "${module.default}"}},
    }
    child = files["modules/default/main.tf.json"]
    assert "backend" not in child["terraform"] and child["provider"] == part["provider"]
    assert "backend" in part["terraform"]  # the part itself is left as it was


def pod_identity_part() -> dict:
    association = "aws_eks_pod_identity_association.assoc"
    return {
        "resource": {
            "aws_iam_role": {"role": {"name": "r"}},
            "aws_eks_pod_identity_association": {"assoc": {"role_arn": "${aws_iam_role.role.arn}"}},
        },
        "output": {"association": {"value": f"${{{association}.association_arn}}"}, "role": {"value": "x"}},
        "moved": [
            {"from": "aws_eks_pod_identity_association.old", "to": association},
            {"from": "aws_iam_role.old", "to": "aws_iam_role.role"},
        ],
    }


def test_without_resources_drops_them_with_their_outputs_and_moves_only():
    reduced = tf.without_resources(pod_identity_part(), "aws_eks_pod_identity_association")
    assert reduced["resource"] == {"aws_iam_role": {"role": {"name": "r"}}}
    assert reduced["output"] == {"role": {"value": "x"}}
    assert reduced["moved"] == [{"from": "aws_iam_role.old", "to": "aws_iam_role.role"}]


def test_without_resources_refuses_a_dangling_reference():
    part = pod_identity_part()
    part["resource"]["aws_iam_role"]["role"]["description"] = "${aws_eks_pod_identity_association.assoc.id}"
    with pytest.raises(tf.HarnessError, match="still refers to the dropped aws_eks_pod_identity_association"):
        tf.without_resources(part, "aws_eks_pod_identity_association")
