"""Opening a knowledge base file: owner-only permissions, WAL, foreign keys, busy timeout, migrations."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from kbridge.model import KbridgeError, NotFoundError
from kbridge.storage.migrations import apply_migrations

# Another kbridge process (the GUI while the CLI writes) may hold the write lock briefly; wait for it
# rather than surfacing "database is locked" to the user.
BUSY_TIMEOUT_S = 15.0
SQLITE_HEADER = b"SQLite format 3\x00"


class NotAKnowledgeBaseError(KbridgeError):
    """The file exists but is not a kbridge knowledge base."""


def create_owner_only(path: Path) -> None:
    """Create an empty file readable and writable by its owner only (0600), failing if it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # the umask may have narrowed it further; 0600 is what we promise


def connect(path: Path, *, create: bool = False) -> sqlite_utils.Database:
    """Open (or create) the knowledge base at `path` and bring its schema up to date."""
    path = Path(path)
    created = False
    if not path.exists():
        if not create:
            raise NotFoundError(f"no knowledge base at {path}")
        create_owner_only(path)
        created = True
    elif path.is_dir():
        raise NotAKnowledgeBaseError(f"{path} is a folder, not a knowledge base file")
    else:
        _check_header(path)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    try:
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        db.execute("PRAGMA foreign_keys = ON")
        # FULL makes every committed revision survive a power cut, not only a crash; one fsync per
        # save is nothing for a desktop application.
        db.execute("PRAGMA synchronous = FULL")
        if db.journal_mode != "wal":
            db.enable_wal()
        apply_migrations(db)
    except sqlite3.DatabaseError as error:
        conn.close()
        if created:
            path.unlink(missing_ok=True)
        raise NotAKnowledgeBaseError(f"{path} is not a usable knowledge base: {error}") from error
    return db


def _check_header(path: Path) -> None:
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    # An empty file is what create_owner_only leaves if the first connect was interrupted.
    if header and header != SQLITE_HEADER:
        raise NotAKnowledgeBaseError(f"{path} is not a kbridge knowledge base (not an SQLite file)")
