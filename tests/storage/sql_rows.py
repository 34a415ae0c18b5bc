"""Reading a knowledge base file with SQLite alone (the word index rebuilt by its own code), as a test
checks what was stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from kbridge.storage import list_words


def rows(path: Path, sql: str) -> list[tuple]:
    """The rows `sql` reads from the file at `path` (its own connection, closed after)."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def word_vocabulary(path: Path) -> dict[str, int]:
    """Every word the list's word index holds in the file at `path`, and how many records hold it."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab('main', 'record_words', 'row')")
        return {str(term): int(records) for term, records in conn.execute("SELECT term, doc FROM temp.vocabulary")}
    finally:
        conn.close()


def rebuilt_word_vocabulary(path: Path, scratch: Path) -> dict[str, int]:
    """`word_vocabulary` of a copy of the file whose word index is made again from its records."""
    source, copy = sqlite3.connect(path), sqlite3.connect(scratch)
    try:
        source.backup(copy)
        with copy:  # the index's own rebuild, as after a VACUUM
            list_words.rebuild(sqlite_utils.Database(copy))
    finally:
        source.close()
        copy.close()
    return word_vocabulary(scratch)
