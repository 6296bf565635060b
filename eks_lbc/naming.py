"""Names keyed by a deployment's identity: the stack (folder, state key, local state file) and the IAM names.

A deployment is (account, region, cluster): EKS cluster names are unique per account and region only,
so "prod" in eu-west-1 and "prod" in us-east-1 are two clusters, and IAM names are unique per account
(all regions share them, and IAM compares them case-insensitively). Everything keyed by a deployment
therefore carries its region, and the stack also its account when the settings name it:

* stack ``eks-lbc-<cluster>-<region>[-<account>]`` (its folder ``cdktf.out/stacks/<stack>``, the local
  state file ``terraform.<stack>.tfstate`` and the S3 state key ``<prefix>/<stack>.tfstate``);
* IAM role and policy ``<iamNamePrefix><cluster>-<region>-aws-lbc`` (IAM is per account and partition,
  and a region belongs to one partition, so the account is not needed here).

The names deployments made before region-qualified names have (``legacyNames``) come from the cluster
name alone: ``eks-lbc-<cluster>`` and ``<iamNamePrefix><cluster>-aws-lbc``. They stay available so that
an existing deployment keeps its state and its IAM role: renaming a role replaces it, and a replaced
IRSA role breaks the running controller (its pods keep the old role ARN until they restart).

No cdktf import here: the settings edge uses these names to refuse collisions before anything is built.
"""

from __future__ import annotations

from eks_lbc.defaults import default_iam_name

STACK_PREFIX = "eks-lbc-"
# What the app appends to its IAM names (the library's default, <cluster>-aws-lbc, ends the same way).
IAM_SUFFIX = default_iam_name("")


def stack_name(cluster_name: str, region: str, account_id: str | None = None, *, legacy: bool = False) -> str:
    """The stack's id: ``eks-lbc-<cluster>-<region>[-<account>]``; ``eks-lbc-<cluster>`` with ``legacy``."""
    if legacy:
        return STACK_PREFIX + cluster_name
    return STACK_PREFIX + "-".join(part for part in (cluster_name, region, account_id) if part)


def iam_base_name(cluster_name: str, region: str, *, legacy: bool = False) -> str:
    """The IAM role and policy name before ``iamNamePrefix``: ``<cluster>-<region>-aws-lbc`` (legacy: no region)."""
    return default_iam_name(cluster_name if legacy else f"{cluster_name}-{region}")


def local_state_file(stack: str) -> str:
    """The local state file of a stack, in the project folder (next to ``cdktf.out/``)."""
    return f"terraform.{stack}.tfstate"
