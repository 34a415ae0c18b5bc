"""The History tab: every revision with author, time and reason; a readable diff between any two;
restore one as a new revision (asking, when its status would contradict the links now, whether to
keep the status the links imply)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kbridge.escaping import escape_html
from kbridge.model import KbridgeError, Record, Revision
from kbridge.ui.widgets.plain_text import InertDocument, text_markup, warn

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase

ModelIndex = QModelIndex | QPersistentModelIndex
REVISION_COLUMNS = ("Rev", "When", "Author", "Reason", "Status")
BEFORE_FIRST = 0  # "revision 0": the record before its first revision, empty


def local_time(iso: str) -> str:
    """An ISO UTC time as the person's local time, to the minute."""
    try:
        return dt.datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


class RevisionTableModel(QAbstractTableModel):
    """Revisions newest first (the one a person most likely wants is on top)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.revisions: list[Revision] = []

    def set_revisions(self, revisions: list[Revision]) -> None:
        self.beginResetModel()
        self.revisions = sorted(revisions, key=lambda revision: -revision.rev)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.revisions)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(REVISION_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return REVISION_COLUMNS[section] if 0 <= section < len(REVISION_COLUMNS) else None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.revisions):
            return None
        revision = self.revisions[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = (
                str(revision.rev),
                local_time(revision.at),
                revision.author,
                revision.reason,
                revision.status,
            )[index.column()]
            return text_markup(text) if role == Qt.ItemDataRole.ToolTipRole else text
        if role == Qt.ItemDataRole.UserRole:
            return revision.rev
        return None


def diff_html(diff: str) -> str:
    """A unified diff as coloured HTML: removed lines red, added green, positions grey."""
    if not diff.strip():
        return "<p><i>These two revisions have the same content.</i></p>"
    rows = []
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            style = "color:#57606a;font-weight:bold"
        elif line.startswith("@@"):
            style = "color:#8250df"
        elif line.startswith("+"):
            style = "background-color:#dafbe1;color:#116329"
        elif line.startswith("-"):
            style = "background-color:#ffebe9;color:#82071e"
        else:
            style = ""
        rows.append(f'<div style="{style}">{escape_html(line) or "&nbsp;"}</div>')
    return '<pre style="white-space:pre-wrap">' + "".join(rows) + "</pre>"


class HistoryView(QWidget):
    """Emits `restored(uid)` after a revision was brought back."""

    restored = Signal(str)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.kb = kb
        self.record: Record | None = None
        self.model = RevisionTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("revisionList")
        self.table.setAccessibleName("Revisions")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.from_box = QComboBox(self)
        self.from_box.setObjectName("diffFrom")
        self.from_box.setAccessibleName("Compare from revision")
        self.to_box = QComboBox(self)
        self.to_box.setObjectName("diffTo")
        self.to_box.setAccessibleName("Compare to revision")
        for box in (self.from_box, self.to_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
        self.from_box.currentIndexChanged.connect(self._on_box_changed)
        self.to_box.currentIndexChanged.connect(self._on_box_changed)
        self.restore_action = QAction("&Restore this revision…", self)
        self.restore_action.setObjectName("restoreRevisionAction")
        self.restore_action.setToolTip("Bring back the selected revision as a new revision")
        self.restore_action.triggered.connect(self._on_restore_action_triggered)
        self.addAction(self.restore_action)
        self.restore_button = QPushButton(self.restore_action.text(), self)
        self.restore_button.setObjectName("restoreRevision")
        self.restore_button.setAccessibleName("Restore the selected revision")
        self.restore_button.clicked.connect(self.restore_action.trigger)
        self.diff_view = QTextBrowser(self)
        self.diff_view.setDocument(InertDocument(self.diff_view))  # a record's old text: nothing loads
        self.diff_view.setObjectName("diffView")
        self.diff_view.setAccessibleName("Differences between the two revisions")
        self.diff_view.setOpenLinks(False)
        compare = QHBoxLayout()
        compare.addWidget(QLabel("Compare", self))
        compare.addWidget(self.from_box, 1)
        compare.addWidget(QLabel("with", self))
        compare.addWidget(self.to_box, 1)
        top = QHBoxLayout()
        top.addWidget(QLabel("Every saved version, newest first", self), 1)
        top.addWidget(self.restore_button)
        upper = QWidget(self)
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(top)
        upper_layout.addWidget(self.table)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(compare)
        lower_layout.addWidget(self.diff_view)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setSizes([180, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        self._filling = False

    def set_knowledge_base(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.show_record(None)

    def show_record(self, record: Record | None) -> None:
        self.record = record
        revisions = self.kb.history.revisions(record.uid) if record is not None else []
        self.model.set_revisions(revisions)
        self._filling = True
        for box in (self.from_box, self.to_box):
            box.clear()
            for revision in revisions:
                box.addItem(f"{revision.rev} · {local_time(revision.at)} · {revision.reason}", revision.rev)
        if revisions:
            # The first revision is compared with nothing: everything in it was added then.
            self.from_box.addItem("nothing (before it was recorded)", BEFORE_FIRST)
        self._filling = False
        self._set_restorable(False)
        if revisions:
            self.table.selectRow(0)  # the newest, compared with the one before it
        else:
            self.diff_view.clear()

    def compare(self, rev_a: int, rev_b: int) -> None:
        """Show the differences from revision `rev_a` to `rev_b`."""
        self._filling = True
        self.from_box.setCurrentIndex(self.from_box.findData(rev_a))
        self.to_box.setCurrentIndex(self.to_box.findData(rev_b))
        self._filling = False
        self._show_diff()

    def selected_rev(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.data(index, Qt.ItemDataRole.UserRole) if index.isValid() else None

    def _show_diff(self) -> None:
        if self.record is None:
            return
        rev_a, rev_b = self.from_box.currentData(), self.to_box.currentData()
        if rev_a is None or rev_b is None:
            self.diff_view.clear()
            return
        if rev_a == BEFORE_FIRST:
            from kbridge.core.history import diff_revisions

            newer = self.kb.history.revision(self.record.uid, int(rev_b))
            nothing = Revision(self.record.uid, BEFORE_FIRST, "", "", "", {})
            self.diff_view.setHtml(diff_html(diff_revisions(nothing, newer)))
            return
        self.diff_view.setHtml(diff_html(self.kb.history.diff(self.record.uid, int(rev_a), int(rev_b))))

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        rev = self.model.data(current, Qt.ItemDataRole.UserRole) if current.isValid() else None
        latest = self.model.revisions[0].rev if self.model.revisions else None
        self._set_restorable(rev is not None and rev != latest)
        if rev is not None:
            older = [revision.rev for revision in self.model.revisions if revision.rev < rev]
            self.compare(max(older) if older else BEFORE_FIRST, rev)

    def _on_box_changed(self, _index: int) -> None:
        if not self._filling:
            self._show_diff()

    def _set_restorable(self, enabled: bool) -> None:
        self.restore_action.setEnabled(enabled)
        self.restore_button.setEnabled(enabled)

    def _on_restore_action_triggered(self) -> None:
        rev = self.selected_rev()
        if self.record is None or rev is None or not self.restore_action.isEnabled():
            return
        answer = self._ask_restore(self.record, rev)
        if answer is None:
            return
        try:
            self.kb.history.restore(self.record.uid, rev, keep_consistent=answer)
        except KbridgeError as error:
            warn(self, "Restore revision", str(error))
            return
        self.restored.emit(self.record.uid)

    def _ask_restore(self, record: Record, rev: int) -> bool | None:
        """None: cancelled; else whether to keep the status consistent with the links."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Restore revision",
            f"Bring back revision {rev} of {record.key}? It becomes a new revision; nothing is lost.",
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("restoreRevisionPrompt")
        conflict = self.kb.lifecycle.restore_conflict(record.uid, rev)
        if conflict is None:
            box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(QMessageBox.StandardButton.Yes)
            return False if box.exec() == QMessageBox.StandardButton.Yes else None
        current = self.kb.get(record.uid)
        consistent = self.kb.lifecycle.consistent_status(current, conflict.status)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setInformativeText(
            f"{conflict.message} (links are not restored). Keep the status consistent with the links "
            f"({consistent}) and restore the rest?"
        )
        keep = box.addButton(f"Restore, keep status {consistent}", QMessageBox.ButtonRole.AcceptRole)
        keep.setObjectName("restoreKeepConsistent")
        as_was = box.addButton(
            f"Restore as it was ({conflict.status or 'no status'})", QMessageBox.ButtonRole.ApplyRole
        )
        as_was.setObjectName("restoreAsItWas")
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.exec()
        clicked = box.clickedButton()
        if clicked is keep:
            return True
        if clicked is as_was:
            return False
        return None
