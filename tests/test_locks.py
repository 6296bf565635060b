"""The lock files under requirements/ match their inputs: pyproject.toml's extras and tools-requirements.txt.

``make`` installs every venv from a lock (``uv pip sync``, or pip with ``--require-hashes``), so a
dependency added to pyproject.toml without ``make lock`` would never be installed, and a tightened range
would go on installing a version it excludes. These checks run offline; ``make lock-check`` re-resolves
against PyPI and compares byte for byte (CI runs both).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.support import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest's own dependency on 3.10
    import tomli as tomllib

# Runtime-independent (no cdktf or cdktn import): once per `make test`, in the cdktf pass.
pytestmark = pytest.mark.runtime("cdktf")

PROJECT_SOURCE = "eks-lbc (pyproject.toml)"
TOOLS_SOURCE = "-r tools-requirements.txt"
# lock file -> (what it is compiled from: the source uv names in "# via", the extras of pyproject.toml)
LOCKS = {
    "requirements/test.txt": (PROJECT_SOURCE, ("test",)),
    "requirements/cdktn.txt": (PROJECT_SOURCE, ("cdktn", "test")),
    "requirements/tools.txt": (TOOLS_SOURCE, ()),
}


@dataclass
class Pin:
    name: str
    version: Version
    marker: str
    hashes: int = 0
    via: list[str] = field(default_factory=list)


def parse_lock(text: str) -> list[Pin]:
    """The pins of a ``uv pip compile --generate-hashes`` file, with their hashes and ``# via`` sources."""
    pins: list[Pin] = []
    in_via = False
    for line in text.splitlines():
        if not line.strip() or (line.startswith("#") and not pins):
            continue  # the header
        if not line.startswith((" ", "#")):
            requirement = Requirement(line.rstrip(" \\"))
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", line
            pins.append(Pin(canonicalize_name(requirement.name), Version(specifier.version), str(requirement.marker)))
            in_via = False
        elif line.strip().startswith("--hash="):
            pins[-1].hashes += 1
        elif (via := re.fullmatch(r"\s+# via(?: (.+))?", line)) is not None:
            in_via = via.group(1) is None
            if via.group(1):
                pins[-1].via.append(via.group(1))
        elif in_via and (source := re.fullmatch(r"\s+#\s+(.+)", line)):
            pins[-1].via.append(source.group(1))
    return pins


def inputs(pyproject: dict, extras: Iterable[str], tools_requirements: str, source: str) -> list[Requirement]:
    """The direct requirements a lock is compiled from."""
    if source == TOOLS_SOURCE:
        lines = (line.split("#", 1)[0].strip() for line in tools_requirements.splitlines())
        return [Requirement(line) for line in lines if line]
    project = pyproject["project"]
    found = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        found += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return found


def problems(pins: list[Pin], direct: list[Requirement], source: str) -> list[str]:
    """What makes a lock out of date with its inputs (empty when it is not)."""
    found = []
    by_name: dict[str, list[Pin]] = {}
    for pin in pins:
        by_name.setdefault(pin.name, []).append(pin)
    wanted = {canonicalize_name(r.name) for r in direct}
    for requirement in direct:
        name = canonicalize_name(requirement.name)
        if name not in by_name:
            found.append(f"{requirement} is not in the lock")
        for pin in by_name.get(name, []):
            if not requirement.specifier.contains(pin.version, prereleases=True):
                found.append(f"{name}=={pin.version} does not satisfy {requirement}")
    for pin in pins:
        stale = f"{pin.name} is locked as a direct requirement its input no longer lists"
        if source in pin.via and pin.name not in wanted and stale not in found:
            found.append(stale)  # once, whatever the number of its pins (one per Python version fork)
        if pin.hashes == 0:
            found.append(f"{pin.name}=={pin.version} has no hash")
        if not pin.via:
            found.append(f"{pin.name}=={pin.version} says nothing requires it")
    return found


def read_inputs() -> tuple[dict, str]:
    return tomllib.loads((REPO / "pyproject.toml").read_text()), (REPO / "tools-requirements.txt").read_text()


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_lock_matches_its_inputs(lock):
    source, extras = LOCKS[lock]
    pyproject, tools = read_inputs()
    pins = parse_lock((REPO / lock).read_text())
    assert len(pins) > 20  # parsed, not silently empty
    assert problems(pins, inputs(pyproject, extras, tools, source), source) == [], f"{lock}: run `make lock`"


def test_the_check_sees_a_changed_input():
    """Each kind of drift between pyproject.toml and a lock is reported (so the test above can fail)."""
    pyproject, tools = read_inputs()
    pins = parse_lock((REPO / "requirements/test.txt").read_text())
    direct = inputs(pyproject, ("test",), tools, PROJECT_SOURCE)
    assert problems(pins, direct, PROJECT_SOURCE) == []

    added = [*direct, Requirement("requests-toolbelt>=1")]
    assert problems(pins, added, PROJECT_SOURCE) == ["requests-toolbelt>=1 is not in the lock"]
    tightened = [Requirement("pytest>=99") if r.name == "pytest" else r for r in direct]
    assert problems(pins, tightened, PROJECT_SOURCE) == [
        f"pytest=={_version(pins, 'pytest')} does not satisfy pytest>=99"
    ]
    dropped = [r for r in direct if r.name != "syrupy"]
    assert problems(pins, dropped, PROJECT_SOURCE) == [
        "syrupy is locked as a direct requirement its input no longer lists"
    ]
    unhashed = [Pin(p.name, p.version, p.marker, 0 if p.name == "ruff" else p.hashes, p.via) for p in pins]
    assert problems(unhashed, direct, PROJECT_SOURCE) == [f"ruff=={_version(pins, 'ruff')} has no hash"]


def test_locks_cover_every_extra_the_makefile_installs():
    """The Makefile installs each venv from its lock and reinstalls when the lock changes."""
    makefile = (REPO / "Makefile").read_text()
    for lock in LOCKS:
        assert re.search(rf"^LOCK_\w+ *:= *{re.escape(lock)}$", makefile, re.M), lock
    assert re.search(r"^\$\(STAMP\): pyproject.toml \$\(LOCK_TEST\)", makefile, re.M)
    assert re.search(r"^\$\(STAMP_CDKTN\): pyproject.toml \$\(LOCK_CDKTN\)", makefile, re.M)
    assert re.search(r"^\$\(TOOLS_STAMP\): \$\(LOCK_TOOLS\)", makefile, re.M)


def _version(pins: list[Pin], name: str) -> Version:
    (pin,) = (p for p in pins if p.name == name)
    return pin.version


def test_parse_lock_reads_uv_annotations(tmp_path: Path):
    text = (
        "# This file was autogenerated by uv via the following command:\n#    make lock\n"
        "boto3==1.44.8 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n"
        "    # via\n    #   eks-lbc (pyproject.toml)\n    #   moto\n"
        "networkx==3.4.2 ; python_full_version < '3.11' \\\n    --hash=sha256:cc\n    # via moto\n"
    )
    boto3, networkx = parse_lock(text)
    assert (boto3.name, str(boto3.version), boto3.hashes, boto3.via) == (
        "boto3",
        "1.44.8",
        2,
        ["eks-lbc (pyproject.toml)", "moto"],
    )
    assert (networkx.marker, networkx.via) == ('python_full_version < "3.11"', ["moto"])
