import json

import pytest
import yaml

from eks_lbc.errors import InvalidSetting
from eks_lbc.helm_values import MAX_DEPTH, check_literal_values, secret_kind, values_document


def test_document_is_json_with_no_template_or_marker_sequence():
    values = {"a": "${x} %{y} #{z} &{w} $${v}", "b": ["1e3", "y"], "c": 1e3, "d": "é\u2028"}
    text = values_document(values)
    for sequence in ("${", "%{", "#{", "&{"):
        assert sequence not in text
    assert text.isascii()
    assert json.loads(text) == values  # the escapes are JSON's, so any JSON or YAML reader decodes them
    assert yaml.safe_load(text) == values


def test_document_keys_are_sorted_and_non_finite_numbers_refused():
    assert list(json.loads(values_document({"b": 1, "a": 2}))) == ["a", "b"]
    with pytest.raises(ValueError):
        values_document({"a": float("nan")})


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (("webhookTLS", "key"), "webhookTLS"),
        (("webhookTLS", "caCert"), "webhookTLS"),
        (("env", "AWS_SECRET_ACCESS_KEY"), "env"),
        (("env", "DB_PASSWORD"), "env"),
        (("env", "GITHUB_TOKEN"), "env"),
        (("env", "HTTP_PROXY"), None),
        (("podAnnotations", "key"), None),
    ],
)
def test_secret_paths(path, kind):
    assert secret_kind(path) == kind


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"podAnnotations": {"a": "${TfToken[TOKEN.1]}"}}, "EKS_LBC_HELM_VALUES.podAnnotations.a"),
        ({"podAnnotations": {"x-${TfToken[TOKEN.99999]}": "v"}}, "EKS_LBC_HELM_VALUES.podAnnotations key"),
        ({"replicaCount": float("inf")}, "EKS_LBC_HELM_VALUES.replicaCount"),
        ({"awsMaxRetries": -8.109562212591379e298}, "EKS_LBC_HELM_VALUES.awsMaxRetries"),  # a cdktf number token
    ],
)
def test_literal_values_refuse_what_cannot_stay_literal(values, field):
    with pytest.raises(InvalidSetting) as caught:
        check_literal_values("EKS_LBC_HELM_VALUES", values)
    assert caught.value.field == field


def test_literal_secrets_are_refused_without_echoing_them():
    with pytest.raises(InvalidSetting) as caught:
        check_literal_values("EKS_LBC_HELM_VALUES", {"env": {"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI"}})
    assert caught.value.field == "EKS_LBC_HELM_VALUES.env.AWS_SECRET_ACCESS_KEY"
    assert "wJalrXUtnFEMI" not in str(caught.value)
    assert "envSecretName" in caught.value.expected
    with pytest.raises(InvalidSetting) as caught:
        check_literal_values("helmValues", {"webhookTLS": {"key": "-----BEGIN PRIVATE KEY-----"}})
    assert "PRIVATE" not in str(caught.value) and "enableCertManager" in caught.value.expected


def test_deep_nesting_is_one_clear_error():
    deep: dict = {}
    node = deep
    for _ in range(MAX_DEPTH + 5):
        node["podAnnotations"] = {}
        node = node["podAnnotations"]
    with pytest.raises(InvalidSetting) as caught:
        check_literal_values("EKS_LBC_HELM_VALUES", deep)
    assert f"at most {MAX_DEPTH} levels" in caught.value.expected
