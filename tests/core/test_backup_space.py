"""Automatic backups never fill the disk (kbridge/core/backups.py): they take at most
`backups_max_gb` per knowledge base, a copy leaves its disk RESERVE_MIN and twice the base's size
free (the oldest copies make room, the newest stays), and when there is no room no copy is taken:
a change goes on and says so, a restore does not happen."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbridge.cli.main import cli
from kbridge.core import KnowledgeBase, backups
from kbridge.core.backups import NoRoomForBackupError, auto_backup, copy_size, list_backups, restore_backup
from kbridge.core.settings import Settings, load_settings, settings_path

START = dt.datetime(2026, 3, 1, 8, 0)


class Disk:
    """The free space the backups' disk reports (a real one is far larger than a test's files)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, free: int) -> None:
        self.free = free
        monkeypatch.setattr(backups, "free_bytes", lambda _folder: self.free)
        monkeypatch.setattr(backups, "RESERVE_MIN", 0)


def take_hourly(kb: KnowledgeBase, count: int, first_hour: int = 0) -> list[Path]:
    taken = []
    for hour in range(first_hour, first_hour + count):
        now = START + dt.timedelta(hours=hour)
        kb.create("note", f"written in hour {hour}")  # an unchanged base is not copied again
        path = auto_backup(kb, now=now)
        assert path is not None
        os.utime(path, (now.timestamp(), now.timestamp()))
        taken.append(path)
    return taken


def test_the_copies_of_one_base_stay_within_backups_max_gb(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    kb.create("note", "worth keeping", body="words " * 2000)
    taken = take_hourly(kb, 1)
    monkeypatch.setattr(backups, "GB", int(taken[0].stat().st_size * 2.5))  # "1 GB" holds two copies, not three
    kb.settings.backups_max_gb = 1
    taken += take_hourly(kb, 4, first_hour=1)
    assert list_backups(kb) == taken[:-3:-1]
    kb.settings.backups_max_gb = 0  # no cap: the count alone
    more = take_hourly(kb, 3, first_hour=5)
    assert list_backups(kb) == [*more[::-1], *taken[:-3:-1]]


def test_a_base_larger_than_the_cap_keeps_its_newest_copy(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backups, "GB", 10)  # every copy is over "1 GB"
    kb.settings.backups_max_gb = 1
    taken = take_hourly(kb, 3)
    assert list_backups(kb) == [taken[-1]]


def test_the_oldest_copies_make_room_for_a_new_one(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    kb.create("note", "worth keeping")
    disk = Disk(monkeypatch, free=10**12)
    taken = take_hourly(kb, 4)
    kb.create("note", "written in hour 4")
    need = copy_size(kb.path)
    disk.free = 3 * need - taken[0].stat().st_size  # the copy leaves the disk 2 sizes free once the oldest is gone
    newest = auto_backup(kb, now=START + dt.timedelta(hours=4))
    assert newest is not None
    assert list_backups(kb) == [newest, *taken[:0:-1]]  # only the oldest went
    assert not taken[0].exists()


def test_no_room_takes_no_copy_and_removes_nothing(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    disk = Disk(monkeypatch, free=10**12)
    taken = take_hourly(kb, 3)
    kb.create("note", "changed since")
    disk.free = copy_size(kb.path)  # even with the two older copies gone, not three sizes free
    said = r"^the automatic backup was not taken: only .* free on its disk \(.* is kept free\); free some space"
    with pytest.raises(NoRoomForBackupError, match=said):
        auto_backup(kb, now=START + dt.timedelta(hours=9))
    assert list_backups(kb) == taken[::-1]


def test_a_change_goes_on_without_its_backup_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "full-disk.kbridge"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(path)]).exit_code == 0
    Disk(monkeypatch, free=0)
    done = runner.invoke(cli, ["--kb", str(path), "new", "note", "--title", "saved anyway"])
    assert done.exit_code == 0, done.output
    warnings = [line for line in done.stderr.splitlines() if "backup" in line]
    assert len(warnings) == 1 and warnings[0].startswith("kbridge: the automatic backup was not taken: ")
    with KnowledgeBase.open(path) as kb:
        assert [record.title for record in kb.list_records()] == ["saved anyway"]
        assert list_backups(kb) == []


def test_a_restore_without_room_for_its_safety_copy_changes_nothing(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb.create("note", "before")
    disk = Disk(monkeypatch, free=10**12)
    (backup,) = take_hourly(kb, 1)
    kb.create("note", "after")
    disk.free = copy_size(kb.path)
    with pytest.raises(NoRoomForBackupError, match=r"^the copy of what a restore replaces was not taken"):
        restore_backup(kb, backup)
    assert sorted(record.title for record in kb.list_records()) == ["after", "before", "written in hour 0"]
    assert list_backups(kb) == [backup]


def test_the_cap_is_a_setting() -> None:
    assert Settings().backups_max_gb == 20
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text(json.dumps({"backups_max_gb": 5}), encoding="utf-8")
    assert load_settings().backups_max_gb == 5
    settings_path().write_text(json.dumps({"backups_max_gb": -1, "backups_kept": 3}), encoding="utf-8")
    assert (load_settings().backups_max_gb, load_settings().backups_kept) == (20, 3)  # only the bad value is not used


def test_the_window_names_the_backups_folder_from_the_home_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from kbridge import paths

    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    assert paths.shown_path(tmp_path / ".local" / "share" / "kbridge" / "backups") == "~/.local/share/kbridge/backups"
    assert paths.shown_path(Path("/srv/kbridge/backups")) == "/srv/kbridge/backups"
