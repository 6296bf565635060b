"""The one place where eks_lbc changes the Python process: setting it up for the CDK runtime.

:func:`prepare` runs once, when :mod:`eks_lbc._cdk` is first imported, just before its first
import of jsii code; ``eks_lbc.constructs``, ``eks_lbc.stacks`` (and ``eks_lbc.app`` when it
builds stacks) import ``_cdk``. Every other module (``eks_lbc`` itself, ``settings``,
``validation``, ``preflight``, ...) only reads: importing it changes nothing in ``os.environ``,
``sys.meta_path`` or anything else of the process (tests/test_runtime_setup.py checks each).

What :func:`prepare` does, in this order, and why each step is needed:

1. Runtime: :func:`eks_lbc.runtime.selected` chooses cdktf or cdktn (see that module). A bad
   ``EKS_LBC_RUNTIME`` raises here, before anything is changed.
2. Late import: a CDK runtime or provider package imported before, or a jsii library that has
   already started jsii's Node kernel (``constructs``, ``cdktf``, ...), means steps 3 and 4 come
   too late for some of it; :func:`eks_lbc._lazy_providers.notice_late_import` says so once on
   stderr, with the fix.
3. Lazy provider bindings, Python half: :func:`eks_lbc._lazy_providers.install` puts its import
   hook at the front of ``sys.meta_path`` (unless ``EKS_LBC_LAZY_PROVIDERS=0``). It must be there
   before a provider package is imported, and it stays: provider packages may be imported at any
   later time (``_cdk``'s deferred bindings, a library user's own), and it handles nothing else.
4. jsii's Node kernel: started now, by importing ``constructs`` (loading its jsii assembly
   starts the kernel), with two variables in the environment it is given:
   ``NODE_OPTIONS`` gets the lazy bindings' Node half (``--require`` of
   ``_lazy_provider_exports.js``) and ``JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION`` gets
   ``20`` if the user has not set it (:mod:`eks_lbc._node`). jsii copies ``os.environ`` when it
   spawns Node, once per process (``ProcessProvider._process`` in jsii 1.142); so both are set
   only for that start and put back right after it: the kernel keeps them for its whole life,
   while this process and every other child of it (terraform, helm, a user's subprocess) see
   the environment as it was. ``JSII_NODE`` (which Node runs the kernel) is read by jsii at
   the same moment and is never touched.

When the kernel was already running (step 2 said so), step 4 changes nothing: the variables
could no longer reach it. When the installed jsii gives no way to confirm that the kernel has
started (no ``jsii._reference_map._assembly_to_module``), the variables are left set, as before
this module existed: correct, only less tidy. Between setting and restoring them, another thread
that spawns a process would pass them on; eks_lbc starts no threads before this.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

from eks_lbc import _lazy_providers, _node, runtime
from eks_lbc.errors import InvalidSetting

# The jsii library whose import starts the kernel: every cdktf/cdktn app needs it first anyway.
KERNEL_STARTER = "constructs"

_prepared: str | None = None


def kernel_started(modules: Mapping[str, Any] | None = None) -> bool | None:
    """Whether jsii's Node kernel runs in this process; None when the installed jsii does not tell.

    Without ``jsii._reference_map`` imported nothing can have started it. With it, jsii (>= 1.142)
    records every loaded assembly in ``_assembly_to_module``, and loading one starts the kernel.
    """
    modules = sys.modules if modules is None else modules
    reference_map = modules.get("jsii._reference_map")
    if reference_map is None:
        return False
    loaded = getattr(reference_map, "_assembly_to_module", None)
    return None if loaded is None else bool(loaded)


def kernel_environment(environ: Mapping[str, str], lazy: bool) -> dict[str, str | None]:
    """What jsii's kernel must be started with and ``environ`` lacks: variable -> value (None: unset it)."""
    kernel = dict(environ)
    _node.quiet_end_of_life_banner(kernel)
    node_options = _lazy_providers.kernel_node_options(environ.get("NODE_OPTIONS", ""), lazy)
    if node_options:
        kernel["NODE_OPTIONS"] = node_options
    else:
        kernel.pop("NODE_OPTIONS", None)
    changes: dict[str, str | None] = {name: value for name, value in kernel.items() if environ.get(name) != value}
    changes.update({name: None for name in environ if name not in kernel})
    return changes


def _apply(environ: MutableMapping[str, str], values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value


def start_kernel(environ: MutableMapping[str, str], lazy: bool) -> bool:
    """Start jsii's kernel with :func:`kernel_environment` set in ``environ`` just for the start.

    Returns False, doing nothing, when the kernel runs already; else True. ``environ`` is as it was
    afterwards, unless the start cannot be confirmed: then the variables stay set, so that the kernel
    gets them whenever it does start.
    """
    if kernel_started():
        return False  # too late: nothing set now would reach it
    changes = kernel_environment(environ, lazy)
    before = {name: environ.get(name) for name in changes}
    _apply(environ, changes)
    try:
        importlib.import_module(KERNEL_STARTER)
    except BaseException:
        _apply(environ, before)
        raise
    if kernel_started():
        # Put back only what is still ours: a variable someone else changed meanwhile stays theirs.
        _apply(environ, {name: value for name, value in before.items() if environ.get(name) == changes[name]})
    return True


def prepare() -> str:
    """Set the process up for the CDK runtime (steps 1 to 4 of the module docstring); the runtime chosen.

    Idempotent: later calls return the first call's runtime and change nothing.
    """
    global _prepared
    if _prepared is not None:
        return _prepared
    chosen = runtime.selected()
    try:
        lazy = _lazy_providers.switch(os.environ)
    except InvalidSetting:  # keeps the default (on); the settings edge reports it
        lazy = True
    _lazy_providers.notice_late_import()  # first: it reads what was imported before us
    _lazy_providers.install()
    start_kernel(os.environ, lazy)
    _prepared = chosen
    return chosen
