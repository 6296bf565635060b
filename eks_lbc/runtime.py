"""Which CDK runtime eks_lbc runs on: HashiCorp's cdktf or its successor, CDK Terrain (cdktn).

Both publish the same API (``cdktf`` / ``cdktn``, prebuilt providers ``cdktf-cdktf-provider-*`` /
``cdktn-provider-*``). ``pip install eks-lbc`` installs cdktf; ``pip install 'eks-lbc[cdktn]'``
adds cdktn and its providers (next to cdktf, which stays a dependency). :mod:`eks_lbc._cdk`
imports exactly one of them, chosen once per process, in this order:

1. ``EKS_LBC_RUNTIME=cdktf`` or ``=cdktn``, if set (it must be installed);
2. otherwise the runtime this process has already imported, if exactly one: a library user's
   app that imports ``cdktn`` (or ``cdktf``) before ``eks_lbc.constructs`` gets constructs of
   that runtime (one app cannot mix the two);
3. otherwise cdktn if the ``[cdktn]`` extra is installed (cdktn and its four provider
   packages importable), else cdktf.

Like :mod:`eks_lbc.settings` this is the edge: it reads the environment, imports no runtime,
and reports a bad value as :class:`~eks_lbc.errors.InvalidSetting` (the app checks it with the
settings, so it exits 2 with one line).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Collection, Mapping

from eks_lbc.errors import InvalidSetting

ENV_RUNTIME = "EKS_LBC_RUNTIME"
EXTRA_HINT = "pip install 'eks-lbc[cdktn]'"

# runtime -> the packages it needs: its core, then the aws, kubernetes, helm and tls bindings
PACKAGES: dict[str, tuple[str, ...]] = {
    "cdktf": (
        "cdktf",
        "cdktf_cdktf_provider_aws",
        "cdktf_cdktf_provider_kubernetes",
        "cdktf_cdktf_provider_helm",
        "cdktf_cdktf_provider_tls",
    ),
    "cdktn": ("cdktn", "cdktn_provider_aws", "cdktn_provider_kubernetes", "cdktn_provider_helm", "cdktn_provider_tls"),
}


def is_installed(runtime: str) -> bool:
    """Whether all of ``runtime``'s packages can be imported (found without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in PACKAGES[runtime])


def choose(
    environ: Mapping[str, str],
    imported: Collection[str] = (),
    installed: Callable[[str], bool] = is_installed,
) -> str:
    """The runtime to use, by the rules in the module docstring. ``imported``: names in ``sys.modules``."""
    requested = environ.get(ENV_RUNTIME, "")
    if requested:
        if requested not in PACKAGES:
            known = ", ".join(PACKAGES)
            raise InvalidSetting(ENV_RUNTIME, requested, f"one of {known} (or unset to choose by what is installed)")
        if not installed(requested):
            hint = f"; install it with {EXTRA_HINT}" if requested == "cdktn" else ""
            raise InvalidSetting(ENV_RUNTIME, requested, f"an installed runtime{hint}")
        return requested
    already = [runtime for runtime in PACKAGES if runtime in imported]
    if len(already) == 1:
        return already[0]
    if installed("cdktn"):
        return "cdktn"
    if installed("cdktf"):
        return "cdktf"
    raise InvalidSetting(ENV_RUNTIME, None, f"cdktf (pip install eks-lbc) or cdktn ({EXTRA_HINT}) installed")


def selected() -> str:
    """The runtime for this process: :func:`choose` on ``os.environ`` and ``sys.modules``."""
    return choose(os.environ, sys.modules.keys())
