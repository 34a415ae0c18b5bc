"""A knowledge base is known by its application_id, other files are left byte for byte as they were,
and nothing in a process drops the POSIX locks SQLite holds on an open knowledge base."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.model import Kind
from kbridge.storage import NotAKnowledgeBaseError, Store
from kbridge.storage.database import APPLICATION_ID


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _browser_history(path: Path, *, application_id: int = 0) -> Path:
    """Another application's database, in rollback-journal mode, as browsers and mail clients keep."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org/')")
    if application_id:
        conn.execute(f"PRAGMA application_id = {application_id}")
    conn.commit()
    conn.close()
    return path


def _application_id(path: Path) -> int:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA application_id").fetchone()[0])
    finally:
        conn.close()


def test_a_new_knowledge_base_carries_kbridge_application_id(tmp_path: Path) -> None:
    KnowledgeBase.init(tmp_path / "new.kbridge").close()
    assert _application_id(tmp_path / "new.kbridge") == APPLICATION_ID


@pytest.mark.parametrize("application_id", [0, 0x4D504246])
def test_another_applications_database_is_refused_and_left_byte_for_byte(tmp_path: Path, application_id: int) -> None:
    path = _browser_history(tmp_path / "places.sqlite", application_id=application_id)
    before = _digest(path)
    with pytest.raises(NotAKnowledgeBaseError, match="another application"):
        KnowledgeBase.open(path)
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["places.sqlite"]  # no -wal, no -shm, no journal
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_an_empty_sqlite_database_of_someone_else_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    conn.execute("PRAGMA page_size = 4096")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("DROP TABLE t")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(NotAKnowledgeBaseError, match="empty SQLite database"):
        Store.open(path)
    assert _digest(path) == before


def test_an_interrupted_create_leaves_an_empty_file_that_opens(tmp_path: Path) -> None:
    path = tmp_path / "half.kbridge"
    path.touch(mode=0o600)
    with KnowledgeBase.open(path) as kb:
        assert kb.uid
    assert _application_id(path) == APPLICATION_ID


def test_an_older_kbridge_file_is_stamped_by_its_next_write_not_by_reading(tmp_path: Path) -> None:
    path = tmp_path / "old.kbridge"
    with KnowledgeBase.init(path) as kb:
        kb.create(Kind.NOTE, title="Written before the application id")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 0")
    conn.commit()
    conn.close()

    with KnowledgeBase.open(path) as kb:
        assert [r.title for r in kb.list_records()] == ["Written before the application id"]
    assert _application_id(path) == 0  # a read changes nothing

    with KnowledgeBase.open(path) as kb:
        kb.create(Kind.NOTE, title="The next write")
    assert _application_id(path) == APPLICATION_ID


def _cli(kb_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kbridge", "--kb", str(kb_path), *args],
        capture_output=True, text=True, timeout=120, env=dict(os.environ), check=False,
    )


def test_reopening_in_the_same_process_keeps_the_lock_while_another_process_comes_and_goes(tmp_path: Path) -> None:
    """The sequence that corrupted files: the window holds the base, one of its jobs opens and
    closes it again, a CLI process writes and exits after a pause, the window writes and closes."""
    path = tmp_path / "shared.kbridge"
    window = KnowledgeBase.init(path)
    window.create(Kind.NOTE, title="Written by the window first")
    assert window.list_records()  # the window's connection reads, holding its shared lock

    job = KnowledgeBase.open(path)  # an index build or a backup on a worker
    job.list_records()
    job.close()
    time.sleep(0.5)

    created = _cli(path, "new", "note", "--title", "Written by the command line")
    assert created.returncode == 0, created.stderr
    time.sleep(0.5)
    # The window's WAL is still the file's WAL: nobody deleted it under the open connection.
    assert Path(f"{path}-wal").exists()

    window.create(Kind.NOTE, title="Written by the window after")
    titles = {r.title for r in window.list_records()}
    assert titles == {"Written by the window first", "Written by the command line", "Written by the window after"}
    window.close()

    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 3
    conn.close()
    listed = _cli(path, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "Written by the window after" in listed.stdout
