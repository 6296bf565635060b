import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from eks_lbc import runtime
from tests.support import require

# The integration tiers' fixtures (moto server, terraform, synthesized stacks), usable from any test module.
pytest_plugins = ["tests.integration.fixtures"]

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


@pytest.fixture
def require_tool():
    """Skip with a reason naming the missing tool; fail instead when $EKS_LBC_REQUIRE_ALL_TIERS=1 (CI)."""
    return require
