"""Check 7 (state): the S3 state bucket exists in ``stateRegion`` with versioning on; the KMS key exists."""

from __future__ import annotations

from eks_lbc import naming
from eks_lbc.preflight.aws import call
from eks_lbc.preflight.context import ClusterContext
from eks_lbc.preflight.model import Result, Status


def state_bucket(ctx: ClusterContext) -> Result:
    settings = ctx.settings
    bucket = settings.state_bucket
    if bucket is None:
        return Result("state-bucket", Status.OK, f"not used: local state (terraform.{settings.stack_name}.tfstate)")
    s3 = ctx.state_client("s3")
    location = call(s3, "get_bucket_location", missing=("NoSuchBucket",), Bucket=bucket)
    details = {"bucket": bucket, "key": settings.state_key}
    if location is None:
        return Result(
            "state-bucket",
            Status.FAIL,
            f"no S3 bucket {bucket}: terraform init fails",
            f"create it (aws s3api create-bucket --bucket {bucket} --region {settings.state_region}), with versioning",
            details,
        )
    region = location.get("LocationConstraint") or "us-east-1"
    region = "eu-west-1" if region == "EU" else region
    details["region"] = region
    if region != settings.state_region:
        return Result(
            "state-bucket",
            Status.FAIL,
            f"s3://{bucket} is in {region}, not in stateRegion {settings.state_region}",
            f"stateRegion: {region}",
            details,
        )
    versioning = call(s3, "get_bucket_versioning", Bucket=bucket)
    status = versioning.get("Status") or "never enabled"
    details["versioning"] = status
    if status != "Enabled":
        return Result(
            "state-bucket",
            Status.FAIL,
            f"s3://{bucket} ({region}) has versioning {status}: an overwritten or deleted state cannot be recovered",
            f"aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled",
            details,
        )
    legacy = _legacy_state_key(ctx)
    if legacy is not None:
        details["legacyKey"] = legacy
        return Result(
            "state-bucket",
            Status.FAIL,
            f"s3://{bucket}/{legacy} holds this cluster's deployment from before names carried the region, and "
            f"{settings.state_key} does not exist: with these settings Terraform would start from an empty state",
            "legacyNames: true (keeps that state and every name; see docs/operations.md, Upgrading)",
            details,
        )
    return Result("state-bucket", Status.OK, f"s3://{bucket} ({region}) exists, versioning Enabled", details=details)


def _legacy_state_key(ctx: ClusterContext) -> str | None:
    """The state key of the cluster's deployment from before region-qualified names, when only that one exists."""
    settings = ctx.settings
    if getattr(settings, "legacy_names", True):
        return None
    legacy_stack = naming.stack_name(settings.cluster_name, settings.region, legacy=True)
    legacy = f"{settings.state_key_prefix}/{legacy_stack}.tfstate"
    if legacy == settings.state_key or ctx.state().exists:
        return None
    s3 = ctx.state_client("s3")
    found = call(s3, "get_object", missing=("NoSuchKey",), Bucket=settings.state_bucket, Key=legacy)
    return legacy if found is not None else None


def state_kms_key(ctx: ClusterContext) -> Result:
    settings = ctx.settings
    key = settings.state_kms_key_id
    if settings.state_bucket is None:
        return Result("state-kms-key", Status.OK, "not used: local state")
    if key is None:
        return Result("state-kms-key", Status.OK, "none configured: S3-managed keys")
    answer = call(ctx.state_client("kms"), "describe_key", missing=("NotFoundException",), KeyId=key)
    if answer is None:
        return Result(
            "state-kms-key",
            Status.FAIL,
            f"no KMS key {key} in {settings.state_region}: writing the state fails",
            "set stateKmsKeyId to an existing key or alias of the bucket's region (or create it)",
            {"key": key},
        )
    metadata = answer["KeyMetadata"]
    details = {"key": key, "keyId": metadata.get("KeyId"), "state": metadata.get("KeyState")}
    if metadata.get("KeyState") != "Enabled":
        return Result(
            "state-kms-key",
            Status.FAIL,
            f"KMS key {metadata.get('KeyId')} ({key}) is {metadata.get('KeyState')}",
            "enable the key (aws kms enable-key) or set stateKmsKeyId to an enabled one",
            details,
        )
    return Result("state-kms-key", Status.OK, f"{key} is key {metadata.get('KeyId')}, Enabled", details=details)
