"""Starting the desktop application."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from kbridge import APP_ID, __version__, paths
from kbridge.ui import settings as ui_settings
from kbridge.ui.dialogs.errors import install_exception_hook, show_error
from kbridge.ui.display import display_missing
from kbridge.ui.gc_guard import collect_on_gui_thread
from kbridge.ui.style import apply_theme, follow_system_theme
from kbridge.ui.window.main_window import MainWindow

FIRST_PAINT_WAIT_MS = 500


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once with kbridge's identity, palette and icon."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("kbridge")
    app.setOrganizationName("kbridge")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(QIcon(str(paths.resource("icons", "kbridge.svg"))))
    collect_on_gui_thread(app)
    theme = str(ui_settings.ui_settings().value("view/theme") or "system")
    if theme == "system":
        follow_system_theme(app)  # type: ignore[arg-type]
    else:
        apply_theme(app, theme == "dark")  # type: ignore[arg-type]
    return app  # type: ignore[return-value]


def startup_path(path: Path | None) -> Path | None:
    """What to open: the path asked for, else the last one opened, else nothing (the welcome
    page). The default knowledge base is not created behind a first-time user's back."""
    if path is not None and (path.exists() or path != paths.default_kb_path()):
        return path
    return ui_settings.last_file()


def open_window(path: Path | None) -> MainWindow:
    """Show the window at once, then open the knowledge base as soon as it has been painted: the
    database layer and the record list load while the person already sees the window."""
    target = startup_path(path)
    window = MainWindow(None)
    if target is not None:
        window.show_opening(target)
        after_first_paint(window, lambda: open_at_start(window, target))
    window.show()
    return window


def open_at_start(window: MainWindow, path: Path) -> None:
    """Open the knowledge base the app was started on. One that cannot be opened ends the app
    with status 1 after saying why, as every command does with a user error."""

    def cannot_open(message: str) -> None:
        window.hide()
        show_error(None, "kbridge", f"Cannot open {path}:\n\n{message}")
        QApplication.exit(1)

    # An older file is upgraded, and a large one opened, on a worker while the window shows it.
    window.file_commands.open_path(path, create=not path.exists(), failed=cannot_open)


class _FirstPaint(QObject):
    """Calls back once, as soon as the window's first paint has gone through the event loop.

    It watches the window, not the application: an application's event filter is called, in
    Python, for every event of every widget, and a first paint is thousands of them (polish,
    layout, resize, paint: 60-80 ms of the window's first paint went to such a filter)."""

    def __init__(self, window: QWidget, callback: Callable[[], object]) -> None:
        super().__init__(window)
        self.window = window
        self.callback: Callable[[], object] | None = callback
        window.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_WAIT_MS, self, self._fire)  # no paint at all (a hidden window)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.callback is not None:
            QTimer.singleShot(0, self, self._fire)  # after this paint, not inside it
        return False

    def _fire(self) -> None:
        if self.callback is not None:
            callback, self.callback = self.callback, None
            self.window.removeEventFilter(self)
            callback()
            self.deleteLater()


def after_first_paint(window: QWidget, callback: Callable[[], object]) -> None:
    """Run `callback` once `window` has been painted: what takes time (opening the database,
    reading the list) then happens while the person already sees the window."""
    _FirstPaint(window, callback)


def run(path: Path | None) -> int:
    """Open the main window (on `path`, or as `startup_path` decides) and run until it closes."""
    app = application()
    shown = [open_window(path)]
    hook = install_exception_hook(app, lambda: shown[0] if shown else None)
    code = app.exec()
    hook.uninstall()
    shown.clear()
    return code


def main() -> None:
    """`kbridge-gui [PATH] [--sample]`."""
    parser = argparse.ArgumentParser(prog="kbridge-gui", description="Open the kbridge desktop app.")
    parser.add_argument("path", nargs="?", type=Path, help="knowledge base file")
    parser.add_argument("--sample", action="store_true", help="open the bundled sample knowledge base")
    args = parser.parse_args()
    missing = display_missing()
    if missing is not None:
        print(f"kbridge-gui: no display to open the desktop app on ({missing}); the kbridge command "
              "works without one: kbridge --help", file=sys.stderr)
        sys.exit(1)
    from kbridge.formats.sample import ensure_sample_kb

    path = ensure_sample_kb() if args.sample else (args.path or paths.default_kb_path())
    sys.exit(run(path))
