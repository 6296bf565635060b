"""The two forms of a preflight report: text for people, one line per check per cluster, and ``--json``.

Text::

    fail    demo  oidc-provider  arn:aws:iam::...:oidc-provider/... already exists ... | fix: oidcProvider: existing

JSON (``--json``; schema ``preflight/report.schema.json``, version 1)::

    {"version": 1, "status": "fail", "exitCode": 1, "counts": {"ok": 20, "warn": 1, "unknown": 0, "fail": 1},
     "clusters": [{"cluster": "demo", "region": "...", "stack": "eks-lbc-demo", "account": "...",
                   "status": "fail", "checks": [{"check": "...", "status": "...", "found": "...", "fix": "...",
                   "details": {...}}]}]}
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from eks_lbc.preflight.model import Report

SCHEMA_VERSION = 1


@cache
def schema() -> dict[str, Any]:
    """The JSON schema of :func:`as_json`'s document (package data ``preflight/report.schema.json``)."""
    return json.loads(resources.files("eks_lbc.preflight").joinpath("report.schema.json").read_text("utf-8"))


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "status": report.status.value,
        "exitCode": report.exit_code,
        "counts": report.counts(),
        "clusters": [
            {
                "cluster": cluster.cluster,
                "region": cluster.region,
                "stack": cluster.stack,
                "account": cluster.account,
                "status": cluster.status.value,
                "checks": [
                    {
                        "check": r.check,
                        "status": r.status.value,
                        "found": r.found,
                        "fix": r.fix,
                        "details": r.details,
                    }
                    for r in cluster.results
                ],
            }
            for cluster in report.clusters
        ],
    }


def as_json(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2, default=str) + "\n"


def as_text(report: Report) -> str:
    """One line per check per cluster: status, cluster, check, what was found, and the fix when not ok."""
    lines = []
    width_cluster = max((len(c.cluster) for c in report.clusters), default=0)
    width_check = max((len(r.check) for c in report.clusters for r in c.results), default=0)
    for cluster in report.clusters:
        for result in cluster.results:
            line = f"{result.status.value:<7} {cluster.cluster:<{width_cluster}}  {result.check:<{width_check}}  "
            line += " ".join(result.found.split())  # one line, whatever an API put in a message
            if result.fix:
                line += f" | fix: {' '.join(result.fix.split())}"
            lines.append(line)
    counts = report.counts()
    accounts = sorted({c.account or "unknown" for c in report.clusters})
    lines.append(
        f"eks-lbc preflight: {len(report.clusters)} cluster(s) in account {', '.join(accounts)}: "
        + ", ".join(f"{n} {status}" for status, n in counts.items())
        + f" -> exit {report.exit_code}"
    )
    return "\n".join(lines) + "\n"
