"""The "Checklist" tab: incident mode. For an incident, the systems it affects and everything that
depends on them, in restore order, each with its recovery steps, safe-to-restore criteria and the
approver's go-ahead to tick; each tick is saved at once as a revision of the incident (who and
when), and the list under it is the recovery as it happened. For any other record: the open
incidents, to pick one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListView,
    QProgressBar,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from kbridge.core import KnowledgeBase
from kbridge.core.incident import APPROVAL, CRITERION, STEP, ChecklistItem, IncidentPlan, PlannedSystem, Tick
from kbridge.escaping import escape_html as escape
from kbridge.model import KbridgeError, Kind, Record
from kbridge.ui.dialogs.errors import show_error

ModelIndex = QModelIndex | QPersistentModelIndex
ItemIdRole = Qt.ItemDataRole.UserRole + 1
UidRole = Qt.ItemDataRole.UserRole + 2
COLUMNS = ("Restore order and checklist",)  # one column: who and when go under each item, readable at any width
ALERT = QColor("#cf222e")
_PREFIX = {STEP: "Step", CRITERION: "Safe when", APPROVAL: "Go-ahead"}


def when(stamp: str) -> str:
    """An ISO time stamp as "2026-11-30 02:26"."""
    return stamp[:16].replace("T", " ") if stamp else ""


class ChecklistModel(QAbstractItemModel):
    """Systems (top level) and their checklist items (children, checkable). Ticking an item asks,
    through `tick_requested(item_id, done)`, for it to be saved; the state shown changes when the
    plan is set again from what was saved."""

    tick_requested = Signal(str, bool)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plan: IncidentPlan | None = None
        self.editable = True
        self._bold = QFont()
        self._bold.setBold(True)

    def set_plan(self, plan: IncidentPlan | None, *, editable: bool = True) -> None:
        self.beginResetModel()
        self.plan, self.editable = plan, editable
        self.endResetModel()

    @property
    def systems(self) -> list[PlannedSystem]:
        return self.plan.systems if self.plan else []

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        # A child's internal id is its system's row + 1; a system's is 0.
        return self.createIndex(row, column, parent.row() + 1 if parent.isValid() else 0)

    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(int(index.internalId()) - 1, 0, 0)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self.systems)
        if parent.internalId() == 0 and parent.column() == 0 and 0 <= parent.row() < len(self.systems):
            return len(self.systems[parent.row()].items)
        return 0

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def system_at(self, index: ModelIndex) -> PlannedSystem | None:
        if not index.isValid():
            return None
        row = index.row() if index.internalId() == 0 else int(index.internalId()) - 1
        return self.systems[row] if 0 <= row < len(self.systems) else None

    def item_at(self, index: ModelIndex) -> ChecklistItem | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        system = self.system_at(index)
        return system.items[index.row()] if system and 0 <= index.row() < len(system.items) else None

    def index_of(self, item_id: str) -> QModelIndex:
        for row, system in enumerate(self.systems):
            for child, item in enumerate(system.items):
                if item.id == item_id:
                    return self.index(child, 0, self.index(row, 0))
        return QModelIndex()

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.item_at(index) is not None and self.editable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        system = self.system_at(index)
        if system is None:
            return None
        item = self.item_at(index)
        if item is None:
            return self._system_data(system, role)
        return self._item_data(item, role)

    def _system_data(self, system: PlannedSystem, role: int) -> Any:
        readiness = system.readiness
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            approver = readiness.approver
            if approver is None:
                decides = "nobody decides it is safe"
            else:
                decides = f"{approver.name} decides it is safe" + (" (has left)" if approver.departed else "")
            return (f"{system.position}. {system.step.record.title} ({system.key})\n"
                    f"wave {system.wave} · {system.why} · RTO {system.step.rto or 'none'} · {decides} · "
                    f"{system.done} of {len(system.items)} done")
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and not readiness.approver_active:
            return QBrush(ALERT)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"Decides it is safe: {readiness.approver.name if readiness.approver else 'nobody'}"]
            if readiness.approver:
                lines += [value for value in (readiness.approver.phone, readiness.approver.email) if value]
            problem = readiness.approver_problem()
            return "\n".join([*lines, *([problem] if problem else []), *system.step.gaps])
        if role == UidRole:
            return system.step.record.uid
        return None

    def _item_data(self, item: ChecklistItem, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            number = f" {item.number}" if item.kind == STEP else ""
            done = f"\ndone: {item.by}, {when(item.at)} UTC" if item.done else ""
            return f"{_PREFIX[item.kind]}{number}: {item.text}{done}"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if item.done else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [item.text]
            if item.detail:
                lines.append(item.detail)
            lines += [f"From {s.key}: {s.title}" if not s.missing else f"{s.key}: not in the knowledge base"
                      for s in item.sources]
            if item.done:
                lines.append(f"Ticked by {item.by} at {when(item.at)} UTC")
            return "\n".join(lines)
        if role == ItemIdRole:
            return item.id
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        item = self.item_at(index)
        if item is None or role != Qt.ItemDataRole.CheckStateRole or not self.editable:
            return False
        done = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        if done != item.done:
            self.tick_requested.emit(item.id, done)
        return False  # shown as saved, once saved


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their first column's text wrapped in its width: a step is read whole, not
    cut at the column's edge (a tree view sizes rows from unwrapped text otherwise)."""

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        if index.column() != 0:
            return hint
        shown = QStyleOptionViewItem(option)
        self.initStyleOption(shown, index)
        depth = 2 if index.parent().isValid() else 1
        check = self.view.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + 10
        width = max(80, self.view.columnWidth(0) - self.view.indentation() * depth - check)
        text = shown.fontMetrics.boundingRect(QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), shown.text)
        return QSize(hint.width(), max(hint.height(), text.height() + 6))


class TickLogModel(QAbstractListModel):
    """The checklist's history, oldest first: what was ticked or unticked, by whom, when."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.ticks: list[Tick] = []

    def set_ticks(self, ticks: list[Tick]) -> None:
        self.beginResetModel()
        self.ticks = list(ticks)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ticks)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.ticks):
            return None
        tick = self.ticks[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return f"{when(tick.at)}  {tick.by} {tick.label}"
        if role == Qt.ItemDataRole.ForegroundRole and not tick.done:
            return QBrush(ALERT)
        return None


class ChecklistView(QWidget):
    """The checklist of the incident shown (see the module's docstring)."""

    record_link_clicked = Signal(str)
    ticked = Signal(str, bool)  # item id, done: saved

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.record: Record | None = None
        self.setObjectName("checklistView")
        self.heading = QLabel(self)
        self.heading.setObjectName("checklistHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.linkActivated.connect(self._on_heading_link_activated)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("checklistProgress")
        self.progress.setFormat("%v of %m done")
        self.model = ChecklistModel(self)
        self.model.tick_requested.connect(self._on_model_tick_requested)
        self.tree = QTreeView(self)
        self.tree.setObjectName("checklistTree")
        self.tree.setAccessibleName("Incident checklist")
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(WrappingDelegate(self.tree))
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.hide()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self._on_header_section_resized)
        self.tree.activated.connect(self._on_tree_activated)
        self.log_model = TickLogModel(self)
        self.log = QListView(self)
        self.log.setObjectName("checklistLog")
        self.log.setAccessibleName("The recovery as it happened")
        self.log.setModel(self.log_model)
        self.log.setWordWrap(True)
        log_pane = QWidget(self)
        log_layout = QVBoxLayout(log_pane)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_title = QLabel("<b>The recovery as it happened</b>", log_pane)
        log_layout.addWidget(log_title)
        log_layout.addWidget(self.log)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(log_pane)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.progress)
        layout.addWidget(self.splitter, 1)
        self.show_record(None)

    @property
    def plan(self) -> IncidentPlan | None:
        return self.model.plan

    def show_record(self, record: Record | None) -> None:
        """The checklist of `record` when it is an incident; the open incidents to choose from otherwise."""
        self.record = record
        if record is None or record.kind is not Kind.INCIDENT:
            self._show_choice()
            return
        self.refresh()

    def refresh(self) -> None:
        """Read the incident's plan again, keeping the item that was current."""
        if self.record is None or self.record.kind is not Kind.INCIDENT:
            return
        current = self.model.data(self.tree.currentIndex(), ItemIdRole)
        plan = self.kb.resilience.incident_plan(self.record.uid)
        self.model.set_plan(plan, editable=not plan.incident.deleted)
        self.tree.expandAll()
        self.log_model.set_ticks(self.kb.resilience.checklist_history(plan.incident.uid))
        self.log.scrollToBottom()
        done, total = sum(1 for i in plan.items if i.done), len(plan.items)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setVisible(bool(total))
        self.splitter.setVisible(True)
        self.heading.setText(_heading(plan))
        if current:
            index = self.model.index_of(current)
            if index.isValid():
                self.tree.setCurrentIndex(index)

    def tick(self, item_id: str, done: bool = True) -> bool:
        """Save a tick (or an untick); False, after saying why, when it cannot be saved."""
        if self.record is None:
            return False
        try:
            self.kb.resilience.tick(self.record.uid, item_id, done=done)
        except KbridgeError as error:
            show_error(self, "Checklist", str(error))
            return False
        self.refresh()
        self.ticked.emit(item_id, done)
        return True

    def _show_choice(self) -> None:
        self.model.set_plan(None)
        self.log_model.set_ticks([])
        self.progress.setVisible(False)
        self.splitter.setVisible(False)
        incidents = self.kb.list_records(kind=Kind.INCIDENT, status="open")  # by the (kind, status) index
        if not incidents:
            self.heading.setText("Open an incident to follow its recovery here. No incident is open.")
            return
        links = "".join(f'<li><a href="kbridge:{escape(r.uid)}">{escape(r.key)}</a> {escape(r.title)}</li>'
                        for r in incidents)
        self.heading.setText(f"Open an incident to follow its recovery here. Open incidents:<ul>{links}</ul>")

    def _on_heading_link_activated(self, href: str) -> None:
        if href.startswith("kbridge:"):
            self.record_link_clicked.emit(href.removeprefix("kbridge:"))

    def _on_model_tick_requested(self, item_id: str, done: bool) -> None:
        self.tick(item_id, done)

    def _on_header_section_resized(self, section: int, _old: int, _new: int) -> None:
        if section == 0:
            self.tree.doItemsLayout()  # rows wrap anew in the column's new width

    def _on_tree_activated(self, index: QModelIndex) -> None:
        if self.model.item_at(index) is None:
            uid = self.model.data(index, UidRole)
            if uid:
                self.record_link_clicked.emit(uid)


def _heading(plan: IncidentPlan) -> str:
    incident = plan.incident
    title = f"<b>{escape(incident.key)} {escape(incident.title)}</b> ({escape(incident.status or 'no status')})"
    if not plan.systems:
        return (f"{title}<br>It affects no running system: link the systems it affects (Record › Links…) "
                "and their recovery shows here.")
    affected = ", ".join(escape(key) for key in plan.affected)
    text = (f"{title}<br>Affects {affected}; {len(plan.systems)} systems to bring back in this order. "
            "Tick each step and check as it is done: it is saved with your name and the time.")
    if incident.deleted:
        text += "<br>This incident is in the trash: its checklist can be read, not changed."
    if plan.orphan_ticks:
        text += f"<br>{len(plan.orphan_ticks)} earlier ticks are of items no longer in the playbooks (see History)."
    return text
