"""A table of work items in a private temporary database, for work whose size must not become
memory (the files of a folder being imported: a hundred thousand of them held as Python objects
took 2 KB each).

SQLite opens a database named "" as a private file of its own: on disk, readable by this process
alone, deleted when the connection closes; its page cache stays bounded (`CACHE_KIB`) whatever
the table holds. The table's columns are named by the code that makes it, never by data: every
name given here is checked against them before it becomes part of a statement."""

from __future__ import annotations

import json
import re
import sqlite3
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

CACHE_KIB = 8192  # the page cache: what a table costs in memory, whatever its size
PAGE_ROWS = 500  # rows read per statement when a whole order is walked
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class ScratchTable:
    """Items with an id (the order they were added in) and named columns; `indexed` columns can
    be searched (`where`, `first`, `exists`, `set_where`) and walked in order (`walk`: their
    values must be text, never NULL)."""

    def __init__(self, indexed: Sequence[str], plain: Sequence[str] = (), cache_kib: int = CACHE_KIB) -> None:
        columns = [*indexed, *plain]
        if (len(set(columns)) != len(columns) or "id" in columns
                or not all(_NAME.match(name) for name in columns)):
            raise ValueError(f"bad scratch columns: {columns}")
        self.columns = frozenset(columns)
        self._indexed = frozenset(indexed)
        # One transaction from start to end, never committed: nothing else reads the file, and
        # it goes with the connection (a statement apiece in its own transaction made writing a
        # file's row four times slower). check_same_thread off: a plan made on one thread may be
        # carried out on another.
        self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self._closer = weakref.finalize(self, self._db.close)
        self._db.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute(f"CREATE TABLE items (id INTEGER PRIMARY KEY, {', '.join(columns)})")
        # Each index is made when a statement first needs it, from what the table holds then: a
        # folder's files are all added before any is looked up, and nine indexes kept up to date
        # as 100,000 rows came in took a tenth of the import (random inserts past the cache).
        self._built: set[str] = set()
        self._db.execute("BEGIN")

    def close(self) -> None:
        self._closer()

    # --- writing ------------------------------------------------------------------------------

    def add(self, values: Mapping[str, Any]) -> int:
        """Add an item; its id (ids grow in the order items are added)."""
        names = self._checked(values)
        marks = ", ".join("?" for _ in names)
        cursor = self._db.execute(f"INSERT INTO items ({', '.join(names)}) VALUES ({marks})",
                                  [values[name] for name in names])
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def set_where(self, column: str, value: Any, values: Mapping[str, Any]) -> int:
        """Set `values` on the items whose indexed `column` is `value`; how many there were."""
        names = self._checked(values)
        assignments = ", ".join(f"{name} = ?" for name in names)
        return self._db.execute(f"UPDATE items SET {assignments} WHERE {self._index(column)} = ?",
                                [*(values[name] for name in names), value]).rowcount

    def set_many(self, column: str, pairs: Iterable[tuple[int, Any]]) -> None:
        """Set one column of many items: (id, value) pairs."""
        self._checked({column: None})
        self._db.executemany(f"UPDATE items SET {column} = ? WHERE id = ?",
                             ((value, item_id) for item_id, value in pairs))

    def delete(self, item_ids: Iterable[int]) -> None:
        self._db.executemany("DELETE FROM items WHERE id = ?", ((item_id,) for item_id in item_ids))

    # --- reading ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM items").fetchone()[0])

    def where(self, column: str, value: Any, wanted: str, order: str = "id") -> list[Any]:
        """`wanted` (a column, or "id") of the items whose indexed `column` is `value`, ordered by
        `order` then id."""
        if wanted != "id":
            self._checked({wanted: None})
        if order != "id":
            self._checked({order: None})
        key = "id" if order == "id" else f"{order}, id"
        return [row[0] for row in self._db.execute(
            f"SELECT {wanted} FROM items WHERE {self._index(column)} = ? ORDER BY {key}", (value,))]

    def rows_where(self, columns: Sequence[str], value: Any, wanted: Sequence[str]) -> list[tuple[Any, ...]]:
        """(id, *wanted) of the items where any of the indexed `columns` is `value`, by id."""
        names = self._checked({name: None for name in wanted})
        among = " UNION ".join(f"SELECT id FROM items WHERE {self._index(column)} = ?" for column in columns)
        return [tuple(row) for row in self._db.execute(
            f"SELECT id, {', '.join(names)} FROM items WHERE id IN ({among}) ORDER BY id", [value] * len(columns))]

    def first(self, column: str, value: Any, wanted: Sequence[str]) -> tuple[Any, ...] | None:
        """`wanted` columns of the first item (by id) whose indexed `column` is `value`."""
        names = self._checked({name: None for name in wanted})
        row = self._db.execute(f"SELECT {', '.join(names)} FROM items WHERE {self._index(column)} = ? "
                               "ORDER BY id LIMIT 1", (value,)).fetchone()
        return tuple(row) if row is not None else None

    def get(self, item_id: int, wanted: Sequence[str]) -> tuple[Any, ...]:
        """`wanted` columns of the item `item_id` (KeyError when there is none)."""
        names = self._checked({name: None for name in wanted})
        row = self._db.execute(f"SELECT {', '.join(names)} FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise KeyError(item_id)
        return tuple(row)

    def exists(self, column: str, value: Any) -> bool:
        return self._db.execute(f"SELECT 1 FROM items WHERE {self._index(column)} = ? LIMIT 1",
                                (value,)).fetchone() is not None

    def counts(self, column: str) -> dict[Any, int]:
        """How many items have each value of the indexed `column` (NULL left out)."""
        return {value: count for value, count in self._db.execute(
            f"SELECT {self._index(column)}, count(*) FROM items WHERE {column} IS NOT NULL GROUP BY {column}")}

    def shares(self, column: str, value: Any, others: Sequence[Any], on: str) -> bool:
        """Whether an item whose indexed `column` is `value` has its indexed `on` in common with
        an item whose `column` is one of `others` (one index probe per item of `value`)."""
        row = self._db.execute(
            f"SELECT 1 FROM items a WHERE a.{self._index(column)} = ? AND EXISTS (SELECT 1 FROM items b "
            f"WHERE b.{self._index(on)} = a.{on} AND b.{column} IN (SELECT value FROM json_each(?))) LIMIT 1",
            (value, json.dumps(list(others)))).fetchone()
        return row is not None

    def walk(self, order: str, columns: Sequence[str],
             within: tuple[str, Sequence[Any]] | None = None) -> Iterator[tuple[Any, ...]]:
        """`columns` of every item (whose column `within[0]` is one of the values `within[1]`),
        ordered by the indexed column `order` then id, read a page at a time: no statement stays
        open between pages, so the table can be written to while it is walked."""
        names = self._checked({name: None for name in columns})
        among, chosen = "", []
        if within is not None:
            among = f"AND {self._checked({within[0]: None})[0]} IN (SELECT value FROM json_each(?)) "
            chosen = [json.dumps(list(within[1]))]
        statement = (f"SELECT {', '.join(names)}, {self._index(order)}, id FROM items "
                     f"WHERE ({order}, id) > (?, ?) {among}ORDER BY {order}, id LIMIT {PAGE_ROWS}")
        after: tuple[Any, ...] = ("", -1)
        while True:
            rows = self._db.execute(statement, [*after, *chosen]).fetchall()
            for row in rows:
                yield row[:-2]
            if len(rows) < PAGE_ROWS:
                return
            after = rows[-1][-2:]

    def each(self, columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """`columns` of every item in the order they were added, read a page at a time."""
        names = self._checked({name: None for name in columns})
        statement = f"SELECT id, {', '.join(names)} FROM items WHERE id > ? ORDER BY id LIMIT {PAGE_ROWS}"
        after = 0
        while True:
            rows = self._db.execute(statement, (after,)).fetchall()
            for row in rows:
                yield tuple(row[1:])
            if len(rows) < PAGE_ROWS:
                return
            after = rows[-1][0]

    def _index(self, column: str) -> str:
        """`column`, once its index exists."""
        if column not in self._indexed:
            raise ValueError(f"{column!r} is not an indexed scratch column")
        if column not in self._built:
            self._db.execute(f"CREATE INDEX items_{column} ON items ({column}, id)")
            self._built.add(column)
        return column

    def _checked(self, values: Mapping[str, Any]) -> list[str]:
        unknown = [name for name in values if name not in self.columns]
        if unknown:
            raise ValueError(f"no scratch column {unknown[0]!r}")
        return list(values)
