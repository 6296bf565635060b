import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from tests.support import require

# The integration tiers' fixtures (moto server, terraform, synthesized stacks), usable from any test module.
pytest_plugins = ["tests.integration.fixtures"]


@pytest.fixture
def snapshot_json(snapshot):
    """syrupy snapshot stored as a .json file, diffable in review."""
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.fixture
def require_tool():
    """Skip with a reason naming the missing tool; fail instead when $EKS_LBC_REQUIRE_ALL_TIERS=1 (CI)."""
    return require
