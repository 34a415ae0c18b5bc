"""Numbered schema migrations. The schema version is SQLite's `user_version`; each step runs once."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import sqlite_utils

from kbridge.model import KbridgeError

# How far a migration is: (what it does, the fraction of all the steps this file needs, 0 to 1).
MigrationProgress = Callable[[str, float], None]
# How far one step is, 0 to 1 (the steps that take long at a million records say it; the others
# are told and say nothing).
StepProgress = Callable[[float], None]


def _v1_initial(db: sqlite_utils.Database, report: StepProgress) -> None:
    db.execute(
        "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
    )
    db.execute(
        """
        CREATE TABLE records (
            uid TEXT PRIMARY KEY,
            key TEXT NOT NULL COLLATE NOCASE UNIQUE,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]',
            owner_uid TEXT REFERENCES records(uid),
            date TEXT,
            review_by TEXT,
            fields TEXT NOT NULL DEFAULT '{}',
            source TEXT,
            source_path TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deleted_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX records_kind_status ON records (kind, status)")
    db.execute("CREATE INDEX records_source_path ON records (source_path)")
    db.execute("CREATE INDEX records_owner ON records (owner_uid)")
    db.execute(
        """
        CREATE TABLE links (
            id INTEGER PRIMARY KEY,
            source_uid TEXT NOT NULL REFERENCES records(uid),
            type TEXT NOT NULL,
            target_uid TEXT REFERENCES records(uid),
            target_ref TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        )
        """
    )
    # A resolved link is identified by its target uid, a dangling one by the text it pointed at.
    db.execute(
        "CREATE UNIQUE INDEX links_identity ON links "
        "(source_uid, type, ifnull(target_uid, ''), target_ref)"
    )
    db.execute("CREATE INDEX links_target ON links (target_uid)")
    db.execute(
        """
        CREATE TABLE revisions (
            record_uid TEXT NOT NULL REFERENCES records(uid),
            rev INTEGER NOT NULL,
            author TEXT NOT NULL,
            at TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            snapshot TEXT NOT NULL,
            PRIMARY KEY (record_uid, rev)
        )
        """
    )
    db.table("meta").insert({"name": "kb_uid", "value": str(uuid.uuid4())})


def _v2_files(db: sqlite_utils.Database, report: StepProgress) -> None:
    """Files kept with a record: the imported original (to write it back byte for byte) and the
    images next to it. Kept apart from `records` so listing records never loads them."""
    db.execute(
        """
        CREATE TABLE files (
            record_uid TEXT NOT NULL REFERENCES records(uid),
            role TEXT NOT NULL,
            name TEXT NOT NULL,
            data BLOB NOT NULL,
            sha256 TEXT NOT NULL,
            PRIMARY KEY (record_uid, role, name)
        )
        """
    )


def _v3_packed(db: sqlite_utils.Database, report: StepProgress) -> None:
    """Revisions as a chain of deltas and kept files compressed (kbridge.storage.packing): a
    knowledge base about the size of its text, growing by about the size of each change."""
    from kbridge.storage.revisions import repack_all

    db.execute("ALTER TABLE revisions ADD COLUMN encoding TEXT NOT NULL DEFAULT 'json'")
    db.execute("ALTER TABLE revisions ADD COLUMN packed BLOB")
    db.execute("ALTER TABLE files ADD COLUMN encoding TEXT NOT NULL DEFAULT 'raw'")
    db.execute("ALTER TABLE files ADD COLUMN size INTEGER")
    db.execute("UPDATE files SET size = length(data)")
    repack_all(db)


def _v4_list_order(db: sqlite_utils.Database, report: StepProgress) -> None:
    """What a record list sorts and filters by, as columns with indexes (kbridge.storage.listing):
    a list of a million records reads only the window it shows, in its order."""
    from kbridge.storage.list_schema import create_list_columns

    create_list_columns(db)


def _v5_revisions_without_rowid(db: sqlite_utils.Database, report: StepProgress) -> None:
    """Revisions in a table without rowid: its primary key (record, rev) is the table itself
    rather than a second copy of every key in an index beside it (a tenth of the revisions'
    space); the newest revision of a record kept as what differs from the record's row (a few
    dozen bytes instead of a compressed copy of every field). The file's larger pages come with
    it (`database._compact`)."""
    from kbridge.storage.packing import CURRENT
    from kbridge.storage.revisions import as_record, repack_newest

    db.execute(
        """
        CREATE TABLE revisions_v5 (
            record_uid TEXT NOT NULL REFERENCES records(uid),
            rev INTEGER NOT NULL,
            author TEXT NOT NULL,
            at TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            snapshot TEXT NOT NULL,
            encoding TEXT NOT NULL DEFAULT 'json',
            packed BLOB,
            PRIMARY KEY (record_uid, rev)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        "INSERT INTO revisions_v5 (record_uid, rev, author, at, reason, snapshot, encoding, packed) "
        "SELECT record_uid, rev, author, at, reason, snapshot, encoding, packed FROM revisions"
    )
    db.execute("DROP TABLE revisions")
    db.execute("ALTER TABLE revisions_v5 RENAME TO revisions")
    repack_newest(db, CURRENT, pack=as_record)


def _v6_word_index(db: sqlite_utils.Database, report: StepProgress) -> None:
    """The list's filter answered by a word index (kbridge.storage.list_words) rather than a
    pass over an index per keystroke; the order indexes without the words and tags it answers
    for (a minute at a million records: `report` is told how far it is)."""
    from kbridge.storage.list_schema import create_word_index

    create_word_index(db, report)


def _v7_smaller_rows(db: sqlite_utils.Database, report: StepProgress) -> None:
    """What a knowledge base keeps beside its text, smaller (bench/storage_size.py: 1.34x the text
    at 10,000 records, where every table and index takes a 64 KiB page or more): the newest
    revision kept without the values most records have (`packing.pack_row`: nothing at all for a
    record without links or owner, where schema 5 kept 70 bytes); `meta` as a table without rowid
    (its primary key is the table, not a copy of it in an index beside it: `files` stays as it is,
    a file of 16-64 KiB would take an overflow page of its own in one); the
    (kind, status) index gone (the list's facets index answers the same questions, `live` first);
    the indexes of owners and source paths without the records that have none; the kind in the
    list's indexes as a number (`listing.kind_code`). Half a minute at a million records
    (`report` is told how far it is)."""
    from kbridge.storage.list_schema import create_kind_codes
    from kbridge.storage.packing import RECORD
    from kbridge.storage.revisions import repack_newest

    db.execute("CREATE TABLE meta_v7 (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
    db.execute("INSERT INTO meta_v7 (name, value) SELECT name, value FROM meta")
    db.execute("DROP TABLE meta")
    db.execute("ALTER TABLE meta_v7 RENAME TO meta")
    db.execute("DROP INDEX IF EXISTS records_kind_status")
    for name, column in (("records_owner", "owner_uid"), ("records_source_path", "source_path")):
        db.execute(f"DROP INDEX IF EXISTS {name}")
        db.execute(f"CREATE INDEX {name} ON records ({column}) WHERE {column} IS NOT NULL")
    create_kind_codes(db, lambda fraction: report(fraction / 2))
    repack_newest(db, RECORD, lambda fraction: report(0.5 + fraction / 2))


MIGRATIONS: list[Callable[[sqlite_utils.Database, StepProgress], None]] = [
    _v1_initial,
    _v2_files,
    _v3_packed,
    _v4_list_order,
    _v5_revisions_without_rowid,
    _v6_word_index,
    _v7_smaller_rows,
]


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def apply_migrations(
    db: sqlite_utils.Database, *, stamp: int | None = None, progress: MigrationProgress | None = None
) -> None:
    """Run the steps this file has not had, each in its own transaction; `stamp` is kbridge's
    application_id, written with the first step (a file being migrated is being written anyway).
    `progress`, when given, hears of each step's start and of the long steps' progress."""
    current = schema_version(db)
    if current > len(MIGRATIONS):
        raise KbridgeError(
            f"this knowledge base was written by a newer kbridge (schema {current}, this one knows "
            f"{len(MIGRATIONS)}); upgrade kbridge to open it"
        )
    steps = len(MIGRATIONS) - current
    for number, migrate in enumerate(MIGRATIONS[current:], start=current + 1):
        done = number - current - 1

        def report(fraction: float, number: int = number, done: int = done) -> None:
            if progress is not None:
                share = (done + min(max(fraction, 0.0), 1.0)) / steps
                progress(f"updating the knowledge base to schema {number}", share)

        report(0.0)
        with db.atomic():
            migrate(db, report)
            db.execute(f"PRAGMA user_version = {number}")
            if stamp is not None:
                db.execute(f"PRAGMA application_id = {int(stamp)}")
