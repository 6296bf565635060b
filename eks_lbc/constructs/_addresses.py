"""Terraform addresses of constructs: what cdktf names a resource, for ``moved`` blocks from an address it had.

cdktf (and cdktn, the same code) names a resource of a stack by its construct path below the stack
(``TerraformStack.allocateLogicalId``, the "hashed addressing scheme" of ``lib/private/unique.ts``): the path's
components joined with ``_`` (dropping a component the previous one ends with, and characters other than
``A-Za-z0-9_-``), then ``_`` and the first 8 hex digits of the MD5 of the components joined with ``/``,
upper-cased; a single component is used as it is. :func:`logical_id` computes the same for a path that no
longer exists, so a resource can say where it came from (tests compare it with the runtime's own names).
"""

from __future__ import annotations

import hashlib
import re

from eks_lbc._cdk import Construct, TerraformStack

_HIDDEN = "Default"  # left out entirely
_HIDDEN_FROM_HUMAN = "Resource"  # left out of the readable part, kept in the hash
_DISALLOWED = re.compile(r"[^A-Za-z0-9_-]")
_MAX_HUMAN, _MAX_ID = 240, 255


def logical_id(components: list[str]) -> str:
    """The name cdktf gives a resource at the construct path ``components`` (below its stack)."""
    components = [c for c in components if c != _HIDDEN]
    if len(components) == 1:
        candidate = _DISALLOWED.sub("", components[0])
        if len(candidate) <= _MAX_ID:
            return candidate
    digest = hashlib.md5("/".join(components).encode(), usedforsecurity=False).hexdigest()[:8].upper()
    readable: list[str] = []
    for component in components:
        if not readable or not readable[-1].endswith(component):
            readable.append(component)
    human = "_".join(_DISALLOWED.sub("", c) for c in readable if c != _HIDDEN_FROM_HUMAN)[:_MAX_HUMAN]
    return f"{human}_{digest}"


def path_in_stack(construct: Construct) -> list[str]:
    """The construct ids from (not including) the construct's stack down to the construct itself."""
    stack_path = TerraformStack.of(construct).node.path
    return construct.node.path[len(stack_path) + 1 :].split("/") if construct.node.path != stack_path else []
