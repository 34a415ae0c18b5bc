"""Records, links between them, their revisions, and the `Changes` a mutation reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from kbridge.model.errors import ValidationError
from kbridge.model.vocabulary import NO_REVIEW_STATUSES, Kind, LinkType, relation_verb

# The parts of a record a revision snapshot keeps and a restore brings back.
CONTENT_FIELDS = ("key", "title", "status", "body", "tags", "owner", "date", "review_by", "fields")


@dataclass
class Record:
    kind: Kind
    title: str
    key: str = ""
    uid: str = ""
    status: str = ""
    body: str = ""
    tags: list[str] = field(default_factory=list)
    owner: str | None = None  # uid of a person record
    date: str | None = None  # ISO date: when decided or when it happened
    review_by: str | None = None  # ISO date
    fields: dict[str, Any] = field(default_factory=dict)
    # Where an imported record came from: {"path": relative path, "format": name, ...}; the format
    # keeps there whatever it needs to write the file back byte for byte.
    source: dict[str, Any] | None = None
    created_at: str = ""
    updated_at: str = ""
    deleted_at: str | None = None
    # Filled when read from storage (a join), never stored: the owner's key and name.
    owner_key: str | None = None
    owner_name: str | None = None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    def snapshot(self) -> dict[str, Any]:
        """The content of the record as a plain dict (what a revision stores)."""
        data = {name: getattr(self, name) for name in CONTENT_FIELDS}
        data["kind"] = self.kind.value
        data["tags"] = list(self.tags)
        data["fields"] = dict(self.fields)
        return data

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return review_overdue(self.review_by, self.status, today)


def review_overdue(review_by: str | None, status: str, today: dt.date | None = None) -> bool:
    """Whether a review due on `review_by` is late `today`, for a record of `status`."""
    if not review_by or status in NO_REVIEW_STATUSES:
        return False
    today = today or dt.date.today()
    try:
        return dt.date.fromisoformat(review_by) < today
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class RecordBrief:
    """What the checks over a whole knowledge base read of a record: no body, fields, tags or
    times, and of its source only what places it in an ADR log. A summary (`Record`) took 1 kB a
    record: a gigabyte at a million records in the checks' process."""

    uid: str
    key: str
    kind: Kind
    title: str
    status: str
    date: str | None
    review_by: str | None
    owner: str | None  # uid of a person record
    deleted: bool
    source_number: int | None = None  # the file's number in its ADR log (an integer, or none)
    source_log: str = ""  # the log's key prefix, when the format knows it
    source_root: str = ""  # the folder imported
    source_path: str = ""  # the file, relative to that folder

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return review_overdue(self.review_by, self.status, today)


@dataclass(frozen=True)
class Link:
    """A directed, typed edge. `target_uid` is None for a dangling link (target not in the base)."""

    source_uid: str
    type: LinkType
    target_uid: str | None
    target_ref: str = ""  # the target as written (key, path or title); shown when dangling
    note: str = ""

    @property
    def dangling(self) -> bool:
        return self.target_uid is None


@dataclass(frozen=True)
class LinkedRecord:
    """One line of a record's links as a reader shows them, from the record's point of view."""

    type: LinkType
    direction: Literal["out", "in"]
    key: str
    title: str
    uid: str | None
    kind: Kind | None
    status: str
    note: str = ""
    deleted: bool = False

    @property
    def dangling(self) -> bool:
        return self.uid is None

    @property
    def label(self) -> str:
        """How the link reads from this record; a relation written with its own verb keeps it
        ("clarifies ADR-0005" on the source, "clarifies this: ADR-0007" on the target)."""
        verb = relation_verb(self.type, self.note)
        if verb:
            return verb.lower() if self.direction == "out" else f"{verb.lower()} this"
        return self.type.label if self.direction == "out" else self.type.inverse_label


@dataclass(frozen=True)
class Revision:
    record_uid: str
    rev: int
    author: str
    at: str
    reason: str
    snapshot: dict[str, Any]

    @property
    def title(self) -> str:
        return str(self.snapshot.get("title", ""))

    @property
    def status(self) -> str:
        return str(self.snapshot.get("status", ""))


# Past this many records (or links), the changes of a long piece of work (an import, a sync) are
# not named one by one but said to be many (`Changes.wholesale`): a view reloads, the search
# index is rebuilt (as it is for 5,000 records anyway), and the work holds no uid of what it wrote
# (100,000 imported records were 85 bytes each, and twice that as they were joined at the end).
NAMED_AT_MOST = 5000


@dataclass(frozen=True)
class Changes:
    """What one mutation changed, so that views refresh only that; `wholesale`: more than
    NAMED_AT_MOST records changed, which are not named (every view reloads)."""

    created: frozenset[str] = frozenset()
    updated: frozenset[str] = frozenset()
    deleted: frozenset[str] = frozenset()
    links: tuple[Link, ...] = ()
    wholesale: bool = False

    @property
    def records(self) -> frozenset[str]:
        return self.created | self.updated | self.deleted

    def __bool__(self) -> bool:
        return self.wholesale or bool(self.records or self.links)

    def merge(self, other: Changes) -> Changes:
        return Changes.union([self, other])

    @staticmethod
    def union(items: Iterable[Changes]) -> Changes:
        """All of `items` as one, every record named (linear: a transaction may hold thousands)."""
        joined = ChangesJoined(named_at_most=None)
        for item in items:
            joined.add(item)
        return joined.changes


class ChangesJoined:
    """Changes joined as they come (`add`), into one (`changes`): said to be wholesale once they
    name more than `named_at_most` records or links (None: never), and then holding none."""

    def __init__(self, named_at_most: int | None) -> None:
        self.named_at_most = named_at_most
        self.created: set[str] = set()
        self.updated: set[str] = set()
        self.deleted: set[str] = set()
        self.links: list[Link] = []
        self.wholesale = False

    def add(self, changes: Changes) -> None:
        if self.wholesale:
            return
        self.created |= changes.created
        self.updated |= changes.updated
        self.deleted |= changes.deleted
        self.links.extend(changes.links)
        named = len(self.created) + len(self.updated) + len(self.deleted)
        limit = self.named_at_most
        if changes.wholesale or (limit is not None and (named > limit or len(self.links) > limit)):
            self.created, self.updated, self.deleted, self.links = set(), set(), set(), []
            self.wholesale = True

    @property
    def changes(self) -> Changes:
        if self.wholesale:
            return Changes(wholesale=True)
        return Changes(frozenset(self.created), frozenset(self.updated - self.created), frozenset(self.deleted),
                       tuple(self.links))


def normalise_date(value: str | dt.date | None, what: str = "date") -> str | None:
    """An ISO date string (YYYY-MM-DD) or None; a ValidationError for anything else."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]).isoformat() if len(text) >= 10 else _bad(text, what)
    except ValueError:
        return _bad(text, what)


def _bad(text: str, what: str) -> str:
    raise ValidationError(f"invalid {what} {text!r}: use YYYY-MM-DD")


def normalise_tags(tags: Iterable[str] | str | None) -> list[str]:
    """Tags as a sorted, de-duplicated list of lower-case words (commas or spaces separate)."""
    if tags is None:
        return []
    items = tags.replace(",", " ").split() if isinstance(tags, str) else list(tags)
    cleaned = {str(tag).strip().lstrip("#").lower() for tag in items}
    return sorted(tag for tag in cleaned if tag)
