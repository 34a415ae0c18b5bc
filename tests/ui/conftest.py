from __future__ import annotations

import os
from collections.abc import Callable, Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QPoint, Qt, QThreadPool, QTimer
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtWidgets import QApplication, QMessageBox, QTableView, QTextBrowser, QWidget
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.model import Record
from kbridge.ui.gc_guard import collect_on_gui_thread, uninstall
from kbridge.ui.jobs import list_filter
from kbridge.ui.models.record_table_model import KEY
from kbridge.ui.window.main_window import MainWindow
from tests.ui.answers import Answers, answers  # noqa: F401  (a fixture of every UI test)


@pytest.fixture(scope="module", autouse=True)
def garbage_collected_on_the_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the app: cycles are collected on the GUI thread, never by a worker thread (which
    would destroy widgets off the GUI thread). Python's own collector returns after the module."""
    collect_on_gui_thread(qapp)
    yield
    QThreadPool.globalInstance().waitForDone(30000)
    uninstall()


class _DialogSweeper:
    """After a test, dialogs still open (a failed test's, or an unsaved-changes prompt raised while
    qtbot closes the windows) are cancelled, so that a failure can never hang the suite."""

    def __init__(self) -> None:
        self.active = False
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self.sweep)
        self.timer.start()

    def sweep(self) -> None:
        dialog = QApplication.activeModalWidget()
        if not self.active or dialog is None:
            return
        discard = dialog.button(QMessageBox.StandardButton.Discard) if isinstance(dialog, QMessageBox) else None
        if discard is not None:
            discard.click()  # an unsaved-changes prompt: let the window close
        elif hasattr(dialog, "reject"):
            dialog.reject()
        else:
            dialog.close()


_SWEEPER: list[_DialogSweeper] = []


@pytest.fixture(autouse=True)
def list_filters_on_the_gui_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """The record list filters on a worker once a filter has been slow (over 25 ms), which a busy
    test machine reaches at random: tests see the list change at once, as on a quick machine,
    except those of the worker itself (tests/ui/test_list_filter_worker.py), which lower it."""
    monkeypatch.setattr(list_filter, "SLOW_SECONDS", 60.0)
    monkeypatch.setattr(list_filter, "LARGE_LIST", 10**9)


@pytest.fixture(autouse=True)
def dialog_sweeper(qtbot: QtBot) -> Iterator[_DialogSweeper]:
    if not _SWEEPER:
        _SWEEPER.append(_DialogSweeper())
    sweeper = _SWEEPER[0]
    sweeper.active = False
    yield sweeper


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    # Before pytest-qt closes the test's widgets (its own teardown hook), so a prompt raised by
    # closing a window with unsaved changes is answered.
    if _SWEEPER:
        _SWEEPER[0].active = True


@pytest.fixture
def empty_window(qtbot: QtBot) -> MainWindow:
    """A window with no knowledge base open (the welcome page)."""
    main = MainWindow(None)
    qtbot.addWidget(main)
    main.resize(1200, 800)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def window(qtbot: QtBot, sample_kb: KnowledgeBase) -> Iterator[MainWindow]:
    main = MainWindow(sample_kb)
    qtbot.addWidget(main)
    main.resize(1300, 820)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.jobs.wait()


def menu_action(window: MainWindow, menu: str, text: str) -> QAction:
    """An action as a person finds it: in the menu bar's menu `menu`, by its text (without `&`)."""
    top = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == menu)
    return next(a for a in top.actions() if a.text().replace("&", "") == text)


def click_row(qtbot: QtBot, window: MainWindow, key: str) -> None:
    """Click the list row of `key`, as a person would."""
    table: QTableView = window.findChild(QTableView, "recordList")
    for row in range(window.model.rowCount()):
        index = window.model.index(row, KEY)
        if index.data() == key:
            table.scrollTo(index)
            rect = table.visualRect(index)
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return
    raise AssertionError(f"{key} is not in the list")


def click_text(qtbot: QtBot, view: QTextBrowser, text: str) -> None:
    """Click on the first occurrence of `text` in a text view, like a person clicking a link."""
    cursor = view.document().find(text, 0, QTextDocument.FindFlag.FindCaseSensitively)
    assert not cursor.isNull(), f"{text!r} is not shown"
    cursor.setPosition(cursor.selectionStart() + 1)
    view.setTextCursor(cursor)
    view.ensureCursorVisible()
    point: QPoint = view.cursorRect(cursor).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def when_modal(action: Callable[[QWidget], None], *, timeout_ms: int = 10000) -> list[QWidget]:
    """Run `action` on the next modal dialog that opens (a dialog's exec() blocks the test), the
    way a person would answer it. Returns a list that holds the dialog once it was seen."""
    seen: list[QWidget] = []
    waited = [0]

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            waited[0] += 20
            if waited[0] < timeout_ms:
                QTimer.singleShot(20, poll)
            return
        seen.append(dialog)
        action(dialog)

    QTimer.singleShot(0, poll)
    return seen


def press_button(button: QMessageBox.StandardButton) -> Callable[[QWidget], None]:
    """Answer a message box by clicking one of its standard buttons."""

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox), f"expected a message box, got {dialog!r}"
        dialog.button(button).click()

    return answer


def superseded_pair(kb: KnowledgeBase) -> tuple[str, str]:
    """A superseded decision of the sample and the decision that superseded it."""
    for record in kb.list_records(kind="decision", status="superseded"):
        newer = [link for link in kb.links.of(record.key) if link.label == "superseded by"]
        if newer:
            return record.key, newer[0].key
    raise AssertionError("the sample has no superseded decision")


def shown(window: MainWindow) -> Record | None:
    return window.current_record()
