"""The state's owner: a stack's state records which EKS cluster it belongs to, and refuses any other."""

from __future__ import annotations

from eks_lbc._cdk import DataAwsEksCluster, DataResource, Postcondition, TerraformResourceLifecycle, TerraformStack

STATE_OWNER_ID = "state-owner"


def add_state_owner(stack: TerraformStack, cluster: DataAwsEksCluster) -> DataResource:
    """``terraform_data`` (id ``state-owner``) that records the cluster's ARN (``cluster_arn``) in the state.

    The ARN carries partition, region, account and name: (account, region, cluster) is the deployment.
    ``ignore_changes`` keeps the recorded value; a postcondition compares it with the ARN that
    ``data.aws_eks_cluster`` reads now, so a plan of this state for any other cluster (a shared S3 key, a
    copied state file, a backend pointed at another stack's state, credentials of another account) fails
    before anything changes, naming both clusters. A new deployment records its cluster at its first apply
    (the value is not known before); a cluster deleted and created again under the same name, region and
    account has the same ARN and passes. To hand a state to another cluster on purpose:
    ``terraform state rm terraform_data.state-owner``.
    """
    arn = f"{cluster.fqn}.arn"  # the expression, without ${}: it is used inside the conditions' templates
    return DataResource(
        stack,
        STATE_OWNER_ID,
        input={"cluster_arn": cluster.arn},
        lifecycle=TerraformResourceLifecycle(
            ignore_changes=["input"],
            postcondition=[
                Postcondition(
                    condition=f"${{self.output.cluster_arn == {arn}}}",
                    error_message=(
                        f"This Terraform state belongs to EKS cluster ${{self.output.cluster_arn}}, not to ${{{arn}}}: "
                        "the backend (stateBucket, stateKeyPrefix, the local state file) or the credentials "
                        "point at another deployment's state. Nothing was changed."
                    ),
                )
            ],
        ),
    )
