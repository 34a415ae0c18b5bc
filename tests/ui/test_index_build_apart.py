"""A knowledge base whose search index is missing (a file copied from a colleague, a new machine)
gets it built when the window opens it: for a large file in a process of its own
(kbridge.ui.jobs.apart), whose memory goes back to the system when it ends (at a million records
the build held 2.3 GB of the window and its interpreter for a minute), while the window answers."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.core.search_index import index_root
from kbridge.ui.jobs import apart
from kbridge.ui.window.main_window import MainWindow
from tests.ui.answers import integrity_check


@pytest.mark.parametrize("large", [True, False])
def test_a_missing_index_is_built_apart_for_a_large_file_and_searched(
    qtbot: QtBot, sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, large: bool
) -> None:
    shutil.rmtree(index_root(sample_kb.uid), ignore_errors=True)
    assert sample_kb.search_index.status() == "missing"
    if large:
        monkeypatch.setattr(apart, "APART_BYTES", 1)  # this file counts as large
    ran_apart: list[str] = []
    real = apart.run_apart

    def recording(work: Callable[..., Any], *args: Any, **options: Any) -> Any:
        ran_apart.append(work.__name__)
        return real(work, *args, **options)

    monkeypatch.setattr(apart, "run_apart", recording)
    window = MainWindow(sample_kb)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitUntil(lambda: window.index_label.text() == "Search index: ready", timeout=60000)
    assert ("build_index" in ran_apart) is large
    qtbot.wait(500)  # a person looks, then searches
    window.search_field.setText("vault")
    qtbot.waitUntil(lambda: window.search.latest is not None and window.search.latest.query == "vault",
                    timeout=20000)
    assert window.search.latest.hits  # type: ignore[union-attr]
    assert sample_kb.search_index.status() == "fresh"
    window.jobs.wait()
    assert integrity_check(sample_kb.path) == "ok"


def test_plain_words_are_answered_from_the_list_while_the_index_is_built(
    qtbot: QtBot, sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build takes a minute at a million records; meanwhile a query of plain words is answered
    from keys, titles, statuses, owners and tags, saying so, and any other query waits for the
    index; then the full answer replaces it. (A small file's build ends first: it says to wait.)"""
    import threading

    from kbridge.ui.jobs import search_service

    shutil.rmtree(index_root(sample_kb.uid), ignore_errors=True)
    release = threading.Event()
    real_build = search_service.build_index

    def held_build(*args: Any, **kwargs: Any) -> int:
        assert release.wait(30)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(search_service, "build_index", held_build)
    from kbridge.ui.window import search_binding

    monkeypatch.setattr(search_binding, "build_index", held_build)
    monkeypatch.setattr(search_binding, "WORKER_BYTES", 0)  # a large file: its build takes a minute
    window = MainWindow(sample_kb)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitUntil(lambda: window.ready)
    assert window.index_label.text() == "Search index: building…"
    expected = {r.key for r in sample_kb.list_records() if "vault" in r.title.lower()}
    assert expected  # the sample has such titles
    window.search_field.setText("vault")
    qtbot.waitUntil(lambda: window.search.latest is not None and window.search.latest.query == "vault")
    interim = window.search.latest
    assert interim is not None and "being built" in interim.note
    assert expected <= {hit.key for hit in interim.hits} and interim.total >= len(expected)
    assert "being built" in window.search_results.summary.text()
    failures: list[str] = []
    window.search.search_failed.connect(failures.append)
    window.search_field.setText("vault -kafka")  # a query that only the index answers truly
    qtbot.waitUntil(lambda: bool(failures))
    assert "being built" in failures[-1] and window.search_results.model.rowCount() == 0
    window.search_field.setText("vault")
    release.set()
    qtbot.waitUntil(lambda: window.index_label.text() == "Search index: ready", timeout=60000)
    qtbot.waitUntil(lambda: window.search.latest is not None and window.search.latest.note == ""
                    and window.search.latest.query == "vault", timeout=20000)
    assert window.search.latest.hits and "being built" not in window.search_results.summary.text()  # type: ignore[union-attr]
    window.jobs.wait()
    assert integrity_check(sample_kb.path) == "ok"
