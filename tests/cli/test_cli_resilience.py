"""`incident-plan`, `tick`, `exercise`, `scorecard`, `brief` and `export --format pack` through the real
click entry point, on the sample."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner, Result

from kbridge.cli.main import cli
from kbridge.core import KnowledgeBase


def kbridge(kb: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--kb", str(kb), *args])


def test_incident_plan_as_text_and_json(sample_path: Path) -> None:
    text = kbridge(sample_path, "incident-plan", "INC-006")
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    assert "affects SYS-005; 5 systems to restore; 5 of 22 done" in lines[1]
    assert any(line.strip().startswith("[x] SYS-005/step/1") and "Aiko Brennan" in line for line in lines)
    assert any("Daniel Achterberg (PER-004) has left" in line for line in lines)
    data = json.loads(kbridge(sample_path, "incident-plan", "INC-006", "--json").stdout)
    assert data["incident"]["key"] == "INC-006" and (data["done"], data["total"]) == (5, 22)
    first = data["systems"][0]
    assert (first["key"], first["why"], first["rto"], first["approver"]["phone"]) == (
        "SYS-005", "affected", "2h", "+44 20 7946 0101")
    assert first["criteria"][1]["done"] and first["criteria"][1]["by"] == "Hannah Vogt"
    assert [s["key"] for s in first["criteria"][0]["sources"]] == ["CTL-011"]


def test_tick_and_untick_from_the_command_line(sample_path: Path) -> None:
    done = kbridge(sample_path, "tick", "INC-006", "SYS-001/criterion/4")
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("SYS-001/criterion/4  ticked by tester at ")
    again = kbridge(sample_path, "tick", "INC-006", "SYS-001/criterion/4")
    assert again.exit_code == 1 and again.stderr.startswith("kbridge: SYS-001/criterion/4 is already ticked")
    undone = kbridge(sample_path, "tick", "INC-006", "SYS-001/criterion/4", "--undo")
    assert undone.exit_code == 0 and "unticked" in undone.stdout
    history = json.loads(kbridge(sample_path, "history", "INC-006", "--json").stdout)
    assert [h["reason"].split(":")[0] for h in history[-2:]] == ["ticked SYS-001/criterion/4",
                                                                 "unticked SYS-001/criterion/4"]
    wrong = kbridge(sample_path, "incident-plan", "SYS-001")
    assert wrong.exit_code == 1 and "an incident plan starts from an incident" in wrong.stderr


def test_recording_an_exercise_clears_the_overdue_finding(sample_path: Path) -> None:
    today = dt.date(2026, 11, 26).isoformat()
    made = kbridge(sample_path, "exercise", "SYS-006", "--type", "test", "--result", "passed",
                   "--date", "2026-11-20", "--recovery-time", "55m")
    assert made.exit_code == 0, made.output
    key = made.stdout.strip()
    with KnowledgeBase.open(sample_path) as kb:
        event = kb.get(key)
        assert (event.kind.value, event.date, event.fields) == (
            "event", "2026-11-20", {"exercise": "test", "result": "passed", "recovery_time": "55m"})
        assert event.title == "Test of the recovery of HashiCorp Vault"
        assert "SYS-006" not in {f.key for f in kb.maintenance.check(dt.date(2026, 11, 26)).findings
                                 if f.category == "overdue-exercise"}
    card = json.loads(kbridge(sample_path, "scorecard", "--today", today, "--json").stdout)
    figures = {f["id"]: f for f in card["figures"]}
    assert figures["exercised"]["text"] == "4 of 4 (100%)" and figures["rto-met"]["text"] == "3 of 4 (75%)"
    bad = kbridge(sample_path, "exercise", "SYS-006", "--type", "test", "--result", "passed", "--date",
                  "2026-11-20", "--recovery-time", "soon")
    assert bad.exit_code == 1 and "not a duration" in bad.stderr


def test_scorecard_text_and_json(sample_path: Path) -> None:
    card = json.loads(kbridge(sample_path, "scorecard", "--today", "2026-11-26", "--json").stdout)
    figures = {f["id"]: f for f in card["figures"]}
    assert figures["exercised"]["missing"] == [{
        "key": "SYS-006", "title": "HashiCorp Vault",
        "note": "last exercised 2026-03-10 (test, EVT-018); review period 6 months: overdue since 2026-09-09"}]
    assert figures["controls-reasoned"]["text"] == "13 of 14 (93%)"
    assert len(figures["playbook"]["trend"]) == 1  # the sample was built in one day
    text = kbridge(sample_path, "scorecard", "--today", "2026-11-26").stdout
    assert "3 of 4 (75%)" in text and "SYS-006  HashiCorp Vault: last exercised 2026-03-10" in text


def test_brief_and_pack_write_where_they_are_told(sample_path: Path, tmp_path: Path) -> None:
    brief = kbridge(sample_path, "brief", "--system", "SYS-002", "--format", "html", str(tmp_path / "ledger.html"))
    assert brief.exit_code == 0 and brief.stdout.strip() == str(tmp_path / "ledger.html")
    assert "Resilience brief: Ledger database (PostgreSQL)" in (tmp_path / "ledger.html").read_text()
    wrong = kbridge(sample_path, "brief", "--format", "pdf", str(tmp_path / "ledger.html"))
    assert wrong.exit_code == 1 and "does not end in .pdf" in wrong.stderr
    (tmp_path / "a-file").write_text("mine")
    refused = kbridge(sample_path, "export", "--format", "pack", str(tmp_path / "a-file"))
    assert refused.exit_code == 1 and "is a file" in refused.stderr
    assert (tmp_path / "a-file").read_text() == "mine"
    pack = json.loads(kbridge(sample_path, "export", "--format", "pack", str(tmp_path / "pack"), "--json").stdout)
    assert pack["written"] == ["incident-pack.html", "incident-pack.pdf"]
    assert (tmp_path / "pack" / "incident-pack.pdf").read_bytes().startswith(b"%PDF-")
