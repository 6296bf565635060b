"""Chart-render tier: the release eks-lbc synthesizes, rendered by Helm's engine for every supported chart.

Proves the HA defaults (2 replicas, a PodDisruptionBudget with maxUnavailable 1, a zone topology
spread whose selector matches the chart's pod labels), the Service mutating webhook switch, the Ingress
validating webhook's policy (and what the controller can still block), literal strings and the image
override actually come out of each chart version's templates, not just out of our values.
"""

from __future__ import annotations

import copy
import hashlib
import json

import pytest

from eks_lbc import ingress_webhook
from eks_lbc.errors import InvalidSetting
from eks_lbc.settings import ClusterSettings, Settings
from eks_lbc.versions import chart_release, supported_charts
from tests.integration.release_render import APPLY_TIME, helm_sdk_available, one, render_release
from tests.support import REPO, controller_release, only, synth

# Once per `make test`, under cdktf: what is rendered is the release's values, which both runtimes synthesize
# identically (tests/integration/test_terraform_moto.py), so rendering them again under cdktn would prove nothing new.
pytestmark = pytest.mark.runtime("cdktf")

# The charts as vendored test data (unmodified eks-charts copies; see SOURCES.md there).
CHART_DIR = REPO / "tests" / "data" / "charts" / "aws-load-balancer-controller"
CHARTS = [r.chart for r in supported_charts()]
# The templates the non-default configurations below exercise (HA, the webhook switch, the image, the name).
MATRIX_TEMPLATES = ("_helpers.tpl", "deployment.yaml", "pdb.yaml", "webhook.yaml")


def matrix_charts() -> list[str]:
    """Charts that get every configuration: the newest of each distinct set of :data:`MATRIX_TEMPLATES`.

    Every chart renders its default release (its own values.yaml); the other configurations are rendered
    once per version of the templates they exercise, so a release that only changed, say, its RBAC rules
    or comments adds one render, not nine (13 charts: 7 template sets, ~70 renders instead of ~120).
    """
    seen: dict[str, str] = {}
    for chart in CHARTS:  # newest first: the first chart of each set represents it
        digest = hashlib.sha256()
        for name in MATRIX_TEMPLATES:
            digest.update(name.encode() + b"\0" + (CHART_DIR / chart / "templates" / name).read_bytes())
        seen.setdefault(digest.hexdigest(), chart)
    return [chart for chart in CHARTS if chart in seen.values()]


MATRIX_CHARTS = matrix_charts()
SERVICE_WEBHOOK = "mservice.elbv2.k8s.aws"
# Rendering takes a synth and a Helm render; several tests read the same configuration.
_RENDERED: dict[str, list] = {}


@pytest.fixture
def render(require_tool):
    """``render(chart_version, **settings)`` -> the objects the chart renders for the synthesized release."""
    require_tool(helm_sdk_available(), "helm-python-sdk (pip install helm-python-sdk)")

    def render(chart_version: str, **settings):
        key = json.dumps([chart_version, settings], sort_keys=True)
        if key not in _RENDERED:
            _RENDERED[key] = render_once(chart_version, **settings)
        return copy.deepcopy(_RENDERED[key])

    def render_once(chart_version: str, **settings):
        from eks_lbc._cdk import Testing
        from eks_lbc.stacks import LoadBalancerControllerStack

        cluster = ClusterSettings(cluster_name="demo", region="ap-northeast-1", chart_version=chart_version, **settings)
        stack = LoadBalancerControllerStack(Testing.app(), cluster.stack_name, cluster=cluster)
        release = controller_release(synth(stack))
        return render_release(release, CHART_DIR / chart_version)

    return render


def pod_template(objects):
    return one(objects, "Deployment")["spec"]["template"]


def service_webhooks(objects):
    (config,) = [o for o in objects if o["kind"] == "MutatingWebhookConfiguration"]
    return [w for w in config["webhooks"] if w["name"] == SERVICE_WEBHOOK]


@pytest.mark.parametrize("chart", CHARTS)
def test_default_release_renders_highly_available(render, chart):
    objects = render(chart)
    deployment = one(objects, "Deployment")
    assert deployment["spec"]["replicas"] == 2
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    selector = deployment["spec"]["selector"]["matchLabels"]

    budget = one(objects, "PodDisruptionBudget")
    assert budget["spec"]["maxUnavailable"] == 1
    assert budget["spec"]["selector"]["matchLabels"] == selector

    (spread,) = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
    assert spread["topologyKey"] == "topology.kubernetes.io/zone"
    assert spread["maxSkew"] == 1 and spread["whenUnsatisfiable"] == "ScheduleAnyway"
    # The spread counts the controller's own pods: its selector matches the labels the chart puts on them.
    assert spread["labelSelector"]["matchLabels"].items() <= pod_labels.items()
    assert spread["labelSelector"]["matchLabels"] == selector


@pytest.mark.parametrize("chart", CHARTS)
def test_default_release_renders_the_wiring(render, chart):
    template = pod_template(render(chart))
    (container,) = template["spec"]["containers"]
    assert "--cluster-name=demo" in container["args"]
    assert "--aws-region=ap-northeast-1" in container["args"]
    assert f"--aws-vpc-id={APPLY_TIME}" in container["args"]  # the cluster's VPC, a reference in `set`
    assert template["spec"]["serviceAccountName"] == APPLY_TIME  # the service-account resource's name


def test_every_template_set_gets_every_configuration():
    assert {"3.5.0", "1.17.1", "1.5.3"} <= set(MATRIX_CHARTS) < set(CHARTS)
    # 3.4.1 changed deployment.yaml (--default-pca-arn); 3.4.2, 3.4.3 and 3.5.0 did not touch these templates.
    assert "3.4.1" not in MATRIX_CHARTS and "3.4.0" in MATRIX_CHARTS
    for chart in set(CHARTS) - set(MATRIX_CHARTS):
        newer = [c for c in MATRIX_CHARTS if CHARTS.index(c) < CHARTS.index(chart)][-1]
        for name in MATRIX_TEMPLATES:
            assert (CHART_DIR / chart / "templates" / name).read_bytes() == (
                CHART_DIR / newer / "templates" / name
            ).read_bytes(), (chart, newer, name)


@pytest.mark.parametrize("chart", CHARTS)
def test_default_release_has_no_service_webhook(render, chart):
    assert service_webhooks(render(chart)) == []


@pytest.mark.parametrize("chart", MATRIX_CHARTS)
def test_service_mutator_webhook_renders_when_enabled(render, chart):
    (webhook,) = service_webhooks(render(chart, enable_service_mutator_webhook=True))
    assert webhook["rules"][0]["resources"] == ["services"]


@pytest.mark.parametrize("chart", MATRIX_CHARTS)
def test_ha_turned_down_renders_no_budget_and_no_spread(render, chart):
    objects = render(chart, replicas=1, pod_disruption_budget=False, zone_spread="off")
    assert one(objects, "Deployment")["spec"]["replicas"] == 1
    assert [o for o in objects if o["kind"] == "PodDisruptionBudget"] == []
    assert "topologySpreadConstraints" not in pod_template(objects)["spec"]


@pytest.mark.parametrize("chart", MATRIX_CHARTS)
def test_one_replica_gets_no_budget_even_when_asked(render, chart):
    # The chart renders the PDB only with 2 or more replicas: a 1-replica PDB would block every drain.
    objects = render(chart, replicas=1)
    assert [o for o in objects if o["kind"] == "PodDisruptionBudget"] == []


@pytest.mark.parametrize("chart", MATRIX_CHARTS)
def test_required_zone_spread_and_more_replicas(render, chart):
    objects = render(chart, replicas=3, zone_spread="required")
    assert one(objects, "Deployment")["spec"]["replicas"] == 3
    (spread,) = pod_template(objects)["spec"]["topologySpreadConstraints"]
    assert spread["whenUnsatisfiable"] == "DoNotSchedule"


@pytest.mark.parametrize("chart", MATRIX_CHARTS)
def test_spread_follows_a_name_override(render, chart):
    template = pod_template(render(chart, helm_values={"nameOverride": "lbc"}))
    (spread,) = template["spec"]["topologySpreadConstraints"]
    assert template["metadata"]["labels"]["app.kubernetes.io/name"] == "lbc"
    assert spread["labelSelector"]["matchLabels"].items() <= template["metadata"]["labels"].items()


@pytest.mark.parametrize("chart", CHARTS)
def test_default_image_is_public_ecr_at_the_charts_app_version(render, chart):
    (container,) = pod_template(render(chart))["spec"]["containers"]
    assert container["image"] == f"public.ecr.aws/eks/aws-load-balancer-controller:{chart_release(chart).controller}"


@pytest.mark.parametrize("chart", MATRIX_CHARTS)
def test_private_registry_image_keeps_the_pinned_tag(render, chart):
    repository = "111122223333.dkr.ecr.ap-northeast-1.amazonaws.com/mirror/aws-load-balancer-controller"
    (container,) = pod_template(render(chart, image_repository=repository))["spec"]["containers"]
    assert container["image"] == f"{repository}:{chart_release(chart).controller}"


@pytest.mark.parametrize("chart", MATRIX_CHARTS)
def test_regional_image_and_tag_override(render, chart):
    (container,) = pod_template(render(chart, image_repository="regional", image_tag="v9.9.9"))["spec"]["containers"]
    assert container["image"] == (
        "602401143452.dkr.ecr.ap-northeast-1.amazonaws.com/amazon/aws-load-balancer-controller:v9.9.9"
    )


@pytest.mark.parametrize("chart", MATRIX_CHARTS)
def test_extra_values_reach_the_objects(render, chart):
    objects = render(chart, helm_values={"podLabels": {"team": "platform"}, "image": {"pullPolicy": "Always"}})
    template = pod_template(objects)
    assert template["metadata"]["labels"]["team"] == "platform"
    assert template["spec"]["containers"][0]["imagePullPolicy"] == "Always"


@pytest.mark.parametrize("chart", CHARTS)
def test_crd_release_renders_the_charts_own_crds_each_kept(require_tool, chart, tmp_path):
    """The generated CRD chart, as the app writes it into the stack folder, rendered by Helm's engine."""
    require_tool(helm_sdk_available(), "helm-python-sdk (pip install helm-python-sdk)")
    import helm_python as helm
    import yaml

    from eks_lbc.app import build_app
    from eks_lbc.constructs.crd_release import CRD_RELEASE_NAME

    cluster = ClusterSettings(cluster_name="demo", region="ap-northeast-1", chart_version=chart)
    build_app(Settings(clusters=(cluster,)), outdir=str(tmp_path)).synth()
    stack_dir = tmp_path / "stacks" / cluster.stack_name
    document = json.loads((stack_dir / "cdk.tf.json").read_text())
    (release,) = [r for r in document["resource"]["helm_release"].values() if r["name"] == CRD_RELEASE_NAME]
    generated = helm.Chart.load(str(stack_dir / release["chart"].replace("${path.module}/", "")))
    assert generated.version == release["version"] == chart
    rendered = generated.render({}, name=release["name"], namespace=release["namespace"])
    ours = [d for _, text in sorted(rendered.items()) for d in yaml.safe_load_all(text) if d]
    # Helm's own view of the controller chart's crds/ folder (the vendored test copy of eks-charts).
    upstream = helm.Chart.load(str(CHART_DIR / chart))
    theirs = [d for f in sorted(upstream.crds, key=lambda f: f["name"]) for d in yaml.safe_load_all(f["data"]) if d]
    assert len(ours) == len(theirs) > 0
    for mine in ours:
        assert mine["metadata"]["annotations"].pop("helm.sh/resource-policy") == "keep"
    assert sorted(ours, key=lambda d: d["metadata"]["name"]) == sorted(theirs, key=lambda d: d["metadata"]["name"])


# Strings that YAML 1.1 (Helm's values reader) would read as booleans or numbers if they were unquoted.
YAML_11_LOOKALIKES = ["y", "n", "no", "on", "1e3", "0o10", "1234e56", "0x1F", "1_000", "010", "~", "null", ".inf"]


@pytest.mark.parametrize("chart", MATRIX_CHARTS)
def test_strings_reach_the_objects_literally(render, chart):
    # The image tag Helm reads as a number when unquoted (1234e56 -> 1.234e+59), labels and annotations
    # it reads as booleans (a `y` label: the API server rejects the Deployment), Terraform template
    # sequences and cdktf's own marker prefixes: all arrive as the same strings.
    labels = {f"l{i}": text for i, text in enumerate(YAML_11_LOOKALIKES)}
    annotations = {
        "template": '${file("/etc/hostname")}',
        "directive": "%{if true}x%{endif}",
        "escaped": "$${x}",
        "list-marker": "#{TfToken[TOKEN.1]}",
        "policy-variable": "&{aws:username}",
        "quote": 'a "b" \\ c\nd',
    }
    objects = render(chart, image_tag="1234e56", helm_values={"podLabels": labels, "podAnnotations": annotations})
    template = pod_template(objects)
    (container,) = template["spec"]["containers"]
    assert container["image"].endswith(":1234e56")
    assert labels.items() <= template["metadata"]["labels"].items()
    assert annotations.items() <= template["metadata"]["annotations"].items()


def release_with_tokens(values):
    from eks_lbc._cdk import TerraformVariable
    from eks_lbc.constructs import ControllerRelease
    from tests.support import new_stack

    stack = new_stack()
    token = TerraformVariable(stack, "runtime", type="string").string_value
    ControllerRelease(
        stack,
        "release",
        cluster_name="demo",
        region="ap-northeast-1",
        vpc_id="vpc-0123456789abcdef0",
        service_account_name="aws-load-balancer-controller",
        namespace="kube-system",
        helm_values=values(token),
    )
    return only(synth(stack), "resource", "helm_release")


@pytest.mark.parametrize("chart", CHARTS[:1])
def test_token_leaves_land_at_their_path_as_one_string(require_tool, chart):
    # A library user's token inside helm_values: at apply time its value goes through `set` (one string),
    # never into the document's text; a token in a list sets that item and keeps the others.
    require_tool(helm_sdk_available(), "helm-python-sdk (pip install helm-python-sdk)")
    release = release_with_tokens(
        lambda token: {
            "podAnnotations": {"example.com/owner": token, "static": "kept"},
            "tolerations": [{"key": "a", "operator": "Exists"}, {"key": token, "operator": "Exists"}],
        }
    )
    template = pod_template(render_release(release, CHART_DIR / release["version"]))
    assert {"example.com/owner": APPLY_TIME, "static": "kept"}.items() <= template["metadata"]["annotations"].items()
    assert template["spec"]["tolerations"] == [
        {"key": "a", "operator": "Exists"},
        {"key": APPLY_TIME, "operator": "Exists"},
    ]
    assert template["spec"]["serviceAccountName"] == "aws-load-balancer-controller"


INGRESS_WEBHOOK = "vingress.elbv2.k8s.aws"


def ingress_webhooks(objects):
    (config,) = [o for o in objects if o["kind"] == "ValidatingWebhookConfiguration"]
    return [w for w in config["webhooks"] if w["name"] == INGRESS_WEBHOOK]


@pytest.mark.parametrize("chart", CHARTS)
def test_ingress_webhook_default_is_the_safest_the_chart_allows(render, chart):
    # Registered for every Ingress of the cluster (no selector by default): with `Fail`, no Ingress of any
    # class can be created or updated while no controller pod is ready. `Ignore` where the chart has the key.
    (webhook,) = ingress_webhooks(render(chart))
    expected = "Ignore" if "ignore" in ingress_webhook.available(chart) else "Fail"
    assert webhook["failurePolicy"] == expected
    assert webhook["rules"][0]["resources"] == ["ingresses"]


@pytest.mark.parametrize("chart", MATRIX_CHARTS)
@pytest.mark.parametrize("choice", ingress_webhook.CHOICES)
def test_ingress_webhook_choices_render_as_chosen_or_are_refused(render, chart, choice):
    if choice not in ingress_webhook.available(chart):
        with pytest.raises(InvalidSetting) as caught:
            render(chart, ingress_validation_webhook=choice)
        assert caught.value.field == "ingress_validation_webhook"
        return
    webhooks = ingress_webhooks(render(chart, ingress_validation_webhook=choice))
    if choice == "off":
        assert webhooks == []
    else:
        (webhook,) = webhooks
        assert webhook["failurePolicy"] == choice.capitalize()


def test_ingress_webhook_choices_follow_the_charts_value_keys():
    # Keyed on the chart's values, so charts added to the table get the right choices without a list here.
    assert ingress_webhook.available("3.5.0") == ("ignore", "fail", "off")
    assert ingress_webhook.available("1.17.1") == ("fail", "off")
    assert ingress_webhook.available("1.5.3") == ("fail",)


def _opted_in_only(webhook) -> bool:
    """The webhook's namespace or object selector requires a label set to `enabled`/`true` (an opt-in)."""
    expressions = [
        e
        for selector in ("namespaceSelector", "objectSelector")
        for e in (webhook.get(selector) or {}).get("matchExpressions") or []
    ]
    return any(e["operator"] == "In" and e["values"] in (["enabled"], ["true"]) for e in expressions)


@pytest.mark.parametrize("chart", CHARTS)
def test_what_the_controller_can_still_block_by_default(render, chart):
    # README "Webhook safety": with the defaults, a `Fail` webhook covers only the controller's own objects
    # (API group elbv2.k8s.aws), namespaces that opted in by label, or Ingresses on charts that cannot Ignore.
    objects = render(chart)
    blocking = [
        w
        for o in objects
        if o["kind"] in ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")
        for w in o["webhooks"]
        if w["failurePolicy"] == "Fail"
    ]
    assert blocking
    for webhook in blocking:
        groups = {g for rule in webhook["rules"] for g in rule["apiGroups"]}
        if groups == {"elbv2.k8s.aws"} or _opted_in_only(webhook):
            continue
        assert webhook["name"] == INGRESS_WEBHOOK and "ignore" not in ingress_webhook.available(chart), webhook["name"]
