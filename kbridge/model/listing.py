"""What a record list asks for (which records, in which order) and the counts its navigator shows.

The list reads its rows by window from storage, so the question is a value: storage answers it in
SQL on indexed columns, whatever the size of the knowledge base."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ListOrder(Enum):
    """The columns a record list sorts by; every order ends with the key's natural order."""

    KEY = "key"
    TITLE = "title"
    STATUS = "status"
    DATE = "date"
    OWNER = "owner"
    TAGS = "tags"


@dataclass(frozen=True)
class ListQuery:
    """Records shown by a list: live or trashed, narrowed by kind, status, tag, a fixed set of keys
    (a "Needs attention" group), decision logs and the filter field's words: each part of letters
    and digits of each word must begin a word of the key, title, status, owner's name or tags, in
    any case and with or without accents; a key's number counts also without its leading zeros
    ("adr-4" and "42" find ADR-0042; see kbridge.storage.list_words)."""

    trash: bool = False
    kind: str | None = None
    status: str | None = None
    tag: str | None = None
    keys: frozenset[str] | None = None
    logs: frozenset[str] | None = None  # decision logs: key prefixes (see ListFacets.log_prefixes)
    words: tuple[str, ...] = ()
    order: ListOrder = ListOrder.KEY
    descending: bool = False


@dataclass
class ListFacets:
    """The counts a navigator shows, counted by storage: live and trashed records, live records per
    kind and per (kind, status), per tag, and per decision log (the part of a decision's key before
    its number, upper case: ADR-0007 -> ADR)."""

    live: int = 0
    trash: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    statuses: dict[tuple[str, str], int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    logs: dict[str, int] = field(default_factory=dict)
    # Each log's key prefixes as storage groups them (ADR-0020-2 is in log ADR, prefix "adr-0020").
    log_prefixes: dict[str, frozenset[str]] = field(default_factory=dict)
