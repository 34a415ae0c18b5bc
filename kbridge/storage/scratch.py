"""A table of work items in a private temporary database, for work whose size must not become
memory (the files of a folder being imported: a hundred thousand of them held as Python objects
took 2 KB each).

SQLite opens a database named "" as a private file of its own: on disk, readable by this process
alone, deleted when the connection closes; its page cache stays bounded (`CACHE_KIB`) whatever
the table holds. The table's columns are named by the code that makes it, never by data: every
name given here is checked against them before it becomes part of a statement."""

from __future__ import annotations

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
    be searched (`where`) and walked in order (`walk`: their values must be text, never NULL)."""

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
        for name in indexed:
            self._db.execute(f"CREATE INDEX items_{name} ON items ({name}, id)")
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

    def set(self, item_id: int, values: Mapping[str, Any]) -> None:
        names = self._checked(values)
        if names:
            assignments = ", ".join(f"{name} = ?" for name in names)
            self._db.execute(f"UPDATE items SET {assignments} WHERE id = ?",
                             [*(values[name] for name in names), item_id])

    def set_where(self, column: str, value: Any, values: Mapping[str, Any]) -> int:
        """Set `values` on the items whose indexed `column` is `value`; how many there were."""
        if column not in self._indexed:
            raise ValueError(f"{column} is not an indexed scratch column")
        names = self._checked(values)
        assignments = ", ".join(f"{name} = ?" for name in names)
        return self._db.execute(f"UPDATE items SET {assignments} WHERE {column} = ?",
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

    def get(self, item_id: int, column: str) -> Any:
        self._checked({column: None})
        row = self._db.execute(f"SELECT {column} FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise KeyError(item_id)
        return row[0]

    def where(self, column: str, value: Any, wanted: str, order: str = "id") -> list[Any]:
        """`wanted` (a column, or "id") of the items whose indexed `column` is `value`, ordered by
        `order` then id."""
        if wanted != "id":
            self._checked({wanted: None})
        if column not in self._indexed or (order != "id" and order not in self.columns):
            raise ValueError(f"{column} is not an indexed scratch column")
        key = "id" if order == "id" else f"{order}, id"
        return [row[0] for row in self._db.execute(
            f"SELECT {wanted} FROM items WHERE {column} = ? ORDER BY {key}", (value,))]

    def first(self, column: str, value: Any, wanted: Sequence[str]) -> tuple[Any, ...] | None:
        """`wanted` columns of the first item (by id) whose indexed `column` is `value`."""
        if column not in self._indexed:
            raise ValueError(f"{column} is not an indexed scratch column")
        names = self._checked({name: None for name in wanted})
        row = self._db.execute(f"SELECT {', '.join(names)} FROM items WHERE {column} = ? ORDER BY id LIMIT 1",
                               (value,)).fetchone()
        return tuple(row) if row is not None else None

    def exists(self, column: str, value: Any) -> bool:
        if column not in self._indexed:
            raise ValueError(f"{column} is not an indexed scratch column")
        return self._db.execute(f"SELECT 1 FROM items WHERE {column} = ? LIMIT 1", (value,)).fetchone() is not None

    def walk(self, order: str, columns: Sequence[str], where: Mapping[str, Any] | None = None
             ) -> Iterator[tuple[Any, ...]]:
        """(id, *columns) of every item (with `where`: those whose columns have those values),
        ordered by the indexed column `order` then id, read a page at a time: no statement stays
        open between pages, so the table can be written to while it is walked."""
        if order != "id" and order not in self._indexed:
            raise ValueError(f"{order} is not an indexed scratch column")
        names = self._checked({name: None for name in columns})
        conditions = self._checked(where or {})
        filters = "".join(f" AND {name} IS ?" for name in conditions)
        values = [(where or {})[name] for name in conditions]
        wanted = ", ".join(["id", *names]) if names else "id"
        key = "id" if order == "id" else f"{order}, id"
        if order == "id":
            statement = (f"SELECT {wanted} FROM items WHERE id > ?{filters} ORDER BY id LIMIT {PAGE_ROWS}")
            after: tuple[Any, ...] = (-1,)
        else:
            statement = (f"SELECT {wanted}, {order} FROM items WHERE ({order}, id) > (?, ?){filters} "
                         f"ORDER BY {key} LIMIT {PAGE_ROWS}")
            after = ("", -1)
        while True:
            rows = self._db.execute(statement, [*after, *values]).fetchall()
            for row in rows:
                yield row if order == "id" else row[:-1]
            if len(rows) < PAGE_ROWS:
                return
            last = rows[-1]
            after = (last[0],) if order == "id" else (last[-1], last[0])

    def _checked(self, values: Mapping[str, Any]) -> list[str]:
        unknown = [name for name in values if name not in self.columns]
        if unknown:
            raise ValueError(f"no scratch column {unknown[0]!r}")
        return list(values)
