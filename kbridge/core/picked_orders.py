"""Every live record's order by each column, kept by a worker's connection while a person reads
the list, and a long filtered list's whole order picked from it.

A list narrowed by the word index (its words, tag or status) is otherwise read by walking its
order's index and keeping the entries among the word index's matches: a page in the middle of a
word in 6 records of 10, at a million records, passes 500,000 entries (0.4-0.6 s), and its whole
order 1 s. Picked from the column's kept order with a map of the matches, the whole order takes
0.13 s (the map 60 ms, the pick 60 ms), or 60 ms once the map is kept too: every page is then a
slice of it. Each order is read in parts (kbridge.storage.listing.plain_order_part), so a read
stopped for another job goes on from where it was; anything read is dropped when the file
changes (a record saved here or by another program), and read again."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter
from typing import Any

from kbridge.model.listing import ListOrder, ListQuery
from kbridge.storage import Store, list_words, listing

PART = 20_000  # rows of an order read between two looks at whether to stop
PICK_PART = 65_536  # entries of an order picked from between two looks (4 ms at most)
Stamp = tuple[int, int, int]


@dataclass
class _Reading:
    """One column's order as far as it was read while the file was as `stamp` says."""

    stamp: Stamp
    rowids: array[int] = field(default_factory=lambda: array("q"))
    after: tuple[Any, ...] | None = None  # the sort values of the last rowid read
    complete: bool = False


class PlainOrders:
    """The orders of one connection's live records (`RecordListing.plain`)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._readings: dict[ListOrder, _Reading] = {}

    def read(self, first: ListOrder = ListOrder.KEY, *, stop: Callable[[], bool] = lambda: False) -> bool:
        """Read every column's order not read yet, `first` first, going on from where a stopped
        read was. Whether all are read; not when `stop()` became true first."""
        return all(self._read_one(by, stop) for by in sorted(ListOrder, key=lambda order: order is not first))

    def _read_one(self, by: ListOrder, stop: Callable[[], bool]) -> bool:
        parts = 0
        while True:
            stamp = self._store.change_stamp()
            reading = self._readings.get(by)
            if reading is None or reading.stamp != stamp:  # the file changed: from the start
                if parts:  # while read here (another program writing): later, not part after part
                    del self._readings[by]
                    return False
                reading = self._readings[by] = _Reading(stamp)
            if reading.complete:
                return True
            if stop():
                return False
            part = listing.plain_order_part(self._store.db, by, reading.after, PART, stop=stop)
            if part is None:
                return False
            found, reading.after = part
            reading.rowids.extend(found)
            parts += 1
            if reading.after is None or len(found) < PART:
                reading.complete = True
                reading.rowids = _compact(reading.rowids)

    def adopt(self, by: ListOrder, stamp: Stamp, ascending: array[int]) -> None:
        """Keep `ascending`, every live record's order by a column read whole elsewhere."""
        if self.order(by) is None:
            self._readings[by] = _Reading(stamp, _compact(ascending), complete=True)

    def order(self, by: ListOrder) -> array[int] | None:
        """Every live record's order by a column, ascending, when it is read and still true."""
        reading = self._readings.get(by)
        if reading is None or not reading.complete or reading.stamp != self._store.change_stamp():
            return None
        return reading.rowids

    def picked(self, query: ListQuery, *, stop: Callable[[], bool] = lambda: False) -> array[int] | None:
        """The whole order of a list narrowed by the word index alone (no fixed keys, not the
        trash), picked from its column's order; None when that is not read (or no longer true),
        or when `stop()` became true meanwhile (a keystroke waits 30 ms at most: the map's read
        is interrupted, and the pick looks between parts)."""
        return self._picked(query, stop, backward=query.descending)

    def picked_window(
        self, query: ListQuery, offset: int, limit: int, total: int, *, stop: Callable[[], bool] = lambda: False,
    ) -> list[int] | None:
        """The rowids at rows offset..offset+limit of the list of `total` rows (as `picked`), picked
        from the end of its column's order nearer to them: half the pick at most (the middle of
        683,542 matches at a million records: 30 ms, not 60). None as for `picked`."""
        end = min(offset + limit, total)
        from_end = offset > total // 2
        wanted = total - offset if from_end else end
        found = self._picked(query, stop, backward=query.descending != from_end, wanted=wanted)
        if found is None:
            return None
        if from_end:  # found from the list's last row backwards
            return found[max(0, total - end):max(0, total - offset)].tolist()[::-1]
        return found[offset:end].tolist()

    def _picked(
        self, query: ListQuery, stop: Callable[[], bool], *, backward: bool, wanted: int | None = None
    ) -> array[int] | None:
        """The list's rowids in its column's order, ascending (descending when `backward`), the
        first `wanted` of them at least (all when None)."""
        if query.trash or query.keys is not None or not list_words.needs_index(query):
            return None
        plain = self.order(query.order)
        if plain is None:
            return None
        marks = listing.interrupted_as_none(lambda: listing.matched(self._store.db, query), stop)
        if marks is None:
            return None
        found = array(plain.typecode)
        starts = range(0, len(plain), PICK_PART)
        try:
            for start in reversed(starts) if backward else starts:
                if stop():
                    return None
                # The marks of a part looked up in one call (as a list of its rowids: 48 ms a
                # million, where a call for each rowid took 64-74 ms).
                part = plain[start:start + PICK_PART].tolist()
                if backward:
                    part.reverse()
                found.extend(compress(part, itemgetter(*part)(marks) if len(part) > 1 else [marks[part[0]]]))
                if wanted is not None and len(found) >= wanted:
                    break
        except IndexError:  # a rowid past the map: a record was added between the two reads
            return None
        if self.order(query.order) is None:
            return None  # the file changed meanwhile
        return found

    @property
    def read_orders(self) -> list[ListOrder]:
        """The columns whose order is read whole and still true."""
        return [by for by in self._readings if self.order(by) is not None]


def _compact(order: array[int]) -> array[int]:
    """`order` in four bytes a rowid when they fit (a million rowids: 4 MB, not 8)."""
    return array("i", order) if not order or max(order) < 2**31 else order
