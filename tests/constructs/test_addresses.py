"""``logical_id`` names a construct path exactly as the runtime does (it is how `moved` blocks find old state)."""

import pytest

from eks_lbc._cdk import Construct, DataResource
from eks_lbc.constructs._addresses import logical_id, path_in_stack
from tests.support import new_stack, synth

PATHS = [
    ["controller", "pod-identity-role", "role"],  # the component the previous one ends with leaves the readable part
    ["controller", "pod-identity-role", "association"],
    ["lbc", "Default", "role"],  # "Default" is left out entirely
    ["a", "Resource", "b"],  # "Resource" only from the readable part
    ["x.y", "z w", "n!"],  # characters outside A-Za-z0-9_- dropped
    ["single"],
    ["deep", "er", "and", "deeper", "paths"],
]


@pytest.mark.parametrize("path", PATHS, ids=["/".join(p) for p in PATHS])
def test_logical_id_matches_the_runtime(path):
    stack = new_stack()
    scope = stack
    for component in path[:-1]:
        scope = Construct(scope, component)
    DataResource(scope, path[-1], input={"k": "v"})
    (name,) = synth(stack)["resource"]["terraform_data"]
    assert logical_id(path) == name


def test_path_in_stack():
    stack = new_stack()
    inner = Construct(Construct(stack, "a"), "b")
    assert path_in_stack(inner) == ["a", "b"]
