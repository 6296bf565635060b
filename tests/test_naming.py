"""Names keyed by (account, region, cluster); the legacy ones from the cluster name alone."""

from eks_lbc import naming


def test_stack_and_iam_names():
    assert naming.stack_name("prod", "eu-west-1") == "eks-lbc-prod-eu-west-1"
    assert naming.stack_name("prod", "eu-west-1", "111122223333") == "eks-lbc-prod-eu-west-1-111122223333"
    assert naming.stack_name("prod", "eu-west-1", "111122223333", legacy=True) == "eks-lbc-prod"
    assert naming.iam_base_name("prod", "eu-west-1") == "prod-eu-west-1-aws-lbc"
    assert naming.iam_base_name("prod", "eu-west-1", legacy=True) == "prod-aws-lbc"
    assert naming.local_state_file("eks-lbc-prod-eu-west-1") == "terraform.eks-lbc-prod-eu-west-1.tfstate"


def test_names_of_real_regions_never_meet():
    # Every region's name is the cluster's plus a region: two pairs meet only if one region ends with "-<other>".
    regions = ["us-east-1", "us-gov-east-1", "us-gov-west-1", "ap-southeast-1", "cn-north-1", "cn-northwest-1",
               "eu-west-1", "ap-northeast-1"]  # fmt: skip
    names = {naming.stack_name(c, r) for c in ("a", "a-us", "a-us-gov") for r in regions}
    assert len(names) == 3 * len(regions)
