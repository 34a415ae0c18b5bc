"""Answering the window's dialogs the way a person would, so that tests can trigger the real actions.

File choosers return the path prepared for their title (or nothing: the person cancelled), message
boxes answer as told, and every other modal dialog is answered by a function registered for its
class (default: Cancel). Error dialogs are recorded, so that a test can fail on any of them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.dialogs.errors import ERROR_DIALOG_NAME
from kbridge.ui.window.main_window import MainWindow

Button = QMessageBox.StandardButton


@dataclass
class Answers:
    files: dict[str, Path] = field(default_factory=dict)  # file chooser title -> the path chosen
    replies: dict[str, Button] = field(default_factory=dict)  # question title -> the button pressed
    dialogs: dict[str, Callable[[QWidget], None]] = field(default_factory=dict)  # class name -> answer
    errors: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)  # every dialog title or class seen, in order

    def choose(self, caption: str) -> str:
        self.asked.append(caption)
        path = self.files.get(caption)
        return str(path) if path is not None else ""

    def reply(self, title: str, default: Button) -> Button:
        self.asked.append(title)
        return self.replies.get(title, default)


def _answer_modal(answers: Answers) -> None:
    popup = QApplication.activePopupWidget()
    if popup is not None:  # a menu shown by an action (the status chip's): Escape
        answers.asked.append(type(popup).__name__)
        popup.close()
        return
    dialog = QApplication.activeModalWidget()
    if dialog is None or not dialog.isVisible():
        return
    name = type(dialog).__name__
    if isinstance(dialog, QMessageBox):
        text = f"{dialog.windowTitle()}: {dialog.text()}"
        answers.asked.append(dialog.windowTitle())
        if dialog.objectName() == ERROR_DIALOG_NAME or dialog.icon() in (
            QMessageBox.Icon.Critical, QMessageBox.Icon.Warning
        ):
            answers.errors.append(text)
        button = answers.replies.get(dialog.windowTitle())
        target = dialog.button(button) if button is not None else None
        (target.click() if target is not None else dialog.reject())
        return
    answers.asked.append(name)
    answer = answers.dialogs.get(name)
    if answer is not None:
        answer(dialog)
    elif isinstance(dialog, QDialog):
        dialog.reject()
    else:
        dialog.close()


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Answers]:
    """The window's dialogs answered (see the module's docstring); `answers.errors` lists the
    error dialogs shown."""
    result = Answers()

    def save_file(_parent: object, caption: str = "", *_args: object, **_kwargs: object) -> tuple[str, str]:
        return result.choose(caption), ""

    def directory(_parent: object, caption: str = "", *_args: object, **_kwargs: object) -> str:
        return result.choose(caption)

    def question(_parent: object, title: str, _text: str, *_args: object, **_kwargs: object) -> Button:
        return result.reply(title, Button.Yes)

    def problem(_parent: object, title: str, text: str, *_args: object, **_kwargs: object) -> Button:
        result.asked.append(title)
        result.errors.append(f"{title}: {text}")
        return Button.Ok

    def information(_parent: object, title: str, _text: str, *_args: object, **_kwargs: object) -> Button:
        result.asked.append(title)
        return Button.Ok

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_file))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(save_file))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(directory))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(problem))
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(problem))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(information))
    monkeypatch.setattr(QMessageBox, "about", staticmethod(information))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: ("", False)))
    timer = QTimer()
    timer.setInterval(30)
    timer.timeout.connect(lambda: _answer_modal(result))
    timer.start()
    yield result
    timer.stop()


def run_transfer(folder: Path, fmt: str | None = None) -> Callable[[QWidget], None]:
    """Answer an Import or Export dialog as a person: fill in the folder (and the format), start,
    and close the dialog once the work is done."""

    def answer(dialog: QWidget) -> None:
        if dialog.running:  # type: ignore[attr-defined]
            return
        if dialog.result is not None or dialog.message.text().startswith("Failed"):  # type: ignore[attr-defined]
            dialog.accept()  # type: ignore[attr-defined]
            return
        if dialog.path_field.text() != str(folder):  # type: ignore[attr-defined]
            dialog.path_field.setText(str(folder))  # type: ignore[attr-defined]
            if fmt is not None:
                box = dialog.format_box  # type: ignore[attr-defined]
                box.setCurrentIndex(box.findData(fmt))
        if getattr(dialog, "preview_job", None) is not None and not dialog.preview_current:  # type: ignore[attr-defined]
            return  # the import's preview is being read: a person looks at it first
        dialog.start()  # type: ignore[attr-defined]

    return answer


def wait_until_idle(qtbot: QtBot, window: MainWindow) -> None:
    """No dialog open and no job running: what a person waits for before the next step."""
    qtbot.waitUntil(
        lambda: QApplication.activeModalWidget() is None and not window.jobs.busy and not window.jobs.writing,
        timeout=60000,
    )


def window_on(qtbot: QtBot, kb_path: Path | None, size: tuple[int, int] = (1200, 800)) -> MainWindow:
    """The main window on `kb_path` (which it owns and closes), shown and loaded; none: welcome."""
    window = MainWindow(KnowledgeBase.open(kb_path) if kb_path is not None else None)
    window._owns_kb = kb_path is not None
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    if kb_path is not None:
        qtbot.waitUntil(lambda: window.ready)
    return window


def integrity_check(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "; ".join(str(row[0]) for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()
