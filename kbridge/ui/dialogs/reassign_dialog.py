"""Reassign: hand what a (departed) person holds to someone else, record by record, in one step."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kbridge.core import KnowledgeBase
from kbridge.escaping import escape_html
from kbridge.model import Changes, KbridgeError, Kind
from kbridge.ui.jobs.choices_loader import fill_choices
from kbridge.ui.widgets.choice_box import ChoiceBox
from kbridge.ui.widgets.plain_text import plain_label, rich_label

KeyRole = Qt.ItemDataRole.UserRole + 1


class ReassignDialog(QDialog):
    """Lists what `person` owns, is linked as owner of, or approves; the user picks the records
    and the new holder; accepting calls `KnowledgeBase.reassign` (one revision per record) and
    emits `records_reassigned(changes)`."""

    records_reassigned = Signal(object)

    def __init__(self, kb: KnowledgeBase, person: str, parent: QWidget | None = None,
                 keys: list[str] | None = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.person = kb.get(person)
        self.changes: Changes | None = None
        self.setObjectName("reassignDialog")
        self.setWindowTitle(f"Reassign what {self.person.title} holds")
        state = " (has left)" if self.person.status == "departed" else ""
        who = escape_html(f"{self.person.key} {self.person.title}")
        intro = rich_label(f"<b>{who}</b>{state} holds these records. Choose who takes them over.", self)
        intro.setWordWrap(True)
        self.records = QListWidget(self)
        self.records.setObjectName("reassignRecords")
        self.records.setAccessibleName("Records to reassign")
        wanted = {key.upper() for key in keys} if keys else None
        for holding in kb.trails.holdings(self.person.key):
            record = holding.record
            item = QListWidgetItem(f"{record.key}  {record.title}   — {', '.join(holding.roles)}")
            item.setData(KeyRole, record.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = wanted is None or record.key.upper() in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.records.addItem(item)
        self.records.itemChanged.connect(self._on_records_item_changed)
        toggle = QPushButton("Select all / none", self)
        toggle.clicked.connect(self._on_toggle_clicked)
        self.target = ChoiceBox(self)
        self.target.setObjectName("reassignTarget")
        self.target.setAccessibleName("New owner")
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reassignReason")
        self.reason.setPlaceholderText(f"reassigned from {self.person.key} (kept with each revision)")
        self.error = plain_label("", self)  # quotes the person's title, or an error quoting a record
        self.error.setObjectName("reassignError")
        self.error.setStyleSheet("color: #cf222e;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Hand to:", self.target)
        form.addRow("Why:", self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.records, 1)
        layout.addWidget(toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        leaving = self.person.uid  # active people but the one leaving; on a worker for a large file
        fill_choices(self.target, kb, Kind.PERSON, status="active", label=lambda c: f"{c.key}  {c.title}",
                     value=lambda c: c.key, wanted=lambda c: c.uid != leaving, then=self._update_ok)
        self._update_ok()

    def chosen_keys(self) -> list[str]:
        return [
            self.records.item(row).data(KeyRole)
            for row in range(self.records.count())
            if self.records.item(row).checkState() == Qt.CheckState.Checked
        ]

    def _update_ok(self) -> None:
        count = len(self.chosen_keys())
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"Reassign {count} record{'s' if count != 1 else ''}")
        ok.setEnabled(count > 0 and self.target.count() > 0)
        if self.records.count() == 0:
            self.error.setText(f"{self.person.title} holds no records.")

    def _on_records_item_changed(self, _item: QListWidgetItem) -> None:
        self._update_ok()

    def _on_toggle_clicked(self) -> None:
        everything = len(self.chosen_keys()) < self.records.count()
        state = Qt.CheckState.Checked if everything else Qt.CheckState.Unchecked
        for row in range(self.records.count()):
            self.records.item(row).setCheckState(state)

    def _on_buttons_accepted(self) -> None:
        try:
            self.changes = self.kb.trails.reassign(
                self.person.key, self.target.currentData(), self.chosen_keys(), reason=self.reason.text().strip()
            ).changes
        except KbridgeError as error:
            self.error.setText(str(error))
            return
        self.records_reassigned.emit(self.changes)
        self.accept()
