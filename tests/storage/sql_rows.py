"""Reading a knowledge base file with SQLite alone, as a test checks what was stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def rows(path: Path, sql: str) -> list[tuple]:
    """The rows `sql` reads from the file at `path` (its own connection, closed after)."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()
