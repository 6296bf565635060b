"""The CustomResourceDefinitions each supported chart ships, vendored per chart version.

Source: aws/eks-charts ``stable/aws-load-balancer-controller/crds/`` (``crds.yaml``, and
``gateway-crds.yaml`` from chart 1.17.1) at the commit of each chart version, copied unchanged
into the package data ``eks_lbc/data/charts/<chart>/crds/`` by ``make vendor VERSION=<chart>``
(``tools/vendor_upstream_data.py``);
``tests/test_crds.py`` compares them with upstream byte for byte. A chart version that
``eks_lbc.versions`` supports but whose CRDs are missing here is an error, not an empty release.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import yaml

from eks_lbc.errors import InvalidSetting
from eks_lbc.versions import chart_release

# The chart's CRD files, in the order they are installed; the first is required.
CRD_FILES = ("crds.yaml", "gateway-crds.yaml")

try:  # libyaml: ~10x faster on these ~200 kB; the same documents (tests/test_crds.py)
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader


def _folder(chart_version: str) -> Any:  # a Traversable (importlib.resources.abc from Python 3.11)
    return resources.files("eks_lbc.data").joinpath(f"charts/{chart_version}/crds")


@cache
def crd_file_names(chart_version: str) -> tuple[str, ...]:
    """The chart's CRD file names (``crds.yaml`` first), as upstream ships them in ``crds/``."""
    chart_release(chart_version)  # an unsupported version names the supported ones
    folder = _folder(chart_version)
    names = tuple(name for name in CRD_FILES if folder.joinpath(name).is_file())
    if not names or names[0] != CRD_FILES[0]:
        raise InvalidSetting(
            "chart_version", chart_version, "a chart whose CRDs are vendored (run make vendor VERSION=<chart>)"
        )
    return names


def crd_file(chart_version: str, name: str) -> bytes:
    """One vendored CRD file, byte for byte as upstream ships it."""
    if name not in crd_file_names(chart_version):
        raise InvalidSetting("crd file", name, f"one of {', '.join(crd_file_names(chart_version))}")
    return _folder(chart_version).joinpath(name).read_bytes()


def load_documents(text: str | bytes) -> list[dict[str, Any]]:
    """The Kubernetes objects of a YAML stream (empty documents dropped)."""
    return [document for document in yaml.load_all(text, Loader=_Loader) if document]


@cache
def _crd_documents(chart_version: str) -> dict[str, tuple[str, ...]]:
    # Serialized (JSON) per document, so every caller gets fresh dicts without re-reading YAML.
    return {
        name: tuple(json.dumps(d) for d in load_documents(crd_file(chart_version, name)))
        for name in crd_file_names(chart_version)
    }


def crd_documents(chart_version: str) -> dict[str, list[dict[str, Any]]]:
    """File name -> the CustomResourceDefinitions in it (new dicts on every call; the YAML is read once)."""
    return {name: [json.loads(d) for d in documents] for name, documents in _crd_documents(chart_version).items()}


def crd_names(chart_version: str) -> list[str]:
    """Every CRD name the chart ships (``<plural>.<group>``), in file order."""
    return [d["metadata"]["name"] for documents in crd_documents(chart_version).values() for d in documents]
