"""File › Export incident pack: the restore order, playbooks, criteria, approvers and the reasons
behind the controls, as one HTML file and a PDF in a folder the person chooses. The knowledge base is
read on a worker thread (its own connection); the PDF is printed on the GUI thread, where Qt's text
layout lives."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from kbridge.ui.dialogs.errors import report_failure
from kbridge.ui.jobs.worker import Job

if TYPE_CHECKING:
    from kbridge.formats.printable import Printable
    from kbridge.ui.window.main_window import MainWindow


def export_incident_pack(window: MainWindow, folder: Path | None = None) -> Job | None:
    """Ask for a folder (unless given) and write `incident-pack.html` and `incident-pack.pdf` in it."""
    if window.kb is None:
        return None
    if folder is None:
        chosen = QFileDialog.getExistingDirectory(window, "Folder for the incident pack", str(window.kb.path.parent))
        if not chosen:
            return None
        folder = Path(chosen)
    path, target = window.kb.path, folder

    def work(_progress: object, _cancel: threading.Event) -> tuple[Printable, Path]:
        from kbridge.core import KnowledgeBase
        from kbridge.formats.printable.pack import build_pack, write_pack_html

        with KnowledgeBase.open(path) as kb:
            document = build_pack(kb)
        return document, write_pack_html(document, target)

    def print_pdf(result: tuple[Printable, Path]) -> None:
        from kbridge.formats.printable.pack import PACK_NAME
        from kbridge.ui.printing import write_pdf

        document, html = result
        try:
            pdf = write_pdf(document, target, f"{PACK_NAME}.pdf")
        except Exception as error:  # a full disk, a folder made read-only meanwhile
            report_failure(window, "Export incident pack", error)
            return
        window.statusBar().showMessage(f"Incident pack written: {html} and {pdf.name}.", 10000)

    return window.jobs.start(
        Job("Writing the incident pack", work),
        on_success=print_pdf,
        on_failure=lambda error: report_failure(window, "Export incident pack", error),
    )
