"""Crash safety, power-cut style damage and two writers: each test can fail, none is timed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from kbridge.core import KnowledgeBase

REPO = Path(__file__).resolve().parents[2]


def test_sigkill_during_saves_loses_no_committed_revision() -> None:
    """The real crash script, at CI size (the README's figure comes from --kills 200)."""
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "crash_safety.py"), "--kills", "8", "--seed", "7", "--json"],
        capture_output=True, text=True, timeout=300,
    )
    figures = json.loads(result.stdout)
    assert figures["revisions_acknowledged"] >= 4  # kills landed while it was writing
    assert figures["revisions_lost"] == 0
    assert figures["integrity_or_index_failures"] == 0
    assert result.returncode == 0


def _wal_snapshot(tmp_path: Path) -> tuple[Path, Path, int]:
    """A knowledge base whose latest transactions live only in its WAL, copied as a crash would
    leave it: (copy of the database, copy of its WAL, records committed)."""
    path = tmp_path / "live.kbridge"
    kb = KnowledgeBase.init(path)
    kb._store.db.execute("PRAGMA wal_autocheckpoint = 0")  # keep everything in the WAL
    for number in range(40):
        kb.create("note", f"note {number}", body="text " * 200)
    crashed = tmp_path / "crashed.kbridge"
    shutil.copyfile(path, crashed)
    shutil.copyfile(f"{path}-wal", f"{crashed}-wal")
    kb.close()
    return crashed, Path(f"{crashed}-wal"), 40


def test_truncated_wal_recovers_to_a_consistent_earlier_state(tmp_path: Path) -> None:
    crashed, wal, committed = _wal_snapshot(tmp_path)
    size = wal.stat().st_size
    with wal.open("r+b") as handle:
        handle.truncate(size * 2 // 3 + 17)  # a cut in the middle of a frame
    with KnowledgeBase.open(crashed) as kb:
        assert kb.maintenance.integrity_problems() == []
        survivors = kb.list_records()
        assert 0 < len(survivors) < committed
        # Whatever survived is whole: every record has its revision, in order.
        for record in survivors:
            assert [r.rev for r in kb.history.revisions(record.uid)] == [1]
        kb.create("note", "life goes on")


def test_intact_wal_replays_every_commit(tmp_path: Path) -> None:
    crashed, _, committed = _wal_snapshot(tmp_path)
    with KnowledgeBase.open(crashed) as kb:
        assert kb.maintenance.integrity_problems() == []
        assert len(kb.list_records()) == committed


WRITER = r"""
import sys
from kbridge.core import KnowledgeBase
kb = KnowledgeBase.open(sys.argv[1])
for number in range(60):
    uid = kb.create("note", f"{sys.argv[2]} {number}").uid
    kb.update(uid, body=f"edited by {sys.argv[2]}")
print("done", flush=True)
"""


def test_two_processes_writing_at_once_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / "shared.kbridge"
    KnowledgeBase.init(path).close()
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), name], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for name in ("gui", "cli")
    ]
    outputs = [writer.communicate(timeout=300) for writer in writers]
    for writer, (out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
        assert "database is locked" not in err
        assert out.strip() == "done"
    with KnowledgeBase.open(path) as kb:
        titles = [record.title for record in kb.list_records()]
        assert len(titles) == 120
        assert sum(title.startswith("gui ") for title in titles) == 60
        assert kb.maintenance.integrity_problems() == []
