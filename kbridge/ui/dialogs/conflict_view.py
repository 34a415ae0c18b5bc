"""A sync conflict side by side: this knowledge base's version and the shared folder's, the lines
that differ marked, and the three ways to settle it: keep mine, keep theirs, or edit a version
from both (kbridge.formats.sync.conflicts does the work; the next sync shares the result)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from kbridge.formats.sync.conflicts import Conflict, conflict_of, resolve_conflict
from kbridge.model import KbridgeError
from kbridge.ui.widgets.plain_text import plain_label

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase

DIFFERENT = QColor(255, 214, 102, 110)


class ConflictDialog(QDialog):
    """Settles one record's conflict; `resolved` carries the sentence saying what was kept."""

    resolved = Signal(str)

    def __init__(self, kb: KnowledgeBase, ref: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.kb = kb
        self.conflict: Conflict = conflict_of(kb, ref)
        record = self.conflict.record
        self.setWindowTitle(f"Sync conflict: {record.key}")
        self.resize(1100, 640)
        where = ", ".join(self.conflict.fields) or "the record"
        self.header = plain_label(f"{record.key} — {record.title}\n{where} changed here and in "
                                  f"{self.conflict.path} ({self.conflict.why}). Both versions are kept until "
                                  "you choose; the next sync shares your choice.", self)
        self.header.setWordWrap(True)
        self.mine = _text_view("mineVersion", "Mine: this knowledge base's version", self.conflict.mine, self)
        self.theirs = _text_view("theirsVersion", "Theirs: the shared folder's version", self.conflict.theirs, self)
        _mark_differences(self.mine, self.theirs)
        # Side by side means line by line: the two versions scroll together.
        mine_bar, theirs_bar = self.mine.verticalScrollBar(), self.theirs.verticalScrollBar()
        mine_bar.valueChanged.connect(theirs_bar.setValue)
        theirs_bar.valueChanged.connect(mine_bar.setValue)
        sides = QWidget(self)
        grid = QGridLayout(sides)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("Mine (this knowledge base)", sides), 0, 0)
        grid.addWidget(QLabel("Theirs (the shared folder)", sides), 0, 1)
        grid.addWidget(self.mine, 1, 0)
        grid.addWidget(self.theirs, 1, 1)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("conflictEditor")
        self.editor.setAccessibleName("The version to keep, in kbridge Markdown")
        self.pages = QStackedWidget(self)
        self.pages.addWidget(sides)
        self.pages.addWidget(self.editor)
        self.message = plain_label("", self)
        self.message.setObjectName("conflictMessage")
        self.keep_mine = self._button("Keep &mine", "keepMine", lambda: self._resolve("mine"))
        self.keep_theirs = self._button("Keep &theirs", "keepTheirs", lambda: self._resolve("theirs"))
        self.edit = self._button("&Edit a version…", "editVersion", self._on_edit_clicked)
        self.save = self._button("&Save this version", "saveVersion", self._on_save_clicked)
        self.back = self._button("&Back to both", "backToBoth", self._on_back_clicked)
        buttons = QDialogButtonBox(self)
        for button in (self.keep_mine, self.keep_theirs, self.edit, self.save, self.back):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._show_both()

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _show_both(self) -> None:
        self.pages.setCurrentIndex(0)
        for button in (self.keep_mine, self.keep_theirs, self.edit):
            button.setVisible(True)
        self.save.setVisible(False)
        self.back.setVisible(False)

    def _on_edit_clicked(self) -> None:
        """A version written from both, starting from mine (what this knowledge base shows); both
        sides stay one click away (Back to both)."""
        self.editor.setPlainText(self.conflict.mine)
        self.pages.setCurrentIndex(1)
        for button in (self.keep_mine, self.keep_theirs, self.edit):
            button.setVisible(False)
        self.save.setVisible(True)
        self.back.setVisible(True)
        self.editor.setFocus()

    def _on_back_clicked(self) -> None:
        self.message.setText("")
        self._show_both()

    def _on_save_clicked(self) -> None:
        self._resolve("mine", text=self.editor.toPlainText())

    def _resolve(self, keep: str, *, text: str | None = None) -> None:
        try:
            message = resolve_conflict(self.kb, self.conflict.record.uid, keep, text=text)
        except KbridgeError as error:
            self.message.setText(f"Not saved: {error}")
            return
        self.resolved.emit(message)
        self.accept()


def _text_view(object_name: str, name: str, text: str, parent: QWidget) -> QPlainTextEdit:
    view = QPlainTextEdit(parent)
    view.setObjectName(object_name)
    view.setReadOnly(True)
    view.setPlainText(text)
    view.setAccessibleName(name)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                 | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    return view


def _mark_differences(first: QPlainTextEdit, second: QPlainTextEdit) -> None:
    """Shade the lines one side has and the other has not."""
    for view, other in ((first, second), (second, first)):
        theirs = set(other.toPlainText().splitlines())
        selections = []
        block = view.document().firstBlock()
        while block.isValid():
            if block.text() not in theirs:
                selection = QTextEdit.ExtraSelection()
                selection.format.setBackground(DIFFERENT)
                selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                selection.cursor = QTextCursor(block)
                selections.append(selection)
            block = block.next()
        view.setExtraSelections(selections)
