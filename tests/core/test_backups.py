from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbridge.cli.main import cli
from kbridge.core import KnowledgeBase
from kbridge.core.backups import auto_backup, backup_dir, list_backups, restore_backup
from kbridge.model import Changes, ConflictError, ValidationError


def test_auto_backup_rotates_and_is_owner_only(kb: KnowledgeBase) -> None:
    kb.create("note", "keep me")
    start = dt.datetime(2026, 1, 1, 9, 0)
    first = auto_backup(kb, keep=3, now=start)
    assert first is not None and stat.S_IMODE(first.stat().st_mode) == 0o600
    os.utime(first, (start.timestamp(), start.timestamp()))
    assert stat.S_IMODE(backup_dir(kb).stat().st_mode) == 0o700
    assert auto_backup(kb, keep=3, now=start + dt.timedelta(minutes=5)) is None  # too soon
    for hours in range(1, 5):
        kb.create("note", f"written in hour {hours}")  # an unchanged base is not copied again
        path = auto_backup(kb, keep=3, now=start + dt.timedelta(hours=hours))
        assert path is not None
        # mtime orders the rotation; make it follow the simulated clock
        stamp = (start + dt.timedelta(hours=hours)).timestamp()
        os.utime(path, (stamp, stamp))
    kept = list_backups(kb)
    assert len(kept) == 3
    assert not first.exists()
    assert auto_backup(kb, keep=0) is None


def test_restore_backup_checks_first_and_keeps_the_current_content(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.create("decision", "Before")
    snapshot = kb.maintenance.backup(tmp_path / "snap.kbridge")
    kb.update("ADR-0001", title="After")
    kb.create("note", "Written after the backup")
    heard: list[Changes] = []
    kb.subscribe(heard.append)
    safety, changes = restore_backup(kb, snapshot)
    assert [r.title for r in kb.list_records()] == ["Before"]
    assert heard and heard[0].deleted and heard[0].updated
    with KnowledgeBase.open(safety) as previous:
        assert sorted(r.title for r in previous.list_records()) == ["After", "Written after the backup"]
    assert changes.changes.deleted and changes.changes == heard[0]


def test_restore_refuses_damaged_foreign_or_non_backups(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.create("decision", "Mine")
    junk = tmp_path / "junk.kbridge"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    for bad in (junk, text):
        with pytest.raises(ValidationError):
            restore_backup(kb, bad)
    other = KnowledgeBase.init(tmp_path / "other.kbridge")
    other.create("note", "Someone else's")
    other.close()
    with pytest.raises(ConflictError, match="another knowledge base"):
        restore_backup(kb, tmp_path / "other.kbridge")
    assert [r.title for r in kb.list_records()] == ["Mine"]
    with pytest.raises(ValidationError, match="itself"):
        restore_backup(kb, kb.path)


def test_cli_restore_backup_and_automatic_backups(tmp_path: Path) -> None:
    path = tmp_path / "cli.kbridge"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(path)]).exit_code == 0
    assert runner.invoke(cli, ["--kb", str(path), "new", "decision", "--title", "One"]).exit_code == 0
    listed = runner.invoke(cli, ["--kb", str(path), "backups", "--json"])
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 1  # taken on first write
    copy = tmp_path / "copy.kbridge"
    assert runner.invoke(cli, ["--kb", str(path), "backup", str(copy)]).exit_code == 0
    runner.invoke(cli, ["--kb", str(path), "new", "decision", "--title", "Two"])
    result = runner.invoke(cli, ["--kb", str(path), "restore-backup", str(copy)])
    assert result.exit_code == 0, result.stderr
    assert "previous content is kept in" in result.stderr
    shown = runner.invoke(cli, ["--kb", str(path), "list", "--json"])
    assert [r["title"] for r in json.loads(shown.stdout)] == ["One"]
