"""eks_lbc/jsii_cache.py: find jsii's package cache and tell which provider packages it has not indexed yet."""

from pathlib import Path

import pytest

from eks_lbc import jsii_cache


def test_cache_root_follows_jsii():
    home = Path.home()
    assert jsii_cache.cache_root({}, "linux") == home / ".cache" / "aws" / "jsii" / "package-cache"
    assert jsii_cache.cache_root({}, "darwin") == home / "Library" / "Caches" / "com.amazonaws.jsii" / "package-cache"
    assert jsii_cache.cache_root({"LOCALAPPDATA": "C:/Users/u/AppData/Local"}, "win32") == Path(
        "C:/Users/u/AppData/Local/AWS/jsii/package-cache"
    )
    assert jsii_cache.cache_root({"JSII_RUNTIME_PACKAGE_CACHE_ROOT": "/tmp/c"}, "linux") == Path("/tmp/c")
    assert jsii_cache.cache_root({"JSII_RUNTIME_PACKAGE_CACHE": "disabled"}, "linux") is None


def test_unindexed(tmp_path):
    indexed = tmp_path / "@cdktf" / "provider-aws" / "21.22.1" / "abc123"
    indexed.mkdir(parents=True)
    (indexed / jsii_cache.RUNTIME_INDEX_MANIFEST).write_text("{}")
    (tmp_path / "@cdktf" / "provider-tls" / "11.0.1" / "def456").mkdir(parents=True)
    wanted = [("@cdktf/provider-aws", "21.22.1"), ("@cdktf/provider-tls", "11.0.1"), ("cdktf", "0.21.0")]
    assert jsii_cache.unindexed(tmp_path, wanted) == ["@cdktf/provider-tls@11.0.1", "cdktf@0.21.0"]


@pytest.mark.slow
def test_the_set_up_left_this_runtimes_packages_indexed():
    """make test warms the cache after installing (else every short synth re-parses the aws metadata)."""
    assert jsii_cache.warm(timeout=60) == []
