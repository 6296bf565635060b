"""The release's values, evaluated by real Terraform and then read by Helm's own parsers, are what the user wrote.

Terraform evaluates every string of the synthesized JSON as a template (``${...}``, ``%{...}``), cdktf
replaces its own markers before that, Helm reads YAML 1.1 and parses ``set`` entries with strvals. A
tiny configuration holds the synthesized ``values`` and ``set`` as locals (and the token's variable);
``terraform console`` prints them as Terraform evaluates them (no provider needed), and Helm's parsers
(helm-python-sdk) read the result. Runs under both runtimes: each renders the token expressions itself.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from tests.integration import terraform as tf
from tests.integration.release_render import _set_into, helm_sdk_available
from tests.support import new_stack, only, synth

pytestmark = [pytest.mark.integration, pytest.mark.terraform]

LITERALS = {
    "template": '${file("/etc/hostname")}',
    "directive": "%{if true}yes%{endif}",
    "escaped-template": "$${x}",
    "list-marker": "#{TfToken[TOKEN.1]}",
    "map-marker": "&{TfToken[TOKEN.1]}",
    "policy-variable": "&{aws:username}",
    "yaml-bool": "y",
    "yaml-float": "1234e56",
    "yaml-octal": "0o10",
    "quotes-and-lines": 'a "b" \\ c\nd: e',
}
# What a runtime value may hold; through `set` it must stay one string, owning no other key.
RUNTIME_VALUE = "x,enableServiceMutatorWebhook=true\n{a,b}\\z ${y}"


def evaluate(config: dict, tmp_path, expression: str = "{values = local.values, set = local.set}") -> Any:
    """``expression`` as Terraform evaluates it in ``config`` (a tiny root module, no provider)."""
    (tmp_path / "main.tf.json").write_text(json.dumps(config))
    home = tmp_path / "home"
    home.mkdir()
    result = subprocess.run(
        [tf.TERRAFORM, "console"],
        input=f"jsonencode({expression})\n",
        cwd=tmp_path,
        env=tf.offline_environment(home, tf.plugin_dir()),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(json.loads(result.stdout))


def test_values_reach_helm_literally_through_terraform(require_tool, tmp_path):
    require_tool(tf.TERRAFORM, "terraform")
    require_tool(helm_sdk_available(), "helm-python-sdk (pip install helm-python-sdk)")
    import helm_python as helm

    from eks_lbc._cdk import TerraformVariable
    from eks_lbc.constructs import ControllerRelease

    stack = new_stack()
    token = TerraformVariable(stack, "runtime", type="string").string_value
    ControllerRelease(
        stack,
        "release",
        cluster_name="demo",
        region="eu-west-1",
        vpc_id="vpc-0123456789abcdef0",
        service_account_name="aws-load-balancer-controller",
        namespace="kube-system",
        image_tag="1234e56",
        helm_values={"podAnnotations": {**LITERALS, "runtime/value": token}, "podLabels": {"y": "n"}},
    )
    release = only(synth(stack), "resource", "helm_release")
    evaluated = evaluate(
        {
            "variable": {"runtime": {"type": "string", "default": RUNTIME_VALUE}},
            "locals": {"values": release["values"], "set": release.get("set", [])},
        },
        tmp_path,
    )

    (document,) = evaluated["values"]
    values = helm.values_from_yaml(document)
    for entry in evaluated["set"]:
        parse = helm.parse_set_string_values if entry["type"] == "string" else helm.parse_set_string
        values = _set_into(values, parse(f"{entry['name']}={entry['value']}"))

    assert values["podAnnotations"] == {**LITERALS, "runtime/value": RUNTIME_VALUE}
    assert values["podLabels"] == {"y": "n"}
    assert values["image"] == {"tag": "1234e56"}
    assert values["enableServiceMutatorWebhook"] is False
    # The runtime value added no key of its own next to the document's.
    assert set(values) == set(helm.values_from_yaml(document))


def test_service_account_labels_and_annotations_stay_literal_in_terraform(require_tool, tmp_path):
    # The other place a library user's free-form strings reach the JSON: escaped `$${`/`%%{` (keys too).
    require_tool(tf.TERRAFORM, "terraform")
    from eks_lbc.constructs import ServiceAccount

    stack = new_stack()
    annotations = {"a": '${file("/etc/hostname")}', "b": "%{if true}yes%{endif}", "c": "$${x}", "k-${x}": "v"}
    ServiceAccount(stack, "sa", name="sa", namespace="kube-system", role_arn=None, annotations=annotations)
    metadata = only(synth(stack), "resource", "kubernetes_service_account_v1")["metadata"]
    assert evaluate({"locals": {"metadata": metadata}}, tmp_path, "local.metadata")["annotations"] == annotations
