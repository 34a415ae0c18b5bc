"""Every record at once, for what reads a whole knowledge base (the checks, the recovery and
readiness estates, the choosers over every record): its summary (a `Record` without body, fields
or source), or its brief (`kbridge.model.RecordBrief`: what the checks read, in a third of the
memory; a million summaries took 1 GB)."""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlite_utils

from kbridge.model import Kind, Record, RecordBrief
from kbridge.storage.listing import kind_code
from kbridge.storage.record_rows import RECORD_SELECT, record_from_row

_KINDS = {kind.value: kind for kind in Kind}

# The source's few parts are read by SQLite (a million sources parsed in Python took seconds);
# a source that is not JSON (a damaged row) has none.
_BRIEFS = """
SELECT uid, key, kind, title, status, date, review_by, owner_uid, deleted_at IS NOT NULL,
       CASE WHEN ok AND json_type(source, '$.number') = 'integer' THEN json_extract(source, '$.number') END,
       CASE WHEN ok THEN json_extract(source, '$.log') END,
       CASE WHEN ok THEN json_extract(source, '$.root') END,
       CASE WHEN ok THEN json_extract(source, '$.path') END
FROM (SELECT *, source IS NOT NULL AND json_valid(source) AS ok FROM records)
"""


def _sharing() -> Callable[[str | None], str | None]:
    """A function that returns one string for all equal ones (statuses, dates, owners and tags
    repeat over a million records), None for None."""
    shared: dict[str, str] = {}

    def one(text: str | None) -> str | None:
        return None if text is None else shared.setdefault(text, text)

    return one


def briefs(db: sqlite_utils.Database) -> list[RecordBrief]:
    """Every record, the trash included, in no particular order."""
    one = _sharing()
    found = []
    for uid, key, kind, title, status, date, review_by, owner, gone, number, log, root, path in db.execute(_BRIEFS):
        found.append(RecordBrief(
            uid=uid, key=key, kind=_KINDS[kind], title=title, status=one(status) or "",
            date=one(date), review_by=one(review_by), owner=one(owner), deleted=bool(gone),
            source_number=number, source_log=_text(log), source_root=_text(root), source_path=_text(path),
        ))
    return found


def _text(value: object) -> str:
    return "" if value is None else str(value)


def summaries(
    db: sqlite_utils.Database, *, deleted: bool | None = False, sources: bool = False,
    keep: Callable[[str, Kind], bool] | None = None,
) -> list[Record]:
    """Every record without its body, fields and (unless `sources`) source, for what reads a
    whole large base: one scan of the records table, owners from a small map. `keep(uid, kind)`:
    only the records it keeps are made (a million summaries took 770 MB)."""
    people = {
        uid: (key, title)
        for uid, key, title in db.execute(
            "SELECT uid, key, title FROM records WHERE live IN (0, 1) AND kind_code = ?",  # the facets index
            [kind_code(Kind.PERSON.value)],
        )
    }
    clause = "" if deleted is None else (
        " WHERE deleted_at IS NOT NULL" if deleted else " WHERE deleted_at IS NULL"
    )
    rows = db.execute(
        "SELECT uid, key, kind, title, status, tags, owner_uid, date, review_by, created_at, "
        f"updated_at, deleted_at, {'source' if sources else 'NULL'} FROM records{clause}"
    )
    summaries = []
    one = _sharing()  # a million summaries took 1 GB, 770 MB with their repeated strings shared
    for uid, key, kind, title, status, tags, owner, date, review_by, created, updated, gone, source in rows:
        if keep is not None and not keep(uid, _KINDS[kind]):
            continue
        owner_key, owner_name = people.get(owner, (None, None)) if owner else (None, None)
        summaries.append(
            Record(
                kind=_KINDS[kind], title=title, key=key, uid=uid, status=one(status) or "",
                tags=[one(tag) or "" for tag in json.loads(tags)] if tags != "[]" else [],
                owner=one(owner), date=one(date), review_by=one(review_by),
                created_at=created, updated_at=updated, deleted_at=gone,
                owner_key=owner_key, owner_name=owner_name, source=json.loads(source) if source else None,
            )
        )
    return summaries


def without_bodies(db: sqlite_utils.Database, kind: Kind) -> list[Record]:
    """The live records of `kind`, whole but for their bodies (left empty), in key order: for
    what reads their fields at a million records (a system's RTO and approver, an exercise's
    result), not 4 kB of text each."""
    select = RECORD_SELECT.replace("r.body", "'' AS body")
    rows = db.query(f"{select} WHERE r.live = 1 AND r.kind_code = ? ORDER BY r.kind, r.key", [kind_code(kind.value)])
    return [record_from_row(row) for row in rows]
