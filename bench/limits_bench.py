"""Records at the limits of issue 7: a 5 MB record, a 50,000-line record and a record with
10,000 links. Prints how long each takes to save, to render as a page (whole, as the static site
does, and within the desktop views' budget), to show in the window, to open in the editor, and
how long each export of the whole base takes.

    QT_QPA_PLATFORM=offscreen python bench/limits_bench.py [--links 10000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kbridge.core import KnowledgeBase
from kbridge.formats.write.export import EXPORTERS, export_kb
from kbridge.render import VIEW_BUDGET, record_page_html

PARAGRAPH = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 10 + "\n\n"


def timed(what: str, work: Callable[[], object]) -> object:
    start = time.perf_counter()
    result = work()
    print(f"{what:<44} {time.perf_counter() - start:8.2f} s", flush=True)
    return result


def build(kb: KnowledgeBase, links: int) -> None:
    timed("save a 5 MB record", lambda: kb.create(
        "note", "Five megabytes", key="NOTE-1", body=(PARAGRAPH * (5_000_000 // len(PARAGRAPH) + 1))[:5_000_000]))
    timed("save a 50,000-line record", lambda: kb.create(
        "note", "Fifty thousand lines", key="NOTE-2", body="\n".join(f"- line {n}" for n in range(50_000))))

    def hub() -> None:
        with kb.transaction():
            kb.create("note", "Hub", key="NOTE-3")
            for number in range(10, 10 + links):
                kb.create("note", f"Target {number}", key=f"NOTE-{number}")
                kb.links.add("NOTE-3", "relates-to", f"NOTE-{number}")

    timed(f"save a record with {links:,} links (one save)", hub)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kbridge-limits-"))
    kb = KnowledgeBase.init(folder / "limits.kbridge")
    build(kb, args.links)
    keys = ("NOTE-1", "NOTE-2", "NOTE-3")
    for key in keys:
        record = kb.get(key)
        links = kb.links.of(record.uid)
        timed(f"{key} page, whole (static site)", partial(record_page_html, record, links, status_hex=str))
        timed(f"{key} page, view budget", partial(
            record_page_html, record, links, status_hex=str, budget=VIEW_BUDGET))

    from PySide6.QtWidgets import QApplication

    from kbridge.ui.window.main_window import MainWindow

    app = QApplication([])
    window = MainWindow(kb)
    window.resize(1200, 800)
    window.show()
    while window.model.total < 3:
        app.processEvents()
    def show(uid: str) -> None:
        window.open_record(uid)
        app.processEvents()

    for key in keys:
        uid = kb.get(key).uid
        timed(f"{key} shown in the window", partial(show, uid))
        timed(f"{key} opened in the editor", lambda: (window.actions.edit.trigger(), app.processEvents()))
        window.editor.cancel_button.click()
        app.processEvents()
    window.jobs.wait()
    for name in sorted(EXPORTERS):
        timed(f"export {name}", partial(export_kb, kb, folder / f"export-{name}", name))
    window.close()
    kb.close()


if __name__ == "__main__":
    main()
