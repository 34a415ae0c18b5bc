"""What a knowledge base's first minutes need, made ready while the window waits for the person,
one piece per turn of the event loop: modules imported, the editor's fixed-width font loaded.

Opening a file imports the record tabs' views, the Sync panel's conflict reader (YAML, the
Markdown readers) and, at the first record, edit or search, the renderer, the editor and the
search engine: 150-200 ms of imports in one go on the GUI thread, the longest freeze left when
opening a knowledge base of 100,000 records (`bench/stall_bench.py`). Imported here instead, a
module at a time, each turn holds the thread for one module's own code (3-35 ms measured), and a
click or a keystroke in between is served first. The first edit spent 20-40 ms finding and loading
the fixed-width font (fontconfig) for the editor's body: loaded here too.

Not on a thread: a module imported by two threads at once can deadlock on import locks (Python
reports it as an error in one of them, the GUI thread included), and a view module may build Qt
objects as it loads, which belong to the GUI thread.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
import time
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFontDatabase, QFontMetrics, QGuiApplication, QWindow

log = logging.getLogger(__name__)

# In an order that puts a heavy module's own imports a turn before it (YAML before the readers
# that need it), so that no single turn imports a whole tree. A name no longer in the code is
# skipped (tests/ui/test_warm_up.py checks that each one imports, and that opening a file
# after the warm-up imports nothing of kbridge's).
MODULES = (
    "yaml",
    "kbridge.core",
    "kbridge.formats.read.dates",
    "kbridge.formats.read.statuses",  # compiles its words of six languages: a turn of its own
    "kbridge.formats.read.extract",
    "kbridge.formats.read.reader",
    "kbridge.formats.kbridge_markdown",
    "kbridge.formats.rst_doc",  # the reader asks it how to show a record's body
    "kbridge.formats.sync.state",
    "kbridge.formats.sync.conflicts",
    "kbridge.ui.views.why_view",
    "kbridge.ui.views.timeline_view",
    "kbridge.ui.views.graph_view",
    "kbridge.ui.views.recovery_view",
    "kbridge.ui.views.trails_tabs",
    "kbridge.ui.views.checklist_view",
    "kbridge.ui.views.scorecard_view",
    "kbridge.ui.widgets.choice_box",
    "kbridge.ui.jobs.choices_loader",
    "kbridge.ui.views.editor",
    "pygments.lexers",
    "pygments.formatters.html",
    "kbridge.render.record_page",
    "kbridge.search.tantivy_engine",
    "kbridge.formats.read.importer",
    "kbridge.formats.sync.engine",
    "kbridge.formats.write.export",
    "kbridge.ui.jobs.formats_adapter",
)
START_AFTER_MS = 1000  # after the window's first paint and the opening of a file given at start
# A key or a click pauses it this long: a person typing from the first second (a search) must
# not wait for an import between two keystrokes (keystroke to hits at a million records: p95
# 33 -> 97 ms with the warm-up running through them).
QUIET_AFTER_INPUT_S = 1.5
_INPUT_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel})


def load_fixed_font() -> None:
    """The editor's body font, found and loaded into Qt's font cache (of the GUI thread)."""
    QFontMetrics(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)).horizontalAdvance("x")


class WarmUp(QObject):
    """Imports `modules`, then runs `steps`, one per turn of the event loop, starting `delay_ms`
    after `start`, and pausing while the person types or clicks (it watches the input events of
    the application's windows until it is done).

    It watches each top-level window (QWindow: the keys, clicks and wheel turns a person makes
    reach it first), not the application: an application's event filter is called, in Python,
    for every event of every widget, and the window's first paint is thousands of them (it held
    the first paint 60-80 ms)."""

    def __init__(self, parent: QObject | None = None, modules: tuple[str, ...] = MODULES,
                 steps: tuple[Callable[[], object], ...] = (load_fixed_font,)) -> None:
        super().__init__(parent)
        self.waiting: list[Callable[[], object]] = [
            partial(_import, name) for name in modules if name not in sys.modules
        ] + list(steps)
        self.timer = QTimer(self, interval=0)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.delay = QTimer(self, singleShot=True)
        self.delay.timeout.connect(self.timer.start)
        self._last_input = 0.0  # time.monotonic() of the latest key or click
        self._watched: list[QWindow] = []
        self._listening = False  # to the application's focus window changes

    @property
    def done(self) -> bool:
        return not self.waiting

    def start(self, delay_ms: int = START_AFTER_MS) -> None:
        application = QGuiApplication.instance()
        if isinstance(application, QGuiApplication) and not self.done and not self._listening:
            application.focusWindowChanged.connect(self._on_application_focus_window_changed)
            self._listening = True
        self._watch_windows()
        self.delay.start(delay_ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._last_input = time.monotonic()
        return False

    def _on_application_focus_window_changed(self, window: QWindow | None) -> None:
        if window is not None and not self.done:
            self._watch(window)  # a dialog opened since the last turn

    def _watch_windows(self) -> None:
        if isinstance(QGuiApplication.instance(), QGuiApplication):
            for window in QGuiApplication.topLevelWindows():
                if window.isVisible():
                    self._watch(window)

    def _watch(self, window: QWindow) -> None:
        if window not in self._watched:
            window.installEventFilter(self)
            self._watched.append(window)

    def _stop_watching(self) -> None:
        application = QGuiApplication.instance()
        if isinstance(application, QGuiApplication) and self._listening:
            application.focusWindowChanged.disconnect(self._on_application_focus_window_changed)
            self._listening = False
        for window in self._watched:
            with contextlib.suppress(RuntimeError):  # a window already gone
                window.removeEventFilter(self)
        self._watched = []

    def _on_timer_timeout(self) -> None:
        self._watch_windows()
        if time.monotonic() - self._last_input < QUIET_AFTER_INPUT_S:
            self.timer.setInterval(100)  # asleep while the person is busy
            return
        self.timer.setInterval(0)
        if not self.waiting:
            self.timer.stop()
            self._stop_watching()
            return
        step = self.waiting.pop(0)
        try:
            step()
        except Exception:  # only ever a head start: what needs it does the same, and reports it
            log.debug("warming up: %s failed", step, exc_info=True)


def _import(name: str) -> None:
    """Import `name`, unless a use imported it meanwhile (then the turn costs nothing)."""
    if name not in sys.modules:
        importlib.import_module(name)
