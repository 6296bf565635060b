import pytest
from syrupy.extensions.json import JSONSnapshotExtension


@pytest.fixture
def snapshot_json(snapshot):
    """syrupy snapshot stored as a .json file, diffable in review."""
    return snapshot.use_extension(JSONSnapshotExtension)


STRICT_ENV = "EKS_LBC_REQUIRE_ALL_TIERS"


@pytest.fixture
def require_tool():
    """Skip with a reason naming the missing tool; fail instead when $EKS_LBC_REQUIRE_ALL_TIERS=1 (CI)."""
    import os

    def require(available: bool, tool: str) -> None:
        if available:
            return
        message = f"needs {tool}"
        if os.environ.get(STRICT_ENV) == "1":
            pytest.fail(f"{message} ({STRICT_ENV}=1 forbids skipping)")
        pytest.skip(message)

    return require
