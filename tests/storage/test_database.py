from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kbridge.model import KbridgeError, NotFoundError
from kbridge.storage import MIGRATIONS, NotAKnowledgeBaseError, Store, schema_version


def test_new_file_is_owner_only_wal_with_foreign_keys(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "kb.kbridge", create=True)
    mode = stat.S_IMODE((tmp_path / "kb.kbridge").stat().st_mode)
    assert mode == 0o600
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert schema_version(store.db) == len(MIGRATIONS)
    assert len(store.meta("kb_uid") or "") == 36
    store.close()


def test_missing_file_is_not_created_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        Store.open(tmp_path / "absent.kbridge")
    assert not (tmp_path / "absent.kbridge").exists()


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.kbridge"
    path.write_text("my precious notes\n")
    with pytest.raises(NotAKnowledgeBaseError, match="not a kbridge knowledge base"):
        Store.open(path)
    assert path.read_text() == "my precious notes\n"


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "kb.kbridge", create=True)
    store.db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    store.close()
    with pytest.raises(KbridgeError, match="newer kbridge"):
        Store.open(tmp_path / "kb.kbridge")


def test_reopening_keeps_the_knowledge_base_uid(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "kb.kbridge", create=True)
    uid = store.meta("kb_uid")
    store.close()
    again = Store.open(tmp_path / "kb.kbridge")
    assert again.meta("kb_uid") == uid
    again.close()
