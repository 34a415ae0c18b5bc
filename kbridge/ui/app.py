"""Starting the desktop application."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from kbridge import APP_ID, __version__, paths
from kbridge.core import KnowledgeBase
from kbridge.formats.sample import ensure_sample_kb
from kbridge.model import KbridgeError
from kbridge.ui.main_window import MainWindow


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once with kbridge's identity (QSettings and the desktop use it)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("kbridge")
    app.setOrganizationName("kbridge")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(QIcon(str(paths.resource("icons", "kbridge.svg"))))
    return app  # type: ignore[return-value]


def open_window(path: Path) -> MainWindow:
    kb = KnowledgeBase.open(path, create=True)
    window = MainWindow(kb)
    window.show()
    return window


def run(path: Path) -> int:
    """Open the main window on the knowledge base at `path` and run until it closes."""
    app = application()
    try:
        window = open_window(path)
    except KbridgeError as error:
        QMessageBox.critical(None, "kbridge", f"Cannot open {path}:\n\n{error}")
        return 1
    code = app.exec()
    window.kb.close()
    return code


def main() -> None:
    """`kbridge-gui [PATH] [--sample]`."""
    parser = argparse.ArgumentParser(prog="kbridge-gui", description="Open the kbridge desktop app.")
    parser.add_argument("path", nargs="?", type=Path, help="knowledge base file")
    parser.add_argument("--sample", action="store_true", help="open the bundled sample knowledge base")
    args = parser.parse_args()
    path = ensure_sample_kb() if args.sample else (args.path or paths.default_kb_path())
    sys.exit(run(path))
