"""The report's two forms: one text line per check per cluster, and --json against its published schema."""

import json
import re

import jsonschema
import pytest

from eks_lbc.preflight.checks import CHECKS
from eks_lbc.preflight.model import ClusterReport, Report, Result, Status
from eks_lbc.preflight.report import as_dict, as_json, as_text, schema

pytestmark = pytest.mark.runtime("cdktf")

LINE = re.compile(r"^(ok|warn|unknown|fail) +(\S+) +(\S+) +(.+?)(?: \| fix: (.+))?$")


def sample() -> Report:
    results = tuple(Result(c.id, Status.OK, f"{c.id} found") for c in CHECKS)
    broken = (
        Result("cluster", Status.OK, "ACTIVE"),
        Result(
            "oidc-provider",
            Status.FAIL,
            "arn:aws:iam::1:oidc-provider/x exists",
            "oidcProvider: existing",
            {"providerArn": "arn:aws:iam::1:oidc-provider/x"},
        ),
        Result("webhook-port", Status.UNKNOWN, "ec2:DescribeInstances denied (AccessDenied)"),
        Result("imds-hop-limit", Status.WARN, "1 of 2 node(s)", "none needed"),
    )
    return Report(
        (
            ClusterReport("prod", "eu-west-1", "eks-lbc-prod", "123456789012", results),
            ClusterReport("staging-long-name", "us-east-1", "eks-lbc-staging-long-name", None, broken),
        )
    )


def test_one_line_per_check_per_cluster_then_a_summary():
    report = sample()
    *lines, summary = as_text(report).splitlines()
    assert len(lines) == len(CHECKS) + 4
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), [line for line, m in zip(lines, parsed, strict=True) if not m]
    assert [(m[1], m[2], m[3]) for m in parsed[-4:]] == [
        ("ok", "staging-long-name", "cluster"),
        ("fail", "staging-long-name", "oidc-provider"),
        ("unknown", "staging-long-name", "webhook-port"),
        ("warn", "staging-long-name", "imds-hop-limit"),
    ]
    assert parsed[-3][5] == "oidcProvider: existing"
    assert parsed[0][5] is None  # no fix on an ok line
    # Columns line up: the found text starts at the same place on every line.
    assert len({line.index(m[4]) for line, m in zip(lines, parsed, strict=True)}) == 1
    assert summary == (
        "eks-lbc preflight: 2 cluster(s) in account 123456789012, unknown: "
        f"{len(CHECKS) + 1} ok, 1 warn, 1 unknown, 1 fail -> exit 1"
    )


def test_json_follows_the_schema_and_says_the_exit_code():
    document = json.loads(as_json(sample()))
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(document, schema())
    assert document["status"] == "fail" and document["exitCode"] == 1
    assert document["counts"] == {"ok": len(CHECKS) + 1, "warn": 1, "unknown": 1, "fail": 1}
    assert document["clusters"][1]["checks"][1] == {
        "check": "oidc-provider",
        "status": "fail",
        "found": "arn:aws:iam::1:oidc-provider/x exists",
        "fix": "oidcProvider: existing",
        "details": {"providerArn": "arn:aws:iam::1:oidc-provider/x"},
    }
    assert document["clusters"][1]["account"] is None


def test_the_schema_names_every_check_and_status_and_refuses_others():
    properties = schema()["properties"]["clusters"]["items"]["properties"]["checks"]["items"]["properties"]
    assert properties["check"]["enum"] == [c.id for c in CHECKS]
    assert schema()["$defs"]["status"]["enum"] == [s.value for s in Status]
    document = as_dict(sample())
    document["clusters"][0]["checks"][0]["status"] = "skipped"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema())


def test_exit_codes():
    assert sample().exit_code == 1
    ok = Report(
        (
            ClusterReport(
                "a",
                "eu-west-1",
                "eks-lbc-a",
                None,
                (Result("cluster", Status.WARN, "x"), Result("iam-names", Status.UNKNOWN, "y")),
            ),
        )
    )
    assert ok.exit_code == 0 and ok.status is Status.UNKNOWN
