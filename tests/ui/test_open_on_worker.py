"""A large knowledge base is opened on a worker (its connection, the revision count that dates
its search index, the index): File > Open returns at once, the window shows the file when it is
ready, the newest opening wins, and a file that cannot be opened says why and changes nothing."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.window import file_commands
from kbridge.ui.window.main_window import MainWindow
from tests.ui.answers import Answers, integrity_check, window_on
from tests.ui.conftest import menu_action


@pytest.fixture
def every_file_large(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every file counts as large; lists whether each KnowledgeBase.open ran on the GUI thread."""
    monkeypatch.setattr(file_commands, "WORKER_BYTES", 0)
    on_gui_thread: list[bool] = []
    opener = KnowledgeBase.open.__func__  # type: ignore[attr-defined]

    def watched_open(cls: type[KnowledgeBase], *args: object, **kwargs: object) -> KnowledgeBase:
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return opener(cls, *args, **kwargs)

    monkeypatch.setattr(KnowledgeBase, "open", classmethod(watched_open))
    return on_gui_thread


def test_file_open_of_a_large_file_opens_it_on_a_worker_with_its_index(
    qtbot: QtBot, answers: Answers, sample_kb: KnowledgeBase, tmp_path: Path, every_file_large: list[bool]
) -> None:
    path = tmp_path / "large.kbridge"
    sample_kb.close()
    shutil.copyfile(sample_kb.path, path)
    with KnowledgeBase.open(path) as kb:
        kb.reindex()
    every_file_large.clear()
    window = window_on(qtbot, None)
    answers.files["Open knowledge base"] = path
    menu_action(window, "File", "Open knowledge base…").trigger()
    assert window.kb is None and window.count_label.text() == "Opening…"
    qtbot.waitUntil(lambda: window.ready, timeout=20000)
    assert window.kb is not None and window.kb.path == path
    assert every_file_large and not any(every_file_large), "the file was opened on the GUI thread"
    assert window.kb.search_index._open, "its fresh search index was not opened with it"
    assert window.model.rowCount() == len(window.kb.list_records())
    assert answers.errors == []
    window.close()
    assert integrity_check(path) == "ok"


def test_the_newest_opening_wins_and_the_other_file_is_closed(
    qtbot: QtBot, answers: Answers, sample_kb: KnowledgeBase, tmp_path: Path, every_file_large: list[bool]
) -> None:
    sample_kb.close()
    first, second = tmp_path / "first.kbridge", tmp_path / "second.kbridge"
    shutil.copyfile(sample_kb.path, first)
    shutil.copyfile(sample_kb.path, second)
    window = window_on(qtbot, None)
    assert window.file_commands.open_path(first) and window.file_commands.open_path(second)
    qtbot.waitUntil(lambda: window.ready, timeout=20000)
    window.jobs.wait()
    qtbot.wait(50)
    assert window.kb is not None and window.kb.path == second
    # The first one, opened too, was closed rather than kept (its lock given back): it opens again.
    with KnowledgeBase.open(first) as again:
        assert again.list_records()
    assert answers.errors == []
    window.close()


def test_a_damaged_large_file_says_why_and_the_open_one_stays(
    qtbot: QtBot, answers: Answers, window: MainWindow, tmp_path: Path, every_file_large: list[bool]
) -> None:
    damaged = tmp_path / "damaged.kbridge"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x07" * 8000)
    shown = window.kb
    assert shown is not None
    rows = window.model.rowCount()
    answers.files["Open knowledge base"] = damaged
    menu_action(window, "File", "Open knowledge base…").trigger()
    qtbot.waitUntil(lambda: bool(answers.errors), timeout=20000)
    assert "damaged.kbridge" in answers.errors[0]
    assert "Traceback" not in answers.errors[0]
    assert window.kb is shown and window.model.rowCount() == rows
    assert window.file_commands.close_kb.isEnabled() and window.search_field.isEnabled()
    assert damaged.read_bytes().startswith(b"SQLite format 3\x00" + b"\x07" * 10)


def test_cancel_while_a_large_file_opens_leaves_it_closed_and_shows_the_welcome_page(
    qtbot: QtBot, answers: Answers, sample_kb: KnowledgeBase, tmp_path: Path, every_file_large: list[bool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "large.kbridge"
    sample_kb.close()
    shutil.copyfile(sample_kb.path, path)
    held = threading.Event()
    opener = KnowledgeBase.open

    def slow_open(*args: object, **kwargs: object) -> KnowledgeBase:
        held.wait(10)
        return opener(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(KnowledgeBase, "open", slow_open)
    window = window_on(qtbot, None)
    assert window.file_commands.open_path(path)
    assert window.jobs.current is not None
    window.jobs.bar.cancel_button.click()  # the status bar's Cancel, as a person would
    held.set()
    qtbot.waitUntil(lambda: window.jobs.current is None, timeout=10000)
    qtbot.wait(50)
    assert window.kb is None and window.pages.currentWidget() is window.welcome
    monkeypatch.undo()
    with KnowledgeBase.open(path) as again:  # closed again by the job: nothing holds it
        assert again.list_records()
    assert answers.errors == []
    window.close()
