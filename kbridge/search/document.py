"""The document the engines index: a record flattened to the text and values search needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class SearchDocument:
    """One record as the index sees it.

    `body` is the Markdown as written: the analyzers skip its punctuation, and snippets drop its
    markup (converting every body at index time would double the time of a full rebuild).
    `owner` holds the owner's key and name; `extra` any other words worth finding the record by
    (kind-specific fields).
    """

    uid: str
    key: str
    kind: str
    title: str
    status: str = ""
    body: str = ""
    tags: tuple[str, ...] = ()
    owner: str = ""
    date: dt.date | None = None
    extra: str = ""

    @property
    def meta_text(self) -> str:
        """The words that are neither title nor body, searched with a middle weight."""
        return " ".join(part for part in (" ".join(self.tags), self.owner, self.extra) if part)


# How much a match in each part of a record counts, relative to the body.
FIELD_WEIGHTS = {"key": 5.0, "title": 3.0, "meta": 1.5, "body": 1.0}
# Records found by their exact key (`ADR-0007`, `adr 7`) score this much above any text match.
KEY_LOOKUP_SCORE = 1000.0


@lru_cache(maxsize=8192)
def as_datetime(day: dt.date) -> dt.datetime:
    """Midnight UTC of `day`: how both engines store dates."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
