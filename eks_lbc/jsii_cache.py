"""Warm jsii's package cache once, so that synth is fast from the first run on a machine.

``python -m eks_lbc.jsii_cache`` (``make synth`` and ``make test`` run it after installing).

jsii's Node kernel (>= 1.142) keeps each extracted package in a cache
(``~/.cache/aws/jsii/package-cache`` on Linux, ``JSII_RUNTIME_PACKAGE_CACHE_ROOT`` if set)
and, the first time it loads a package, parses the package's whole type metadata
(``.jsii``: 155 MB for the aws provider) and starts a worker thread that writes a compact
runtime index next to it (``.jsii.runtime.v1.json`` and two data files). Later loads read
only the types they need. But the worker dies with the process: a synth that is over in a
second (see :mod:`eks_lbc._lazy_providers`) never lets it finish, and every synth pays the
full parse again (about 3 s and 1.4 GB instead of 1 s and 0.2 GB here).

This loads the runtime's provider packages and keeps the kernel alive until the index of
each is written (at most ``--timeout`` seconds). Without a package cache
(``JSII_RUNTIME_PACKAGE_CACHE=disabled``) there is nothing to warm.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path

RUNTIME_INDEX_MANIFEST = ".jsii.runtime.v1.json"


def cache_root(environ: Mapping[str, str], platform: str = sys.platform) -> Path | None:
    """Where jsii keeps its package cache (its ``defaultCacheRoot``), or None when the cache is disabled."""
    if environ.get("JSII_RUNTIME_PACKAGE_CACHE", "enabled").lower() != "enabled":
        return None
    if environ.get("JSII_RUNTIME_PACKAGE_CACHE_ROOT"):
        return Path(environ["JSII_RUNTIME_PACKAGE_CACHE_ROOT"])
    if platform == "win32":
        local = environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(local) / "AWS" / "jsii" / "package-cache"
    if platform == "darwin":
        return Path.home() / "Library" / "Caches" / "com.amazonaws.jsii" / "package-cache"
    return Path.home() / ".cache" / "aws" / "jsii" / "package-cache"


def unindexed(root: Path, assemblies: list[tuple[str, str]]) -> list[str]:
    """``name@version`` of each assembly whose cached copy has no runtime index yet."""
    missing = []
    for name, version in assemblies:
        copies = [p for p in (root / name / version).glob("*") if p.is_dir()]
        if not any((copy / RUNTIME_INDEX_MANIFEST).is_file() for copy in copies):
            missing.append(f"{name}@{version}")
    return missing


def provider_assemblies() -> list[tuple[str, str]]:
    """Load the selected runtime and its provider packages; their jsii assemblies' (name, version)."""
    import importlib

    from eks_lbc import _cdk
    from eks_lbc.runtime import PACKAGES

    found = []
    for package in PACKAGES[_cdk.RUNTIME]:
        assembly = importlib.import_module(f"{package}._jsii").__jsii_assembly__
        found.append((assembly.name, assembly.version))
    return found


def warm(timeout: float, environ: Mapping[str, str] | None = None) -> list[str]:
    """Wait (the kernel alive) until every provider package is indexed; returns what is still missing."""
    root = cache_root(os.environ if environ is None else environ)
    if root is None:
        return []
    assemblies = provider_assemblies()
    deadline = time.monotonic() + timeout
    while (missing := unindexed(root, assemblies)) and time.monotonic() < deadline:
        time.sleep(0.25)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eks_lbc.jsii_cache", description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait at most (default 120)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    missing = warm(args.timeout)
    took = time.monotonic() - started
    if missing:
        print(f"eks-lbc: jsii has not indexed {', '.join(missing)} after {took:.0f} s; synth works, more slowly")
        return 0
    print(f"eks-lbc: jsii package cache warm ({took:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
