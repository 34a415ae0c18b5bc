"""The record list's model: one row per record (key, title, status, date, owner, tags).

It filters and sorts itself with plain Python over a list instead of sitting behind a
QSortFilterProxyModel: a proxy calls back into Python once per row, which at 100,000 records is
half a second per keystroke; a list comprehension and `list.sort` take a few milliseconds."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QApplication, QStyle

from kbridge.model import Record, natural_key
from kbridge.ui.style import status_colour
from kbridge.ui.widgets.plain_text import text_markup

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS = ("Key", "Title", "Status", "Date", "Owner", "Tags")
KEY, TITLE, STATUS, DATE, OWNER, TAGS = range(len(COLUMNS))
RecordRole = Qt.ItemDataRole.UserRole + 1
UidRole = Qt.ItemDataRole.UserRole + 2
SortRole = Qt.ItemDataRole.UserRole + 3
StatusColourRole = Qt.ItemDataRole.UserRole + 4


@dataclass(frozen=True)
class RecordFilter:
    """What the list shows: the navigator's choice plus the filter field's text."""

    kind: str | None = None
    status: str | None = None
    tag: str | None = None
    keys: frozenset[str] | None = None  # a fixed set (a "Needs attention" group)
    trash: bool = False
    text: str = ""
    label: str = "All records"

    def with_text(self, text: str) -> RecordFilter:
        return RecordFilter(self.kind, self.status, self.tag, self.keys, self.trash, text, self.label)

    def predicate(self, haystack: Callable[[Record], str] | None = None) -> Callable[[Record], bool]:
        """Whether a record is shown; `haystack` gives the text the filter words are looked for in."""
        text_of = haystack or _haystack
        words = self.text.lower().split()

        def accepts(record: Record) -> bool:
            if record.deleted != self.trash:
                return False
            if self.kind is not None and record.kind.value != self.kind:
                return False
            if self.status is not None and record.status != self.status:
                return False
            if self.tag is not None and self.tag not in record.tags:
                return False
            if self.keys is not None and record.key not in self.keys:
                return False
            if words:
                text = text_of(record)
                return all(word in text for word in words)
            return True

        return accepts


@dataclass
class _SortState:
    column: int = KEY
    order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    keys: dict[int, Callable[[Record], Any]] = field(default_factory=dict)


class RecordTableModel(QAbstractTableModel):
    """Holds plain Record values (summaries: no body); cells are computed on demand."""

    rows_refiltered = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: dict[str, Record] = {}
        self._rows: list[Record] = []
        self._row_of: dict[str, int] | None = None
        self._filter = RecordFilter()
        self._sort = _SortState()
        self._haystacks: dict[str, str] = {}  # uid -> what the filter field searches, made once
        self._flags: dict[str, str] = {}  # uid -> why the record is marked (a sync conflict)

    # --- contents -------------------------------------------------------------------------

    def set_records(self, records: Iterable[Record], *, presorted: bool = False) -> None:
        """All records; `presorted` (in key order) skips sorting when the list shows them so."""
        self._all = {record.uid: record for record in records}
        self._haystacks.clear()
        self._refilter(presorted=presorted)

    def upsert(self, records: Iterable[Record]) -> None:
        """Add or replace records; a change that keeps a row's place only repaints that row."""
        changed = list(records)
        if not changed:
            return
        accepts = self._filter.predicate(self._haystack_of)
        row_of = self._rows_by_uid()
        needs_refilter = False
        for record in changed:
            self._all[record.uid] = record
            self._haystacks.pop(record.uid, None)
            row = row_of.get(record.uid)
            if row is None or not accepts(record):
                needs_refilter = needs_refilter or accepts(record) or row is not None
                continue
            self._rows[row] = record
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        if needs_refilter:
            self._refilter()

    def remove(self, uids: Iterable[str]) -> None:
        gone = [uid for uid in uids if self._all.pop(uid, None) is not None]
        if gone:
            self._refilter()

    def set_flagged(self, flags: dict[str, str]) -> None:
        """Records marked before their title (a warning sign, the reason as its tooltip)."""
        if flags != self._flags:
            self._flags = dict(flags)
            if self._rows:
                self.dataChanged.emit(self.index(0, TITLE), self.index(len(self._rows) - 1, TITLE))

    def set_filter(self, record_filter: RecordFilter) -> None:
        self._filter = record_filter
        self._refilter()

    @property
    def record_filter(self) -> RecordFilter:
        return self._filter

    @property
    def total(self) -> int:
        """Live records in the knowledge base (the trash not counted)."""
        return sum(1 for record in self._all.values() if not record.deleted)

    def all_records(self) -> list[Record]:
        return list(self._all.values())

    def record_of(self, uid: str) -> Record | None:
        return self._all.get(uid)

    def record_at(self, row: int) -> Record | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, uid: str) -> int | None:
        return self._rows_by_uid().get(uid)

    # --- Qt's interface ---------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.record_at(index.row())
        if record is None:
            return None
        column = index.column()
        if column == TITLE and record.uid in self._flags and role in (Qt.ItemDataRole.DecorationRole,
                                                                       Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.ToolTipRole:
                return text_markup(f"{record.key}: {self._flags[record.uid]}")
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell_text(record, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return text_markup(_cell_text(record, column))
        if role == StatusColourRole and column == STATUS:
            return status_colour(record.status)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{COLUMNS[column]}: {_cell_text(record, column)}"
        if role == SortRole:
            return _SORT_KEYS[column](record)
        if role == RecordRole:
            return record
        if role == UidRole:
            return record.uid
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        uids = [self._rows[index.row()].uid if index.row() < len(self._rows) else None for index in persistent]
        self._sort.column, self._sort.order = column, order
        self._sort_rows()
        row_of = self._rows_by_uid()
        self.changePersistentIndexList(
            persistent,
            [
                self.index(row_of[uid], index.column()) if uid in row_of else QModelIndex()
                for uid, index in zip(uids, persistent, strict=True)
            ],
        )
        self.layoutChanged.emit()

    # --- internals --------------------------------------------------------------------------

    def _haystack_of(self, record: Record) -> str:
        text = self._haystacks.get(record.uid)
        if text is None:
            text = self._haystacks[record.uid] = _haystack(record)
        return text

    def _refilter(self, *, presorted: bool = False) -> None:
        self.beginResetModel()
        accepts = self._filter.predicate(self._haystack_of)
        self._rows = [record for record in self._all.values() if accepts(record)]
        key_order = self._sort.column == KEY and self._sort.order == Qt.SortOrder.AscendingOrder
        if presorted and key_order:
            self._row_of = None
        else:
            self._sort_rows()
        self.endResetModel()
        self.rows_refiltered.emit()

    def _sort_rows(self) -> None:
        self._rows.sort(key=_SORT_KEYS[self._sort.column], reverse=self._sort.order == Qt.SortOrder.DescendingOrder)
        self._row_of = None

    def _rows_by_uid(self) -> dict[str, int]:
        if self._row_of is None:
            self._row_of = {record.uid: row for row, record in enumerate(self._rows)}
        return self._row_of


def _cell_text(record: Record, column: int) -> str:
    if column == KEY:
        return record.key
    if column == TITLE:
        return record.title
    if column == STATUS:
        return record.status
    if column == DATE:
        return record.date or ""
    if column == OWNER:
        return record.owner_name or record.owner_key or ""
    if column == TAGS:
        return ", ".join(record.tags)
    return ""


def _haystack(record: Record) -> str:
    return f"{record.key} {record.title} {record.status} {record.owner_name or ''} {' '.join(record.tags)}".lower()


_SORT_KEYS: dict[int, Callable[[Record], Any]] = {
    KEY: lambda record: natural_key(record.key),
    TITLE: lambda record: (record.title.lower(), natural_key(record.key)),
    STATUS: lambda record: (record.status, natural_key(record.key)),
    DATE: lambda record: (record.date or "", natural_key(record.key)),
    OWNER: lambda record: ((record.owner_name or "").lower(), natural_key(record.key)),
    TAGS: lambda record: (",".join(record.tags), natural_key(record.key)),
}
