"""The "Recovery" view: in which order to bring systems back after an outage, who decides each is
safe to bring back, which decisions and controls govern it, and what is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kbridge.core import KnowledgeBase
from kbridge.core.recovery import Person, RecoveryPlan, RecoveryStep
from kbridge.model import Initiator, Kind, Progress, Record
from kbridge.ui.dialogs.errors import failure_sentence
from kbridge.ui.jobs.apart import CancelFlag, run_by_size
from kbridge.ui.jobs.choices_loader import fill_choices
from kbridge.ui.jobs.record_finder import WORKER_BYTES
from kbridge.ui.jobs.worker import Job
from kbridge.ui.widgets.choice_box import ChoiceBox
from kbridge.ui.widgets.plain_text import plain_label, text_markup

ModelIndex = QModelIndex | QPersistentModelIndex

# Gaps right after the system: what is missing is what a person reads this table for, and the
# last of eleven columns is off-screen in any reader narrower than the whole screen.
COLUMNS = ("#", "Wave", "System", "Gaps", "Criticality", "RTO", "RPO", "Needs", "Owner", "Approver", "Governed by")
(POSITION, WAVE, SYSTEM, GAPS, CRITICALITY, RTO, RPO, NEEDS, OWNER, APPROVER, GOVERNED) = range(len(COLUMNS))
UidRole = Qt.ItemDataRole.UserRole + 1
ALERT = QColor("#cf222e")
CRITICALITY_COLOURS = {"critical": "#cf222e", "high": "#bc4c00", "medium": "#9a6700", "low": "#57606a"}


FITTED_ROWS = 200  # a plan this long or shorter has its rows and columns fitted to their text
NAMED_EXCLUDED = 12  # systems not running named in the summary; the others counted


def restore_order_of(path: Path, target: str | None, progress: Progress, cancel: CancelFlag) -> RecoveryPlan:
    """`kb.trails.restore_order(target)` over a connection of its own (a worker), in a process of
    its own for a large file."""
    return run_by_size(_restore_order_here, path, target, progress=progress, cancel=cancel)


def _restore_order_here(path: Path, target: str | None, _progress: Progress, _cancel: CancelFlag) -> RecoveryPlan:
    with KnowledgeBase.open(path, initiator=Initiator.JOB) as kb:
        return kb.trails.restore_order(target)


class RecoveryTableModel(QAbstractTableModel):
    """One row per system in restore order."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plan = RecoveryPlan(target=None)

    def set_plan(self, plan: RecoveryPlan) -> None:
        self.beginResetModel()
        self.plan = plan
        self.endResetModel()

    def step(self, row: int) -> RecoveryStep | None:
        return self.plan.steps[row] if 0 <= row < len(self.plan.steps) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.plan.steps)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        step = self.step(index.row())
        if step is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _cell(step, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return text_markup(_tooltip(step, column))
        if role == Qt.ItemDataRole.ForegroundRole:
            return _foreground(step, column)
        if role == Qt.ItemDataRole.FontRole and column in (POSITION, SYSTEM):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (POSITION, WAVE):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == UidRole:
            return step.record.uid
        return None


def _person(person: Person | None) -> str:
    if person is None:
        return "— none —"
    return f"{person.name} (left)" if person.departed else person.name


def _cell(step: RecoveryStep, column: int) -> str:
    values = {
        POSITION: str(step.position),
        WAVE: str(step.wave),
        SYSTEM: f"{step.key}  {step.record.title}",
        CRITICALITY: step.criticality or "?",
        RTO: step.rto or "none",
        RPO: step.rpo or "none",
        NEEDS: ", ".join(step.depends_on),
        OWNER: _person(step.owner),
        APPROVER: _person(step.approver),
        GOVERNED: ", ".join(governor.key for governor in step.governing),
        GAPS: "; ".join(step.gaps),
    }
    return values.get(column, "")


def _tooltip(step: RecoveryStep, column: int) -> str:
    if column == GOVERNED and step.governing:
        return "\n".join(f"{g.key} ({g.kind.value}, {g.status}): {g.title}" for g in step.governing)
    if column == WAVE:
        return "Systems of the same wave have all they need and can be restored side by side."
    if column == GAPS and step.gaps:
        return "\n".join(step.gaps)
    return _cell(step, column)


def _foreground(step: RecoveryStep, column: int) -> QBrush | None:
    if column == GAPS and step.gaps:
        return QBrush(ALERT)
    if column == OWNER and (step.owner is None or step.owner.departed):
        return QBrush(ALERT)
    if column == APPROVER and (step.approver is None or step.approver.departed):
        return QBrush(ALERT)
    if column == RTO and (not step.rto or any("RTO" in gap for gap in step.gaps)):
        return QBrush(ALERT)
    if column == CRITICALITY and step.criticality in CRITICALITY_COLOURS:
        return QBrush(QColor(CRITICALITY_COLOURS[step.criticality]))
    return None


class RecoveryView(QWidget):
    """The restore order of every running system, or of one system and what it needs.
    Activating a row emits `record_link_clicked(uid)` with the system's uid."""

    record_link_clicked = Signal(str)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.setObjectName("recoveryView")
        self.system = ChoiceBox(self)
        self.system.setObjectName("recoverySystem")
        self.system.setAccessibleName("System to restore")
        self.system.currentIndexChanged.connect(self._on_system_current_index_changed)
        # A long system title must not widen the window; the list itself shows it whole.
        self.system.setMinimumContentsLength(16)
        self.summary = plain_label("", self)
        self.summary.setObjectName("recoverySummary")
        self.summary.setWordWrap(True)
        self.warning = plain_label("", self)
        self.warning.setObjectName("recoveryCycles")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {ALERT.name()}; font-weight: bold;")
        self.model = RecoveryTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("recoveryTable")
        self.table.setAccessibleName("Restore order")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column, width in ((SYSTEM, 200), (GAPS, 220)):  # long texts wrap in a readable width
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.table.activated.connect(self._on_table_activated)
        top = QHBoxLayout()
        top.addWidget(QLabel("Restore:", self))
        top.addWidget(self.system, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.warning)
        layout.addWidget(self.table, 1)
        self._planning: Job | None = None  # the restore order being worked out, for `_planning_for`
        self._planning_for: str | None = None
        self._wanted: str | None = None
        self.refresh()

    def refresh(self) -> None:
        """Re-read the systems (after a change) keeping the chosen system if it still exists."""
        # Keys and titles only, on a worker for a large file (80,215 systems of a million records:
        # a second); the plan is shown again once the box holds them.
        blocked = self.system.blockSignals(True)
        fill_choices(self.system, self.kb, Kind.SYSTEM, first=[("every running system", None)],
                     label=lambda record: f"{record.key}  {record.title}", value=lambda record: record.uid)
        self.system.blockSignals(blocked)
        self._show_plan()

    def show_record(self, record: Record | None) -> None:
        """Restore order of `record` when it is a system; every system otherwise."""
        if record is not None and record.kind is Kind.SYSTEM:
            self.system.select(record.uid, f"{record.key}  {record.title}")  # its choices may still be read
        else:
            self.system.setCurrentIndex(0)

    def _show_plan(self) -> None:
        """The restore order of the chosen system (every one: None). A large file's is worked out
        off the GUI thread (every record is read: 3.6 s at 100,000 records), in a process of its
        own when large enough; the newest choice wins."""
        target = self.system.currentData()
        if self.kb.path.stat().st_size < WORKER_BYTES:
            self._set_plan(self.kb.trails.restore_order(target))
            return
        self._wanted = target
        if self._planning is not None:
            return  # the newest choice is asked when the running one is back
        self.summary.setText("Working out the restore order…")
        path = self.kb.path
        job = Job("Restore order", lambda progress, cancel: restore_order_of(path, target, progress, cancel))
        job.signals.finished.connect(self._on_planning_job_finished)
        job.signals.failed.connect(self._on_planning_job_failed)
        self._planning, self._planning_for = job, target
        job.start()

    def _on_planning_job_finished(self, plan: RecoveryPlan) -> None:
        self._planning = None
        if self._planning_for != self._wanted:
            self._show_plan()
            return
        self._set_plan(plan)

    def _on_planning_job_failed(self, error: Exception) -> None:
        self._planning = None
        self.summary.setText(f"The restore order could not be worked out: "
                             f"{failure_sentence(error, 'working out the restore order')}")

    def _set_plan(self, plan: RecoveryPlan) -> None:
        self._size_rows_for(len(plan.steps))
        self.model.set_plan(plan)
        gaps = sum(1 for step in plan.steps if step.gaps)
        text = f"{len(plan.steps)} systems in order, dependencies first, then criticality and RTO."
        if gaps:
            text += f" {gaps} have gaps to close before an outage."
        if plan.excluded:
            keys = [item["key"] for item in plan.excluded]
            more = f" and {len(keys) - NAMED_EXCLUDED:,} more" if len(keys) > NAMED_EXCLUDED else ""
            text += " Not running, so not restored: " + ", ".join(keys[:NAMED_EXCLUDED]) + more + "."
        self.summary.setText(text)
        cycles = [" → ".join([*cycle, cycle[0]]) for cycle in plan.cycles]
        self.warning.setText("Dependency cycle: " + "; ".join(cycles) + " (restored together)" if cycles else "")
        self.warning.setVisible(bool(cycles))

    def _size_rows_for(self, rows: int) -> None:
        """Rows and columns fitted to their text for a plan a person reads whole; a long one
        (thousands of systems) gets one line a row, its cells' whole text in their tooltips, and
        columns fitted to its first rows: fitting every cell took 5.2 s on the GUI thread for
        3,297 systems."""
        fitted = rows <= FITTED_ROWS
        self.table.setWordWrap(fitted)  # one line a row, cut with an ellipsis, when not fitted
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents if fitted
                                      else QHeaderView.ResizeMode.Fixed)
        # Columns fitted to the rows in view only (Qt measures a thousand rows by default).
        self.table.horizontalHeader().setResizeContentsPrecision(-1 if fitted else 0)

    def _on_system_current_index_changed(self, _index: int) -> None:
        self._show_plan()

    def _on_table_activated(self, index: QModelIndex) -> None:
        uid = self.model.data(index, UidRole)
        if uid:
            self.record_link_clicked.emit(uid)
