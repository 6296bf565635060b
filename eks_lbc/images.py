"""The controller's container image: the chart's default, a private mirror, or the regional EKS registry.

Every supported chart pulls ``public.ecr.aws/eks/aws-load-balancer-controller:<appVersion>`` by default.
Clusters that cannot reach public ECR (private subnets without a NAT route, air-gapped or China
regions) either mirror that image into a registry they can reach, or pull from the EKS image
registry of their own region (``<account>.dkr.ecr.<region>.<suffix>/amazon/aws-load-balancer-controller``,
reachable through the VPC's ECR endpoints). The region -> registry table is package data
(``data/ecr_registries.json``, from the EKS user guide; see its ``_comment``).

This module does not import cdktf.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

from eks_lbc.errors import InvalidSetting

REGIONAL = "regional"
REGIONAL_REPOSITORY_PATH = "amazon/aws-load-balancer-controller"


@cache
def regional_registries() -> Mapping[str, str]:
    """Region -> EKS image registry host (``<account>.dkr.ecr.<region>.amazonaws.com`` and partition variants)."""
    document = json.loads(resources.files("eks_lbc.data").joinpath("ecr_registries.json").read_text("utf-8"))
    return MappingProxyType({region: row["registry"] for region, row in document["regions"].items()})


def regional_repository(region: str, field: str = "image_repository") -> str:
    """``<registry of region>/amazon/aws-load-balancer-controller``; a region without one is an error."""
    registry = regional_registries().get(region)
    if registry is None:
        raise InvalidSetting(
            field,
            REGIONAL,
            f"an explicit image repository: region {region!r} has no EKS image registry "
            f"(known: {', '.join(sorted(regional_registries()))})",
        )
    return f"{registry}/{REGIONAL_REPOSITORY_PATH}"
