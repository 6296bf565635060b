"""eks_lbc/runtime.py: which CDK runtime a process uses, chosen explicitly, by what is imported, or by the extra."""

import pytest

from eks_lbc import runtime
from eks_lbc.errors import InvalidSetting


def installed(*names):
    return lambda name: name in names


@pytest.mark.parametrize("requested", ["cdktf", "cdktn"])
def test_the_environment_variable_decides(requested):
    assert runtime.choose({"EKS_LBC_RUNTIME": requested}, {"cdktf", "cdktn"}, installed("cdktf", "cdktn")) == requested


def test_a_requested_runtime_must_be_installed_and_the_message_says_how():
    expected = r"invalid EKS_LBC_RUNTIME: 'cdktn'; expected .*pip install 'eks-lbc\[cdktn\]'"
    with pytest.raises(InvalidSetting, match=expected):
        runtime.choose({"EKS_LBC_RUNTIME": "cdktn"}, (), installed("cdktf"))


def test_an_unknown_runtime_is_refused():
    with pytest.raises(InvalidSetting, match="expected one of cdktf, cdktn"):
        runtime.choose({"EKS_LBC_RUNTIME": "pulumi"}, (), installed("cdktf"))


@pytest.mark.parametrize("already", ["cdktf", "cdktn"])
def test_a_library_user_gets_the_runtime_their_app_already_imported(already):
    assert runtime.choose({}, {"sys", already}, installed("cdktf", "cdktn")) == already


def test_the_cdktn_extra_makes_cdktn_the_default():
    assert runtime.choose({}, {"sys"}, installed("cdktf", "cdktn")) == "cdktn"
    assert runtime.choose({}, {"cdktf", "cdktn"}, installed("cdktf", "cdktn")) == "cdktn"  # both imported: no hint


def test_without_the_extra_it_is_cdktf():
    assert runtime.choose({}, (), installed("cdktf")) == "cdktf"
    assert runtime.choose({"EKS_LBC_RUNTIME": ""}, (), installed("cdktf")) == "cdktf"  # empty counts as unset


def test_nothing_installed():
    with pytest.raises(InvalidSetting, match=r"cdktf .* or cdktn .* installed"):
        runtime.choose({}, (), installed())


def test_installed_means_all_five_packages_findable():
    assert runtime.is_installed("cdktf") is all(
        __import__("importlib").util.find_spec(name) for name in runtime.PACKAGES["cdktf"]
    )
