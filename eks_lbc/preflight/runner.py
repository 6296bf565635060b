"""Runs every check of every configured cluster, concurrently: the checks are I/O-bound AWS reads.

All (cluster, check) pairs go to one thread pool. Facts several checks need (the cluster's description,
its subnets, nodes, state) are read once per cluster by whichever check asks first, while the others
wait (:class:`~eks_lbc.preflight.aws.Memo`); account-wide lists once per run. ``workers=1`` runs
everything in order, one call at a time (the baseline ``make bench`` compares with).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from eks_lbc.preflight.aws import Aws, Unavailable
from eks_lbc.preflight.checks import CHECKS, Check
from eks_lbc.preflight.context import ClusterContext
from eks_lbc.preflight.model import ClusterReport, Report, Result, Status
from eks_lbc.settings import Settings

DEFAULT_WORKERS = 16


def run_check(check: Check, ctx: ClusterContext) -> Result:
    """One check; never raises (a denied or missing API is ``unknown``, so is a bug, with its reason)."""
    try:
        result = check.run(ctx)
    except Unavailable as error:
        reason = str(error)
        fix = "grant preflight's read-only IAM policy (docs/preflight.md)" if " denied " in f"{reason} " else ""
        return Result(check.id, Status.UNKNOWN, reason, fix)
    except Exception as error:  # a partial answer or an unexpected shape must not stop the other checks
        return Result(check.id, Status.UNKNOWN, f"the check failed unexpectedly: {type(error).__name__}: {error}")
    assert result.check == check.id, (result.check, check.id)
    return result


def run(settings: Settings, project_dir: Path, *, aws: Aws | None = None, workers: int = DEFAULT_WORKERS) -> Report:
    """Check every cluster of ``settings``; ``project_dir`` holds cdktf.json (and local state files)."""
    aws = aws or Aws(max_connections=workers)
    contexts = [ClusterContext(cluster, project_dir, aws) for cluster in settings.clusters]
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="preflight") as pool:
        futures = [[pool.submit(run_check, check, ctx) for check in CHECKS] for ctx in contexts]
        accounts = [pool.submit(ctx.account) for ctx in contexts]
        reports = [
            ClusterReport(
                cluster=ctx.settings.cluster_name,
                region=ctx.settings.region,
                stack=ctx.settings.stack_name,
                account=account.result(),
                results=tuple(f.result() for f in cluster_futures),
            )
            for ctx, account, cluster_futures in zip(contexts, accounts, futures, strict=True)
        ]
    return Report(tuple(reports))
