"""The record list as storage answers it: counts, windows of rows and positions for one
`ListQuery`, and the navigator's counts. The list view reads only the rows it shows."""

from __future__ import annotations

from dataclasses import replace

from kbridge.model import Kind, Record
from kbridge.model.listing import ListFacets, ListOrder, ListQuery
from kbridge.storage import Store, listing


class RecordListing:
    """Read-only questions about a list of records, answered in SQL on indexed columns."""

    def __init__(self, store: Store) -> None:
        self._store = store
        # Every live record counted ahead by whoever opened the file, on its worker: the window's
        # first count of its whole list is then not a pass over an index on the GUI thread
        # (75-117 ms at a million records). (The database's data_version, the count.)
        self._counted_ahead: tuple[int, int] | None = None

    def count_ahead(self) -> None:
        """Count every live record now, for the next `count` of the whole list to use."""
        self._counted_ahead = (self._store.data_version(), listing.count(self._store.db, ListQuery()))

    def count(self, query: ListQuery) -> int:
        counted, self._counted_ahead = self._counted_ahead, None  # used once: a later count sees later saves
        whole = replace(query, order=ListOrder.KEY, descending=False) == ListQuery()
        if counted is not None and whole and counted[0] == self._store.data_version():
            return counted[1]
        return listing.count(self._store.db, query)

    def window(self, query: ListQuery, offset: int, limit: int, *, total: int | None = None) -> list[Record]:
        """Record summaries (no body, fields or source) at rows offset..offset+limit; `total`, the
        list's count when known, lets rows near its end be read from there."""
        return listing.window(self._store.db, query, offset, limit, total=total)

    def entry(self, query: ListQuery, uid: str) -> Record | None:
        """Record `uid` as the list `query` shows it (its summary), None when it does not."""
        return listing.entry(self._store.db, query, uid)

    def position(self, query: ListQuery, uid: str) -> int | None:
        return listing.position(self._store.db, query, uid)

    def facets(self) -> ListFacets:
        return listing.facets(self._store.db)

    def of_kind(self, kind: Kind, *, status: str | None = None) -> list[Record]:
        """The live records of `kind` (of `status` when given) in key order, with their key, title
        and status only (for the choosers of people and systems: never their bodies)."""
        return listing.of_kind(self._store.db, kind, status)

    def summaries(self) -> list[Record]:
        """Every record's summary, trash included (for choosers over all records, not for lists)."""
        return self._store.list_summaries(deleted=None)
