"""Help > Keyboard shortcuts (built from the window's own actions, so it is never out of date)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from kbridge.escaping import escape_html

# Keys that belong to a widget rather than to a window action.
WIDGET_SHORTCUTS = (
    ("Record editor", "Save as a new revision", "Ctrl+S"),
    ("Record editor", "Stop editing (asks about unsaved changes)", "Esc"),
    ("Search field", "Open the top hit", "Enter"),
    ("Search field", "Move into the results", "Down"),
    ("Search field", "Clear the search", "Esc"),
    ("Quick switcher", "Move / open / close", "Up, Down / Enter / Esc"),
    ("Lists", "Open the selected record", "Enter"),
)


def shortcut_rows(menus: Iterable[tuple[str, list[QAction]]]) -> list[tuple[str, str, str]]:
    rows = []
    for menu, actions in menus:
        for action in actions:
            keys = ", ".join(
                sequence.toString(QKeySequence.SequenceFormat.NativeText) for sequence in action.shortcuts()
            )
            rows.append((menu, action.text().replace("&", "").rstrip("…"), keys))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, menus: Iterable[tuple[str, list[QAction]]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 620)
        self.rows = shortcut_rows(menus) + list(WIDGET_SHORTCUTS)
        body = []
        section = None
        for menu, name, keys in self.rows:
            if menu != section:
                body.append(f'<tr><td colspan="2"><h3>{escape_html(menu)}</h3></td></tr>')
                section = menu
            body.append(f"<tr><td>{escape_html(name)}</td><td><b>{escape_html(keys) or '—'}</b></td></tr>")
        view = QTextBrowser(self)
        view.setObjectName("shortcutsTable")
        view.setAccessibleName("Keyboard shortcuts")
        view.setHtml('<table cellspacing="0" cellpadding="3">' + "".join(body) + "</table>")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        layout.addWidget(buttons)
