"""A Helm chart generated at synth time from a list of Kubernetes objects (CustomResourceDefinitions).

Helm installs a chart's ``crds/`` folder on the first install only and never upgrades it. Objects
that must follow a version pin (CRDs) therefore go into a chart of their own, as *templates*, which
Helm installs, upgrades and adopts like any other object; each carries
``helm.sh/resource-policy: keep`` so that uninstalling the release (``terraform destroy``) leaves
them in the cluster (deleting a CRD deletes every object of that kind).

The chart is built here as Python data and written once per process into a temporary folder;
:class:`eks_lbc.constructs.CrdRelease` copies it into the synthesized stack with cdktf's
``TerraformAsset``. Each template is a stream of JSON documents (JSON is YAML, and no YAML 1.1
scalar can be misread), with ``{{`` inside strings escaped so Helm's template engine passes every
string through unchanged.
"""

from __future__ import annotations

import atexit
import copy
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from eks_lbc.errors import InvalidSetting

RESOURCE_POLICY = "helm.sh/resource-policy"
KEEP = "keep"

# Helm: chart names are lower case letters, digits and dashes; versions are SemVer 2.
_CHART_NAME = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?"
)
_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.yaml")


@dataclass(frozen=True)
class GeneratedChart:
    """A chart's files (path relative to the chart folder -> text), ready to be written."""

    name: str
    version: str
    files: Mapping[str, str]

    @cached_property
    def digest(self) -> str:
        """sha256 over the files' paths and contents: changes exactly when the chart does."""
        hash = hashlib.sha256()
        for path in sorted(self.files):
            for part in (path, self.files[path]):
                data = part.encode("utf-8")
                hash.update(len(data).to_bytes(8, "big") + data)
        return hash.hexdigest()

    def write(self) -> Path:
        """The chart as a folder (written once per process and digest; removed when the process ends)."""
        folder = _scratch() / self.digest
        if not folder.is_dir():
            partial = folder.with_suffix(".partial")
            for path, text in self.files.items():
                target = partial / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, "utf-8")
            partial.rename(folder)
        return folder


def generate_chart(
    name: str,
    version: str,
    manifests: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    app_version: str | None = None,
    description: str | None = None,
    annotations: Mapping[str, str] = MappingProxyType({RESOURCE_POLICY: KEEP}),
) -> GeneratedChart:
    """A chart named ``name`` at ``version`` whose templates are ``manifests`` (file name -> objects).

    Every object gets ``annotations`` (default ``helm.sh/resource-policy: keep``) added to its own;
    nothing else in it changes. File names end in ``.yaml``; objects are mappings with ``apiVersion``,
    ``kind`` and ``metadata.name``. Values must be concrete (the chart is a file, not Terraform).
    """
    if not isinstance(name, str) or not _CHART_NAME.fullmatch(name):
        raise InvalidSetting("chart name", name, "a Helm chart name: lower case letters, digits and '-', at most 63")
    if not isinstance(version, str) or not _SEMVER.fullmatch(version):
        raise InvalidSetting("chart version", version, "a SemVer 2 version such as '3.5.0'")
    if not manifests:
        raise InvalidSetting("manifests", dict(manifests), "at least one template file of objects")
    chart: dict[str, Any] = {"apiVersion": "v2", "name": name, "version": version, "type": "application"}
    if app_version is not None:
        chart["appVersion"] = app_version
    if description is not None:
        chart["description"] = description
    files = {"Chart.yaml": yaml.safe_dump(chart, sort_keys=False, default_flow_style=False)}
    seen: dict[tuple[str, str, str], str] = {}
    for file_name, objects in manifests.items():
        if not isinstance(file_name, str) or not _TEMPLATE_NAME.fullmatch(file_name):
            raise InvalidSetting("manifests", file_name, "a template file name such as 'crds.yaml'")
        documents = []
        for index, item in enumerate(objects):
            identity = _identity(f"manifests[{file_name!r}][{index}]", item)
            if identity in seen:
                raise InvalidSetting(f"manifests[{file_name!r}][{index}]", "/".join(identity), "each object once")
            seen[identity] = file_name
            documents.append(_template_document(_annotated(item, annotations)))
        files[f"templates/{file_name}"] = "---\n".join(documents)
    _refuse_tokens(files)
    return GeneratedChart(name=name, version=version, files=MappingProxyType(files))


def object_names(manifests: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[str]:
    """``metadata.name`` of every object, in template order."""
    return [item["metadata"]["name"] for objects in manifests.values() for item in objects]


def _identity(field: str, item: object) -> tuple[str, str, str]:
    if not isinstance(item, Mapping):
        raise InvalidSetting(field, item, "a Kubernetes object (a mapping)")
    metadata = item.get("metadata")
    parts = (item.get("apiVersion"), item.get("kind"), metadata.get("name") if isinstance(metadata, Mapping) else None)
    if not all(isinstance(p, str) and p for p in parts):
        raise InvalidSetting(
            field,
            {k: item.get(k) for k in ("apiVersion", "kind", "metadata")},
            "an object with apiVersion, kind and metadata.name",
        )
    return parts  # type: ignore[return-value]


def _annotated(item: Mapping[str, Any], annotations: Mapping[str, str]) -> dict[str, Any]:
    document = copy.deepcopy(dict(item))
    metadata = document["metadata"] = dict(document["metadata"])
    metadata["annotations"] = {**(metadata.get("annotations") or {}), **annotations}
    return document


def _template_document(document: Mapping[str, Any]) -> str:
    text = json.dumps(document, indent=2, ensure_ascii=True) + "\n"
    # JSON has "{{" only inside strings (an object's first member is always a "key"): written as
    # "{\u007b", it is the same string to any JSON or YAML parser, and no action to Helm's templates.
    return text.replace("{{", "{\\u007b")


def _strings(text: str) -> Iterator[str]:
    yield from re.findall(r"\$\{[^}]*\}", text)


def _refuse_tokens(files: Mapping[str, str]) -> None:
    from eks_lbc.constructs._inputs import is_token

    for path, text in files.items():
        for candidate in _strings(text):
            if is_token(candidate):
                raise InvalidSetting(
                    f"manifests ({path})", candidate, "concrete values (the chart is a file: no tokens)"
                )


_SCRATCH: list[Path] = []


def _scratch() -> Path:
    if not _SCRATCH:
        folder = Path(tempfile.mkdtemp(prefix="eks-lbc-charts-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _SCRATCH.append(folder)
    return _SCRATCH[0]
