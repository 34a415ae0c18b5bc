"""The "Why?" tab: the chain of reasons behind the current record as a tree, with the link type on
every edge, and its reverse, what depends on the record (Impact)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QSpinBox,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from kbridge.core import KnowledgeBase
from kbridge.core.graph import KIND_COLOURS, MISSING_COLOUR
from kbridge.core.trails import DEFAULT_IMPACT_DEPTH, DEFAULT_WHY_DEPTH, MAX_TRAIL_DEPTH, Trail, TrailNode
from kbridge.model import Record
from kbridge.ui.style import DANGLING_COLOUR, status_colour
from kbridge.ui.widgets.plain_text import plain_label, text_markup

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS = ("Link", "Key", "Title", "Status")
LINK, KEY, TITLE, STATUS = range(len(COLUMNS))
UidRole = Qt.ItemDataRole.UserRole + 1
MUTED = QColor("#6e7781")


@dataclass(eq=False)
class _Item:
    """A row of the tree: a trail node, or the "… N more" marker under a node cut by the depth."""

    node: TrailNode | None
    parent: _Item | None
    row: int
    more: int = 0
    children: list[_Item] = field(default_factory=list)


def _build(node: TrailNode, parent: _Item | None, row: int) -> _Item:
    item = _Item(node, parent, row)
    item.children = [_build(child, item, index) for index, child in enumerate(node.children)]
    if node.more:
        item.children.append(_Item(None, item, len(item.children), more=node.more))
    return item


class TrailTreeModel(QAbstractItemModel):
    """A trail as a tree model: one row per reason (or dependent), columns Link, Key, Title, Status."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._roots: list[_Item] = []
        self.trail: Trail | None = None

    def set_trail(self, trail: Trail | None) -> None:
        self.beginResetModel()
        self.trail = trail
        if trail is None:
            self._roots = []
        else:
            holder = _build(trail.root, None, 0)
            self._roots = holder.children
            for item in self._roots:
                item.parent = None
        self.endResetModel()

    def node(self, index: ModelIndex) -> TrailNode | None:
        item = self._item(index)
        return item.node if item else None

    # --- QAbstractItemModel ---------------------------------------------------------------------

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(COLUMNS) or row < 0:
            return QModelIndex()
        siblings = self._children(parent)
        if row >= len(siblings):
            return QModelIndex()
        return self.createIndex(row, column, siblings[row])

    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        item = self._item(index)
        if item is None or item.parent is None:
            return QModelIndex()
        return self.createIndex(item.parent.row, 0, item.parent)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children(parent))

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self._item(index)
        if item is None:
            return None
        column = index.column()
        if item.node is None:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) and column == LINK:
                return f"… {item.more} more (raise the depth)"
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(MUTED)
            return None
        node = item.node
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _cell(node, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return text_markup(_tooltip(node))
        if role == Qt.ItemDataRole.ForegroundRole:
            return _foreground(node, column)
        if role == Qt.ItemDataRole.FontRole:
            return _font(node, column)
        if role == UidRole:
            return node.uid
        return None

    # --- helpers ------------------------------------------------------------------------------

    def _item(self, index: ModelIndex) -> _Item | None:
        if not index.isValid():
            return None
        item = index.internalPointer()
        return item if isinstance(item, _Item) else None

    def _children(self, parent: ModelIndex) -> list[_Item]:
        item = self._item(parent)
        return item.children if item is not None else self._roots


def _cell(node: TrailNode, column: int) -> str:
    if column == LINK:
        return node.via
    if column == KEY:
        return node.key
    if column == TITLE:
        marks = node.marks
        return node.title + (f"  ({'; '.join(marks)})" if marks else "")
    if column == STATUS:
        if node.superseded_by:
            return f"superseded by {', '.join(node.superseded_by)}"
        return node.status
    return ""


def _tooltip(node: TrailNode) -> str:
    kind = node.kind.label if node.kind else "Missing record"
    text = f"{node.via} {node.key} ({kind}): {node.title}"
    if node.note:
        text += f"\n{node.note}"
    if node.repeated:
        text += "\nIts own reasons are shown where it first appears."
    if node.cycle:
        text += "\nIt is one of its own reasons here; the cycle is not followed again."
    return text


def _foreground(node: TrailNode, column: int) -> QBrush | None:
    if node.dangling:
        return QBrush(QColor(DANGLING_COLOUR))
    if column == LINK or node.repeated or node.cycle:
        return QBrush(MUTED)
    if column == KEY:
        return QBrush(QColor(KIND_COLOURS.get(node.kind, MISSING_COLOUR) if node.kind else MISSING_COLOUR))
    if column == STATUS and node.status:
        return QBrush(status_colour(node.status))
    return None


def _font(node: TrailNode, column: int) -> QFont | None:
    font = QFont()
    if column == LINK:
        font.setItalic(True)
        return font
    if column == KEY:
        font.setBold(True)
        return font
    if node.deleted:
        font.setStrikeOut(True)
        return font
    return None


class WhyView(QWidget):
    """Why the current record exists, or (Impact) what depends on it. Activating a row (double
    click, Enter) emits `record_link_clicked(uid)`."""

    record_link_clicked = Signal(str)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.record: Record | None = None
        self.setObjectName("whyView")
        self.question = QComboBox(self)
        self.question.setObjectName("trailQuestion")
        self.question.addItem("Why does it exist?", "why")
        self.question.addItem("What depends on it? (impact)", "impact")
        self.question.setAccessibleName("Question")
        self.question.currentIndexChanged.connect(self._on_question_current_index_changed)
        self.depth = QSpinBox(self)
        self.depth.setObjectName("trailDepth")
        self.depth.setRange(1, MAX_TRAIL_DEPTH)
        self.depth.setValue(DEFAULT_WHY_DEPTH)
        self.depth.setPrefix("depth ")
        self.depth.setAccessibleName("Depth")
        self.depth.valueChanged.connect(self._on_depth_value_changed)
        self.summary = plain_label("", self)
        self.summary.setObjectName("trailSummary")
        self.summary.setWordWrap(True)
        self.model = TrailTreeModel(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("trailTree")
        self.tree.setAccessibleName("Trail")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column in (LINK, KEY, STATUS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        self.tree.activated.connect(self._on_tree_activated)
        controls = QHBoxLayout()
        controls.addWidget(self.question)
        controls.addWidget(self.depth)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        self.show_record(None)

    @property
    def asking(self) -> str:
        return str(self.question.currentData())

    def show_record(self, record: Record | None) -> None:
        self.record = record
        self.refresh()

    def refresh(self) -> None:
        record = self.kb.find(self.record.uid) if self.record else None
        if record is None:
            self.model.set_trail(None)
            self.summary.setText("Select a record to see why it exists and what depends on it.")
            return
        self.record = record
        trail = self.kb.trails.why(record.uid, self.depth.value()) if self.asking == "why" else \
            self.kb.trails.impact(record.uid, self.depth.value())
        self.model.set_trail(trail)
        self.tree.expandAll()
        self.summary.setText(_summary(trail))

    def _on_question_current_index_changed(self, _index: int) -> None:
        self.depth.blockSignals(True)
        self.depth.setValue(DEFAULT_WHY_DEPTH if self.asking == "why" else DEFAULT_IMPACT_DEPTH)
        self.depth.blockSignals(False)
        self.refresh()

    def _on_depth_value_changed(self, _value: int) -> None:
        self.refresh()

    def _on_tree_activated(self, index: QModelIndex) -> None:
        uid = self.model.data(index, UidRole)
        if uid:
            self.record_link_clicked.emit(uid)


def _summary(trail: Trail) -> str:
    root = trail.root
    records = {node.key for depth, node in root.walk() if depth > 0}
    cut = sum(1 for _, node in root.walk() if node.more)
    if trail.question == "why":
        if not records:
            return (f"Nothing links a reason to {root.key}: no risk, requirement, incident or decision. "
                    "If nobody remembers why it exists, that knowledge is at risk.")
        text = f"{len(records)} records explain {root.key}, up to {trail.depth} links away."
    else:
        if not records:
            return f"Nothing depends on {root.key}: retiring it leaves no other record without a reason."
        text = f"{len(records)} records depend on {root.key}, up to {trail.depth} links away."
    if cut:
        text += f" {cut} records have more beyond this depth."
    return text
