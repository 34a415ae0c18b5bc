"""The record list as storage answers it: counts, windows of rows and positions for one
`ListQuery`, and the navigator's counts. The list view reads only the rows it shows."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import replace

from kbridge.core.picked_orders import PlainOrders
from kbridge.model import Kind, Record, RecordBrief
from kbridge.model.listing import ListFacets, ListOrder, ListQuery
from kbridge.storage import Store, list_facets, list_words, listing, whole_base

# A filtered list at least this long keeps its whole order (a worker's, asked for a window this far
# from both ends, where storage walks to it: 0.5 s for each page in the middle of 600,775 matches
# of a word, by title; 1.2 s to read the whole order once).
ORDER_KEPT_FROM = 50_000
FAR_FROM_ENDS = 2_500


class RecordListing:
    """Read-only questions about a list of records, answered in SQL on indexed columns."""

    def __init__(self, store: Store) -> None:
        self._store = store
        # Every live record counted ahead by whoever opened the file, on its worker: the window's
        # first count of its whole list is then not a pass over an index on the GUI thread
        # (75-117 ms at a million records). (The database's data_version, the count.)
        self._counted_ahead: tuple[int, int] | None = None
        self._order: tuple[ListQuery, tuple[int, int, int], array[int]] | None = None  # see `window`
        self.plain = PlainOrders(store)  # every live record's order by each column (see keep_plain_orders)

    def count_ahead(self) -> None:
        """Count every live record now, for the next `count` of the whole list to use."""
        self._counted_ahead = (self._store.data_version(), listing.count(self._store.db, ListQuery()))

    def count(self, query: ListQuery) -> int:
        counted, self._counted_ahead = self._counted_ahead, None  # used once: a later count sees later saves
        whole = replace(query, order=ListOrder.KEY, descending=False) == ListQuery()
        if counted is not None and whole and counted[0] == self._store.data_version():
            return counted[1]
        return listing.count(self._store.db, query)

    def window(
        self, query: ListQuery, offset: int, limit: int, *, total: int | None = None,
        stop: Callable[[], bool] = lambda: False,
    ) -> list[Record]:
        """Record summaries (no body, fields or source) at rows offset..offset+limit; `total`, the
        list's count when known, lets rows near its end be read from there. From the list's whole
        order when this connection keeps it (`keep_order`), or, for a window far from both ends, picked
        from every record's order (`keep_plain_orders`); none once `stop()` is true."""
        kept = self._kept_order(query)
        if kept is None and total is not None and _far(offset, limit, total):
            # Picked as far as the window only: the whole order is kept later (`keep_order`).
            picked = self.plain.picked_window(query, offset, limit, total, stop=stop)
            if picked is not None:
                return listing.rows(self._store.db, picked)
            if stop():
                return []
        if kept is not None:
            return listing.rows(self._store.db, kept[max(0, offset):max(0, offset + limit)].tolist())
        return listing.window(self._store.db, query, offset, limit, total=total)

    def window_at(
        self, query: ListQuery, uid: str, row: int, offset: int, limit: int, *, total: int | None = None
    ) -> list[Record]:
        """As `window`, for a list known to show record `uid` at `row` (found by `position`):
        without filter words, read from the record's place in its order (see listing.window_at)."""
        kept = self._kept_order(query)
        if kept is None:
            around = listing.window_at(self._store.db, query, uid, row, offset, limit)
            if around is not None:
                return around
        return self.window(query, offset, limit, total=total)

    def entry(self, query: ListQuery, uid: str) -> Record | None:
        """Record `uid` as the list `query` shows it (its summary), None when it does not."""
        return listing.entry(self._store.db, query, uid)

    def position(self, query: ListQuery, uid: str) -> int | None:
        kept = self._kept_order(query)
        if kept is None:
            return listing.position(self._store.db, query, uid)
        rowid = listing.rowid(self._store.db, uid)
        try:
            return kept.index(rowid) if rowid is not None else None
        except ValueError:
            return None  # not in the list

    def _kept_order(self, query: ListQuery) -> array[int] | None:
        if self._order is None or self._order[0] != query or self._order[1] != self._store.change_stamp():
            return None
        return self._order[2]

    def keep_order(
        self, query: ListQuery, offset: int, limit: int, total: int, *, stop: Callable[[], bool] = lambda: False
    ) -> bool:
        """Read and keep the whole order of a long filtered list (a worker's connection, after it
        read a window far from both ends, which storage walks to: see ORDER_KEPT_FROM), unless it
        is kept already; the next windows, and the rows `position` finds, are read from it while
        the file is unchanged. A list without words walks its index to any window in 30-50 ms.
        Whether it was read; not when `stop()` became true first (see `interrupt`)."""
        if not query.words or not _far(offset, limit, total):
            return False
        return self.keep_whole_order(query, total, stop=stop)

    def keep_matches(self, query: ListQuery, total: int, *, stop: Callable[[], bool] = lambda: False) -> bool:
        """Read ahead the map of the word index's matches of a long list it narrows (a worker's
        connection, once the list's first rows are shown): a page far from both ends is then a walk
        only (75-110 ms in the middle of 683,000 matches at a million records), the map's 70 ms
        spent while the person reads the first rows. Whether it was read whole: not when `stop()`
        became true first (what was read is kept for the next read)."""
        if total < ORDER_KEPT_FROM or total <= listing.FEW_MATCHES or query.keys is not None:
            return False
        if not list_words.needs_index(query):
            return False
        return listing.read_matches(self._store.db, query, stop=stop)

    def keep_whole_order(self, query: ListQuery, total: int, *, stop: Callable[[], bool] = lambda: False) -> bool:
        """Read and keep the whole order of a list of ORDER_KEPT_FROM rows or more, with filter
        words or without, unless it is kept already (a worker's connection, while the list is
        read by a person): a record's row is then found in it (8 ms in the middle of a million,
        against counting 500,000 index entries, 85-110 ms), and its pages are slices of it.
        Whether it was read (see `keep_order`)."""
        if total < ORDER_KEPT_FROM or self._kept_order(query) is not None:
            return False
        stamp = self._store.change_stamp()  # before the read: a change during it makes it stale
        order = self.plain.picked(query, stop=stop) or listing.order(self._store.db, query, total, stop=stop)
        if order is None:
            return False
        self._order = (query, stamp, order)  # one list's, the latest
        if _plain(query):
            self.plain.adopt(query.order, stamp, array(order.typecode, reversed(order)) if query.descending else order)
        return True

    def keep_plain_orders(self, first: ListOrder = ListOrder.KEY, *, stop: Callable[[], bool] = lambda: False) -> bool:
        """Read and keep every live record's order by each column, `first` first (a worker's
        connection, while the list is read by a person: a million records, 0.28 s and 4 MB a
        column), going on from where a stopped read was. A long list narrowed by the word index
        then has its whole order, and any page of it, picked from its column's
        (kbridge.core.picked_orders). Whether all are kept; not when `stop()` became true first."""
        return self.plain.read(first, stop=stop)

    def interrupt(self) -> None:
        """From another thread: stop the SQL this connection runs (a `keep_order` whose `stop()` is
        true then reads nothing more)."""
        self._store.interrupt()

    def stop_when(self, stopped: Callable[[], bool] | None) -> None:
        """The SQL this connection runs stops once `stopped()` is true, until called with None
        (Store.stop_when: a statement started just after an `interrupt` is stopped too)."""
        self._store.stop_when(stopped)

    def facets(self) -> ListFacets:
        return list_facets.facets(self._store.db)

    def of_kind(self, kind: Kind, *, status: str | None = None) -> list[Record]:
        """The live records of `kind` (of `status` when given) in key order, with their key, title
        and status only (for the choosers of people and systems: never their bodies)."""
        return list_facets.of_kind(self._store.db, kind, status)

    def summaries(self) -> list[Record]:
        """Every record's summary, trash included (for choosers over all records, not for lists)."""
        return self._store.list_summaries(deleted=None)

    def briefs(self) -> list[RecordBrief]:
        """Every record's brief, trash included (for the checks over a whole knowledge base)."""
        return whole_base.briefs(self._store.db)

    def without_bodies(self, kind: Kind) -> list[Record]:
        """The live records of `kind` whole but for their bodies, in key order (fields are read)."""
        return whole_base.without_bodies(self._store.db, kind)


def _plain(query: ListQuery) -> bool:
    """Whether `query` lists every live record (in some order)."""
    return replace(query, order=ListOrder.KEY, descending=False) == ListQuery()


def _far(offset: int, limit: int, total: int) -> bool:
    """A window of a long list that storage would walk far to (see ORDER_KEPT_FROM)."""
    return total >= ORDER_KEPT_FROM and offset >= FAR_FROM_ENDS and offset + limit <= total - FAR_FROM_ENDS
