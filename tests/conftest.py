import os

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from eks_lbc import runtime

# The CDK runtime this test session runs on (eks_lbc/runtime.py): `make test` runs the suite
# once in .venv (cdktf) and once in .venv-cdktn (the [cdktn] extra, EKS_LBC_RUNTIME=cdktn).
RUNTIME = runtime.selected()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "runtime(name): only under that CDK runtime (deselected under the other one, so its snapshots stay)"
    )


@pytest.hookimpl(trylast=True)  # after syrupy has seen every collected test: it keeps the deselected ones' snapshots
def pytest_collection_modifyitems(config, items):
    selected, deselected = [], []
    for item in items:
        marker = item.get_closest_marker("runtime")
        (deselected if marker and marker.args[0] != RUNTIME else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture
def snapshot_json(snapshot):
    """syrupy snapshot stored as a .json file, diffable in review."""
    return snapshot.use_extension(JSONSnapshotExtension)


STRICT_ENV = "EKS_LBC_REQUIRE_ALL_TIERS"


@pytest.fixture
def require_tool():
    """Skip with a reason naming the missing tool; fail instead when $EKS_LBC_REQUIRE_ALL_TIERS=1 (CI)."""

    def require(available: bool, tool: str) -> None:
        if available:
            return
        message = f"needs {tool}"
        if os.environ.get(STRICT_ENV) == "1":
            pytest.fail(f"{message} ({STRICT_ENV}=1 forbids skipping)")
        pytest.skip(message)

    return require
