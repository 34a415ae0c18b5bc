"""Automatic backups are pruned to the `backups_kept` setting (default 20 per knowledge base),
never the newest; a restore's safety copy counts among them."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from click.testing import CliRunner

from kbridge.cli.main import cli
from kbridge.core import KnowledgeBase
from kbridge.core.backups import auto_backup, list_backups, prune_backups, restore_backup
from kbridge.core.settings import Settings, settings_path

START = dt.datetime(2026, 3, 1, 8, 0)


def take_hourly(kb: KnowledgeBase, count: int, *, keep: int | None = None) -> list[Path]:
    """`count` automatic backups an hour apart, of a base changed each hour (an unchanged one is
    not copied again); file times follow the simulated clock."""
    taken = []
    for hour in range(count):
        now = START + dt.timedelta(hours=hour)
        kb.create("note", f"written in hour {hour}")
        path = auto_backup(kb, keep=keep, now=now)
        assert path is not None
        os.utime(path, (now.timestamp(), now.timestamp()))
        taken.append(path)
    return taken


def test_twenty_are_kept_by_default_the_oldest_go_first(kb: KnowledgeBase) -> None:
    assert Settings().backups_kept == 20 == kb.settings.backups_kept
    kb.create("note", "worth keeping")
    taken = take_hourly(kb, 23)
    assert list_backups(kb) == taken[::-1][:20]
    assert not any(path.exists() for path in taken[:3])


def test_the_newest_is_never_pruned(kb: KnowledgeBase) -> None:
    taken = take_hourly(kb, 3)
    assert prune_backups(kb, 0) == taken[1::-1]
    assert list_backups(kb) == [taken[-1]]


def test_the_setting_is_read_from_settings_json(tmp_path: Path) -> None:
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text(json.dumps({"backups_kept": 2}), encoding="utf-8")
    with KnowledgeBase.init(tmp_path / "kept.kbridge") as kb:
        assert kb.settings.backups_kept == 2
        take_hourly(kb, 4)
        assert len(list_backups(kb)) == 2
    path = tmp_path / "cli.kbridge"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(path)]).exit_code == 0
    assert runner.invoke(cli, ["--kb", str(path), "new", "note", "--title", "one"]).exit_code == 0
    listed = runner.invoke(cli, ["--kb", str(path), "backups", "--json"])
    assert len(json.loads(listed.stdout)) == 1


def test_a_restore_prunes_too_and_keeps_its_safety_copy(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.settings.backups_kept = 3
    kb.create("note", "before")
    taken = take_hourly(kb, 3)
    safety, _changes = restore_backup(kb, taken[0])
    kept = list_backups(kb)
    assert len(kept) == 3 and safety in kept and taken[0] not in kept
