"""A record as SQL reads it whole: the columns (with its owner's key and name) and the row made
into a `Record` (kbridge.storage.store and whole_base read it so); and a `Record` made into the
row that is written. A link's row made into a `Link`."""

from __future__ import annotations

import json
from typing import Any

from kbridge.model import Kind, Link, LinkType, Record

RECORD_COLUMNS = (
    "r.uid, r.key, r.kind, r.title, r.status, r.body, r.tags, r.owner_uid, r.date, r.review_by, "
    "r.fields, r.source, r.created_at, r.updated_at, r.deleted_at, "
    "o.key AS owner_key, o.title AS owner_name"
)
RECORD_SELECT = (
    f"SELECT {RECORD_COLUMNS} FROM records r LEFT JOIN records o ON o.uid = r.owner_uid"
)


def record_from_row(row: dict[str, Any]) -> Record:
    return Record(
        uid=row["uid"],
        key=row["key"],
        kind=Kind(row["kind"]),
        title=row["title"],
        status=row["status"],
        body=row["body"],
        tags=json.loads(row["tags"]),
        owner=row["owner_uid"],
        date=row["date"],
        review_by=row["review_by"],
        fields=json.loads(row["fields"]),
        source=json.loads(row["source"]) if row["source"] else None,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        deleted_at=row["deleted_at"],
        owner_key=row["owner_key"],
        owner_name=row["owner_name"],
    )


def row_from_record(record: Record) -> dict[str, Any]:
    source = record.source or None
    return {
        "uid": record.uid,
        "key": record.key,
        "kind": record.kind.value,
        "title": record.title,
        "status": record.status,
        "body": record.body,
        "tags": json.dumps(list(record.tags), ensure_ascii=False),
        "owner_uid": record.owner,
        "date": record.date,
        "review_by": record.review_by,
        "fields": json.dumps(record.fields, sort_keys=True, ensure_ascii=False),
        "source": json.dumps(source, sort_keys=True, ensure_ascii=False) if source else None,
        "source_path": source.get("path") if source else None,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "deleted_at": record.deleted_at,
    }


def link_from_row(row: tuple[Any, ...]) -> Link:
    """(source_uid, type, target_uid, target_ref, note) as the links table holds them."""
    source_uid, link_type, target_uid, target_ref, note = row
    return Link(source_uid, LinkType(link_type), target_uid, target_ref, note)
