"""An automatic backup is not taken again of a knowledge base unchanged since the newest one
(kbridge/core/backups.py: at a million records each copy is 5.5 GB and a minute of the disk), and
is taken after any change: a save seen in the write-ahead log, a change checkpointed into the file
by another process that closed it, a file replaced by another. Copies are made at the lowest
priority when asked (kbridge/storage/low_priority.py)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbridge.cli.main import cli
from kbridge.core import KnowledgeBase, backups
from kbridge.core.backups import auto_backup, backup_dir, list_backups, unchanged_since, verify_backup
from kbridge.storage import low_priority, store
from kbridge.storage.low_priority import at_low_priority

START = dt.datetime(2026, 3, 1, 8, 0)
HOUR = dt.timedelta(hours=1)


def settle(path: Path) -> None:
    """Date the knowledge base's file and log an hour back, as if last written then: a change
    within backups.RACY_SECONDS is never taken for no change."""
    then = time.time() - 3600
    for part in (path, path.with_name(path.name + "-wal")):
        if part.exists():
            os.utime(part, (then, then))


def take(kb: KnowledgeBase, at: dt.datetime) -> Path | None:
    """An automatic backup at `at` on the simulated clock (its file dated then)."""
    taken = auto_backup(kb, now=at)
    if taken is not None:
        os.utime(taken, (at.timestamp(), at.timestamp()))
    return taken


def test_an_unchanged_base_is_not_copied_again_even_days_later(kb: KnowledgeBase) -> None:
    kb.create("note", "written once")
    settle(kb.path)
    first = take(kb, START)
    assert first is not None and unchanged_since(first, kb.path)
    assert take(kb, START + 72 * HOUR) is None
    assert list_backups(kb) == [first]


def test_a_save_after_the_backup_is_copied_whether_just_now_or_long_ago(kb: KnowledgeBase) -> None:
    kb.create("note", "first")
    settle(kb.path)
    first = take(kb, START)
    kb.create("note", "saved a moment ago")  # within RACY_SECONDS: never taken for no change
    second = take(kb, START + 2 * HOUR)
    assert second is not None
    kb.create("note", "saved an hour ago")
    settle(kb.path)
    third = take(kb, START + 4 * HOUR)
    assert third is not None and list_backups(kb) == [third, second, first]
    with KnowledgeBase.open(third) as copy:
        assert "saved an hour ago" in {record.title for record in copy.list_records()}


def test_the_window_and_the_command_line_taking_turns(tmp_path: Path) -> None:
    """Opened and closed again without a change: no copy; the command line changed it (its log
    checkpointed into the file and removed when it closed): a copy."""
    path = tmp_path / "turns.kbridge"
    with KnowledgeBase.init(path) as kb:
        kb.create("decision", "Use SQLite")
    settle(path)
    with KnowledgeBase.open(path) as kb:
        first = take(kb, START)
    with KnowledgeBase.open(path) as kb:
        assert take(kb, START + 2 * HOUR) is None
    done = CliRunner().invoke(cli, ["--kb", str(path), "new", "note", "--title", "from the command line"])
    assert done.exit_code == 0, done.output
    assert not path.with_name(path.name + "-wal").exists()  # its change is in the file itself now
    settle(path)
    with KnowledgeBase.open(path) as kb:
        second = take(kb, START + 3 * HOUR)
        assert second is not None and list_backups(kb) == [second, first]


def test_a_file_put_in_its_place_is_copied(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.create("note", "the original")
    settle(kb.path)
    first = take(kb, START)
    other = tmp_path / "other.kbridge"
    shutil.copy2(kb.path, other)  # the same size and time, another file (git checkout, a copy back)
    os.replace(other, kb.path)
    assert first is not None and not unchanged_since(first, kb.path)
    assert take(kb, START + 2 * HOUR) is not None


@pytest.mark.parametrize("note", ["not json", '{"backup": 3}', "[]", '{"backup": "x.kbridge", "state": null}'])
def test_a_damaged_note_means_a_copy_is_taken(kb: KnowledgeBase, note: str) -> None:
    kb.create("note", "kept")
    settle(kb.path)
    first = take(kb, START)
    (backup_dir(kb) / "newest-backup.json").write_text(note)
    assert first is not None and not unchanged_since(first, kb.path)
    assert take(kb, START + 2 * HOUR) is not None


def test_a_planted_link_for_the_note_is_not_read_nor_written_through(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.create("note", "kept")
    settle(kb.path)
    first = take(kb, START)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text((backup_dir(kb) / "newest-backup.json").read_text())
    note = backup_dir(kb) / "newest-backup.json"
    note.unlink()
    note.symlink_to(elsewhere)
    assert first is not None and not unchanged_since(first, kb.path)
    before = elsewhere.read_text()
    second = take(kb, START + 2 * HOUR)  # taken, and the note not written through the link
    assert second is not None and elsewhere.read_text() == before and note.is_symlink()
    assert take(kb, START + 4 * HOUR) is not None  # no note to spare a copy: one is taken


def test_a_copy_taken_during_a_change_is_taken_again(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """How the base stood is read before the copy: a save during it makes the next one differ."""
    kb.create("note", "before")
    settle(kb.path)
    copy = kb.maintenance.backup

    def copy_while_someone_saves(out: Path, **options: bool) -> Path:
        written = copy(out, **options)
        kb.create("note", "saved during the copy")
        settle(kb.path)
        return written

    monkeypatch.setattr(kb.maintenance, "backup", copy_while_someone_saves)
    first = take(kb, START)
    monkeypatch.undo()
    assert first is not None and not unchanged_since(first, kb.path)
    assert take(kb, START + 2 * HOUR) is not None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own priority is Linux's")
def test_low_priority_work_runs_on_a_lowered_thread_and_the_caller_keeps_its_own() -> None:
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen = at_low_priority(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
    assert seen == low_priority.LOWEST_NICENESS
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine


def test_low_priority_work_raises_its_error_on_the_caller() -> None:
    def fails() -> None:
        raise ValueError("the copy failed")

    with pytest.raises(ValueError, match="the copy failed"):
        at_low_priority(fails)


def test_the_windows_backup_is_copied_at_low_priority_and_usable(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kbridge.ui.jobs import formats_adapter

    kb.create("decision", "Copied slowly")
    priorities: list[int] = []
    lowered = store.at_low_priority

    def spy(work):  # type: ignore[no-untyped-def]
        def watched():  # type: ignore[no-untyped-def]
            priorities.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
            return work()

        return lowered(watched)

    monkeypatch.setattr(store, "at_low_priority", spy)
    monkeypatch.setattr(backups, "RACY_SECONDS", 0)
    taken = formats_adapter.auto_backup(kb.path)
    assert taken is not None and verify_backup(taken) == kb.uid
    expected = low_priority.LOWEST_NICENESS if sys.platform.startswith("linux") else priorities[:1][0]
    assert priorities == [expected]
