"""Real ``terraform`` against a synthesized stack: the runner, its offline environment, and the AWS-only harness.

The harness (:func:`aws_part`) is what lets the AWS half of a stack be applied on this
machine, where only the AWS provider is installable (``/opt/tf-plugins``) and the
only AWS is moto. What it changes, and nothing else:

* the ``kubernetes``, ``helm`` and ``tls`` providers and every resource and data
  source of theirs are removed (no provider, no cluster to talk to);
* the OIDC provider's thumbprints, which come from ``data.tls_certificate`` of the
  issuer, are replaced by a fixed, well-formed thumbprint (moto's issuer is not a
  real TLS endpoint);
* the aws provider gets dummy credentials and no credential or account-id lookups; the emulator's
  address is not written into it but given to terraform's environment (``AWS_ENDPOINT_URL``, see
  :func:`offline_environment`), which every AWS SDK client of the provider reads;
* the backend path is moved into the working directory.

Anything left that still refers to a removed object raises :class:`HarnessError`:
the harness never guesses a value for the AWS side, so if an AWS resource comes to
depend on Kubernetes, this fails loudly instead of testing something else.

Terraform runs with a dead HTTP(S) proxy for everything but loopback, so a service
not pointed at moto fails at once instead of reaching (or waiting for) real AWS.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterable, Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TERRAFORM = shutil.which("terraform")
# The offline provider mirror (a `terraform providers mirror`-style unpacked layout).
DEFAULT_PLUGIN_DIR = Path("/opt/tf-plugins")
PLUGIN_DIR_ENV = "EKS_LBC_TF_PLUGIN_DIR"

# Providers the harness removes.
NON_AWS_PROVIDERS = ("kubernetes", "helm", "tls")
# A SHA-1 thumbprint of the right form (40 hex digits) standing in for the issuer's certificate chain.
FIXED_THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
_THUMBPRINTS = re.compile(r"\$\{data\.tls_certificate\.[^.}]+\.certificates\[\*\]\.sha1_fingerprint\}")


class HarnessError(AssertionError):
    """The stack cannot be reduced to its AWS part without changing what it means."""


def plugin_dir() -> Path:
    return Path(os.environ.get(PLUGIN_DIR_ENV) or DEFAULT_PLUGIN_DIR)


def mirrored_providers(directory: Path) -> set[str]:
    """``hashicorp/<name>`` providers with at least one version in an unpacked mirror."""
    base = directory / "registry.terraform.io" / "hashicorp"
    return {p.name for p in base.iterdir() if any(p.glob("*/*_*"))} if base.is_dir() else set()


def _is_non_aws(type_name: str) -> bool:
    return type_name.split("_", 1)[0] in NON_AWS_PROVIDERS


def _references(value: Any, path: str = "") -> Iterable[tuple[str, str]]:
    """Every string inside ``value`` with its JSON path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key != "//":  # cdktf metadata, not configuration
                yield from _references(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _references(item, f"{path}[{index}]")


def aws_part(
    stack: Mapping[str, Any],
    *,
    state_file: str = "terraform.tfstate",
    thumbprint: str = FIXED_THUMBPRINT,
) -> dict[str, Any]:
    """The AWS half of a synthesized stack, its aws provider(s) with the emulator's dummy credentials.

    Run it with :func:`offline_environment` given the emulator's ``endpoint``: the provider finds moto there.
    """
    part = deepcopy(dict(stack))
    removed: list[str] = []
    for block in ("resource", "data"):
        for type_name in [t for t in part.get(block, {}) if _is_non_aws(t)]:
            prefix = "data." if block == "data" else ""
            removed += [f"{prefix}{type_name}.{name}" for name in part[block].pop(type_name)]
        if block in part and not part[block]:
            del part[block]

    providers = part.get("provider", {})
    unknown = set(providers) - {"aws", *NON_AWS_PROVIDERS}
    if unknown:
        raise HarnessError(f"the harness does not know how to emulate providers {sorted(unknown)}")
    part["provider"] = {"aws": [_with_dummy_credentials(config) for config in providers.get("aws", [])]}

    terraform = part.setdefault("terraform", {})
    required = terraform.get("required_providers", {})
    terraform["required_providers"] = {name: spec for name, spec in required.items() if name not in NON_AWS_PROVIDERS}
    terraform["backend"] = {"local": {"path": state_file}}

    # The one sanctioned substitution: thumbprints from data.tls_certificate.
    for resource in part.get("resource", {}).get("aws_iam_openid_connect_provider", {}).values():
        if isinstance(resource.get("thumbprint_list"), str) and _THUMBPRINTS.fullmatch(resource["thumbprint_list"]):
            resource["thumbprint_list"] = [thumbprint]

    dangling = [
        (path, text)
        for path, text in _references({k: v for k, v in part.items() if k != "//"})
        for address in removed
        if address in text
    ]
    if dangling:
        lines = "\n".join(f"  {path}: {text}" for path, text in dangling)
        raise HarnessError(f"the AWS part still refers to removed non-AWS objects:\n{lines}")
    return part


def without_resources(part: Mapping[str, Any], type_name: str) -> dict[str, Any]:
    """``part`` without its ``type_name`` resources (an API the emulator lacks), nor the outputs and ``moved``
    blocks naming them; anything else that still refers to them raises :class:`HarnessError`."""
    reduced = deepcopy(dict(part))
    names = reduced.get("resource", {}).pop(type_name, {})
    addresses = [f"{type_name}.{name}" for name in names]
    outputs = reduced.get("output", {})
    for name in [n for n, o in outputs.items() if any(a in json.dumps(o) for a in addresses)]:
        del outputs[name]
    if "moved" in reduced:
        reduced["moved"] = [m for m in reduced["moved"] if m["to"] not in addresses]
    dangling = [(path, text) for path, text in _references(reduced) for a in addresses if a in text]
    if dangling:
        lines = "\n".join(f"  {path}: {text}" for path, text in dangling)
        raise HarnessError(f"the AWS part still refers to the dropped {type_name}:\n{lines}")
    return reduced


def _with_dummy_credentials(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` as the emulator needs it. No ``endpoints`` block: with one, the provider spends ~2 s in
    validating its provider configuration (the block has 303 attributes) at every start, once per provider
    configuration and graph walk (measured with ``TF_LOG``: an apply, no-change plan and destroy of one IAM
    policy took 12.7, 10.6 and 18.6 s of CPU with the block, 4.2, 3.7 and 4.4 s with ``AWS_ENDPOINT_URL``
    instead); :func:`offline_environment` gives the address."""
    return {
        **config,
        "access_key": "testing",
        "secret_key": "testing",
        # Never read ~/.aws or the instance metadata service: credentials are the dummy ones above.
        "shared_config_files": [os.devnull],
        "shared_credentials_files": [os.devnull],
        "skip_metadata_api_check": True,
        # No STS round trips before each run (moto accepts any key; nothing here needs the account id).
        "skip_credentials_validation": True,
        "skip_requesting_account_id": True,
    }


def as_module(part: Mapping[str, Any]) -> dict[str, Any]:
    """``part`` as a child module: the same configuration without the backend (only a root module has one)."""
    child = deepcopy(dict(part))
    child.get("terraform", {}).pop("backend", None)
    return child


def modules_root(parts: Mapping[str, Mapping[str, Any]], state_file: str = "terraform.tfstate") -> dict[str, Any]:
    """Files (relative path -> JSON) of one root module calling each of ``parts`` as ``module.<name>``.

    Each part keeps its own provider configurations (a module may configure providers
    as long as it is not instantiated with ``count``/``for_each``), so the stacks stay
    what they were, only driven by one terraform process per command: the stacks' graph
    walks run in parallel, and the AWS provider's start-up for terraform's own schema
    lookup (about 2 s of CPU, the bulk of every command) happens once per command, not
    once per stack. The root outputs ``<name>`` = all of that module's outputs.
    """
    root: dict[str, Any] = {"terraform": {"backend": {"local": {"path": state_file}}}, "module": {}, "output": {}}
    files: dict[str, Any] = {"main.tf.json": root}
    for name, part in parts.items():
        files[f"modules/{name}/main.tf.json"] = as_module(part)
        root["module"][name] = {"source": f"./modules/{name}"}
        root["output"][name] = {"value": f"${{module.{name}}}"}
    return files


@dataclass
class Terraform:
    """``terraform -chdir=<workdir> ...`` with an offline, non-interactive environment; records each command's time."""

    workdir: Path
    env: Mapping[str, str]
    timings: list[tuple[str, float]] = field(default_factory=list)

    def run(self, *args: str, ok_codes: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        result = subprocess.run(
            [TERRAFORM or "terraform", f"-chdir={self.workdir}", *args],
            env=dict(self.env),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=600,
            check=False,
        )
        self.timings.append((args[0], time.monotonic() - started))
        if result.returncode not in ok_codes:
            raise AssertionError(
                f"terraform {' '.join(args)} exited {result.returncode} in {self.workdir}\n"
                f"--- stdout ---\n{result.stdout[-6000:]}\n--- stderr ---\n{result.stderr[-6000:]}"
            )
        return result

    def write(self, configuration: Mapping[str, Any]) -> None:
        self.write_files({"main.tf.json": configuration})

    def write_files(self, files: Mapping[str, Mapping[str, Any]]) -> None:
        """Write JSON configuration files at paths relative to the working directory (see :func:`modules_root`)."""
        for relative, configuration in files.items():
            path = self.workdir / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(configuration, indent=2))

    def init(self, plugins: Path) -> None:
        self.run("init", "-input=false", "-no-color", f"-plugin-dir={plugins}")

    def validate(self) -> None:
        self.run("validate", "-no-color")

    def apply(self, parallelism: int = 10) -> None:
        self.run("apply", "-input=false", "-no-color", "-auto-approve", f"-parallelism={parallelism}")

    def apply_planned(self, *targets: str, parallelism: int = 10, refresh: bool = True) -> dict[str, Any]:
        """``apply -json``: the plan terraform made and applied, from its machine-readable output.

        ``{"changes": {address: action}, "summary": {...}}``: one entry per resource the plan changes
        (``create``, ``update``, ``replace``, ``delete``; unchanged resources are not listed) and the
        ``change_summary`` counts (``add``, ``change``, ``remove``). ``targets`` become ``-target=``;
        ``refresh=False`` skips reading every object back first (fine right after an apply of the same state).
        """
        flags = [f"-target={target}" for target in targets] + ([] if refresh else ["-refresh=false"])
        result = self.run("apply", "-json", "-input=false", "-auto-approve", f"-parallelism={parallelism}", *flags)
        changes: dict[str, str] = {}
        summary: dict[str, Any] = {}
        for line in result.stdout.splitlines():
            event = json.loads(line) if line.startswith("{") else {}
            if event.get("type") == "planned_change":
                changes[event["change"]["resource"]["addr"]] = event["change"]["action"]
            elif event.get("type") == "change_summary":
                summary = event["changes"]
        return {"changes": changes, "summary": summary}

    def plan_changes(self, parallelism: int = 10) -> str | None:
        """None when the plan is empty; else the plan's text (``-detailed-exitcode`` 2)."""
        result = self.run(
            "plan", "-input=false", "-no-color", "-detailed-exitcode", f"-parallelism={parallelism}", ok_codes=(0, 2)
        )
        return result.stdout if result.returncode == 2 else None

    def plan_failure(self, *flags: str) -> str:
        """``plan`` that must fail (exit 1): its output, for the error it reports."""
        result = self.run("plan", "-input=false", "-no-color", *flags, ok_codes=(1,))
        return result.stdout + result.stderr

    def apply_actions(self, *flags: str) -> dict[str, list[str]]:
        """``apply -json``: each resource address with a planned change -> its actions, as the plan it applied said.

        Actions as terraform's machine-readable UI names them (``planned_change`` messages): ``create``,
        ``update`` (in place), ``delete``, ``replace`` (delete and create), ``move``, ``read``...; a resource
        left as it is has none. One command (plan and apply, one provider start) instead of a saved plan's two.
        """
        result = self.run("apply", "-input=false", "-no-color", "-json", "-auto-approve", *flags)
        actions: dict[str, list[str]] = {}
        for line in result.stdout.splitlines():
            message = json.loads(line)
            if message.get("type") == "planned_change":
                change = message["change"]
                actions.setdefault(change["resource"]["addr"], []).append(change["action"])
        return actions

    def destroy(self, parallelism: int = 10, refresh: bool = True) -> None:
        """``destroy``; ``refresh=False`` skips its refresh walk (fine right after a refreshing plan: ~3 s less)."""
        flags = () if refresh else ("-refresh=false",)
        self.run("destroy", "-input=false", "-no-color", "-auto-approve", f"-parallelism={parallelism}", *flags)

    def outputs(self) -> dict[str, Any]:
        return {k: v["value"] for k, v in json.loads(self.run("output", "-json").stdout).items()}


def offline_environment(home: Path, plugins: Path, endpoint: str | None = None) -> dict[str, str]:
    """Environment for terraform runs: no ~/.terraformrc, no AWS profile, no network beyond loopback.

    With ``endpoint`` (the emulator's ``http://127.0.0.1:PORT``), every AWS service the provider calls goes
    there: ``AWS_ENDPOINT_URL``, which the AWS SDK reads for each service client. Any other address is refused.

    Providers come from ``plugins`` through a plugin cache of symlinks, so ``init``
    links the (700 MB) AWS provider instead of copying it for every working directory.
    """
    if endpoint is not None and not re.fullmatch(r"http://127\.0\.0\.1:\d+", endpoint):
        raise HarnessError(f"the emulator must be on loopback (http://127.0.0.1:PORT), not {endpoint!r}")
    cache = home / "plugin-cache"
    for package in plugins.glob("registry.terraform.io/*/*/*/*_*"):
        target = cache / package.relative_to(plugins)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(package.resolve(), target_is_directory=True)
    rc = home / "terraformrc"
    rc.write_text(
        f"plugin_cache_dir = {json.dumps(str(cache))}\n"
        # Without a lock file yet, use the cache anyway: its packages are the mirror's own.
        "plugin_cache_may_break_dependency_lock_file = true\n"
    )
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        TF_CLI_CONFIG_FILE=str(rc),
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
        # Much of a run is the 700 MB AWS provider's schema (decoded by terraform once per command, built
        # by each provider start): collecting garbage less often cuts the tier's terraform CPU by ~10%
        # (52 against 57 s, interleaved runs), for a few hundred MB more memory.
        GOGC="400",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        # Loopback (moto) is never proxied; anything else goes to a closed port and fails at once.
        HTTPS_PROXY="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
        NO_PROXY="127.0.0.1,localhost",
    )
    if endpoint is not None:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env
