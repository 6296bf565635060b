"""The documentation stays navigable: every relative link and every in-page anchor resolves.

Covers README.md and every Markdown file under docs/. Anchors follow GitHub's heading slugs
(lowercase, punctuation dropped, spaces to '-', duplicates numbered '-1', '-2', ...).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.runtime("cdktf")  # prose only: once per make test

ROOT = Path(__file__).resolve().parents[1]
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks (links and headings in code are not Markdown)."""
    lines, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    result: set[str] = set()
    for line in _prose_lines(path.read_text("utf-8")):
        match = _HEADING.match(line)
        if not match:
            continue
        base = slug(match[2])
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def links(path: Path) -> list[str]:
    found: list[str] = []
    for line in _prose_lines(path.read_text("utf-8")):
        # inline code is not a link
        found.extend(_LINK.findall(re.sub(r"`[^`]*`", "", line)))
    return found


def test_slug_follows_github() -> None:
    assert slug("Before you deploy: preflight") == "before-you-deploy-preflight"
    assert slug("Runtimes: cdktf and CDK Terrain") == "runtimes-cdktf-and-cdk-terrain"
    assert slug("`chartVersion` and upgrades") == "chartversion-and-upgrades"


@pytest.mark.parametrize("path", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path: Path) -> None:
    broken = []
    for target in links(path):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        destination = (path.parent / file_part).resolve() if file_part else path
        if not destination.exists():
            broken.append(f"{target} (no file {file_part})")
            continue
        if anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{target} (no heading #{anchor} in {destination.relative_to(ROOT)})")
    assert not broken, f"{path.relative_to(ROOT)} has broken links: {broken}"


def test_the_checker_finds_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n[ok](#title) [bad](#nope) [gone](missing.md)\n", "utf-8")
    assert links(page) == ["#title", "#nope", "missing.md"]
    assert anchors(page) == {"title"}


_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_examples(path: Path) -> list[str]:
    return _PYTHON_BLOCK.findall(path.read_text("utf-8"))


def test_library_guide_has_examples() -> None:
    examples = python_examples(ROOT / "docs" / "library.md")
    assert len(examples) >= 3
    # eks_lbc.constructs first: importing it sets the process up for lazy provider bindings (eks_lbc/_runtime_setup.py).
    first = "import eks_lbc.constructs  # isort: skip"
    assert all(code.startswith(first) and "app.synth()" in code for code in examples)


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(python_examples(ROOT / "docs" / "library.md"))))
def test_library_guide_example_synthesizes(index: int, tmp_path: Path) -> None:
    """Each example of docs/library.md runs as written (a fresh process, as a user's app would) and synthesizes."""
    code = python_examples(ROOT / "docs" / "library.md")[index]
    environ = {k: v for k, v in os.environ.items() if k != "EKS_LBC_RUNTIME"}  # the examples import cdktf
    environ["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "eks-lbc: note:" not in result.stderr  # imported in time for lazy loading
    stacks = list((tmp_path / "cdktf.out" / "stacks").glob("*/cdk.tf.json"))
    assert len(stacks) == 1
    document = json.loads(stacks[0].read_text("utf-8"))
    releases = document["resource"]["helm_release"]
    assert "aws-load-balancer-controller" in [r["chart"] for r in releases.values()]
    assert "aws_iam_policy" in document["resource"]
