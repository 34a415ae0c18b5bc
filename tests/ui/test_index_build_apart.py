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
