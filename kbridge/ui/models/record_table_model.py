"""The record list's model: one row per record (key, title, status, date, owner, tags), read from
the knowledge base by window.

Nothing holds the whole list: the model knows how many rows its filter shows and keeps a few pages
of rows around the ones on screen; storage sorts and filters in SQL on indexed columns
(kbridge.storage.listing), so a million records paint, scroll, sort and filter as ten do. A
QSortFilterProxyModel is no use here: it would ask for every row."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QApplication, QStyle

from kbridge.model import Kind, Record
from kbridge.model.listing import ListOrder, ListQuery
from kbridge.ui.style import status_colour
from kbridge.ui.widgets.plain_text import text_markup

if TYPE_CHECKING:
    from kbridge.core.record_list import RecordListing

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS = ("Key", "Title", "Status", "Date", "Owner", "Tags")
KEY, TITLE, STATUS, DATE, OWNER, TAGS = range(len(COLUMNS))
RecordRole = Qt.ItemDataRole.UserRole + 1
UidRole = Qt.ItemDataRole.UserRole + 2
StatusColourRole = Qt.ItemDataRole.UserRole + 4
# The roles `data` answers (a painted cell is asked for eight, and every ask read the row: 1,920
# calls and 11 ms to repaint the list after a save at a million records).
_ANSWERED_ROLES = frozenset(int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole, RecordRole, UidRole, StatusColourRole,
))
_ORDERS = (ListOrder.KEY, ListOrder.TITLE, ListOrder.STATUS, ListOrder.DATE, ListOrder.OWNER, ListOrder.TAGS)
# Rows are read this many at a time; a screen shows a few dozen, so a page or two is painted.
PAGE_ROWS = 128
# Pages kept (the least recently read go first): a few screens either side of the one shown.
KEPT_PAGES = 24


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
    logs: frozenset[str] | None = None  # a decision log's key prefixes (ListFacets.log_prefixes)

    def with_text(self, text: str) -> RecordFilter:
        return replace(self, text=text)

    def query(self, order: ListOrder = ListOrder.KEY, *, descending: bool = False) -> ListQuery:
        """The question storage answers for this filter, in this order."""
        return ListQuery(
            trash=self.trash, kind=self.kind, status=self.status, tag=self.tag, keys=self.keys, logs=self.logs,
            words=tuple(self.text.lower().split()), order=order, descending=descending,
        )


class RecordTableModel(QAbstractTableModel):
    """The rows of one `RecordFilter` in one order, read from a `RecordListing` page by page."""

    rows_refiltered = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._listing: RecordListing | None = None
        self._filter = RecordFilter()
        self._column = KEY
        self._order = Qt.SortOrder.AscendingOrder
        self._count = 0
        self._total = 0
        self._pages: OrderedDict[int, list[Record]] = OrderedDict()
        self._flags: dict[str, str] = {}  # uid -> why the record is marked (a sync conflict)
        # Told of a page to paint that is not read; True: it is read elsewhere, `show_page` brings it.
        self.page_missing: Callable[[int], bool] | None = None
        # Asked first when a change means counting the list again; True: it is counted elsewhere
        # (a long list's, on a worker: 165 ms at a million records) and `show_filtered` brings it.
        self.recount_elsewhere: Callable[[], bool] | None = None
        # The last `rows_refiltered` showed the list shown before, counted again (the file changed,
        # here or in another program): the view stays where the person is in it.
        self.same_list = False

    # --- contents -------------------------------------------------------------------------

    def set_listing(self, listing: RecordListing | None) -> None:
        """Read rows from `listing` (a knowledge base's), or show nothing when it is None; the
        same listing again: its file changed (counted elsewhere when that is quicker)."""
        if listing is not None and listing is self._listing:
            self.same_list = True
            self._reload_after_change()
            return
        self._listing, self.same_list = listing, False
        self.reload()

    def reload(self) -> None:
        """Count again and forget every row read (the file changed)."""
        self._refilter(recount_total=True)

    def _recounted_elsewhere(self) -> bool:
        return self.recount_elsewhere is not None and self.recount_elsewhere()

    def _reload_after_change(self) -> None:
        if not self._recounted_elsewhere():
            self.reload()

    def update_rows(self, changed: Iterable[str]) -> None:
        """Records changed, added or removed (by uid): a change that keeps the row count and each
        changed row's place repaints those rows only (selection and scroll untouched); anything
        else reloads."""
        uids = list(dict.fromkeys(changed))
        if not uids or self._listing is None:
            return
        before = {uid: self.row_if_read(uid) for uid in uids}
        if any(row is None for row in before.values()):
            self._reload_after_change()  # a row not read (off screen), or a new one: where it sits is unknown
            return
        query = self._query()
        in_place = self._entries_in_place(query, before)
        if in_place is not None:  # the rows read stay; the changed ones take their new values
            for uid, record in in_place.items():
                row = before[uid]
                assert row is not None
                self._pages[row // PAGE_ROWS][row % PAGE_ROWS] = record
        else:
            if self._recounted_elsewhere():
                return
            count, total = self._counts()
            if count != self._count or any(self._listing.position(query, uid) != row for uid, row in before.items()):
                self.reload()
                return
            self._total = total
            self._pages.clear()
        for row in sorted(row for row in before.values() if row is not None):
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _entries_in_place(self, query: ListQuery, rows: dict[str, int | None]) -> dict[str, Record] | None:
        """The changed records' new rows when each is still shown with the values its place
        depends on unchanged (the others did not change): then neither the count nor any place
        changed, and nothing is counted (a position at a million records: 40-100 ms). None: the
        list must find out."""
        assert self._listing is not None
        entries: dict[str, Record] = {}
        for uid, row in rows.items():
            shown = self.record_at(row) if row is not None else None
            now = self._listing.entry(query, uid)
            if shown is None or now is None or _place(shown, query.order) != _place(now, query.order):
                return None
            entries[uid] = now
        return entries

    def set_flagged(self, flags: dict[str, str]) -> None:
        """Records marked before their title (a warning sign, the reason as its tooltip)."""
        if flags != self._flags:
            self._flags = dict(flags)
            if self._count:
                self.dataChanged.emit(self.index(0, TITLE), self.index(self._count - 1, TITLE))

    def set_filter(self, record_filter: RecordFilter) -> None:
        self.same_list = record_filter == self._filter
        self._filter = record_filter
        self._refilter(recount_total=False)

    def show_filtered(self, answer: FilterAnswer) -> None:
        """Show what a worker read for `answer.record_filter` (kbridge.ui.jobs.list_filter); its
        first page is kept only if the list is still in the order it was read in."""
        self.same_list = answer.record_filter == self._filter and answer.query == self._query()
        self.beginResetModel()
        self._filter = answer.record_filter
        self._count, self._total = answer.count, answer.total
        self._pages.clear()
        if answer.first_page is not None and answer.query == self._query():
            self._pages[0] = answer.first_page
        self.endResetModel()
        self.rows_refiltered.emit()

    def query_for(self, record_filter: RecordFilter) -> ListQuery:
        """The question storage answers for `record_filter` in the list's present order."""
        return record_filter.query(_ORDERS[self._column], descending=self._order == Qt.SortOrder.DescendingOrder)

    @property
    def record_filter(self) -> RecordFilter:
        return self._filter

    @property
    def total(self) -> int:
        """Live records in the knowledge base (the trash not counted)."""
        return self._total

    def all_records(self) -> list[Record]:
        """Every record's summary, trash included, read now: for the dialogs that choose among all
        records (a link's target, a new record's owner), never for painting the list."""
        if self._listing is None:
            return []
        return self._listing.summaries()

    def record_at(self, row: int) -> Record | None:
        if not 0 <= row < self._count or self._listing is None:
            return None
        page_number, offset = divmod(row, PAGE_ROWS)
        page = self._pages.get(page_number)
        if page is None:
            page = self._listing.window(self._query(), page_number * PAGE_ROWS, PAGE_ROWS, total=self._count)
        self._keep(page_number, page)
        return page[offset] if offset < len(page) else None

    def _record_to_paint(self, row: int) -> Record | None:
        """`record_at`, unless its page is not read and `page_missing` takes it to read elsewhere
        (kbridge.ui.jobs.list_pages): `_BEING_READ` until `show_page` brings it."""
        if self.page_missing is not None and 0 <= row < self._count and self._listing is not None:
            page_number = row // PAGE_ROWS
            if page_number not in self._pages and self.page_missing(page_number):
                return _BEING_READ
        return self.record_at(row)

    def show_page(self, query: ListQuery, count: int, page_number: int, page: list[Record]) -> None:
        """A page read elsewhere for the list `query` of `count` rows: kept and its rows painted."""
        if not page or not self.keep_pages(query, count, {page_number: page}):
            return
        first = page_number * PAGE_ROWS
        self.dataChanged.emit(self.index(first, 0), self.index(first + len(page) - 1, len(COLUMNS) - 1))

    def paint_again(self, query: ListQuery, count: int) -> None:
        """Every row of the list `query` of `count` rows painted again (pages asked for elsewhere
        that will not come are read when painted), if the list still shows it."""
        if (query, count) == (self._query(), self._count) and self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(COLUMNS) - 1))

    def row_of(self, uid: str) -> int | None:
        """The row showing record `uid`, or None when the list does not show it."""
        row = self.row_if_read(uid)
        if row is not None or self._listing is None:
            return row
        return self._listing.position(self._query(), uid)

    def row_if_read(self, uid: str) -> int | None:
        """The row showing record `uid` when it is on a page read (no question to storage)."""
        for page_number, page in self._pages.items():
            for offset, record in enumerate(page):
                if record.uid == uid:
                    return page_number * PAGE_ROWS + offset
        return None

    def keep_pages(self, query: ListQuery, count: int, pages: dict[int, list[Record]]) -> bool:
        """Keep `pages` (by page number) read elsewhere (kbridge.ui.jobs.list_rows) for the list
        `query` of `count` rows; False, and nothing kept, when the list shows another now."""
        if query != self._query() or count != self._count:
            return False
        for page_number, page in pages.items():
            self._keep(page_number, page)
        return True

    @property
    def pages_read(self) -> int:
        """Pages of rows held now (at most KEPT_PAGES, whatever the size of the list)."""
        return len(self._pages)

    # --- Qt's interface ---------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in _ANSWERED_ROLES:
            return None
        wanted = role in (RecordRole, UidRole)  # what a selection or an action needs: read now
        record = self.record_at(index.row()) if wanted else self._record_to_paint(index.row())
        if record is _BEING_READ:
            return "…" if role == Qt.ItemDataRole.DisplayRole and index.column() == KEY else None
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
        if role == RecordRole:
            return record
        if role == UidRole:
            return record.uid
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by `column` (storage reads the rows in that order). A reset, not a layout change:
        on a layout change Qt's views walk every row (a quarter of a second at 100,000 rows);
        the selection follows through `rows_refiltered`, as after a filter."""
        if not 0 <= column < len(COLUMNS) or (column, order) == (self._column, self._order):
            return
        self._column, self._order = column, order
        self.same_list = False
        self.beginResetModel()
        self._pages.clear()
        self.endResetModel()
        self.rows_refiltered.emit()

    # --- internals --------------------------------------------------------------------------

    def _query(self) -> ListQuery:
        return self.query_for(self._filter)

    def _counts(self, *, recount_total: bool = True) -> tuple[int, int]:
        """(rows the filter shows, live records), the first page read on the way."""
        self._pages.clear()
        if self._listing is None:
            return 0, 0
        answer = answer_filter(self._listing, self._filter, self._query(), None if recount_total else self._total)
        if answer.first_page is not None:
            self._pages[0] = answer.first_page
        return answer.count, answer.total

    def _keep(self, page_number: int, page: list[Record]) -> None:
        """Hold `page` as the most recently read, letting go of the least recent past KEPT_PAGES."""
        self._pages[page_number] = page
        self._pages.move_to_end(page_number)
        while len(self._pages) > KEPT_PAGES:
            self._pages.popitem(last=False)

    def _refilter(self, *, recount_total: bool) -> None:
        self.beginResetModel()
        self._count, self._total = self._counts(recount_total=recount_total)
        self.endResetModel()
        self.rows_refiltered.emit()



# A row whose page is being read elsewhere: its key shows "…" meanwhile.
_BEING_READ = Record(kind=Kind.NOTE, title="")


@dataclass(frozen=True)
class FilterAnswer:
    """What a list shows for a filter: how many rows, how many live records, and its first page
    (None when not read: the filter shows every record, counted before)."""

    record_filter: RecordFilter
    query: ListQuery
    count: int
    total: int
    first_page: list[Record] | None


def answer_filter(
    listing: RecordListing, record_filter: RecordFilter, query: ListQuery, known_total: int | None
) -> FilterAnswer:
    """Read `FilterAnswer` from `listing`, on whichever thread owns it; `known_total`: the live
    records when counted before (None counts them again). The first page is read first: when the
    filter shows less than a page, it is the count (a rare word costs one pass over the index)."""
    everything = RecordFilter()
    shows_everything = replace(record_filter, label=everything.label) == everything
    if shows_everything and known_total is not None:
        return FilterAnswer(record_filter, query, known_total, known_total, None)
    first = listing.window(query, 0, PAGE_ROWS)
    shown = len(first) if len(first) < PAGE_ROWS else listing.count(query)
    if shows_everything or known_total is None:
        known_total = shown if shows_everything else listing.count(everything.query())
    return FilterAnswer(record_filter, query, shown, known_total, first)


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


def _place(record: Record, order: ListOrder) -> tuple[object, ...]:
    """What a record's place in a list in `order` depends on (every order ends with the key)."""
    by = {
        ListOrder.KEY: (),
        ListOrder.TITLE: (record.title,),
        ListOrder.STATUS: (record.status,),
        ListOrder.DATE: (record.date,),
        ListOrder.OWNER: (record.owner_key, record.owner_name),
        ListOrder.TAGS: (tuple(record.tags),),
    }[order]
    return (*by, record.key)
