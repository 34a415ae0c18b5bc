"""Render the desktop app's screenshots (docs/screenshots/*.png) from the bundled sample.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python packaging/screenshots.py [OUT_DIR]
    make screenshots

Runs on a copy of the sample in a temporary home, so the user's own knowledge bases and settings
are never touched. Every picture is the real window, driven as a person would drive it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="kbridge-screenshots-"))
for _name in ("DATA", "CACHE", "CONFIG"):
    (HOME / _name.lower()).mkdir()
    os.environ[f"KBRIDGE_{_name}_DIR"] = str(HOME / _name.lower())
os.environ.setdefault("KBRIDGE_AUTHOR", "Maren Okafor")

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from kbridge.core import KnowledgeBase  # noqa: E402
from kbridge.formats.sample import build_sample  # noqa: E402
from kbridge.ui.app import application  # noqa: E402
from kbridge.ui.style import apply_theme  # noqa: E402
from kbridge.ui.window.main_window import MainWindow  # noqa: E402

SIZE = (1400, 860)


def settle(ms: int = 250) -> None:
    """Let timers, layouts and paints finish."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition: Callable[[], bool], timeout_ms: int = 20000) -> None:
    waited = 0
    while not condition() and waited < timeout_ms:
        settle(50)
        waited += 50
    if not condition():
        raise SystemExit("timed out waiting for the window")


def save(widget: QWidget, out: Path, name: str) -> None:
    settle()
    path = out / name
    widget.grab().save(str(path))
    print(path)


def new_window(kb: KnowledgeBase | None) -> MainWindow:
    window = MainWindow(kb)
    window.resize(*SIZE)
    window.move(0, 0)
    window.show()
    window.raise_()
    window.activateWindow()
    settle(400)
    return window


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    app = application()
    apply_theme(app, dark=False)
    QGuiApplication.styleHints().setColorScheme(Qt.ColorScheme.Light)

    welcome = new_window(None)
    save(welcome, out, "welcome.png")
    welcome.close()

    kb = KnowledgeBase.open(build_sample(HOME / "sample.kbridge"))
    window = new_window(kb)
    with_attention = []
    window.attention_updated.connect(with_attention.append)
    window.refresh_attention()
    wait_for(lambda: bool(with_attention))
    window.navigator.setExpanded(window.navigator.nav_model.index_of("kind:decision"), True)
    window.navigator.select("kind:decision")
    window.open_record(kb.get("ADR-0008").uid)
    save(window, out, "main-window.png")

    window.navigator.select("all")
    window.open_record(kb.get("CTL-004").uid)
    save(window.right, out, "reader.png")

    QTest.keyClicks(window.search_field, "vault")
    wait_for(lambda: window.search.latest is not None and window.search.latest.query == "vault")
    wait_for(lambda: not window.search.latest.facets_pending)  # the facet buttons follow the hits
    window.search_results.list.setCurrentIndex(window.search_results.model.index(0, 0))
    save(window, out, "search.png")
    window.search_field.clear()

    record = kb.get("ADR-0014")
    kb.update(record.uid, status="accepted", review_by="2026-09-01", reason="review date agreed with security")
    kb.update(
        record.uid,
        body=record.body + "\n## Follow-up (2025)\n\nThe dedicated VMs passed the PCI DSS 4.0 assessment.\n",
        reason="recorded the assessment outcome",
    )
    window.open_record(record.uid)
    window.show_tab("History")
    window.history_view.table.selectRow(0)
    save(window, out, "history.png")
    window.show_tab("Record")

    window.open_record(kb.get("ADR-0023").uid)
    window.editing.edit_current()
    editor = window.editor
    editor.body.moveCursor(editor.body.textCursor().MoveOperation.End)
    QTest.keyClicks(editor.body, "Traces sampled at 10% in production; 100% for errors.")
    editor.reason.setText("sampling rate agreed")
    settle(400)
    save(window, out, "editor.png")
    editor.discard()

    apply_theme(app, dark=True)
    window.open_record(kb.get("ADR-0008").uid)
    save(window, out, "main-window-dark.png")
    apply_theme(app, dark=False)
    window.close()
    kb.close()
    from resilience_screens import resilience_screenshots  # incident mode, the scorecard, the pack

    resilience_screenshots(out, SIZE, save, new_window, HOME)
    QApplication.processEvents()


if __name__ == "__main__":
    main()
