import pytest

from eks_lbc.constructs._release_values import set_name, split_values
from eks_lbc.errors import InvalidSetting
from tests.support import new_stack


def variable(stack, name="v", type="string"):
    from eks_lbc._cdk import TerraformVariable

    return TerraformVariable(stack, name, type=type)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (("podAnnotations", "example.com/owner"), r"podAnnotations.example\.com/owner"),
        (("a", "b=c,d[e]"), r"a.b\=c\,d\[e\]"),
        (("a", "${x}\\"), r"a.$\{x\}\\"),
        (("tolerations", 1, "key"), "tolerations[1].key"),
    ],
)
def test_set_names_escape_what_helms_set_parser_reads(path, name):
    assert set_name(path) == name
    assert "${" not in name and "%{" not in name


def test_token_leaves_become_set_entries_and_leave_the_document():
    stack = new_stack()
    text, number = variable(stack).string_value, variable(stack, "n", "number").number_value
    document, entries = split_values(
        "values", {"podAnnotations": {"a": text, "b": "kept"}, "replicas": number, "list": ["x", text]}
    )
    assert document == {"podAnnotations": {"b": "kept"}, "list": ["x", None]}
    assert [(e.name, e.type, e.sensitive) for e in entries] == [
        ("list[1]", "string", False),
        ("podAnnotations.a", "string", False),
        ("replicas", None, False),
    ]


def test_a_token_at_a_secret_path_goes_to_set_sensitive_and_a_concrete_one_is_refused():
    stack = new_stack()
    _, (entry,) = split_values("values", {"webhookTLS": {"key": variable(stack).string_value}})
    assert entry.sensitive and entry.name == "webhookTLS.key"
    with pytest.raises(InvalidSetting) as caught:
        split_values("values", {"webhookTLS": {"key": "-----BEGIN PRIVATE KEY-----"}})
    assert caught.value.field == "values.webhookTLS.key" and "PRIVATE" not in str(caught.value)


@pytest.mark.parametrize(
    "values",
    [
        lambda token: {"podAnnotations": {token: "v"}},  # a key chooses structure: concrete only
        lambda token: {"podAnnotations": {"a": object()}},  # not JSON
        lambda token: {"podAnnotations": {"a": float("nan")}},
    ],
)
def test_refused(values):
    stack = new_stack()
    with pytest.raises(InvalidSetting):
        split_values("values", values(variable(stack).string_value))
