"""A large knowledge base searches on a worker from the first keystroke, the worker's connection
and index opened in the background when the window opens (at the first search they cost it
100 ms at a million records); a change saved meanwhile by the CLI is found."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.jobs import search_service
from kbridge.ui.window import search_binding
from tests.ui.answers import integrity_check, window_on


def test_every_search_of_a_large_base_runs_on_a_warm_worker(
    qtbot: QtBot, sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(search_binding, "WORKER_BYTES", 0)  # every file counts as large
    threads: list[str] = []
    opened_on: list[str] = []
    original_search = search_service.WorkerSearcher.search
    original_warm = search_service.WorkerSearcher.warm

    def search(self: search_service.WorkerSearcher, query: str, limit: int) -> search_service.SearchOutcome:
        threads.append(threading.current_thread().name)
        return original_search(self, query, limit)

    def warm(self: search_service.WorkerSearcher) -> None:
        opened_on.append(threading.current_thread().name)
        original_warm(self)

    monkeypatch.setattr(search_service.WorkerSearcher, "search", search)
    on_gui_thread: list[str] = []  # the window's own searcher: never asked, not even for facets
    monkeypatch.setattr(search_service.IndexSearcher, "search",
                        lambda self, query, limit: on_gui_thread.append(query))
    monkeypatch.setattr(search_service.IndexSearcher, "facets", lambda self, query: on_gui_thread.append(query))
    monkeypatch.setattr(search_service.WorkerSearcher, "warm", warm)
    path = sample_kb.path
    sample_kb.close()
    window = window_on(qtbot, path)
    # Until its index is built, a large file's searches are answered from the list (interim_search).
    qtbot.waitUntil(lambda: isinstance(window.search.searcher, search_service.IndexSearcher)
                    and not window.search.warming, timeout=20000)
    main = threading.current_thread().name
    assert opened_on and opened_on[0] != main  # opened in the background, before any key
    QTest.keyClicks(window.search_field, "vault")
    qtbot.waitUntil(lambda: window.search.latest is not None and window.search.latest.query == "vault",
                    timeout=10000)
    assert window.search.latest.hits and threads and all(name != main for name in threads)
    qtbot.wait(300)  # a person reads the hits; the CLI records a decision meanwhile
    done = subprocess.run([sys.executable, "-m", "kbridge", "--kb", str(path), "new", "decision", "--title",
                           "Quokka rotation policy"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    window.search_field.clear()
    QTest.keyClicks(window.search_field, "quokka")
    qtbot.waitUntil(lambda: window.search.latest is not None and window.search.latest.query == "quokka",
                    timeout=20000)
    assert [hit.title for hit in window.search.latest.hits] == ["Quokka rotation policy"]
    assert all(name != main for name in threads) and len(threads) >= 2 and on_gui_thread == []
    window.close()
    assert integrity_check(path) == "ok"
