"""The example Gateway's own stack: applied after the cluster's controller stack, destroyed before it."""

from __future__ import annotations

from eks_lbc._cdk import Construct, DataAwsEksCluster, TerraformOutput, TerraformStack
from eks_lbc.constructs import ExampleGateway
from eks_lbc.gateway_api.example import check_example_gateway, example_gateway_stack_name
from eks_lbc.settings import ClusterSettings
from eks_lbc.stacks.state_owner import add_state_owner


class ExampleGatewayStack(TerraformStack):
    """:class:`ExampleGateway` (id ``example-gateway``) for one cluster, in a stack of its own.

    Why a second stack: ``kubernetes_manifest`` asks the cluster for its kind's CRD when Terraform *plans*,
    and on a cluster without the Gateway API the CRDs only exist once the controller stack has been applied.
    A stack is planned when it is applied, so ``cdktf deploy <stack> <stack>-example-gateway`` applies the
    controller stack, then plans and applies this one: one command. The stack depends on the controller's
    (``add_dependency``): ``cdktf deploy`` runs it only after that one succeeded, ``cdktf destroy`` destroys it
    first (the controller, still running, deletes the ALB), and both refuse a selection that leaves out
    one of them (cdktf's ``--ignore-missing-stack-dependencies`` aside).

    Stack ``<controller stack>-example-gateway``: its own state (local ``terraform.<stack>.tfstate`` or S3 key
    ``<state_key_prefix>/<stack>.tfstate``, the controller stack's backend settings), the state-owner guard,
    ``data.aws_eks_cluster`` (id ``cluster``) and the aws and kubernetes providers with the same identity
    as the controller stack. Output ``example_gateway_hostname``: the ALB's DNS name.

    :param cluster: the cluster's settings; ``cluster.gateway_api`` must be on.
    :param controller_stack: the cluster's :class:`LoadBalancerControllerStack` (or any stack that installs the
        Gateway API and the controller); None: no dependency recorded, apply it yourself after that one.
    """

    def __init__(
        self,
        scope: Construct,
        id: str | None = None,
        *,
        cluster: ClusterSettings,
        controller_stack: TerraformStack | None = None,
    ) -> None:
        check_example_gateway(True, cluster.gateway_api)
        from eks_lbc.stacks.load_balancer_controller_stack import add_backend, add_providers_for

        name = id or example_gateway_stack_name(cluster.stack_name)
        super().__init__(scope, name)
        if controller_stack is not None:
            self.add_dependency(controller_stack)
        add_backend(self, cluster, stack_name=name)
        eks = DataAwsEksCluster(self, "cluster", name=cluster.cluster_name)
        add_providers_for(self, cluster, eks, tls=False, helm=False)
        add_state_owner(self, eks)
        self.example = ExampleGateway(self, "example-gateway")
        TerraformOutput(
            self,
            "example_gateway_hostname",
            value=self.example.hostname,
            description="DNS name of the example Gateway's ALB",
        )
