"""What the search UI asks of search: `search(query, limit) -> SearchOutcome`.

`make_searcher(kb, records)` gives the best searcher available for a knowledge base.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Protocol

from kbridge.core import KnowledgeBase
from kbridge.model import Record

QUERY_SYNTAX = (
    "<b>Search syntax</b><br>"
    "words — records with all of them, best first<br>"
    '"exact phrase" · prefix* · fuzzy~ · AND / OR / NOT / -word<br>'
    "kind:control · status:accepted · tag:pci · owner:alice · key:ADR-0007 · title:vault<br>"
    "date:&gt;2023-01-01 · date:2021..2022<br>"
    "Enter opens the top hit; Down moves into the results; Esc clears."
)


@dataclass(frozen=True)
class Hit:
    uid: str
    key: str
    kind: str
    title: str
    status: str
    score: float
    snippet_html: str = ""  # escaped text with the matching words in <b>…</b>


@dataclass(frozen=True)
class SearchOutcome:
    query: str
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    seconds: float = 0.0
    note: str = ""  # e.g. which kind of search answered


class Searcher(Protocol):
    def search(self, query: str, limit: int) -> SearchOutcome: ...


_FIELD = re.compile(r"^(kind|status|tag|key|title|owner):(.+)$", re.IGNORECASE)


class TitleSearcher:
    """Searches keys, titles, tags and owners of record summaries held in memory: the stand-in
    until the full-text index answers. Safe to use from another thread (it reads a snapshot)."""

    def __init__(self, records: Sequence[Record]) -> None:
        self._rows = [
            (
                record,
                f"{record.key} {record.title} {' '.join(record.tags)} {record.owner_name or ''}".lower(),
            )
            for record in records
            if not record.deleted
        ]

    def search(self, query: str, limit: int) -> SearchOutcome:
        started = time.perf_counter()
        words, fields = _parse(query)
        matched: list[tuple[float, Record]] = []
        for record, haystack in self._rows:
            if not _fields_match(record, fields):
                continue
            if words and not all(word in haystack for word in words):
                continue
            matched.append((_score(record, words), record))
        matched.sort(key=lambda item: (-item[0], item[1].key))
        facets: dict[str, dict[str, int]] = {
            "kind": dict(Counter(record.kind.value for _, record in matched)),
            "status": dict(Counter(record.status for _, record in matched if record.status)),
        }
        hits = tuple(
            Hit(
                record.uid,
                record.key,
                record.kind.value,
                record.title,
                record.status,
                score,
                _mark(record.title, words),
            )
            for score, record in matched[:limit]
        )
        return SearchOutcome(
            query, len(matched), hits, facets, None, time.perf_counter() - started, note="keys and titles"
        )


def _parse(query: str) -> tuple[list[str], dict[str, str]]:
    words: list[str] = []
    fields: dict[str, str] = {}
    for token in query.split():
        match = _FIELD.match(token)
        if match:
            fields[match.group(1).lower()] = match.group(2).strip('"').lower()
        else:
            word = token.strip('"*~').lower()
            if word and word not in ("and", "or", "not") and not word.startswith("-"):
                words.append(word)
    return words, fields


def _fields_match(record: Record, fields: dict[str, str]) -> bool:
    for name, value in fields.items():
        if name == "kind" and value not in (record.kind.value, record.kind.plural.lower()):
            return False
        if name == "status" and record.status != value:
            return False
        if name == "tag" and value not in record.tags:
            return False
        if name == "key" and record.key.lower() != value:
            return False
        if name == "title" and value not in record.title.lower():
            return False
        if name == "owner" and value not in f"{record.owner_key or ''} {record.owner_name or ''}".lower():
            return False
    return True


def _score(record: Record, words: list[str]) -> float:
    key, title = record.key.lower(), record.title.lower()
    score = 0.0
    for word in words:
        if key == word:
            score += 100
        elif key.startswith(word):
            score += 20
        if re.search(rf"\b{re.escape(word)}", title):
            score += 5
        elif word in title:
            score += 2
    return score + 1 / (1 + len(title))


def _mark(text: str, words: list[str]) -> str:
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<b>{escape(match.group())}</b>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return "".join(pieces)


def make_searcher(kb: KnowledgeBase, records: Callable[[], Sequence[Record]]) -> Searcher:
    """The searcher for `kb`: over the record summaries the window holds."""
    return TitleSearcher(records())
