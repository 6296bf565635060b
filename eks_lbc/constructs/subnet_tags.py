"""Subnet tags the controller discovers subnets by: ``kubernetes.io/role/elb`` and ``.../internal-elb``."""

from __future__ import annotations

from collections.abc import Sequence

from eks_lbc import validation
from eks_lbc._cdk import Construct, Ec2Tag, TerraformIterator, Token
from eks_lbc.constructs._inputs import checked_items, is_token
from eks_lbc.options import check_subnets

PUBLIC_ROLE_TAG = "kubernetes.io/role/elb"  # internet-facing load balancers
PRIVATE_ROLE_TAG = "kubernetes.io/role/internal-elb"  # internal load balancers


class SubnetDiscoveryTags(Construct):
    """Tags subnets so the controller can place load balancers in them.

    Without them an Ingress or Service fails with "couldn't auto-discover subnets".
    One ``aws_ec2_tag`` per list (ids ``public`` and ``private``), with ``for_each`` over
    the subnet ids, so each subnet's tag has a stable address keyed by its id:
    ``kubernetes.io/role/elb = 1`` on public subnets (internet-facing load balancers) and
    ``kubernetes.io/role/internal-elb = 1`` on private ones (internal load balancers).

    The tags belong to this stack: destroying it removes them, even if something else set
    them before. Tag a subnet shared by several clusters in one place only.

    :param public_subnet_ids: subnets for internet-facing load balancers; default none. May be a token list.
    :param private_subnet_ids: subnets for internal load balancers; default none. May be a token list.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        public_subnet_ids: Sequence[str] = (),
        private_subnet_ids: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, id)
        public = checked_items(validation.subnet_id, "public_subnet_ids", public_subnet_ids)
        private = checked_items(validation.subnet_id, "private_subnet_ids", private_subnet_ids)
        check_subnets(public, private, "private_subnet_ids", is_token)
        self.public = self._tag("public", public, PUBLIC_ROLE_TAG)
        self.private = self._tag("private", private, PRIVATE_ROLE_TAG)

    def _tag(self, id: str, subnet_ids: Sequence[str], key: str) -> Ec2Tag | None:
        if isinstance(subnet_ids, list) and not subnet_ids:
            return None
        each = TerraformIterator.from_list(subnet_ids)
        return Ec2Tag(self, id, for_each=each, resource_id=Token.as_string(each.value), key=key, value="1")
