"""The vendored CRD files are the chart's own, byte for byte, for every supported chart version."""

import pytest
import yaml

from eks_lbc.crds import CRD_FILES, crd_documents, crd_file, crd_file_names, crd_names, load_documents
from eks_lbc.errors import InvalidSetting
from eks_lbc.versions import supported_charts
from tests.test_policies import upstream_dir

# Runtime-independent (no cdktf or cdktn import): once per `make test`, in the cdktf pass.
pytestmark = pytest.mark.runtime("cdktf")

CHARTS = [r.chart for r in supported_charts()]
CASES = [(chart, name) for chart in CHARTS for name in crd_file_names(chart)]


@pytest.mark.parametrize("chart", CHARTS)
def test_every_crd_file_upstream_ships_is_vendored_byte_for_byte(chart, require_tool):
    upstream = upstream_dir()
    require_tool(upstream is not None and upstream.is_dir(), "shared/upstream data (set EKS_LBC_UPSTREAM)")
    folder = upstream / "chart" / chart / "crds"
    shipped = [name for name in CRD_FILES if (folder / name).is_file()]
    assert list(crd_file_names(chart)) == shipped, chart
    for name in shipped:
        assert crd_file(chart, name) == (folder / name).read_bytes(), f"chart {chart} crds/{name} drifted"


def test_every_supported_chart_has_its_crds():
    # 1.5.3 ships only crds.yaml (no gateway.k8s.aws yet); later charts both files.
    assert crd_file_names("1.5.3") == ("crds.yaml",)
    for chart in CHARTS:
        assert crd_file_names(chart)[0] == "crds.yaml"
        assert all(d["kind"] == "CustomResourceDefinition" for ds in crd_documents(chart).values() for d in ds)
    assert crd_names("1.5.3") == ["ingressclassparams.elbv2.k8s.aws", "targetgroupbindings.elbv2.k8s.aws"]
    assert {"globalaccelerators.aga.k8s.aws", "loadbalancerconfigurations.gateway.k8s.aws"} <= set(crd_names("3.5.0"))


def test_unknown_chart_is_refused():
    with pytest.raises(InvalidSetting) as caught:
        crd_file_names("2.5.2")
    assert caught.value.field == "chart_version"


def _plain_scalars(node):
    if isinstance(node, yaml.ScalarNode):
        if node.style is None:
            yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _plain_scalars(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _plain_scalars(key)
            yield from _plain_scalars(value)


@pytest.mark.parametrize(("chart", "name"), CASES)
def test_no_scalar_reads_differently_in_yaml_1_1_and_1_2(chart, name):
    # PyYAML (YAML 1.1) reads the files that become the generated chart's JSON templates; Kubernetes reads
    # YAML too. A plain `on`, `yes`, `y`, `0x1F`, `1_000` or `010` would be read differently by the two.
    text = crd_file(chart, name).decode("utf-8")
    for document in yaml.compose_all(text, Loader=yaml.SafeLoader):
        for scalar in _plain_scalars(document):
            if scalar.tag == "tag:yaml.org,2002:bool":
                assert scalar.value in ("true", "false"), scalar.value
            elif scalar.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
                assert scalar.value.lstrip("-").replace(".", "", 1).isdigit(), scalar.value
                assert not (scalar.value.startswith("0") and len(scalar.value) > 1 and "." not in scalar.value)


def test_fast_and_pure_yaml_loaders_read_the_same_documents():
    for chart, name in CASES:
        assert load_documents(crd_file(chart, name)) == [d for d in yaml.safe_load_all(crd_file(chart, name)) if d], (
            chart,
            name,
        )


def test_the_readme_table_counts():
    # README, "Supported versions": CRDs per file, and where gateway.k8s.aws is served at v1.
    counts = {chart: [len(d) for d in crd_documents(chart).values()] for chart in ("3.5.0", "1.17.1", "1.5.3")}
    assert counts == {"3.5.0": [4, 3], "1.17.1": [4, 3], "1.5.3": [2]}

    def gateway_versions(chart):
        return {
            version["name"] for crd in crd_documents(chart)["gateway-crds.yaml"] for version in crd["spec"]["versions"]
        }

    assert gateway_versions("3.5.0") == {"v1", "v1beta1"}
    assert gateway_versions("1.17.1") == {"v1beta1"}  # why a rollback past 3.5.0 fails (README, Upgrading)
