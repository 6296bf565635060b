import pytest

from eks_lbc.errors import InvalidSetting
from eks_lbc.partitions import SUPPORTED_PARTITIONS, check_partition, partition_of, supported_partition
from eks_lbc.versions import supported_charts

# Runtime-independent (no cdktf or cdktn import): once per `make test`, in the cdktf pass.
pytestmark = pytest.mark.runtime("cdktf")


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("ap-northeast-1", "aws"),
        ("il-central-1", "aws"),
        ("cn-north-1", "aws-cn"),
        ("cn-northwest-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-gov-east-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("eu-isoe-west-1", "aws-iso-e"),
        ("us-isof-south-1", "aws-iso-f"),
        ("eusc-de-east-1", "aws-eusc"),
    ],
)
def test_partition_of_region(region, partition):
    assert partition_of(region) == partition


def test_every_supported_partition_has_a_vendored_policy_for_every_chart():
    for release in supported_charts():
        assert set(release.policy_files) == set(SUPPORTED_PARTITIONS)


def test_unsupported_partition_is_a_clear_error():
    assert supported_partition("region", "cn-north-1") == "aws-cn"
    with pytest.raises(InvalidSetting) as caught:
        supported_partition("region", "us-isob-east-1")
    assert "us-isob-east-1 is in aws-iso-b" in caught.value.expected
    with pytest.raises(InvalidSetting, match="aws-us-gov"):
        check_partition("partition", "aws-iso")
