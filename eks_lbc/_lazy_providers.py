"""Load the prebuilt provider bindings lazily: each package's jsii assembly at once, its submodules on first use.

Why
    ``cdktf_cdktf_provider_aws/__init__.py`` (jsii-pacmak's output for the prebuilt
    bindings) loads the package's jsii assembly and then ends with ``from . import x``
    for each of its ~2,200 submodules "to ensure their types are registered with the
    jsii runtime library"; in jsii's Node kernel the package's ``lib/index.js``
    likewise requires all of them. This app uses nine. Together that was ~20 s and
    ~1 GB of a ~25 s synth.

The three parts (set up by :mod:`eks_lbc._runtime_setup` when ``eks_lbc._cdk`` is first imported)
    1. Python, lazy submodules. A finder at the front of ``sys.meta_path`` handles only
       top-level packages named ``cdktf_cdktf_provider_*`` or ``cdktn_provider_*`` (and,
       for part 3, their submodules); every other import goes to the normal finders
       untouched. It wraps the loader the normal finders return. When the package's
       ``__init__.py`` ends with jsii-pacmak's eager block (the comment quoted above,
       then only ``from . import <name>`` lines), the loader runs the file without that
       block (so ``_jsii/__init__.py`` still loads the assembly, exactly as before) and
       gives the package PEP 562 ``__getattr__``/``__dir__``: ``pkg.iam_role`` and
       ``from pkg import iam_role`` import the submodule on first use, ``import
       pkg.iam_role`` works as always, ``from pkg import *`` still imports them all. A
       package without that block (the ``cdktn-provider-*`` releases, which a newer
       jsii-pacmak already generates lazily) or with any other layout loads unchanged.
    2. Node, lazy exports: ``_lazy_provider_exports.js`` (see its header), preloaded into
       jsii's kernel through the ``NODE_OPTIONS`` it is started with (:func:`kernel_node_options`),
       turns the provider ``lib/index.js`` lines ``exports.x = require("./x")`` into getters. It
       covers ``@cdktf/provider-*`` and ``@cdktn/provider-*`` alike (the cdktn ones are eager on
       the Node side).
    3. Python, cached type hints. In the packages part 1 made lazy, each binding call
       type-checks its arguments with ``typing.get_type_hints(<stub>)``, resolved anew on
       every call: about half of the per-stack time with many stacks. After such a
       submodule runs, its global ``typing`` is replaced by a view of ``typing`` whose
       ``get_type_hints`` is jsii's ``cached_type_hints`` (one resolution per stub), which
       is what jsii-pacmak now generates itself (the cdktn packages call it directly).
       The checks themselves still run.

jsii type registration (why this does not change behaviour)
    A Python class registers its jsii FQN with the runtime when its module runs. The
    registry is used in one direction only: when the jsii kernel hands Python an object
    *created on the JavaScript side* (objects created from Python are found by
    reference) and Python must pick a class for it. If that class's submodule was never
    imported, jsii's runtime (>= 1.142) calls ``_try_import_type_module(fqn)``, which
    imports the submodule that ``jsii._reference_map._submodule_fqn_map`` names for the
    FQN and retries; without an entry it only re-imports the root package and fails
    with ``ValueError: Unknown type: <fqn>``. jsii-pacmak fills that map for packages it
    generates lazily (``_SUBMODULE_FQN_MAP``); the archived cdktf bindings predate it, so
    part 1 adds their entries (``@cdktf/provider-aws.iamRole`` ->
    ``cdktf_cdktf_provider_aws.iam_role``: jsii-pacmak's snake_case reversed; a test
    checks it for every submodule of every installed provider package). If the running
    jsii lacks that on-demand resolution, the packages load eagerly.

    Our synth never meets such an object: every provider object it uses is created from
    Python, and cdktf's core (which does create objects in JavaScript) is not a provider
    package. A library user meets one only by reading provider objects that JavaScript
    created (e.g. a jsii construct library's resources found through ``node.children``);
    those resolve through the map (tested). On the Node side the kernel reaches every
    class by walking the exports (``closure.iamRole.IamRole``), which runs the getter.

Risks
    The hook recognises generated code by its shape; a future layout it does not know
    is loaded unchanged (eager, uncached), never half-transformed. It relies on jsii
    internals (``_submodule_fqn_map``, ``cached_type_hints``) and checks for them.
    ``sys.modules`` holds fewer modules, so code that walks a provider package without
    ``dir()``/``__all__`` sees only what has been imported. Only jsii's kernel gets the
    ``NODE_OPTIONS`` preload (it is put back in ``os.environ`` once the kernel has started), and it
    acts only in a jsii kernel.

Switch
    ``EKS_LBC_LAZY_PROVIDERS=0`` turns all three off (providers load the usual, eager
    way); unset, empty or ``1`` keeps them on. Read once, when ``eks_lbc._cdk`` is first
    imported (``eks_lbc.constructs`` and ``eks_lbc.stacks`` import it): a provider package
    imported before, or a jsii kernel started before, loads eagerly, so library users import
    ``eks_lbc.constructs`` (or ``eks_lbc.stacks``) first.

This module imports nothing from cdktf or jsii until a provider package is imported.
"""

from __future__ import annotations

import importlib
import importlib.abc
import os
import re
import sys
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from eks_lbc.errors import InvalidSetting

ENV_SWITCH = "EKS_LBC_LAZY_PROVIDERS"
PACKAGE_PREFIXES = ("cdktf_cdktf_provider_", "cdktn_provider_")
NODE_PRELOAD = "_lazy_provider_exports.js"
EAGER_BLOCK_MARKER = "# Loading modules to ensure their types are registered with the jsii runtime library"
_OUR_PRELOAD = re.compile(r'--require "[^"]*[/\\]' + re.escape(NODE_PRELOAD) + '"')
_SUBMODULE_IMPORT = re.compile(r"from \. import ([A-Za-z_][A-Za-z0-9_]*)")
_JSII_LAZY_RUNTIME = ("_submodule_fqn_map", "_try_import_type_module", "_obtain_interface", "_assembly_to_module")

# Packages part 1 made lazy: package name -> its submodule names.
lazy_packages: dict[str, frozenset[str]] = {}


def switch(environ: Mapping[str, str]) -> bool:
    """Whether the mechanism is on according to ``environ``: unset, empty or ``1`` on, ``0`` off."""
    value = environ.get(ENV_SWITCH, "")
    if value in ("", "1"):
        return True
    if value == "0":
        return False
    raise InvalidSetting(ENV_SWITCH, value, "0 (load provider packages eagerly) or 1 (lazily, the default)")


def split_eager_block(source: str) -> tuple[str, tuple[str, ...]] | None:
    """``source`` without jsii-pacmak's trailing eager-import block, and the submodules it imported.

    ``None`` unless the source ends with exactly that block (the marker comment, then only
    ``from . import <name>`` lines): such a package is left alone.
    """
    head, marker, tail = source.rpartition(EAGER_BLOCK_MARKER + "\n")
    if not marker:
        return None
    names = []
    for line in tail.splitlines():
        if not line.strip():
            continue
        match = _SUBMODULE_IMPORT.fullmatch(line.strip())
        if match is None:
            return None
        names.append(match.group(1))
    if not names:
        return None
    return head, tuple(names)


def submodule_fqn(assembly: str, submodule: str) -> str:
    """The jsii FQN of a provider submodule: jsii-pacmak snake_cases ``iamRole`` to ``iam_role``; this reverses it."""
    first, *rest = submodule.split("_")
    return f"{assembly}.{first}{''.join(part[:1].upper() + part[1:] for part in rest)}"


def _jsii_supports_laziness() -> bool:
    """True when the installed jsii imports a type's submodule on demand and can cache type hints."""
    from jsii import _reference_map

    try:
        from jsii._type_checking import cached_type_hints  # noqa: F401
    except ImportError:
        return False
    return all(hasattr(_reference_map, name) for name in _JSII_LAZY_RUNTIME)


class _WrappedLoader(importlib.abc.Loader):
    """Delegates to the loader the normal finders returned; subclasses change ``exec_module``."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:
        # get_filename, get_source, get_resource_reader, is_package, ...: the wrapped loader's.
        return getattr(self._loader, name)

    def create_module(self, spec: Any) -> ModuleType | None:
        return self._loader.create_module(spec)


class _LazyPackageLoader(_WrappedLoader):
    """Part 1: runs a provider package's ``__init__.py`` without its eager-import block."""

    def exec_module(self, module: ModuleType) -> None:
        name = module.__name__
        source = self._loader.get_source(name)
        split = split_eager_block(source) if source is not None else None
        if split is None or not _jsii_supports_laziness():
            self._loader.exec_module(module)
            return
        head, submodules = split
        code = compile(head, self._loader.get_filename(name), "exec", dont_inherit=True)
        exec(code, module.__dict__)
        # jsii packages end with publication.publish(), which puts a new public module into sys.modules.
        _make_lazy(sys.modules[name], frozenset(submodules))


class _CachedHintsLoader(_WrappedLoader):
    """Part 3: runs a submodule of a lazy package as usual, then gives it the cached ``get_type_hints``."""

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        for namespace in (vars(module), vars(sys.modules.get(module.__name__, module))):
            if namespace.get("typing") is typing:
                namespace["typing"] = _typing_with_cached_hints()


_typing_view: ModuleType | None = None


def _typing_with_cached_hints() -> ModuleType:
    """``typing`` itself, except that ``get_type_hints`` is jsii's ``cached_type_hints``."""
    global _typing_view
    if _typing_view is None:
        from jsii._type_checking import cached_type_hints

        view = _TypingView("typing")
        view.get_type_hints = cached_type_hints  # type: ignore[attr-defined]
        _typing_view = view
    return _typing_view


class _TypingView(ModuleType):
    def __getattr__(self, name: str) -> Any:
        return getattr(typing, name)


def _make_lazy(package: ModuleType, submodules: frozenset[str]) -> None:
    name = package.__name__

    def __getattr__(attribute: str) -> Any:
        if attribute in submodules:
            # Importing sets the attribute on the package, so this runs once per submodule.
            return importlib.import_module(f"{name}.{attribute}")
        raise AttributeError(f"module {name!r} has no attribute {attribute!r}")

    def __dir__() -> list[str]:
        return sorted(set(vars(package)) | submodules)

    package.__getattr__ = __getattr__  # type: ignore[method-assign]
    package.__dir__ = __dir__  # type: ignore[method-assign]

    from jsii import _reference_map

    assembly = sys.modules[f"{name}._jsii"].__jsii_assembly__.name
    _reference_map._submodule_fqn_map.update({submodule_fqn(assembly, s): f"{name}.{s}" for s in submodules})
    lazy_packages[name] = submodules


class LazyProviderFinder(importlib.abc.MetaPathFinder):
    """Finds provider packages (and their submodules) with the other finders and wraps their loaders."""

    def find_spec(self, fullname: str, path: Any = None, target: ModuleType | None = None) -> Any:
        if not fullname.startswith(PACKAGE_PREFIXES):
            return None
        package, _, submodule = fullname.partition(".")
        wrapper: Callable[[Any], _WrappedLoader]
        if not submodule:
            wrapper = _LazyPackageLoader
        elif "." not in submodule and submodule in lazy_packages.get(package, ()):
            wrapper = _CachedHintsLoader
        else:
            return None
        spec = self._find_with_the_others(fullname, path, target)
        if spec is None or not all(hasattr(spec.loader, m) for m in ("get_source", "get_filename", "exec_module")):
            return spec
        spec.loader = wrapper(spec.loader)
        return spec

    def _find_with_the_others(self, fullname: str, path: Any, target: ModuleType | None) -> Any:
        for finder in sys.meta_path:
            if isinstance(finder, LazyProviderFinder):
                continue
            find = getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find else None
            if spec is not None:
                return spec
        return None


def node_preload_option() -> str | None:
    """``--require "<path of _lazy_provider_exports.js>"`` for ``NODE_OPTIONS``.

    None when the file is not on disk (the package imported from a zip: Node would refuse to start on
    a ``--require`` of a missing file, and jsii with it) or its path cannot be quoted.
    """
    preload = Path(__file__).with_name(NODE_PRELOAD)
    path = str(preload)
    if '"' in path or "\\" in path or not preload.is_file():
        return None
    return f'--require "{path}"'


def kernel_node_options(node_options: str, wanted: bool) -> str:
    """``NODE_OPTIONS`` for jsii's kernel: ``node_options`` with our preload (``wanted``) or without it."""
    option = node_preload_option()
    if option is None:
        return node_options
    # Drop any earlier preload of ours (also another eks_lbc copy's, inherited from a parent process);
    # the user's own options stay as they are (not re-split: they may hold quoted paths).
    kept = " ".join(part.strip() for part in _OUR_PRELOAD.split(node_options) if part.strip())
    return f"{kept} {option}".strip() if wanted else kept


# Modules whose presence before `eks_lbc._cdk` means the work lazy loading saves has been done already: the CDK
# runtime (jsii started its Node kernel without the preload, so provider packages load eagerly there) or a
# provider package itself (all its submodules imported). Any other jsii library (`constructs`, ...) counts
# once it has loaded its assembly, which starts the kernel.
_LATE_WHEN_IMPORTED = ("cdktf", "cdktn", *PACKAGE_PREFIXES)
LATE_IMPORT_NOTICE = (
    "eks-lbc: note: {late} imported before eks_lbc.constructs/eks_lbc.stacks, so the provider bindings load "
    "eagerly (synth about 15x slower, ~1 GB more memory; on Node 20 jsii's end-of-life banner also shows); "
    "import eks_lbc.constructs (or eks_lbc.stacks) before them (keep it first under isort/ruff with "
    "`import eks_lbc.constructs  # isort: skip`, or ruff's/isort's force-to-top = [\"eks_lbc.constructs\"]). "
    "EKS_LBC_LAZY_PROVIDERS=0 silences this."
)
_noticed = False


def imported_too_late(modules: Mapping[str, Any]) -> list[str]:
    """What in ``modules`` (``sys.modules``) was imported before ``eks_lbc._cdk`` and defeats lazy loading."""
    late = {
        name
        for name in modules
        if "." not in name and (name in _LATE_WHEN_IMPORTED or name.startswith(PACKAGE_PREFIXES))
    }
    # jsii libraries whose assembly is loaded, i.e. that started the kernel (jsii >= 1.142 records them).
    reference_map = modules.get("jsii._reference_map")
    late.update(module.split(".")[0] for module in getattr(reference_map, "_assembly_to_module", {}).values())
    return sorted(late)


def notice_late_import(environ: Mapping[str, str] | None = None, modules: Mapping[str, Any] | None = None) -> bool:
    """Say once on stderr when ``eks_lbc._cdk`` comes too late for lazy loading to work; whether it said so."""
    global _noticed
    environ = os.environ if environ is None else environ
    modules = sys.modules if modules is None else modules
    try:
        wanted = switch(environ)
    except InvalidSetting:
        wanted = True
    late = imported_too_late(modules)
    if _noticed or not wanted or not late:
        return False
    _noticed = True
    sys.stderr.write(LATE_IMPORT_NOTICE.format(late=" and ".join(late)) + "\n")
    return True


def installed() -> bool:
    """Whether the import hook is in ``sys.meta_path``."""
    return any(isinstance(finder, LazyProviderFinder) for finder in sys.meta_path)


def install(environ: Mapping[str, str] | None = None) -> bool:
    """Put the import hook (parts 1 and 3) at the front of ``sys.meta_path`` unless switched off; idempotent.

    Returns whether it is installed. A bad switch value in ``environ`` (default ``os.environ``) keeps
    the default (on) here; the app's settings edge reports it. Part 2 goes into the environment jsii's
    kernel is started with (:func:`kernel_node_options`, used by :mod:`eks_lbc._runtime_setup`).
    """
    environ = os.environ if environ is None else environ
    try:
        wanted = switch(environ)
    except InvalidSetting:
        wanted = True
    if wanted and not installed():
        sys.meta_path.insert(0, LazyProviderFinder())
    return installed()
