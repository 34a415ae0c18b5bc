"""A record as the search engines index it: from a whole record (a change) or from a plain row
of the database (a rebuild), the same document either way."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from kbridge.model import Record
from kbridge.search import SearchDocument

if TYPE_CHECKING:
    from kbridge.storage import SearchRow


def record_document(record: Record) -> SearchDocument:
    """A record as the search engines index it."""
    owner = " ".join(part for part in (record.owner_key, record.owner_name) if part)
    return SearchDocument(
        uid=record.uid,
        key=record.key,
        kind=record.kind.value,
        title=record.title,
        status=record.status,
        body=record.body,
        tags=tuple(record.tags),
        owner=owner,
        date=_date(record.date),
        extra=" ".join(_field_words(record.fields)),
    )


def row_document(row: SearchRow) -> SearchDocument:
    """The document `record_document` makes, from a row of `Store.scan_search_rows`."""
    return SearchDocument(
        uid=row.uid,
        key=row.key,
        kind=row.kind,
        title=row.title,
        status=row.status,
        body=row.body,
        tags=tuple(json.loads(row.tags_json)) if row.tags_json != "[]" else (),
        owner=" ".join(part for part in (row.owner_key, row.owner_name) if part),
        date=_date(row.date),
        extra=" ".join(_field_words(json.loads(row.fields_json))) if row.fields_json != "{}" else "",
    )


@lru_cache(maxsize=8192)
def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _field_words(fields: dict[str, Any]) -> Iterable[str]:
    for value in fields.values():
        if isinstance(value, (list, tuple)):
            yield from (str(item) for item in value if item not in (None, ""))
        elif isinstance(value, dict):
            yield from (str(item) for item in value.values() if item not in (None, ""))
        elif value not in (None, ""):
            yield str(value)
