"""The window's changes reach the search index on a writer thread (the engine's commit off the
GUI thread); its own searches and those of its other connections (the search worker) wait for
them and never take the index for stale meanwhile (which would rebuild it)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase, Settings
from kbridge.core.search_index import SearchIndex
from kbridge.search import ENGINES, SearchResults


@pytest.fixture(params=ENGINES)
def window_kb(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase.init(tmp_path / "team.kbridge", settings=Settings(search_engine=request.param))
    kb.create("decision", "Use HashiCorp Vault for secrets", key="ADR-0001")
    kb.search("vault")  # the index is built and open
    kb.search_index.write_in_background()
    yield kb
    kb.close()


def keys(results: SearchResults) -> list[str]:
    return sorted(hit.key for hit in results.hits)


def test_a_save_is_written_to_the_index_on_the_writer_thread_and_found_at_once(
    window_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    writers: list[str] = []
    original = SearchIndex._update

    def slow_update(self: SearchIndex, *args: object) -> None:
        writers.append(threading.current_thread().name)
        time.sleep(0.3)  # a slow disk: the caller does not wait for it, its next search does
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchIndex, "_update", slow_update)
    window_kb.create("decision", "Rotate the vault unseal keys", key="ADR-0002")
    assert writers and writers[0].startswith("kbridge-index-writer")
    assert keys(window_kb.search("unseal")) == ["ADR-0002"]  # waited for the writer


def test_another_connection_waits_for_the_change_rather_than_rebuilding(
    window_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search worker's connection searches while the window's change is still being written:
    it waits, finds the change, and rebuilds nothing."""
    worker = KnowledgeBase.open(window_kb.path, settings=window_kb.settings)
    try:
        assert keys(worker.search("vault")) == ["ADR-0001"]
        written = threading.Event()
        original = SearchIndex._update

        def slow_update(self: SearchIndex, *args: object) -> None:
            time.sleep(0.4)
            original(self, *args)  # type: ignore[arg-type]
            written.set()

        rebuilds: list[str] = []
        monkeypatch.setattr(SearchIndex, "_update", slow_update)
        monkeypatch.setattr(SearchIndex, "rebuild", lambda self, **kw: rebuilds.append("!") or 0)
        window_kb.create("decision", "Seal the vault in an outage", key="ADR-0003")
        assert not written.is_set()  # still being written when the worker asks
        found: list[list[str]] = []
        asking = threading.Thread(target=lambda: found.append(keys(worker.search("seal"))))
        asking.start()
        asking.join(20)
        assert found == [["ADR-0003"]] and rebuilds == [] and written.is_set()
    finally:
        worker.close()


def test_a_failed_commit_is_not_lost_from_the_database(window_kb: KnowledgeBase,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine fails on the writer thread: the record is saved all the same, and the next
    search finds it (the index, left stale, is rebuilt)."""
    from kbridge.search import IndexUnusableError

    def broken(self: object, *args: object) -> None:
        raise IndexUnusableError("disk full")

    engine = window_kb.search_index.engine()
    monkeypatch.setattr(type(engine), "update", broken)
    window_kb.create("decision", "Keep audit logs for a year", key="ADR-0004")
    monkeypatch.undo()
    assert window_kb.get("ADR-0004").title == "Keep audit logs for a year"
    assert keys(window_kb.search("audit")) == ["ADR-0004"]
