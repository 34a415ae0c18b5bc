"""Makes the desktop app close itself once its main window is shown, for headless smoke tests.

`arm()` creates the QApplication that kbridge then reuses, and queues a check for the first turn of
its event loop, repeated until the main window says it is `ready` (its knowledge base open): it
opens the first record of the window's list, prints a line naming the main
window and one with the time (saving a picture of the window to $KBRIDGE_SMOKE_SCREENSHOT if set),
and quits with status 0. It quits with 3 when no main window is showing (an error dialog instead,
say) and with 4 when Qt found no fonts (the window would show only empty boxes). Nothing else
changes, so the real start-up path is what gets tested.
"""

from __future__ import annotations

import os
import sys
import time

NO_WINDOW_STATUS = 3
NO_FONTS_STATUS = 4
READY_WAIT_SECONDS = 30
_app = None  # the QApplication, kept alive for as long as the process runs


def arm() -> None:
    global _app
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QFontInfo, QFontMetrics
    from PySide6.QtWidgets import QAbstractItemView, QApplication, QMainWindow

    app = _app = QApplication.instance() or QApplication(sys.argv[:1])

    def check() -> None:
        windows = [w for w in app.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
        if not windows:
            shown = ", ".join(type(w).__name__ for w in app.topLevelWidgets() if w.isVisible()) or "nothing"
            print(f"kbridge-smoke: no main window is showing (showing: {shown})", file=sys.stderr, flush=True)
            app.exit(NO_WINDOW_STATUS)
            return
        window = windows[0]
        # The window paints first and opens its knowledge base right after: wait until it says
        # it is ready (records listed), for as long as it stays on screen.
        if getattr(window, "ready", True) is False and time.monotonic() < deadline:
            QTimer.singleShot(50, check)
            return
        # With no usable font Qt still lists its generic aliases (Sans Serif ...), but the font it
        # resolves to has no glyphs: ask whether the window's font can draw a letter.
        font = QFontInfo(window.font()).family()
        if not QFontMetrics(window.font()).inFontUcs4(ord("A")):
            print(
                "kbridge-smoke: Qt found no fonts, so every letter would be an empty box "
                "(Debian: apt-get install fontconfig-config fonts-dejavu-core)",
                file=sys.stderr,
                flush=True,
            )
            app.exit(NO_FONTS_STATUS)
            return
        opened = open_first_record(window)
        app.processEvents()
        screenshot = os.environ.get("KBRIDGE_SMOKE_SCREENSHOT")
        if screenshot:
            window.grab().save(screenshot)
        size = window.size()
        print(
            f"kbridge-smoke: main window shown: {type(window).__name__} {window.windowTitle()!r} "
            f"{size.width()}x{size.height()} on {app.platformName()}, font {font!r}, {opened}",
            flush=True,
        )
        # CLOCK_MONOTONIC is one clock for every process, so the caller can subtract its launch time.
        print(f"kbridge-smoke: monotonic {time.monotonic():.6f}", flush=True)
        app.quit()

    def open_first_record(window: QMainWindow) -> str:
        """Make the first row of the window's record list current, as a click would, so that the
        reader renders a record (Markdown, highlighting) inside the bundle too."""
        for view in window.findChildren(QAbstractItemView):
            model = view.model()
            if view.isVisible() and model is not None and model.rowCount() > 0:
                view.setCurrentIndex(model.index(0, 0))
                return f"first of {model.rowCount()} rows opened"
        return "no list with rows to open"

    deadline = time.monotonic() + READY_WAIT_SECONDS
    QTimer.singleShot(int(os.environ.get("KBRIDGE_SMOKE_DELAY_MS", "200")), check)
