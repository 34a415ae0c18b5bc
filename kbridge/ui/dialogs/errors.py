"""How the window says that something went wrong: one dialog, a short message in plain text, the
details folded away, and the traceback in the log file (`kbridge.diagnostics`).

Expected failures (a `KbridgeError`: a file that is not a knowledge base, a key that exists) get
the message alone. Anything else is a defect: the person sees a short sentence and where the log
is, never a traceback in their face, and the window puts itself back in a consistent state
(`MainWindow.recover_from_error`)."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from kbridge import diagnostics
from kbridge.model import KbridgeError
from kbridge.ui.widgets.plain_text import message_box

ERROR_DIALOG_NAME = "errorDialog"


def describe(error: BaseException) -> str:
    """One sentence a person can read: the message of a user error, or what kind of failure."""
    if isinstance(error, KbridgeError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where}"
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def failure_sentence(error: BaseException, context: str) -> str:
    """A failure said in one sentence; a defect (not a `KbridgeError`) is logged with its
    traceback first, and the sentence says where."""
    message = describe(error)
    if not isinstance(error, KbridgeError):
        logged = diagnostics.log_exception(error, context)
        message += f" (details in {logged})" if logged else ""
    return message


def error_box(parent: QWidget | None, title: str, message: str, details: str = "") -> QMessageBox:
    """The error dialog: plain text (a message may quote a file name or a record's title), the
    details behind "Show Details…"."""
    box = message_box(parent, QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Close)
    box.setObjectName(ERROR_DIALOG_NAME)
    if details:
        box.setDetailedText(details)
    return box


def show_error(parent: QWidget | None, title: str, message: str, details: str = "") -> None:
    """Tell the person, modally, that `title` failed and why."""
    error_box(parent, title, message, details).exec()


def report_unexpected(parent: QWidget | None, error: BaseException, context: str = "") -> None:
    """A defect: logged with its traceback, shown as a short message with the details folded."""
    logged = diagnostics.log_exception(error, context or "unexpected error in the window")
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    where = f"\n\nThe details are in {logged}." if logged else ""
    message = f"Something went wrong{f' while {context}' if context else ''}: {describe(error)}.{where}"
    show_error(parent, "kbridge", message, "".join(lines))


def report_failure(parent: QWidget | None, title: str, error: BaseException, context: str = "") -> None:
    """A job or an action that failed: a user error is said as it is, anything else is a defect."""
    if isinstance(error, KbridgeError):
        show_error(parent, title, str(error))
    else:
        report_unexpected(parent, error, context or title.lower())


class ExceptionHook(QObject):
    """`sys.excepthook` for the window: an exception that escapes a slot (Qt prints it and goes on)
    becomes a dialog after the current event, and the window is asked to recover."""

    def __init__(self, window_finder: Callable[[], QWidget | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window_finder = window_finder
        self._previous = sys.excepthook
        self._showing = False
        sys.excepthook = self._hook

    def uninstall(self) -> None:
        if sys.excepthook == self._hook:
            sys.excepthook = self._previous

    def _hook(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if isinstance(error, KeyboardInterrupt):
            self._previous(kind, error, tb)
            return
        error.__traceback__ = tb
        # After the event that failed, never inside it (a paint event or a half-built dialog).
        QTimer.singleShot(0, lambda: self._show(error))

    def _show(self, error: BaseException) -> None:
        if self._showing:  # a failure while the dialog is up: logged, not stacked
            diagnostics.log_exception(error, "unexpected error in the window (while reporting another)")
            return
        self._showing = True
        try:
            window = self._window_finder()
            report_unexpected(window, error)
            recover = getattr(window, "recover_from_error", None)
            if callable(recover):
                recover()
        finally:
            self._showing = False


def install_exception_hook(app: QApplication, window_finder: Callable[[], QWidget | None]) -> ExceptionHook:
    return ExceptionHook(window_finder, app)
