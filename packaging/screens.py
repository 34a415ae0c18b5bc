"""Every screen of the desktop app at 900×600 and 1400×900, light and dark, on the bundled sample and
on a real imported ADR folder: `docs/screenshots/screens/<width>x<height>-<theme>/<screen>.png`.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screens.py [OUT_DIR]   (or: make screenshots)

These are for looking at, not for the README: a screen that looks broken at one of these sizes is
broken. Pictures are saved with 256 colours to keep the repository small.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="kbridge-screens-"))
for _name in ("DATA", "CACHE", "CONFIG", "STATE"):
    (HOME / _name.lower()).mkdir()
    os.environ[f"KBRIDGE_{_name}_DIR"] = str(HOME / _name.lower())
os.environ.setdefault("KBRIDGE_AUTHOR", "Maren Okafor")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QPoint, QSize, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QImage, QPainter, QPixmap  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QWidget  # noqa: E402

from kbridge.core import KnowledgeBase  # noqa: E402
from kbridge.formats.sample import build_sample  # noqa: E402
from kbridge.ui.app import application  # noqa: E402
from kbridge.ui.style import apply_theme  # noqa: E402
from kbridge.ui.window.main_window import MainWindow  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REAL_FOLDER = ROOT / "tests" / "fixtures" / "corpus" / "mozilla__remote-settings" / "docs" / "adr"
SIZES = ((900, 600), (1400, 900))


def settle(ms: int = 200) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition: Callable[[], bool], timeout_ms: int = 30000) -> None:
    waited = 0
    while not condition() and waited < timeout_ms:
        settle(50)
        waited += 50


class Shooter:
    def __init__(self, out: Path) -> None:
        self.out = out
        out.mkdir(parents=True, exist_ok=True)

    def save(self, widget: QWidget, name: str, dialog: QWidget | None = None) -> None:
        """`widget` as it is on screen, with `dialog` (a window of its own) centred over it."""
        settle()
        picture: QPixmap = widget.grab()
        if dialog is not None:
            # A dialog larger than the window shows whole (a cut-off dialog is what to look for).
            over = dialog.grab()
            canvas = QPixmap(max(picture.width(), over.width()), max(picture.height(), over.height()))
            canvas.fill(Qt.GlobalColor.darkGray)
            painter = QPainter(canvas)
            painter.drawPixmap(0, 0, picture)
            left, top = (picture.width() - over.width()) // 2, (picture.height() - over.height()) // 2
            corner = QPoint(max(0, left), max(0, top))
            painter.drawPixmap(corner, over)
            painter.end()
            picture = canvas
        flags = Qt.ImageConversionFlag.AvoidDither  # flat colours compress far better than dithered ones
        image = picture.toImage().convertToFormat(QImage.Format.Format_Indexed8, flags)
        path = self.out / f"{name}.png"
        image.save(str(path), "PNG", 0)
        print(path)


def open_dialog(
    window: MainWindow, trigger: Callable[[], object], shooter: Shooter, name: str, typed: str = ""
) -> None:
    """Trigger an action that opens a modal dialog (and type `typed` into it), photograph the
    dialog over the window, close it."""

    def shoot() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, shoot)
            return
        if typed:
            QTest.keyClicks(dialog.focusWidget(), typed)
        settle(300)
        shooter.save(window, name, dialog)
        if isinstance(dialog, QDialog):
            dialog.reject()
        else:
            dialog.close()

    QTimer.singleShot(100, shoot)
    trigger()
    settle(100)


def sample_screens(kb: KnowledgeBase, size: tuple[int, int], shooter: Shooter) -> None:
    window = MainWindow(kb)
    window.resize(*size)
    window.show()
    wait_for(lambda: window.ready)
    wait_for(lambda: window._findings is not None)
    window.open_record(kb.get("ADR-0008").uid)
    shooter.save(window, "main")
    window.open_record(kb.get("CTL-004").uid)
    shooter.save(window, "reader-control")
    QTest.keyClicks(window.search_field, "vault")
    wait_for(lambda: window.search.latest is not None and not window.search.latest.facets_pending)
    window.search_results.list.setCurrentIndex(window.search_results.model.index(0, 0))
    shooter.save(window, "search")
    window.search_field.clear()
    window.open_record(kb.get("ADR-0014").uid)
    window.actions.history_tab.trigger()
    shooter.save(window, "history")
    for tab, key in (("Why?", "CTL-001"), ("Timeline", "SYS-001"), ("Graph", "ADR-0014"), ("Recovery", "SYS-001"),
                     ("Checklist", "INC-006"), ("Scorecard", "SYS-001")):
        window.open_record(kb.get(key).uid)
        window.show_tab(tab)
        settle(400)
        shooter.save(window, tab.lower().rstrip("?"))
    from kbridge.formats.printable.pack import build_pack
    from kbridge.ui.printing import preview_page

    preview_page(build_pack(kb), 5, QSize(*size)).save(str(shooter.out / "pack-page.png"))
    window.show_tab("Record")
    window.open_record(kb.get("ADR-0023").uid)
    window.actions.edit.trigger()
    settle(400)
    shooter.save(window, "editor")
    window.editor.discard()
    open_dialog(window, window.actions.new_record.trigger, shooter, "new-record")
    open_dialog(window, window.actions.quick_switch.trigger, shooter, "quick-switcher")
    open_dialog(window, window.actions.quick_switch.trigger, shooter, "quick-switcher-typed", typed="ledger")
    open_dialog(window, window.actions.links.trigger, shooter, "links")
    dialog = window.file_commands.import_folder(REAL_FOLDER)
    wait_for(lambda: dialog is not None and dialog.preview_current)  # the preview says what was read
    settle(200)
    shooter.save(window, "import-dialog", dialog)
    window.file_commands.import_dialog.reject()
    window.close()


def other_screens(size: tuple[int, int], shooter: Shooter, theme: str) -> None:
    welcome = MainWindow(None)
    welcome.resize(*size)
    welcome.show()
    shooter.save(welcome, "welcome")
    upgrading(welcome, shooter)
    empty_path = HOME / f"empty-{size[0]}-{theme}.kbridge"
    welcome.file_commands.open_path(empty_path, create=True)
    wait_for(lambda: welcome.ready)
    shooter.save(welcome, "empty-knowledge-base")
    welcome.close()

    from kbridge.formats.read.importer import import_folder

    real_path = HOME / f"real-{size[0]}-{theme}.kbridge"
    with KnowledgeBase.init(real_path) as kb:
        import_folder(kb, REAL_FOLDER)
    window = MainWindow(KnowledgeBase.open(real_path))
    window._owns_kb = True
    window.resize(*size)
    window.show()
    wait_for(lambda: window.ready)
    with_images = [r for r in window.kb.list_records() if "![" in r.body] if window.kb else []
    chosen = with_images[0] if with_images else window.model.all_records()[0]
    window.open_record(chosen.uid)
    settle(400)
    shooter.save(window, "imported-folder")
    window.close()


def upgrading(window: MainWindow, shooter: Shooter) -> None:
    """The page shown while a knowledge base from an older kbridge is backed up, then upgraded (as
    the job reports it: kbridge.core.opening), and once closing was asked for."""
    from kbridge.core.opening import BACKING_UP, UPGRADING

    page, path = window.upgrade_page, HOME / "payments-architecture.kbridge"
    window.show_upgrading(path)
    page.show_progress(41, 100, f"{BACKING_UP} {path.name}…")
    shooter.save(window, "upgrade-backing-up")
    page.show_progress(410, 1000, f"{UPGRADING}: updating the knowledge base to schema 5…")
    shooter.save(window, "upgrade-upgrading")
    page.show_closing()
    shooter.save(window, "upgrade-closing")
    window.show_welcome()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshots" / "screens").resolve()
    app = application()
    sample = build_sample(HOME / "sample.kbridge")
    for dark in (False, True):
        apply_theme(app, dark=dark)
        for size in SIZES:
            shooter = Shooter(out / f"{size[0]}x{size[1]}-{'dark' if dark else 'light'}")
            kb = KnowledgeBase.open(sample)
            sample_screens(kb, size, shooter)
            kb.close()
            other_screens(size, shooter, "dark" if dark else "light")
    QApplication.processEvents()


if __name__ == "__main__":
    main()
