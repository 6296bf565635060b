import pytest

from eks_lbc.constructs import ServiceAccount
from eks_lbc.errors import InvalidSetting
from tests.support import new_stack, only, synth

ROLE = "arn:aws:iam::111122223333:role/demo-aws-lbc"


def test_annotated_with_role_and_labelled():
    stack = new_stack()
    ServiceAccount(stack, "sa", name="aws-load-balancer-controller", namespace="kube-system", role_arn=ROLE)
    out = synth(stack)
    assert "kubernetes_service_account" not in out["resource"]  # deprecated; the _v1 resource is used
    metadata = only(out, "resource", "kubernetes_service_account_v1")["metadata"]
    assert metadata["name"] == "aws-load-balancer-controller"
    assert metadata["namespace"] == "kube-system"
    assert metadata["annotations"] == {"eks.amazonaws.com/role-arn": ROLE}
    assert metadata["labels"] == {"app.kubernetes.io/name": "aws-load-balancer-controller"}


def test_name_is_read_from_the_resource():
    stack = new_stack()
    sa = ServiceAccount(stack, "sa", name="lbc", namespace="kube-system", role_arn=ROLE)
    from eks_lbc._cdk import Token

    assert Token.is_unresolved(sa.name)


def test_bad_names():
    with pytest.raises(InvalidSetting, match="namespace"):
        ServiceAccount(new_stack(), "sa", name="lbc", namespace="NS", role_arn=ROLE)
    with pytest.raises(InvalidSetting, match="service_account_name"):
        ServiceAccount(new_stack(), "sa", name="-lbc", namespace="ns", role_arn=ROLE)


def test_without_a_role_there_is_no_role_annotation():
    # EKS Pod Identity binds the role with an association; an IRSA annotation would compete with it.
    stack = new_stack()
    ServiceAccount(stack, "sa", name="lbc", namespace="kube-system", role_arn=None)
    metadata = only(synth(stack), "resource", "kubernetes_service_account_v1")["metadata"]
    assert "annotations" not in metadata


def test_extra_annotations():
    stack = new_stack()
    ServiceAccount(
        stack, "sa", name="lbc", namespace="kube-system", role_arn=ROLE, annotations={"eks.amazonaws.com/audience": "a"}
    )
    metadata = only(synth(stack), "resource", "kubernetes_service_account_v1")["metadata"]
    assert metadata["annotations"] == {"eks.amazonaws.com/role-arn": ROLE, "eks.amazonaws.com/audience": "a"}
