"""Opening a knowledge base file: identity first, then owner-only permissions, WAL, foreign keys,
busy timeout, migrations.

Nothing here opens a knowledge-base file except through SQLite. On Linux, closing *any* descriptor
of a file drops every POSIX advisory lock the process holds on it, so a plain `open()`/`close()`
while a connection is open (to read the header, say) lets another process believe it is the last
user, checkpoint and delete the WAL the first one still reads: the file is then corrupted (SQLite's
"How To Corrupt An SQLite Database File", 2.2). SQLite itself keeps such descriptors open until
the process's last connection to the file lets go of its locks.

A kbridge file carries `PRAGMA application_id = APPLICATION_ID`. Any other file is looked at
read-only and refused before anything is written to it; a kbridge file written before the id
existed (recognised by its tables) receives it with its next write (`stamp_pending`)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from kbridge.model import KbridgeError, NotFoundError
from kbridge.storage import list_words
from kbridge.storage.migrations import MIGRATIONS, MigrationProgress, apply_migrations

# Another kbridge process (the GUI while the CLI writes) may hold the write lock briefly; wait for it
# rather than surfacing "database is locked" to the user.
BUSY_TIMEOUT_S = 15.0
# "kbrg": what `PRAGMA application_id` (and `file(1)`) use to tell a kbridge file from others.
APPLICATION_ID = 0x6B627267
_KBRIDGE_TABLES = {"meta", "records", "links", "revisions"}
# Records of a few kilobytes leave the rest of a page empty when the next does not fit: at 16 KiB
# that was an eighth of the file (bench/storage_size.py), at 64 KiB (SQLite's largest) a
# fortieth. Reading a record reads one page either way.
PAGE_SIZE = 65536
COMPACT_SCHEMA = 5  # files older than this are rewritten once: packed revisions, larger pages
# Pages a copy (`copy_read_only`) takes per step between two reports of its progress: 16 MiB.
_COPY_PAGES = 256


class NotAKnowledgeBaseError(KbridgeError):
    """The file exists but is not a kbridge knowledge base."""


@dataclass(frozen=True)
class Identity:
    """What a file is, read through SQLite without writing to it."""

    stamped: bool  # carries kbridge's application_id
    empty: bool  # a new, empty database (an interrupted create)
    version: int = 0  # its schema (`user_version`)


@dataclass(frozen=True)
class Upgrade:
    """What opening an older knowledge base does to it before it can be used: `steps` steps (its
    migrations, then the one rewrite of a file older than COMPACT_SCHEMA)."""

    version: int
    steps: int
    kb_uid: str


def create_owner_only(path: Path) -> None:
    """Create an empty file readable and writable by its owner only (0600), failing if it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # the umask may have narrowed it further; 0600 is what we promise


def identify(path: Path) -> Identity:
    """Whether `path` is a kbridge knowledge base, looked at read-only through SQLite.

    Raises NotAKnowledgeBaseError, naming what the file is, for anything else. Nothing is written:
    another application's database keeps its journal mode, tables and bytes."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as error:
        raise NotAKnowledgeBaseError(f"{path} cannot be opened: {error}") from error
    try:
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise NotAKnowledgeBaseError(f"{path} is not a kbridge knowledge base (not an SQLite database)") from error
    finally:
        conn.close()
    if app_id == APPLICATION_ID:
        return Identity(stamped=True, empty=False, version=version)
    if app_id != 0:
        raise NotAKnowledgeBaseError(
            f"{path} is not a kbridge knowledge base: it is another application's SQLite database "
            f"(application id {app_id:#x}); kbridge leaves it as it is"
        )
    if not tables and version == 0:
        return Identity(stamped=False, empty=True)
    if tables >= _KBRIDGE_TABLES and version >= 1:
        return Identity(stamped=False, empty=False, version=version)  # written by a kbridge from before the id
    raise NotAKnowledgeBaseError(
        f"{path} is not a kbridge knowledge base: it is an SQLite database of another application "
        f"(tables: {', '.join(sorted(tables)[:5]) or 'none'}); kbridge leaves it as it is"
    )


def pending_upgrade(path: Path) -> Upgrade | None:
    """What opening the knowledge base at `path` would upgrade (None: nothing, or no file yet),
    read without writing; a NotAKnowledgeBaseError for a file that is not one."""
    path = Path(path)
    if not path.exists():
        return None
    if not path.is_file():
        raise NotAKnowledgeBaseError(f"{path} is not a knowledge base file")
    identity = identify(path)
    if identity.empty or identity.version >= len(MIGRATIONS):
        return None
    steps = len(MIGRATIONS) - identity.version + (1 if identity.version < COMPACT_SCHEMA else 0)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        row = conn.execute("SELECT value FROM meta WHERE name = 'kb_uid'").fetchone()
    except sqlite3.DatabaseError as error:
        raise NotAKnowledgeBaseError(f"{path} is not a usable knowledge base: {error}") from error
    finally:
        conn.close()
    return Upgrade(identity.version, steps, str(row[0]) if row else "")


def copy_read_only(path: Path, out: Path, progress: Callable[[int, int], None]) -> None:
    """Copy the knowledge base at `path` into `out` (a file already made, empty) without writing
    to it (SQLite's online backup, read-only); `progress(pages copied, pages)` after each step may
    raise to stop the copy (the caller removes what was copied)."""
    source = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    target = sqlite3.connect(str(out))
    try:
        source.backup(
            target, pages=_COPY_PAGES, progress=lambda _status, left, total: progress(total - left, total)
        )
    except sqlite3.DatabaseError as error:  # a full disk: "database or disk is full"
        raise KbridgeError(f"the copy could not be written: {error}") from error
    finally:
        target.close()
        source.close()


def _compact(db: sqlite_utils.Database) -> None:
    """Rewrite the file once, after the migrations that made it smaller (to `COMPACT_SCHEMA`):
    give back the space packing freed (about half the file of an older kbridge, left as room
    inside its pages) and move to `PAGE_SIZE` pages (a page size changes only outside WAL mode).
    Skipped, without waiting, when another connection is using the file: the room is then reused
    by later saves, and the page size stays as it was."""
    db.execute("PRAGMA busy_timeout = 0")
    try:
        with contextlib.suppress(sqlite3.OperationalError):
            if str(db.execute("PRAGMA journal_mode = DELETE").fetchone()[0]).lower() == "delete":
                db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            vacuum(db)
    finally:
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("PRAGMA journal_mode = WAL")
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")


def vacuum(db: sqlite_utils.Database) -> None:
    """VACUUM, then index the list's words again if it renumbered the records (whose primary key
    is their uid: SQLite keeps their rowids in practice, and promises nothing)."""
    before = list_words.rowid_fingerprint(db)
    db.execute("VACUUM")
    if list_words.rowid_fingerprint(db) != before:
        with db.atomic():
            list_words.rebuild(db)


def connect(
    path: Path, *, create: bool = False, progress: MigrationProgress | None = None
) -> tuple[sqlite_utils.Database, bool]:
    """Open (or create) the knowledge base at `path` and bring its schema up to date (`progress`
    hears how far a migration is: a minute or more at a million records).

    Returns the database and whether it still needs kbridge's application_id (an older kbridge
    file, stamped with its next write rather than by a read-only command)."""
    path = Path(path)
    created = False
    if not path.exists():
        if not create:
            raise NotFoundError(f"no knowledge base at {path}")
        create_owner_only(path)
        created = True
        identity = Identity(stamped=False, empty=True)
    elif path.is_dir():
        raise NotAKnowledgeBaseError(f"{path} is a folder, not a knowledge base file")
    elif not path.is_file():
        raise NotAKnowledgeBaseError(f"{path} is not a regular file")
    else:
        identity = identify(path)
        if identity.empty and path.stat().st_size > 0:
            # An SQLite database with nothing in it, made by someone else: not ours to take over.
            raise NotAKnowledgeBaseError(f"{path} is an empty SQLite database, not a kbridge knowledge base")
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    try:
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        db.execute("PRAGMA foreign_keys = ON")
        # FULL makes every committed revision survive a power cut, not only a crash; one fsync per
        # save is nothing for a desktop application.
        db.execute("PRAGMA synchronous = FULL")
        if identity.empty:
            # Before the first table: a record of a few kilobytes fits its page instead of
            # spilling into a mostly empty overflow page (about a fifth of the file at 4 KiB).
            db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        if db.journal_mode != "wal":
            db.enable_wal()
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        migrating = identity.empty or version < len(MIGRATIONS)
        apply_migrations(db, stamp=APPLICATION_ID if migrating else None, progress=progress)
        if not identity.empty and version < COMPACT_SCHEMA:
            if progress is not None:
                progress("compacting the file", 1.0)
            _compact(db)
    except sqlite3.DatabaseError as error:
        conn.close()
        if created:
            path.unlink(missing_ok=True)
        raise NotAKnowledgeBaseError(f"{path} is not a usable knowledge base: {error}") from error
    except BaseException:
        conn.close()
        raise
    return db, not (identity.stamped or migrating)
