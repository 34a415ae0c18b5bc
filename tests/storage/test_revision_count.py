"""The number of revisions, the search index's freshness stamp, kept rather than counted at every
save (kbridge.storage.revision_count): always the true count, whoever wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.model.listing import ListQuery


def _true_count(kb: KnowledgeBase) -> int:
    return int(kb._store.db.execute("SELECT count(*) FROM revisions").fetchone()[0])


def _counts_asked(kb: KnowledgeBase) -> list[str]:
    asked: list[str] = []
    kb._store.db.conn.set_trace_callback(
        lambda sql: asked.append(sql) if "count(*) FROM revisions" in sql else None
    )
    return asked


def test_saves_are_added_without_counting_again(tmp_path: Path) -> None:
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    first = kb.create("decision", "Use Vault")
    assert kb._store.count_revisions() == _true_count(kb)
    asked = _counts_asked(kb)
    for number in range(5):
        kb.update(first.key, body=f"change {number}")
    with kb.transaction():
        kb.create("decision", "Rotate keys")
        kb.create("system", "Payments")
    assert kb._store.count_revisions() == 8
    assert asked == [], "the revisions were counted again after this connection's own saves"
    kb.close()


def test_an_undone_transaction_and_an_undone_savepoint_are_not_added(tmp_path: Path) -> None:
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    kb.create("decision", "Use Vault")
    assert kb._store.count_revisions() == 1
    with pytest.raises(RuntimeError), kb.transaction():
        kb.create("decision", "Never saved")
        raise RuntimeError("undone")
    assert kb._store.count_revisions() == _true_count(kb) == 1
    store = kb._store
    with store.atomic():
        kb.create("decision", "Saved")
        with pytest.raises(RuntimeError), store.atomic():
            kb.create("decision", "Undone inside")
            raise RuntimeError("savepoint undone")
    assert store.count_revisions() == _true_count(kb)
    kb.close()


def test_another_connection_and_a_restore_are_seen(tmp_path: Path) -> None:
    path = tmp_path / "kb.kbridge"
    window = KnowledgeBase.init(path)
    window.create("decision", "Use Vault")
    assert window._store.count_revisions() == 1
    with KnowledgeBase.open(path) as command_line:
        command_line.create("decision", "Rotate keys")
        command_line.create("decision", "Audit access")
    assert window._store.count_revisions() == _true_count(window) == 3
    backup = window.maintenance.backup(tmp_path / "backup.kbridge")
    window.create("decision", "After the backup")
    assert window._store.count_revisions() == 4
    window.maintenance.replace_content_from(backup)
    assert window._store.count_revisions() == _true_count(window) == 3
    window.close()


def test_a_connection_that_only_reads_never_counts_the_revisions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker's connection (choosers, list filters, checks) reads; the count that dates the
    search index is read before a connection's first change only (200 ms at a million records)."""
    from kbridge.storage.store import Store

    path = tmp_path / "kb.kbridge"
    with KnowledgeBase.init(path) as kb:
        kb.create("decision", "Use Vault", body="We keep secrets in Vault.")
        kb.reindex()
    counted: list[Store] = []
    real = Store.count_revisions
    monkeypatch.setattr(Store, "count_revisions", lambda store: counted.append(store) or real(store))
    with KnowledgeBase.open(path) as reader:
        assert [r.title for r in reader.list_records()] == ["Use Vault"]
        assert reader.listing.count(ListQuery()) == 1
        assert counted == []
        reader.create("decision", "Rotate keys")
        assert counted, "a change was made without the stamp it started from"


def test_the_first_save_after_opening_keeps_the_index_without_rebuilding_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kb.kbridge"
    with KnowledgeBase.init(path) as kb:
        record = kb.create("decision", "Use Vault", body="We keep secrets in Vault.")
        kb.reindex()
    from kbridge.core.search_index import SearchIndex

    def no_rebuild(*_args: object, **_kwargs: object) -> int:
        raise AssertionError("the index was rebuilt")

    monkeypatch.setattr(SearchIndex, "rebuild", no_rebuild)
    with KnowledgeBase.open(path) as kb:
        kb.update(record.key, body="We keep secrets in Vault, rotated monthly.")
        assert kb.search_index.status() == "fresh"
        assert [hit.key for hit in kb.search("rotated").hits] == [record.key]
