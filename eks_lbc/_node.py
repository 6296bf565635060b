"""The Node.js side of jsii: keep its end-of-life banner for Node 20 out of synth output.

jsii's kernel (``jsii-runtime.js``, run by Node) checks its Node release at start. For a
release past jsii's support date it prints an 11-line "!!" banner unless the comma-separated
list in ``JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION`` names that major version (jsii 1.142,
``checkNode()``; the other checks have variables of their own: ``..._KNOWN_BROKEN_...``,
``..._UNTESTED_...``, ``..._DEPRECATED_NODE_VERSION``).

:func:`quiet_end_of_life_banner` sets that one variable to ``20`` (the release this project
still runs on; Node >= 22 is supported and recommended) and only when the user has not set it.
jsii copies the environment when it starts its kernel, so :mod:`eks_lbc._runtime_setup` sets it
(in the environment the kernel is started with, and only there: it is put back afterwards)
before ``eks_lbc._cdk`` imports any jsii code. Every other jsii or Node warning, and the banner
for any other end-of-life release, still comes through.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

END_OF_LIFE_SILENCE_VARIABLE = "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"
QUIETED_END_OF_LIFE_MAJORS = "20"


def quiet_end_of_life_banner(environ: MutableMapping[str, str] | None = None) -> None:
    """Silence jsii's Node 20 end-of-life banner unless the variable is already set (even to empty)."""
    environ = os.environ if environ is None else environ
    environ.setdefault(END_OF_LIFE_SILENCE_VARIABLE, QUIETED_END_OF_LIFE_MAJORS)
