"""Questions the window asks when a change leaves a record's status behind its links."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from kbridge.model import KbridgeError
from kbridge.ui.widgets.plain_text import warn

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase


def offer_status_restore(parent: QWidget, kb: KnowledgeBase, uid: str) -> bool:
    """After a supersede link was removed: offer to give the record that is no longer superseded
    by anything the status it had before. True when it was restored."""
    status = kb.lifecycle.restorable_status(uid)
    if status is None:
        return False
    record = kb.get(uid)
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Restore status",
        f"Nothing supersedes {record.key} now, but it is still marked superseded.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setObjectName("restoreStatusPrompt")
    box.setInformativeText(f"Give it back the status it had before it was superseded ({status})?")
    box.button(QMessageBox.StandardButton.Yes).setText(f"Make it {status}")
    box.button(QMessageBox.StandardButton.No).setText("Keep superseded")
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    if box.exec() != QMessageBox.StandardButton.Yes:
        return False
    try:
        kb.lifecycle.restore_status(uid)
    except KbridgeError as error:
        warn(parent, "Restore status", str(error))
        return False
    return True
