"""The revisions and kept files of records, packed (`kbridge.storage.packing`).

Every function takes the open database and runs inside the caller's transaction: a re-packing is
saved with the change that caused it, or not at all."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from typing import Any

import sqlite_utils

from kbridge.model import Revision
from kbridge.storage import packing
from kbridge.storage.packing import CURRENT, DELTA, FULL, KEYFRAME_EVERY, RAW, RECORD, ROW, SPLICE, PreparedFile

_COLUMNS = "rev, author, at, reason, encoding, packed, snapshot"
# The encodings of a newest revision kept against its record's row.
_AGAINST_ROW = (CURRENT, RECORD, ROW)


def _body(db: sqlite_utils.Database, uid: str) -> str | None:
    row = db.execute("SELECT body FROM records WHERE uid = ?", [uid]).fetchone()
    return str(row[0]) if row else None


def _record_row(db: sqlite_utils.Database, uid: str) -> dict[str, Any] | None:
    """The record's stored columns, named as a snapshot names them: what the newest revision is
    kept against (`packing.pack_record`). Fixed here, not by the model, so that what a stored
    revision means never changes."""
    row = db.execute(
        "SELECT key, kind, title, status, body, tags, owner_uid, date, review_by, fields FROM records WHERE uid = ?",
        [uid],
    ).fetchone()
    if row is None:
        return None
    key, kind, title, status, body, tags, owner, date, review_by, fields = row
    return {
        "key": key, "kind": kind, "title": title, "status": status, "body": body, "tags": json.loads(tags),
        "owner": owner, "date": date, "review_by": review_by, "fields": json.loads(fields),
    }


def _chain(db: sqlite_utils.Database, uid: str, rows: list[tuple[Any, ...]]) -> list[Revision]:
    """Snapshots of `rows` (newest first, consecutive down from a whole one), newest first."""
    record = _record_row(db, uid) if rows and rows[0][4] in _AGAINST_ROW else None
    found: list[Revision] = []
    newer: dict[str, Any] | None = None
    for rev, author, at, reason, encoding, packed, text in rows:
        snapshot = packing.unpack(encoding, packed, text, row=record, newer=newer)
        found.append(Revision(uid, int(rev), author, at, reason, snapshot))
        newer = snapshot
    return found


def all_revisions(db: sqlite_utils.Database, uid: str) -> list[Revision]:
    """Every revision of a record, oldest first."""
    rows = list(db.execute(f"SELECT {_COLUMNS} FROM revisions WHERE record_uid = ? ORDER BY rev DESC", [uid]))
    return list(reversed(_chain(db, uid, rows)))


def one_revision(db: sqlite_utils.Database, uid: str, rev: int) -> Revision | None:
    """Revision `rev`, read from the nearest whole revision at or after it."""
    anchor = db.execute(
        "SELECT min(rev) FROM revisions WHERE record_uid = ? AND rev >= ? AND encoding != ?", [uid, rev, DELTA]
    ).fetchone()[0]
    if anchor is None:
        return None
    rows = list(db.execute(
        f"SELECT {_COLUMNS} FROM revisions WHERE record_uid = ? AND rev BETWEEN ? AND ? ORDER BY rev DESC",
        [uid, rev, anchor],
    ))
    chain = _chain(db, uid, rows)
    return chain[-1] if chain and chain[-1].rev == rev else None


def add_revision(
    db: sqlite_utils.Database, uid: str, *, author: str, at: str, reason: str, snapshot: dict[str, Any]
) -> int:
    """Append a revision (the record as it is now): the one before it becomes a delta from it."""
    newest = db.execute(
        f"SELECT {_COLUMNS} FROM revisions WHERE record_uid = ? ORDER BY rev DESC LIMIT 1", [uid]
    ).fetchone()
    rev = int(newest[0]) + 1 if newest else 1
    if newest is not None:
        previous = _chain(db, uid, [newest])[0]
        if previous.rev % KEYFRAME_EVERY == 0:
            encoding, packed = FULL, packing.pack_full(previous.snapshot)
        else:
            encoding, packed = DELTA, packing.pack_delta(previous.snapshot, snapshot)
        _store(db, uid, previous.rev, encoding, packed)
    record = _record_row(db, uid)
    if record is not None and snapshot.get("body") == record["body"]:
        encoding, packed = _against_row(snapshot, record)
    else:  # cannot happen through the facade (it snapshots the record itself); kept whole
        encoding, packed = FULL, packing.pack_full(snapshot)
    db.execute(
        "INSERT INTO revisions (record_uid, rev, author, at, reason, snapshot, encoding, packed) "
        "VALUES (?, ?, ?, ?, ?, '', ?, ?)",
        [uid, rev, author, at, reason, encoding, sqlite3.Binary(packed)],
    )
    return rev


def before_record_change(db: sqlite_utils.Database, uid: str, *, new_body: str | None = None) -> None:
    """The record's row is about to change (its body to `new_body`, when given): what was kept
    by reference to it is kept whole."""
    newest = db.execute(
        f"SELECT {_COLUMNS} FROM revisions WHERE record_uid = ? ORDER BY rev DESC LIMIT 1", [uid]
    ).fetchone()
    if newest is not None and newest[4] in _AGAINST_ROW:
        _store(db, uid, int(newest[0]), FULL, packing.pack_full(_chain(db, uid, [newest])[0].snapshot))
    record = _record_row(db, uid)
    if new_body is None or record is None or record["body"] == new_body:
        return
    for role, name, encoding, packed in list(db.execute(
        "SELECT role, name, encoding, data FROM files WHERE record_uid = ? AND encoding = ?", [uid, SPLICE]
    )):
        data = packing.unpack_file(encoding, packed, body=record["body"])
        new_encoding, new_packed = packing.pack_file(data)
        db.execute(
            "UPDATE files SET encoding = ?, data = ? WHERE record_uid = ? AND role = ? AND name = ?",
            [new_encoding, sqlite3.Binary(new_packed), uid, role, name],
        )


def _against_row(snapshot: dict[str, Any], record: dict[str, Any]) -> tuple[str, bytes]:
    """The newest revision kept as what differs from its record's row (`row`, or `record` for a
    snapshot without a field `row` assumes)."""
    packed = packing.pack_row(snapshot, record)
    return (ROW, packed) if packed is not None else (RECORD, packing.pack_record(snapshot, record))


def _store(db: sqlite_utils.Database, uid: str, rev: int, encoding: str, packed: bytes) -> None:
    db.execute(
        "UPDATE revisions SET encoding = ?, packed = ?, snapshot = '' WHERE record_uid = ? AND rev = ?",
        [encoding, sqlite3.Binary(packed), uid, rev],
    )


# --- kept files --------------------------------------------------------------------------------


def put_file(db: sqlite_utils.Database, uid: str, role: str, name: str, data: bytes | PreparedFile) -> bool:
    """Store (or replace) a file of a record; False when the same bytes were already there.
    `data` may come packed (`packing.prepare_file`): its packing is used when it was made around
    the body the record has."""
    if isinstance(data, PreparedFile):
        prepared: PreparedFile | None = data
        raw, digest = data.data, data.digest
    else:
        prepared, raw = None, bytes(data)
        digest = hashlib.sha256(raw).hexdigest()
    row = db.execute(
        "SELECT sha256 FROM files WHERE record_uid = ? AND role = ? AND name = ?", [uid, role, name]
    ).fetchone()
    if row and row[0] == digest:
        return False
    body = _body(db, uid) if role == "original" else None
    if prepared is not None and prepared.body == body:
        encoding, packed = prepared.encoding, prepared.packed
    else:
        encoding, packed = packing.pack_file(raw, body=body)
    db.execute(
        "INSERT OR REPLACE INTO files (record_uid, role, name, data, sha256, encoding, size) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [uid, role, name, sqlite3.Binary(packed), digest, encoding, len(raw)],
    )
    return True


def get_file(db: sqlite_utils.Database, uid: str, role: str, name: str) -> bytes | None:
    row = db.execute(
        "SELECT encoding, data FROM files WHERE record_uid = ? AND role = ? AND name = ?", [uid, role, name]
    ).fetchone()
    if row is None:
        return None
    encoding, packed = row
    return packing.unpack_file(encoding, bytes(packed), body=_body(db, uid) if encoding == SPLICE else None)


# --- packing what an older kbridge kept whole --------------------------------------------------


def records_with_files(db: sqlite_utils.Database, role: str) -> list[str]:
    return [row[0] for row in db.execute("SELECT DISTINCT record_uid FROM files WHERE role = ?", [role])]


def list_files(db: sqlite_utils.Database, uid: str) -> list[tuple[str, str, int, str]]:
    rows = db.execute("SELECT role, name, size, sha256 FROM files WHERE record_uid = ? ORDER BY role, name", [uid])
    return [(role, name, int(size), digest) for role, name, size, digest in rows]


def delete_file(db: sqlite_utils.Database, uid: str, role: str, name: str) -> bool:
    cursor = db.execute("DELETE FROM files WHERE record_uid = ? AND role = ? AND name = ?", [uid, role, name])
    return cursor.rowcount > 0


def repack_all(db: sqlite_utils.Database) -> None:
    """Pack every revision and file (a migration step: run once, in its transaction)."""
    uids = [row[0] for row in db.execute("SELECT DISTINCT record_uid FROM revisions")]
    for uid in uids:
        revisions = all_revisions(db, uid)
        body = _body(db, uid)
        newer: dict[str, Any] | None = None
        for revision in reversed(revisions):
            if newer is None:
                current = body is not None and revision.snapshot.get("body") == body
                encoding = CURRENT if current else FULL
                packed = packing.pack_current(revision.snapshot) if current else packing.pack_full(revision.snapshot)
            elif revision.rev % KEYFRAME_EVERY == 0:
                encoding, packed = FULL, packing.pack_full(revision.snapshot)
            else:
                encoding, packed = DELTA, packing.pack_delta(revision.snapshot, newer)
            _store(db, uid, revision.rev, encoding, packed)
            newer = revision.snapshot
    files = list(db.execute("SELECT record_uid, role, name, data FROM files WHERE encoding = ?", [RAW]))
    for uid, role, name, data in files:
        raw = bytes(data)
        encoding, packed = packing.pack_file(raw, body=_body(db, uid) if role == "original" else None)
        db.execute(
            "UPDATE files SET encoding = ?, data = ?, size = ? WHERE record_uid = ? AND role = ? AND name = ?",
            [encoding, sqlite3.Binary(packed), len(raw), uid, role, name],
        )


_Pack = Callable[[dict[str, Any], dict[str, Any]], tuple[str, bytes]]


def as_record(snapshot: dict[str, Any], record: dict[str, Any]) -> tuple[str, bytes]:
    """The newest revision as schemas 5 and 6 kept it (encoding `record`)."""
    return RECORD, packing.pack_record(snapshot, record)


def repack_newest(
    db: sqlite_utils.Database, encoding: str, report: Callable[[float], None] | None = None, *,
    pack: _Pack = _against_row,
) -> None:
    """Keep every record's newest revision kept as `encoding` as what differs from its row, as
    `pack` keeps it (a save now: `_against_row`; a migration step). `report` hears how far it is."""
    uids = [row[0] for row in db.execute("SELECT DISTINCT record_uid FROM revisions WHERE encoding = ?", [encoding])]
    for done, uid in enumerate(uids, start=1):
        newest = db.execute(
            f"SELECT {_COLUMNS} FROM revisions WHERE record_uid = ? ORDER BY rev DESC LIMIT 1", [uid]
        ).fetchone()
        record = _record_row(db, uid)
        if newest is not None and newest[4] == encoding and record is not None:
            snapshot = _chain(db, uid, [newest])[0].snapshot
            _store(db, uid, int(newest[0]), *pack(snapshot, record))
        if report is not None and done % 1000 == 0:
            report(done / len(uids))
