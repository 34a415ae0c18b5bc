"""The navigator: kinds with counts and their statuses, tags, saved searches, "Needs attention"
and the trash. Choosing an entry filters the record list (or runs a saved search)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from kbridge.model import Kind
from kbridge.model.listing import ListFacets
from kbridge.ui.models.record_table_model import RecordFilter
from kbridge.ui.style import status_colour
from kbridge.ui.widgets.plain_text import text_markup

if TYPE_CHECKING:
    from kbridge.core import Finding

ModelIndex = QModelIndex | QPersistentModelIndex
NodeIdRole = Qt.ItemDataRole.UserRole + 1

# The order of the kinds in the navigator; events and templates show only when there are some.
NAVIGATOR_KINDS = (
    Kind.DECISION,
    Kind.SYSTEM,
    Kind.CONTROL,
    Kind.RISK,
    Kind.INCIDENT,
    Kind.REQUIREMENT,
    Kind.PERSON,
    Kind.NOTE,
    Kind.EVENT,
    Kind.TEMPLATE,
)
# The "Needs attention" groups the issue asks for, in this order.
ATTENTION_CATEGORIES = (
    "overdue-review",
    "departed-owner",
    "dangling-link",
    "stale-proposal",
    "superseded-alone",
    "successor-not-in-force",
    "supersede-cycle",
    "status-contradicts-links",
    "recovery-approver",
    "overdue-exercise",
    "sync-conflict",
)
TAG_LIMIT = 60


@dataclass
class NavNode:
    node_id: str
    label: str
    count: int | None = None
    record_filter: RecordFilter | None = None
    query: str | None = None
    heading: bool = False
    colour: str | None = None
    children: list[NavNode] = field(default_factory=list)
    parent: NavNode | None = field(default=None, repr=False)

    def add(self, child: NavNode) -> NavNode:
        child.parent = self
        self.children.append(child)
        return child

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent else 0


def build_tree(facets: ListFacets, findings: list[Finding] | None, saved: list[str]) -> NavNode:
    """The navigator's entries for these counts (storage's), check findings and saved searches."""
    root = NavNode("root", "")
    kinds, statuses = facets.kinds, facets.statuses
    root.add(NavNode("all", "All records", facets.live, RecordFilter()))
    for kind in NAVIGATOR_KINDS:
        if kind in (Kind.EVENT, Kind.TEMPLATE) and not kinds.get(kind.value):
            continue
        node = root.add(
            NavNode(
                f"kind:{kind.value}", kind.plural, kinds.get(kind.value, 0),
                RecordFilter(kind=kind.value, label=kind.plural),
            )
        )
        for status in kind.statuses:
            if statuses.get((kind.value, status)):
                node.add(
                    NavNode(
                        f"kind:{kind.value}/status:{status}",
                        status,
                        statuses[(kind.value, status)],
                        RecordFilter(kind=kind.value, status=status, label=f"{kind.plural}: {status}"),
                        colour=status_colour(status).name(),
                    )
                )
        if kind is Kind.DECISION and len(facets.logs) > 1:
            # Separate ADR logs imported from one tree: each keeps its own number space.
            for prefix, number in sorted(facets.logs.items()):
                node.add(
                    NavNode(
                        f"kind:decision/log:{prefix}",
                        f"log {prefix}",
                        number,
                        RecordFilter(
                            kind=kind.value, logs=facets.log_prefixes[prefix], label=f"Decisions: log {prefix}"
                        ),
                    )
                )
    attention = root.add(NavNode("attention", "Needs attention", None, heading=True))
    by_category: dict[str, set[str]] = {name: set() for name in ATTENTION_CATEGORIES}
    for finding in findings or []:
        if finding.category in by_category and finding.key:
            by_category[finding.category].add(finding.key)
    if findings is not None:
        attention.count = len(set().union(*by_category.values()))
    for name in ATTENTION_CATEGORIES:
        label = _ATTENTION_LABELS[name]
        keys = frozenset(by_category[name])
        attention.add(
            NavNode(
                f"attention:{name}",
                label,
                len(keys) if findings is not None else None,
                RecordFilter(keys=keys, label=label),
            )
        )
    tag_root = root.add(NavNode("tags", "Tags", len(facets.tags), heading=True))
    for tag, count in sorted(facets.tags.items(), key=lambda item: (-item[1], item[0]))[:TAG_LIMIT]:
        tag_root.add(NavNode(f"tag:{tag}", f"#{tag}", count, RecordFilter(tag=tag, label=f"#{tag}")))
    saved_root = root.add(NavNode("saved", "Saved searches", len(saved), heading=True))
    for query in saved:
        saved_root.add(NavNode(f"saved:{query}", query, None, query=query))
    root.add(NavNode("trash", "Trash", facets.trash, RecordFilter(trash=True, label="Trash")))
    return root


_ATTENTION_LABELS = {
    "overdue-review": "Overdue reviews",
    "departed-owner": "Departed owners",
    "dangling-link": "Dangling links",
    "stale-proposal": "Proposals over 30 days",
    "superseded-alone": "Superseded by nothing",
    "successor-not-in-force": "Successor rejected or deleted",
    "supersede-cycle": "Supersede cycles",
    "status-contradicts-links": "Status contradicts links",
    "recovery-approver": "Approver missing",
    "overdue-exercise": "Exercise overdue",
    "sync-conflict": "Sync conflicts",
}


class NavigatorModel(QAbstractItemModel):
    """Two columns: the entry and its count."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.root = NavNode("root", "")
        self._bold = QFont()
        self._bold.setBold(True)
        self._dots: dict[str, QIcon] = {}

    def _dot(self, colour: str) -> QIcon:
        """A small round swatch of a status colour (drawn once per colour)."""
        icon = self._dots.get(colour)
        if icon is None:
            pixmap = QPixmap(32, 32)  # drawn at twice the size: sharp on high-DPI screens too
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawEllipse(6, 6, 20, 20)
            painter.end()
            icon = self._dots[colour] = QIcon(pixmap)
        return icon

    def set_tree(self, root: NavNode) -> None:
        self.beginResetModel()
        self.root = root
        self.endResetModel()

    def node(self, index: ModelIndex) -> NavNode:
        return index.internalPointer() if index.isValid() else self.root  # type: ignore[return-value]

    def index_of(self, node_id: str) -> QModelIndex:
        def walk(node: NavNode, parent: QModelIndex) -> QModelIndex:
            for row, child in enumerate(node.children):
                index = self.index(row, 0, parent)
                if child.node_id == node_id:
                    return index
                found = walk(child, index)
                if found.isValid():
                    return found
            return QModelIndex()

        return walk(self.root, QModelIndex())

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self.node(parent).children[row])

    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node: NavNode = index.internalPointer()  # type: ignore[assignment]
        parent = node.parent
        if parent is None or parent is self.root:
            return QModelIndex()
        return self.createIndex(parent.row(), 0, parent)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 2

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        node = self.node(index)
        if node.heading and not node.children:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return node.label
            return "" if node.count is None else f"{node.count:,}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return node.label if node.count is None else f"{node.label}: {node.count}"
        if role == Qt.ItemDataRole.ToolTipRole and node.query:
            return text_markup(f"Saved search: {node.query}")
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and (node.heading or node.parent is self.root) and index.column() == 0:
            return self._bold
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0 and node.colour:
            return self._dot(node.colour)
        if role == NodeIdRole:
            return node.node_id
        return None


class NavigatorView(QTreeView):
    """The left pane. Emits the filter (or saved query) of the entry a person picks."""

    filter_chosen = Signal(object)  # RecordFilter
    query_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigator")
        self.setAccessibleName("Navigator")
        self.nav_model = NavigatorModel(self)
        self.setModel(self.nav_model)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.selectionModel().currentChanged.connect(self._on_selection_current_changed)
        self._expanded: set[str] = {"attention"}
        self._current_id = "all"
        self.expanded.connect(self._on_self_expanded)
        self.collapsed.connect(self._on_self_collapsed)

    def set_tree(self, root: NavNode) -> None:
        """Replace the entries, keeping what was expanded and selected."""
        current = self._current_id
        self.blockSignals(True)
        self.nav_model.set_tree(root)
        for node_id in list(self._expanded):
            index = self.nav_model.index_of(node_id)
            if index.isValid():
                self.setExpanded(index, True)
        self.blockSignals(False)
        index = self.nav_model.index_of(current)
        if index.isValid():
            self.selectionModel().blockSignals(True)
            self.setCurrentIndex(index)
            self.selectionModel().blockSignals(False)

    def select(self, node_id: str) -> bool:
        index = self.nav_model.index_of(node_id)
        if not index.isValid():
            return False
        self.setCurrentIndex(index)
        return True

    def reset_selection(self) -> None:
        """Back to "All records" (a newly opened knowledge base)."""
        self._current_id = "all"
        self.selectionModel().blockSignals(True)
        self.clearSelection()
        self.selectionModel().blockSignals(False)

    def current_node(self) -> NavNode | None:
        index = self.currentIndex()
        return self.nav_model.node(index) if index.isValid() else None

    def _on_selection_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        node = self.nav_model.node(current)
        self._current_id = node.node_id
        if node.query is not None:
            self.query_chosen.emit(node.query)
        elif node.record_filter is not None:
            self.filter_chosen.emit(node.record_filter)

    def _on_self_expanded(self, index: QModelIndex) -> None:
        self._expanded.add(self.nav_model.node(index).node_id)

    def _on_self_collapsed(self, index: QModelIndex) -> None:
        self._expanded.discard(self.nav_model.node(index).node_id)
