"""What a preflight check reports: one :class:`Result` per check per cluster."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Status(str, Enum):
    """How a check came out, worst last (the order is the report's severity order)."""

    OK = "ok"
    WARN = "warn"
    UNKNOWN = "unknown"  # the check could not run: an API was denied or is not available
    FAIL = "fail"


@dataclass(frozen=True)
class Result:
    """One check of one cluster.

    ``found`` says what the account holds (ids, counts); ``fix`` what to change when the status
    is not ``ok``: the eks-lbc setting (``oidcProvider: existing``), or the exact tag, rule or
    command. ``details`` are machine-readable facts for ``--json`` (ids, counts).
    """

    check: str
    status: Status
    found: str
    fix: str = ""
    details: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ClusterReport:
    """Every check's result for one configured cluster (one stack), in check order."""

    cluster: str
    region: str
    stack: str
    account: str | None  # the caller's account (sts:GetCallerIdentity); None when it could not be read
    results: tuple[Result, ...]

    @property
    def status(self) -> Status:
        return worst(r.status for r in self.results)


@dataclass(frozen=True)
class Report:
    """The whole run: one :class:`ClusterReport` per configured cluster, in settings order."""

    clusters: tuple[ClusterReport, ...]

    @property
    def status(self) -> Status:
        return worst(c.status for c in self.clusters)

    @property
    def exit_code(self) -> int:
        """0 when nothing fails (warnings and unknowns included), 1 when something fails."""
        return 1 if self.status is Status.FAIL else 0

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for cluster in self.clusters:
            for result in cluster.results:
                counts[result.status.value] += 1
        return counts


_ORDER = list(Status)


def worst(statuses) -> Status:
    """The most severe of ``statuses`` (``ok`` when there are none)."""
    return max(statuses, key=_ORDER.index, default=Status.OK)
