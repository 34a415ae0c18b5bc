from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Run, as_json


def test_new_prints_the_key_alone(run: Run) -> None:
    result = run("new", "decision", "--title", "Use Postgres")
    assert result.exit_code == 0
    assert result.stdout == "ADR-0001\n"
    assert run("new", "control", "--title", "MFA", "--rationale", "Phishing").stdout == "CTL-001\n"


def test_new_with_json_gives_the_show_shape(run: Run, tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    body.write_text("## Context\n\nWe need a database.\n")
    data = as_json(run(
        "new", "decision", "--title", "Use Postgres", "--status", "accepted", "--date", "2024-03-01",
        "--tag", "db", "--tag", "Storage", "--field", "deciders=[Ann, Bob]", "--body-file", str(body), "--json",
    ))
    assert data["key"] == "ADR-0001" and data["status"] == "accepted" and data["date"] == "2024-03-01"
    assert data["tags"] == ["db", "storage"]
    assert data["fields"] == {"deciders": ["Ann", "Bob"]}
    assert data["body"] == "## Context\n\nWe need a database.\n"
    assert data["links"] == [] and data["source"] is None
    assert set(data) >= {"uid", "kind", "title", "owner", "review_by"}


def test_new_from_template_and_superseding(run: Run) -> None:
    run("new", "decision", "--title", "Use RabbitMQ", "--status", "accepted")
    new = as_json(run("new", "decision", "--title", "Use Kafka", "--template", "madr",
                      "--supersedes", "ADR-0001", "--json"))
    assert "## Considered Options" in new["body"]
    assert new["links"] == [{"type": "supersedes", "label": "supersedes", "direction": "out",
                             "key": "ADR-0001", "title": "Use RabbitMQ", "dangling": False}]
    old = as_json(run("show", "ADR-0001", "--json"))
    assert old["status"] == "superseded"
    assert old["links"][0]["label"] == "superseded by" and old["links"][0]["direction"] == "in"


def test_set_changes_fields_and_makes_a_revision(run: Run) -> None:
    run("new", "person", "--title", "Alice Martin")
    run("new", "control", "--title", "MFA", "--rationale", "Phishing")
    result = run("set", "CTL-001", "--status", "implemented", "--owner", "PER-001",
                 "--review-by", "2027-01-01", "--field", "rationale=Phishing", "--reason", "rolled out")
    assert result.exit_code == 0, result.stderr
    data = as_json(run("show", "ctl-1", "--json"))
    assert (data["status"], data["owner"], data["review_by"]) == ("implemented", "PER-001", "2027-01-01")
    assert data["fields"] == {"rationale": "Phishing"}
    history = as_json(run("history", "CTL-001", "--json"))
    assert [h["rev"] for h in history] == [1, 2]
    assert history[1]["reason"] == "rolled out" and history[1]["author"] == "tester"
    assert set(history[0]) == {"rev", "author", "at", "reason", "title", "status"}


def test_edit_replaces_the_body_from_a_file_or_stdin(run: Run, tmp_path: Path) -> None:
    run("new", "note", "--title", "Runbook")
    assert run("edit", "NOTE-001", "--body-file", "-", input="Step 1\n").exit_code == 0
    assert as_json(run("show", "NOTE-001", "--json"))["body"] == "Step 1\n"
    missing = run("edit", "NOTE-001", "--body-file", str(tmp_path / "absent.md"))
    assert missing.exit_code == 1 and "No such file or directory" in missing.stderr
    assert as_json(run("show", "NOTE-001", "--json"))["body"] == "Step 1\n"


def test_link_show_unlink(run: Run) -> None:
    run("new", "control", "--title", "MFA", "--rationale", "Phishing")
    run("new", "risk", "--title", "Account takeover")
    assert run("link", "CTL-001", "mitigates", "RSK-001", "--note", "primary").exit_code == 0
    risk = as_json(run("show", "RSK-001", "--json"))
    assert [(x["label"], x["key"], x["direction"]) for x in risk["links"]] == [("mitigated by", "CTL-001", "in")]
    text = run("show", "RSK-001").stdout
    assert "mitigated by CTL-001  MFA" in text
    assert run("unlink", "CTL-001", "mitigates", "RSK-001").exit_code == 0
    assert as_json(run("show", "RSK-001", "--json"))["links"] == []


def test_list_filters_and_json_shape(run: Run) -> None:
    run("new", "decision", "--title", "A", "--status", "accepted", "--tag", "pci")
    run("new", "decision", "--title", "B")
    run("new", "control", "--title", "C", "--tag", "pci", "--rationale", "PCI DSS asks for it")
    rows = as_json(run("list", "--json"))
    assert [r["key"] for r in rows] == ["CTL-001", "ADR-0001", "ADR-0002"]
    assert set(rows[0]) == {"uid", "key", "kind", "title", "status", "date", "tags", "owner"}
    assert [r["key"] for r in as_json(run("list", "--kind", "decision", "--status", "accepted", "--json"))] == [
        "ADR-0001"
    ]
    assert [r["key"] for r in as_json(run("list", "--tag", "pci", "--json"))] == ["CTL-001", "ADR-0001"]
    text = run("list", "--kind", "decision").stdout
    assert "ADR-0002" in text and "CTL-001" not in text


def test_delete_and_undelete(run: Run) -> None:
    run("new", "decision", "--title", "A")
    assert run("delete", "ADR-0001").exit_code == 0
    assert as_json(run("list", "--json")) == []
    assert [r["key"] for r in as_json(run("list", "--deleted", "--json"))] == ["ADR-0001"]
    assert as_json(run("show", "ADR-0001", "--json"))["deleted"] is True
    assert run("undelete", "ADR-0001").exit_code == 0
    assert [r["key"] for r in as_json(run("list", "--json"))] == ["ADR-0001"]


def test_history_diff_restore(run: Run) -> None:
    run("new", "decision", "--title", "A", "--body-file", "-", input="first\n")
    run("edit", "ADR-0001", "--body-file", "-", input="second\n")
    diff = run("diff", "ADR-0001", "1", "2")
    assert "-first" in diff.stdout and "+second" in diff.stdout
    assert run("restore", "ADR-0001", "1").exit_code == 0
    assert as_json(run("show", "ADR-0001", "--json"))["body"] == "first\n"
    assert [h["rev"] for h in as_json(run("history", "ADR-0001", "--json"))] == [1, 2, 3]
