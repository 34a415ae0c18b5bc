"""Choosing a typed link: a link type and a record found by searching keys and titles; and the
dialog that lists a record's links and adds or removes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kbridge.escaping import escape_html
from kbridge.model import KbridgeError, LinkedRecord, LinkType, Record
from kbridge.ui.dialogs.lifecycle_prompts import offer_status_restore
from kbridge.ui.jobs.record_finder import RecordFinder
from kbridge.ui.widgets.plain_text import ask, inform, rich_label, warn

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase
    from kbridge.ui.jobs.worker import JobRunner

PICKER_LIMIT = 40


@dataclass(frozen=True)
class LinkChoice:
    type: LinkType
    target_uid: str
    target_key: str
    target_title: str
    note: str = ""

    def describe(self) -> str:
        return f"{self.type.label} {self.target_key} — {self.target_title}"


class LinkPicker(QDialog):
    """Pick a link type and a target record; `choice()` after `exec()` returns it."""

    def __init__(
        self,
        kb: KnowledgeBase,
        parent: QWidget | None = None,
        *,
        jobs: JobRunner | None = None,
        source_label: str = "this record",
        exclude: str | None = None,
    ) -> None:
        """`jobs`: where a large file's candidates are found (None: at once, on this thread);
        `exclude`: the record the link starts from."""
        super().__init__(parent)
        self.setObjectName("linkPicker")
        self.setWindowTitle("Add a link")
        self.resize(560, 420)
        self.finder = RecordFinder(kb, jobs, limit=PICKER_LIMIT, exclude=exclude)
        self.finder.found.connect(self._on_finder_found)
        self.finished.connect(self.finder.stop)
        self.type_box = QComboBox(self)
        self.type_box.setObjectName("linkType")
        self.type_box.setAccessibleName("Link type")
        for link_type in LinkType:
            self.type_box.addItem(f"{source_label} {link_type.label} …", link_type.value)
        self.field = QLineEdit(self)
        self.field.setObjectName("linkTargetSearch")
        self.field.setAccessibleName("Find the record to link to")
        self.field.setPlaceholderText("Type a key or part of a title…")
        self.field.textChanged.connect(self._on_field_text_changed)
        self.results = QListWidget(self)
        self.results.setObjectName("linkTargets")
        self.results.setAccessibleName("Records to link to")
        self.results.itemDoubleClicked.connect(self._on_results_item_double_clicked)
        self.note = QLineEdit(self)
        self.note.setObjectName("linkNote")
        self.note.setAccessibleName("Note on the link")
        self.note.setPlaceholderText("optional")
        form = QFormLayout()
        form.addRow("Link &type:", self.type_box)
        form.addRow("&Record:", self.field)
        form.addRow("", self.results)
        form.addRow("&Note:", self.note)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if label is not None and isinstance(label.widget(), QLabel):
                label.widget().setBuddy(form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add link")
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.set_type(LinkType.RELATES_TO)  # the one link that fits any two records
        self.field.setFocus()

    def set_type(self, link_type: LinkType) -> None:
        self.type_box.setCurrentIndex(self.type_box.findData(link_type.value))

    def choice(self) -> LinkChoice | None:
        item = self.results.currentItem()
        if item is None:
            return None
        record: Record = item.data(Qt.ItemDataRole.UserRole)
        return LinkChoice(
            LinkType(self.type_box.currentData()), record.uid, record.key, record.title, self.note.text().strip()
        )

    def _on_field_text_changed(self, text: str) -> None:
        self.finder.ask(text)

    def _on_finder_found(self, text: str, records: list[Record]) -> None:
        if text != self.field.text():
            return
        self.results.clear()
        for record in records:
            item = QListWidgetItem(f"{record.key}  {record.title}")
            item.setData(Qt.ItemDataRole.UserRole, record)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _on_results_item_double_clicked(self, _item: QListWidgetItem) -> None:
        self._on_buttons_accepted()

    def _on_buttons_accepted(self) -> None:
        if self.choice() is None:
            inform(self, "Add a link", "Find and select the record to link to.")
            return
        self.accept()


class LinksDialog(QDialog):
    """A record's links both ways; add new ones through the picker, remove the selected one."""

    def __init__(
        self, kb: KnowledgeBase, record: Record, parent: QWidget | None = None, *, jobs: JobRunner | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("linksDialog")
        self.setWindowTitle(f"Links of {record.key}")
        self.resize(560, 380)
        self.kb, self.record, self.jobs = kb, record, jobs
        self.list = QListWidget(self)
        self.list.setObjectName("linkList")
        self.list.setAccessibleName("Links")
        add = QPushButton("&Add link…", self)
        add.setObjectName("addLinkButton")
        add.clicked.connect(self._on_add_clicked)
        self.remove_button = QPushButton("&Remove link", self)
        self.remove_button.setObjectName("removeLinkButton")
        self.remove_button.clicked.connect(self._on_remove_clicked)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(rich_label(f"<b>{escape_html(record.key)}</b> {escape_html(record.title)}", self))
        layout.addWidget(self.list)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for link in self.kb.links.of(self.record.uid):
            suffix = " (not in the knowledge base)" if link.dangling else ""
            item = QListWidgetItem(f"{link.label.capitalize()} {link.key} {link.title}{suffix}")
            item.setData(Qt.ItemDataRole.UserRole, link)
            self.list.addItem(item)
        self.remove_button.setEnabled(self.list.count() > 0)

    def add_link(self, choice: LinkChoice) -> bool:
        try:
            self.kb.links.add(self.record.uid, choice.type, choice.target_uid, note=choice.note)
        except KbridgeError as error:
            warn(self, "Add a link", str(error))
            return False
        self.refresh()
        return True

    def remove_link(self, link: LinkedRecord) -> bool:
        source, target = (
            (self.record.uid, link.uid or link.key) if link.direction == "out" else (link.uid, self.record.uid)
        )
        try:
            self.kb.links.remove(str(source), link.type, str(target))
        except KbridgeError as error:
            warn(self, "Remove a link", str(error))
            return False
        if link.type is LinkType.SUPERSEDES and link.uid is not None:
            offer_status_restore(self, self.kb, str(target))
        self.refresh()
        return True

    def _on_add_clicked(self) -> None:
        picker = LinkPicker(self.kb, self, jobs=self.jobs, source_label=self.record.key, exclude=self.record.uid)
        if picker.exec() == QDialog.DialogCode.Accepted and (choice := picker.choice()) is not None:
            self.add_link(choice)

    def _on_remove_clicked(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        link: LinkedRecord = item.data(Qt.ItemDataRole.UserRole)
        answer = ask(
            self,
            "Remove a link",
            f"Remove “{item.text()}”?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_link(link)
