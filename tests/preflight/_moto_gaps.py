"""The only place preflight's tests simulate AWS: what moto (5.2.x) does not emulate, with botocore's event hooks.

Everything else the checks read goes through moto. The gaps:

* ``eks:DescribeCluster``: moto echoes the request's ``resourcesVpcConfig`` and leaves out what EKS adds,
  ``vpcId`` and ``clusterSecurityGroupId``. :meth:`MotoGaps.cluster` records them; an ``after-call``
  handler adds them to moto's answer (the VPC and the security group themselves are real moto resources).
* ``eks:DescribeAddon``: moto answers 404 "Not yet implemented". A ``before-call`` handler answers from
  :attr:`MotoGaps.addons` instead, and, like EKS, ``ResourceNotFoundException`` for an add-on not installed.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any


class MotoGaps:
    def __init__(self) -> None:
        self.clusters: dict[str, dict[str, Any]] = {}  # cluster name -> fields EKS adds to resourcesVpcConfig
        self.addons: dict[tuple[str, str], dict[str, Any]] = {}  # (cluster, add-on) -> DescribeAddon's addon

    def cluster(self, name: str, *, vpc_id: str, cluster_security_group_id: str | None) -> None:
        self.clusters[name] = {"vpcId": vpc_id, "clusterSecurityGroupId": cluster_security_group_id}

    def addon(self, cluster: str, name: str, status: str = "ACTIVE", version: str = "v1.3.4-eksbuild.1") -> None:
        self.addons[(cluster, name)] = {
            "addonName": name,
            "clusterName": cluster,
            "status": status,
            "addonVersion": version,
            "health": {"issues": []},
        }

    def install(self, client: Any) -> None:
        """Register the handlers on a new EKS client (other services need none)."""
        if client.meta.service_model.service_name != "eks":
            return
        client.meta.events.register("after-call.eks.DescribeCluster", self._describe_cluster)
        client.meta.events.register("before-call.eks.DescribeAddon", self._describe_addon)

    def _describe_cluster(self, parsed: dict[str, Any], **_: Any) -> None:
        cluster = parsed.get("cluster")
        if cluster and cluster["name"] in self.clusters:
            added = {k: v for k, v in self.clusters[cluster["name"]].items() if v is not None}
            cluster.setdefault("resourcesVpcConfig", {}).update(added)

    def _describe_addon(self, params: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]]:
        # url_path: /clusters/<name>/addons/<addon>
        _, _, cluster, _, addon = params["url_path"].split("/")[:5]
        found = self.addons.get((cluster, addon))
        if found is None:
            error = {"Code": "ResourceNotFoundException", "Message": f"No addon: {addon} found in cluster: {cluster}"}
            return SimpleNamespace(status_code=404, headers={}), {"Error": error, "ResponseMetadata": {}}
        return SimpleNamespace(status_code=200, headers={}), {"addon": dict(found), "ResponseMetadata": {}}
