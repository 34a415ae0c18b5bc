"""Render the knowledge-trails screenshots in docs/screenshots/ from the bundled sample.

    .venv/bin/python docs/screenshots/render_trails.py [OUT_DIR]

Qt widgets are grabbed offscreen (QT_QPA_PLATFORM=offscreen unless a display is chosen); the static
site's record page is photographed by headless chromium when it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from kbridge.core import KnowledgeBase
from kbridge.formats.sample import build_sample
from kbridge.formats.site import export_site
from kbridge.ui.dialogs.reassign_dialog import ReassignDialog
from kbridge.ui.views.graph_view import GraphView
from kbridge.ui.views.recovery_view import RecoveryView
from kbridge.ui.views.timeline_view import TimelineView
from kbridge.ui.views.why_view import WhyView

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
]


def grab(widget: QWidget, path: Path, width: int, height: int) -> None:
    widget.resize(width, height)
    widget.show()
    for _ in range(5):
        QApplication.processEvents()
    widget.grab().save(str(path))
    print(f"wrote {path}")


def window_shot(kb: KnowledgeBase, out: Path) -> None:
    """The main window with the Why? tab open on CTL-001 (once the window has record tabs)."""
    from kbridge.ui.window.main_window import MainWindow

    window = MainWindow(kb)
    tabs = getattr(window, "tabs", None)
    if tabs is None or tabs.tab("Why?") is None:
        print("this main window has no Why? tab yet: window screenshot skipped", file=sys.stderr)
        window.deleteLater()
        return
    window.resize(1400, 820)
    window.show()
    window.open_record(kb.get("CTL-001").uid)
    tabs.show_tab("Why?")
    grab(window, out / "why-window.png", 1400, 820)
    tabs.show_tab("Graph")
    grab(window, out / "graph-window.png", 1400, 820)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("kbridge")
    work = Path(tempfile.mkdtemp(prefix="kbridge-shots-"))
    kb = KnowledgeBase.open(build_sample(work / "sample.kbridge"))
    try:
        why = WhyView(kb)
        why.show_record(kb.get("CTL-001"))
        grab(why, out / "why.png", 1100, 520)
        impact = WhyView(kb)
        impact.question.setCurrentIndex(1)
        impact.show_record(kb.get("REQ-004"))
        grab(impact, out / "why-impact.png", 1100, 360)
        timeline = TimelineView(kb)
        timeline.show_record(kb.get("SYS-002"))
        grab(timeline, out / "timeline.png", 1000, 900)
        graph = GraphView(kb)
        graph.show_record(kb.get("CTL-001"))
        grab(graph, out / "graph.png", 1100, 760)
        graph.depth.setValue(2)
        grab(graph, out / "graph-depth2.png", 1200, 850)
        recovery = RecoveryView(kb)
        grab(recovery, out / "recovery.png", 1400, 520)
        dialog = ReassignDialog(kb, "PER-002")
        grab(dialog, out / "recovery-reassign.png", 640, 520)
        window_shot(kb, out)
        site = work / "site"
        export_site(kb, site)
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium is None:
            print("chromium is not installed: the site screenshot was not taken", file=sys.stderr)
            return
        shots = (("site-record.png", "records/CTL-001.html", "1280,1620"),
                 ("site-system.png", "records/SYS-004.html", "1280,2300"),
                 ("site-search.png", "search.html?q=vault+lease", "1280,700"))
        for number, (name, page, size) in enumerate(shots):
            path, _, query = page.partition("?")
            url = (site / path).as_uri() + (f"?{query}" if query else "")
            subprocess.run(
                [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={work / f'profile-{number}'}", f"--window-size={size}",
                 f"--screenshot={out / name}", url],
                check=True, capture_output=True,
            )
            print(f"wrote {out / name}")
    finally:
        for widget in QApplication.topLevelWidgets():
            widget.close()
            widget.deleteLater()
        QApplication.processEvents()
        kb.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
