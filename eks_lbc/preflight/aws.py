"""boto3 access for preflight: clients per service and region, read-only calls that never crash the run.

Credentials come from boto3's standard chain (environment, shared config and credentials files,
profiles, SSO, container and instance roles); nothing here reads them itself. Every call goes through
:func:`call` or :func:`pages`: an error code the caller expects (a "not found") returns ``None``, and
anything else (access denied, an API the endpoint does not offer, no credentials, no network) raises
:class:`Unavailable`, which the runner reports as status ``unknown`` with the reason.

The IAM actions the checks use are listed in ``iam_policy.json`` next to this module (the README's
minimal policy for running preflight); a test records every call the checks make and compares.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Hashable
from functools import cache
from importlib import resources
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

# Error codes AWS services use for a denied call.
DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "Forbidden",
    }
)
NOT_IMPLEMENTED_CODES = frozenset({"NotImplemented", "InvalidAction", "UnknownOperationException", "404", "501"})


class Unavailable(Exception):
    """A call that could not be made or answered: the reason, naming the IAM action (``eks:DescribeAddon``)."""


@cache
def policy_document() -> dict[str, Any]:
    """The minimal IAM policy for running preflight (package data ``preflight/iam_policy.json``)."""
    text = resources.files("eks_lbc.preflight").joinpath("iam_policy.json").read_text("utf-8")
    return json.loads(text)


def policy_actions() -> frozenset[str]:
    """Every IAM action of :func:`policy_document`."""
    return frozenset(action for statement in policy_document()["Statement"] for action in statement["Action"])


def action_of(client: Any, operation: str) -> str:
    """The IAM action a client method needs: ``eks:DescribeCluster`` for an EKS client's ``describe_cluster``."""
    api = client.meta.method_to_api_mapping.get(operation, operation)
    return f"{client.meta.service_model.signing_name}:{api}"


def _reason(action: str, error: ClientError) -> str:
    body = error.response.get("Error", {})
    code = str(body.get("Code", ""))
    message = " ".join(str(body.get("Message", "")).split())
    if message.startswith("<"):  # an HTML error page (a proxy, an emulator): only its status says anything
        message = f"HTTP {error.response.get('ResponseMetadata', {}).get('HTTPStatusCode', '?')}"
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if code in DENIED_CODES:
        return f"{action} denied ({code})"
    # An API the endpoint does not route answers 404 (or 501) with no AWS error code of its own.
    if code in NOT_IMPLEMENTED_CODES or status == 501 or (status == 404 and (not code or code.isdigit())):
        return f"{action} is not available at this endpoint ({message or code})"
    return f"{action} failed: {code}: {message}" if message else f"{action} failed: {code}"


def call(client: Any, operation: str, *, missing: tuple[str, ...] = (), **params: Any) -> dict[str, Any] | None:
    """``client.<operation>(**params)``; ``None`` when the error code is one of ``missing``.

    Raises :class:`Unavailable` for every other error (denied, not implemented, no credentials, network).
    """
    action = action_of(client, operation)
    try:
        return getattr(client, operation)(**params)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in missing:
            return None
        raise Unavailable(_reason(action, error)) from None
    except BotoCoreError as error:
        raise Unavailable(f"{action}: {error}") from None


def pages(client: Any, operation: str, key: str, **params: Any) -> list[Any]:
    """Every item under ``key`` of every page of ``operation``, with :func:`call`'s error handling."""
    action = action_of(client, operation)
    items: list[Any] = []
    try:
        for page in client.get_paginator(operation).paginate(**params):
            items.extend(page.get(key, []))
    except ClientError as error:
        raise Unavailable(_reason(action, error)) from None
    except BotoCoreError as error:
        raise Unavailable(f"{action}: {error}") from None
    return items


@cache
def _shared_loader() -> botocore.loaders.Loader:
    return botocore.loaders.Loader()


def new_session(profile: str | None = None, credentials: dict[str, str] | None = None) -> boto3.session.Session:
    """A boto3 session (standard credential chain, ``profile`` if given, or the given temporary ``credentials``)
    whose service models are parsed once per process: botocore reads a model's JSON again for every new session
    (EC2's alone takes most of a second)."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _shared_loader())
    if credentials is not None:
        return boto3.session.Session(
            botocore_session=core,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
    return boto3.session.Session(botocore_session=core, profile_name=profile)


# The session name preflight's assumed-role sessions carry (CloudTrail shows it).
ROLE_SESSION_NAME = "eks-lbc-preflight"


class Aws:
    """boto3 clients, one per (profile, role, service, region), made once and shared by the check threads.

    With a role (``assumeRoleArn``, ``stateAssumeRoleArn``) the profile's identity assumes it once per run
    (``sts:AssumeRole``, the same identity Terraform uses) and the clients use those temporary credentials.

    boto3 clients are thread-safe; sessions are not, so clients are created under a lock.
    ``client_hook`` is called with every new client (tests register botocore event handlers with it);
    ``clients`` lets several runs share their clients (tests: one set per emulated account).
    """

    def __init__(
        self,
        *,
        max_connections: int = 16,
        client_hook: Callable[[Any], None] | None = None,
        clients: dict[tuple[Any, ...], Any] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[tuple[str | None, str | None], Any] = {}
        self._clients = {} if clients is None else clients
        self._config = Config(
            retries={"mode": "standard", "max_attempts": 3},
            connect_timeout=5,
            read_timeout=20,
            max_pool_connections=max_connections,
        )
        self._hook = client_hook
        self._memo = Memo()

    def client(self, service: str, region: str, profile: str | None = None, role_arn: str | None = None) -> Any:
        key = (profile, service, region) if role_arn is None else (profile, role_arn, service, region)
        with self._lock:
            if key not in self._clients:
                try:
                    session = self._sessions.get((profile, role_arn))
                    if session is None:
                        session = self._sessions[(profile, role_arn)] = self._session(profile, role_arn, region)
                    client = session.client(service, region_name=region, config=self._config)
                except BotoCoreError as error:  # an unknown profile, a broken config file
                    raise Unavailable(f"no {service} client for {region}: {error}") from None
                if self._hook is not None:
                    self._hook(client)
                self._clients[key] = client
            return self._clients[key]

    def _session(self, profile: str | None, role_arn: str | None, region: str) -> boto3.session.Session:
        base = self._sessions.get((profile, None)) or new_session(profile)
        self._sessions[(profile, None)] = base
        if role_arn is None:
            return base
        sts = base.client("sts", region_name=region, config=self._config)
        if self._hook is not None:
            self._hook(sts)
        try:
            answer = sts.assume_role(RoleArn=role_arn, RoleSessionName=ROLE_SESSION_NAME)
        except ClientError as error:
            raise Unavailable(f"cannot assume {role_arn}: {_reason('sts:AssumeRole', error)}") from None
        return new_session(credentials=answer["Credentials"])

    def shared(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per ``key`` for the whole run (account-wide lists several clusters need)."""
        return self._memo.get(key, compute)


class Memo:
    """Values computed once per key by whichever thread asks first; others wait. Failures are kept too."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._values: dict[Hashable, tuple[bool, Any]] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            if key not in self._values:
                try:
                    self._values[key] = (True, compute())
                except Unavailable as error:
                    self._values[key] = (False, error)
            ok, value = self._values[key]
        if not ok:
            raise Unavailable(str(value))
        return value
