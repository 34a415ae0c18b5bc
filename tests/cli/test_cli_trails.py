"""`kbridge why | impact | timeline | restore-order | reassign` through the real click entry point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kbridge.cli.main import cli


def run(sample_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--kb", str(sample_path), *args])


def as_json(result: Result) -> Any:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_why_json_follows_the_contract(sample_path: Path) -> None:
    data = as_json(run(sample_path, "why", "CTL-001", "--json"))
    assert {"key", "title", "reasons"} <= set(data) and data["key"] == "CTL-001"
    top = {(r["via"], r["key"], r["kind"]) for r in data["reasons"]}
    assert top == {
        ("mitigates", "RSK-001", "risk"),
        ("implements", "REQ-004", "requirement"),
        ("motivated by", "INC-001", "incident"),
        ("motivated by", "ADR-0017", "decision"),
    }
    adr = next(r for r in data["reasons"] if r["key"] == "ADR-0017")
    assert {r["key"] for r in adr["reasons"]} == {"RSK-001", "INC-001", "ADR-0008"}
    for reason in adr["reasons"]:
        assert {"key", "kind", "title", "via", "reasons"} <= set(reason)


def test_why_text_is_a_tree_with_link_types(sample_path: Path) -> None:
    result = run(sample_path, "why", "CTL-001", "--depth", "2")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("CTL-001  Secrets are never stored")
    assert any(line.startswith("├─ mitigates RSK-001") for line in lines)
    assert any("└─ supersedes ADR-0008" in line and "[superseded by ADR-0017]" in line for line in lines)
    assert any("… 3 more (raise --depth" in line for line in lines)  # ADR-0008's reasons


def test_impact_json(sample_path: Path) -> None:
    data = as_json(run(sample_path, "impact", "RSK-001", "--json", "--depth", "1"))
    assert {(d["via"], d["key"]) for d in data["dependents"]} == {
        ("mitigated by", "CTL-001"), ("mitigated by", "CTL-002"),
        ("motivates", "ADR-0008"), ("motivates", "ADR-0017"),
    }
    assert all(d["more"] > 0 for d in data["dependents"] if d["key"].startswith("ADR"))


def test_timeline_json_in_date_order(sample_path: Path) -> None:
    data = as_json(run(sample_path, "timeline", "SYS-004", "--json"))
    assert data["key"] == "SYS-004" and data["title"] == "Kafka event bus"
    dates = [entry["date"] for entry in data["entries"]]
    assert dates == sorted(dates)
    events = as_json(run(sample_path, "timeline", "SYS-004", "--kind", "event", "--json"))
    # events/EVT-*.md affecting SYS-004: Kafka live, RabbitMQ gone, KRaft.
    assert [(e["date"], e["key"]) for e in events["entries"]] == [
        ("2021-10-25", "EVT-004"), ("2022-04-11", "EVT-005"), ("2025-08-18", "EVT-017"),
    ]
    assert set(events["entries"][0]) >= {"key", "kind", "title", "date", "via"}


def test_restore_order_json(sample_path: Path) -> None:
    data = as_json(run(sample_path, "restore-order", "--json"))
    assert [step["key"] for step in data["order"]][:2] == ["SYS-003", "SYS-006"]
    assert [step["position"] for step in data["order"]] == list(range(1, 9))
    first = data["order"][0]
    assert set(first) == {
        "position", "wave", "key", "title", "status", "criticality", "rto", "rpo", "owner", "approver",
        "depends_on", "governing", "gaps", "cycle",
    }
    assert {"key": "SYS-008", "gap": "no RTO"} in data["gaps"]
    assert {"key": "SYS-007", "gap": "no owner"} in data["gaps"]
    assert data["cycles"] == [] and data["system"] is None
    one = as_json(run(sample_path, "restore-order", "SYS-002", "--json"))
    assert [step["key"] for step in one["order"]] == ["SYS-003", "SYS-006", "SYS-002"]


def test_restore_order_text(sample_path: Path) -> None:
    result = run(sample_path, "restore-order")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].split()[:3] == ["1", "1", "SYS-003"]
    assert "SYS-008  no RTO" in result.stdout


def test_reassign(sample_path: Path) -> None:
    result = run(sample_path, "reassign", "PER-004", "PER-005", "SYS-004", "--reason", "Daniel left")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("SYS-004  Kafka event bus")
    shown = as_json(run(sample_path, "show", "SYS-004", "--json"))
    assert shown["owner"] == "PER-005"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["why", "CTL-999"], 1, "no record 'CTL-999'"),
        (["impact", "nope"], 1, "no record 'nope'"),
        (["timeline", "ADR-0017"], 1, "a timeline is drawn for a system; ADR-0017 is a decision"),
        (["restore-order", "CTL-001"], 1, "restore-order takes a system"),
        (["reassign", "PER-002", "PER-004"], 1, "has left"),
        (["why"], 2, "Missing argument"),
        (["why", "CTL-001", "--depth", "0"], 2, "--depth"),
        (["timeline", "SYS-001", "--kind", "people"], 2, "--kind"),
    ],
)
def test_errors(sample_path: Path, args: list[str], code: int, message: str) -> None:
    result = run(sample_path, *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert result.stdout == ""
