from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from kbridge.cli.main import cli
from tests.cli.conftest import Run, as_json


def test_check_is_clean_on_a_healthy_base(run: Run) -> None:
    run("new", "decision", "--title", "A")
    result = run("check", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ok": True, "findings": []}


def test_check_reports_problems_and_exits_1(run: Run) -> None:
    run("new", "person", "--title", "Bob Departed", "--status", "departed")
    run("new", "system", "--title", "Payments", "--owner", "PER-001")
    run("new", "risk", "--title", "Old risk", "--review-by", "2020-01-01")
    result = run("check", "--json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert {(f["category"], f["key"]) for f in findings} == {
        ("departed-owner", "SYS-001"),
        ("overdue-review", "RSK-001"),
        ("recovery-gap", "SYS-001"),  # a system with no RTO
        ("recovery-approver", "SYS-001"),  # and nobody named to decide it is safe to bring back
    }
    text = run("check")
    assert text.exit_code == 1 and "Overdue reviews (1)" in text.stdout


def test_check_on_the_sample(sample_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--kb", str(sample_path), "check", "--json"])
    assert result.exit_code == 1
    categories = {f["category"] for f in json.loads(result.stdout)["findings"]}
    assert {"dangling-link", "overdue-review", "departed-owner", "stale-proposal",
            "control-without-reason"} <= categories
    assert "integrity" not in categories


def test_backup_and_stats(run: Run, tmp_path: Path) -> None:
    run("new", "decision", "--title", "A")
    run("new", "risk", "--title", "R")
    run("link", "ADR-0001", "accepts", "RSK-001")
    out = tmp_path / "backup.kbridge"
    assert run("backup", str(out)).exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o600
    assert [r["key"] for r in as_json(run("list", "--json", kb=out))] == ["ADR-0001", "RSK-001"]
    again = run("backup", str(out))
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert run("backup", str(out), "--force").exit_code == 0
    stats = as_json(run("stats", "--json"))
    assert stats["records"] == 2 and stats["links"] == 1 and stats["kinds"] == {"decision": 1, "risk": 1}
    assert stats["revisions"] == 3  # two creations and the link


def test_check_repair_relinks_dangling_links_whose_target_now_exists(run: Run, kb_path: Path) -> None:
    from kbridge.core import KnowledgeBase

    with KnowledgeBase.open(kb_path) as kb:
        kb.create("decision", "New")
        kb.links.add("ADR-0001", "supersedes", "ADR-0007", allow_dangling=True)
        kb.links.add("ADR-0001", "relates-to", "ADR-0099", allow_dangling=True)
        kb.create("decision", "Old", key="ADR-0007")
    result = run("check", "--repair", "--json")
    data = json.loads(result.stdout)
    assert data["fixed"] == ["ADR-0001: supersedes ADR-0007 now points at the record"]
    assert [(f["category"], f["key"]) for f in data["findings"]] == [("dangling-link", "ADR-0001")]
    assert result.exit_code == 1  # one dangling link is left, and reported
    old = as_json(run("show", "ADR-0007", "--json"))
    assert old["links"][0]["label"] == "superseded by"


def test_check_reports_a_damaged_search_index_and_repair_rebuilds_it(run: Run, kb_path: Path) -> None:
    from kbridge.core import KnowledgeBase

    run("new", "decision", "--title", "Use Vault for secrets")
    assert as_json(run("search", "vault", "--json"))["total"] == 1  # builds the index
    with KnowledgeBase.open(kb_path) as kb:
        folder = kb.search_index.data_directory()
    assert folder is not None
    for file in folder.rglob("*"):
        if file.is_file():
            file.write_bytes(b"garbage" * 10)
    result = run("check", "--json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert [(f["category"], f["message"].split(";")[0]) for f in findings] == [
        ("search-index", "the tantivy search index is unusable")
    ]
    repaired = run("check", "--repair", "--json")
    assert repaired.exit_code == 0, repaired.stdout
    assert any("rebuilt the tantivy search index" in line for line in json.loads(repaired.stdout)["fixed"])
    assert as_json(run("search", "vault", "--json"))["total"] == 1


def test_opening_a_file_from_an_older_kbridge_says_it_is_upgraded_once(run: Run, tmp_path: Path) -> None:
    old = tmp_path / "old.kbridge"
    shutil.copyfile(Path(__file__).resolve().parents[1] / "fixtures" / "kb-schema-v3.kbridge", old)
    first = run("list", kb=old)
    assert first.exit_code == 0, first.stderr
    notice = [line for line in first.stderr.splitlines() if "upgrading" in line]
    assert len(notice) == 1 and str(old) in notice[0]
    again = run("list", kb=old)
    assert again.exit_code == 0 and again.stdout == first.stdout
    assert "upgrading" not in again.stderr
