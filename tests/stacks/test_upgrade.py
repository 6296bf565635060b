"""Issue 13.1 and 13.5: a deployment made before keeps everything it has (``legacyNames``; Pod Identity moved).

``tests/data/before_region_names/`` holds the default and the Pod Identity stack as eks-lbc synthesized them
before names carried the region (and before Pod Identity shared the IRSA role's address). With
``legacyNames`` the same settings must give the same configuration, but for what is added: the state
owner (``terraform_data.state-owner``), ``moved`` blocks (``moved.tf``), and (Pod Identity) the cluster-ARN
condition of the trust policy, an in-place update. No address an existing state holds disappears, no name
or state path changes.
"""

import json
from pathlib import Path

import yaml

from tests.stacks.test_load_balancer_controller_stack import build
from tests.support import synth

BEFORE = Path(__file__).resolve().parents[1] / "data" / "before_region_names"


def before(name: str) -> dict:
    document = json.loads((BEFORE / f"{name}_stack.json").read_text("utf-8"))
    document["terraform"].pop("required_providers")  # the runtime's ranges (both runtimes run this test)
    return document


def now(**settings) -> tuple[dict, dict[str, str]]:
    stack = build(legacy_names=True, **settings)
    document = synth(stack)
    document["terraform"].pop("required_providers")
    return document, stack.controller.earlier_addresses


def take_state_owner(document: dict) -> dict:
    owner = document["resource"].pop("terraform_data")
    assert list(owner) == ["state-owner"]
    return owner["state-owner"]


def take_crd_release_and_policy_upgrade(new: dict, old: dict) -> None:
    """Issue 9's additions, each an addition or an in-place update, removed from ``new`` after checking them.

    The CRDs' own release is new (nothing at an old address goes); the controller release skips its chart's
    ``crds/`` and waits for it (in-place update); the policy's description is constant now and its changes are
    ignored (so the old description stays: no replacement), and the release it is for is a tag (in place).
    """
    releases = new["resource"]["helm_release"]
    (crds,) = [address for address, release in releases.items() if release["name"].endswith("-crds")]
    releases.pop(crds)
    for release in releases.values():
        assert release.pop("skip_crds") is True
        release["depends_on"].remove(f"helm_release.{crds}")  # the rest is compared with the old document
    for address, policy in new["resource"]["aws_iam_policy"].items():
        assert policy.pop("lifecycle") == {"ignore_changes": ["description"]}
        assert set(policy.pop("tags")) == {"eks-lbc/controller-version"}
        old_policy = old["resource"]["aws_iam_policy"][address]
        policy["description"] = old_policy["description"]  # ignored: the policy keeps the one it was created with


def take_release_values(old: dict, new: dict) -> None:
    """The Helm release's values moved from YAML to JSON (issue 13.3), an in-place update of the release.

    Checks the same values are set (apart from the Ingress webhook's policy, issue 13.6) and the same `set`
    names, then leaves both documents without them.
    """
    (old_release,) = old["resource"]["helm_release"].values()
    (new_release,) = new["resource"]["helm_release"].values()
    (old_values,), (new_values,) = old_release.pop("values"), new_release.pop("values")
    new_values = yaml.safe_load(new_values)
    assert new_values.pop("webhookConfig", None) in (None, {"ingressValdationFailurePolicy": "Ignore"})
    assert new_values == yaml.safe_load(old_values)
    old_set, new_set = old_release.pop("set", []), new_release.pop("set", [])
    assert sorted(s["name"] for s in new_set) == sorted(s["name"] for s in old_set)


def test_an_irsa_deployment_keeps_every_address_name_and_its_state():
    old, (new, moves) = before("default"), now()
    assert moves == {}
    assert new["terraform"]["backend"] == {"local": {"path": "../../../terraform.eks-lbc-demo.tfstate"}}
    take_state_owner(new)
    take_crd_release_and_policy_upgrade(new, old)
    take_release_values(old, new)
    assert new == old


def test_a_pod_identity_deployment_is_moved_not_replaced():
    settings = dict(cluster_name="china", region="cn-north-1", identity="pod-identity", tags={"team": "cn"})
    old, (new, renames) = before("pod_identity"), now(**settings)
    take_state_owner(new)
    take_crd_release_and_policy_upgrade(new, old)
    old_resources = {f"{kind}.{name}" for kind, named in old["resource"].items() for name in named}
    new_resources = {f"{kind}.{name}" for kind, named in new["resource"].items() for name in named}
    # Every resource of the old state is either still at its address or moved to one that exists now.
    assert {renames.get(a, a) for a in old_resources} == new_resources
    assert set(renames) == {a for a in old_resources if "pod-identity-role" in a}
    # Rename the old document's addresses (and the trust policy data source's, which holds no state) ...
    text = json.dumps(old)
    for source, target in renames.items():
        text = text.replace(source.split(".")[1], target.split(".")[1])
    text = text.replace(
        "controller_pod-identity-role_trust-policy_B7FF1F45", "controller_irsa-role_trust-policy_5BED0A69"
    )
    old = json.loads(text)
    # ... then the one change of content is the pinned cluster ARN in the trust policy: an update in place.
    (trust,) = new["data"]["aws_iam_policy_document"].values()
    arn_condition = trust["statement"][0]["condition"].pop(0)
    assert arn_condition == {
        "test": "StringEquals",
        "values": ["${data.aws_eks_cluster.cluster.arn}"],
        "variable": "aws:RequestTag/eks-cluster-arn",
    }
    take_release_values(old, new)
    assert new == old
