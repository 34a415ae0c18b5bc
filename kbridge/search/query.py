"""The engine-neutral query: what the user asked for, parsed once and compiled by each engine.

Text values are kept as the user typed them (words, not tokens): each engine analyses them with
its own analyzer, so a query means the same thing as the text it is matched against.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Fields of the query syntax. Text fields hold analysed words (`None` in a node means all the
# text of a record, weighted); exact fields hold whole values, compared case-insensitively.
TEXT_FIELDS = ("title", "body", "owner")
EXACT_FIELDS = ("kind", "status", "tag", "key")
QUERY_FIELDS = (*EXACT_FIELDS, "owner", "title", "body", "date")


@dataclass(frozen=True)
class Term:
    """A word; `field` None searches title, key, tags, owner, fields and body."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    text: str
    field: str | None = None
    slop: int = 0


@dataclass(frozen=True)
class Prefix:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Fuzzy:
    text: str
    field: str | None = None
    distance: int = 1


@dataclass(frozen=True)
class Exact:
    """An exact value of a keyword field: kind, status, tag or key (lower-case)."""

    field: str
    value: str


@dataclass(frozen=True)
class DateRange:
    """Records dated within [start, end] (either bound may be open); both bounds inclusive."""

    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class KeyBoost:
    """Records whose key is one of `keys` (lower-case), ranked above everything else."""

    keys: tuple[str, ...]


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class MatchAll:
    pass


@dataclass(frozen=True)
class MatchNone:
    pass


Node = Term | Phrase | Prefix | Fuzzy | Exact | DateRange | KeyBoost | And | Or | Not | MatchAll | MatchNone


@dataclass(frozen=True)
class ParsedQuery:
    """The parsed query with what the parser had to ignore, in words fit to show the user."""

    text: str
    root: Node
    warnings: tuple[str, ...] = field(default_factory=tuple)


def positive_leaves(node: Node) -> list[Node]:
    """The leaves that make a record match (not those under a NOT): what snippets highlight."""
    if isinstance(node, (And, Or)):
        return [leaf for child in node.children for leaf in positive_leaves(child)]
    if isinstance(node, Not):
        return []
    return [node]
