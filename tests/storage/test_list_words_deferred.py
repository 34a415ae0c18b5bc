"""The list's word index deferred while a batch adds many records (`list_words.deferred`, used by
an import's batches through `KnowledgeBase.transaction(bulk=True)`): what the filter finds is what
the triggers would have indexed, however the batch's records and the ones before change, and a
failure leaves the index and its triggers as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.model import Kind
from kbridge.model.listing import ListQuery
from kbridge.storage import list_words
from tests.storage.sql_rows import rebuilt_word_vocabulary, rows, word_vocabulary
from tests.storage.test_listing import _assert_the_python_list, varied  # noqa: F401  (a fixture)


def _triggers(kb: KnowledgeBase) -> list[tuple[str, str]]:
    return [(str(name), str(sql)) for name, sql in
            rows(kb.path, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]


def _temporary_triggers(kb: KnowledgeBase) -> int:
    db = kb._store.db
    return int(db.execute("SELECT count(*) FROM sqlite_temp_master WHERE type = 'trigger'").fetchone()[0])


def test_a_bulk_batch_indexes_its_records_as_the_triggers_would(varied: KnowledgeBase, tmp_path: Path) -> None:  # noqa: F811
    triggers = _triggers(varied)
    with varied.transaction(bulk=True):
        added = [varied.create(Kind.DECISION, f"Bulk ledger {n}", tags=["bulk"] if n % 2 else [],
                               owner="PER-2" if n % 3 else None, status="accepted" if n % 4 else None).key
                 for n in range(30)]
        varied.update(added[0], title="Renamed reconciliation")  # added, then changed
        varied.delete(added[1])  # added, then to the trash
        varied.update("ADR-1", title="Older ledger", tags=["Écriture"])  # there before
        varied.update("PER-2", title="Brünhilde Weiß")  # the owner of records of both kinds renamed
        varied.delete("SYS-2")
        varied.undelete("ADR-0100")
        assert _temporary_triggers(varied) == 3
    assert _triggers(varied) == triggers and _temporary_triggers(varied) == 0
    for words in (("ledger",), ("bulk",), ("reconciliation",), ("brunhilde",), ("older",), ("rotation",)):
        _assert_the_python_list(varied, ListQuery(words=words))
        _assert_the_python_list(varied, ListQuery(words=words, trash=True))
    _assert_the_python_list(varied, ListQuery(tag="bulk"))
    _assert_the_python_list(varied, ListQuery(tag="Écriture"))
    _assert_the_python_list(varied, ListQuery(status="accepted", words=("ledger",)))
    assert word_vocabulary(varied.path) == rebuilt_word_vocabulary(varied.path, tmp_path / "rebuilt.kbridge")
    varied.create(Kind.DECISION, "Afterwards")  # written as usual again: indexed by the triggers
    _assert_the_python_list(varied, ListQuery(words=("afterwards",)))
    assert rows(varied.path, "PRAGMA integrity_check") == [("ok",)]


def test_a_failed_bulk_batch_leaves_the_index_and_its_triggers_as_they_were(
    varied: KnowledgeBase, tmp_path: Path  # noqa: F811
) -> None:
    triggers, vocabulary = _triggers(varied), word_vocabulary(varied.path)
    with pytest.raises(OSError, match="disk full"), varied.transaction(bulk=True):
        varied.create(Kind.DECISION, "Never ledger")
        varied.update("ADR-1", title="Never renamed")
        raise OSError("disk full")
    assert _triggers(varied) == triggers and _temporary_triggers(varied) == 0
    assert word_vocabulary(varied.path) == vocabulary
    varied.update("ADR-1", title="Renamed at last")
    _assert_the_python_list(varied, ListQuery(words=("renamed",)))
    assert word_vocabulary(varied.path) == rebuilt_word_vocabulary(varied.path, tmp_path / "rebuilt.kbridge")


def test_a_bulk_batch_inside_another_defers_once(varied: KnowledgeBase) -> None:  # noqa: F811
    with varied.transaction(bulk=True), varied.transaction(bulk=True):
        key = varied.create(Kind.DECISION, "Nested ledger").key
    assert [r.key for r in varied.listing.window(ListQuery(words=("nested",)), 0, 5)] == [key]


def test_the_word_index_is_deferred_inside_a_transaction_only(kb: KnowledgeBase) -> None:
    with pytest.raises(RuntimeError, match="inside a transaction"), list_words.deferred(kb._store.db):
        pass
    assert not kb._store.db.conn.in_transaction
