"""What the search UI asks of search: `search(query, limit) -> SearchOutcome`.

`make_searcher(kb, records)` gives the best searcher available for a knowledge base.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kbridge.model import Record

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase

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
    until the full-text index answers. Safe to use from another thread (it reads a snapshot).

    Built for 100,000 records answering within a keystroke: matching is a list comprehension of
    substring tests per word, and ranking sorts matches into a few tiers (exact key, key prefix,
    a title word starting with the query, the rest) instead of scoring every match."""

    def __init__(self, records: Sequence[Record]) -> None:
        live = sorted((r for r in records if not r.deleted), key=lambda r: _natural(r.key))
        self._records = live
        self._haystacks = [_haystack(r) for r in live]
        self._keys = [r.key.lower() for r in live]
        self._titles = [" " + r.title.lower() for r in live]
        self._by_key = {key: index for index, key in enumerate(self._keys)}
        self._by_uid = {record.uid: index for index, record in enumerate(live)}
        self._kind_of = [r.kind.value for r in live]
        self._status_of = [r.status for r in live]

    def upsert(self, records: Sequence[Record]) -> None:
        """Take in changed, new and deleted records (a deleted one is never found again)."""
        for record in records:
            index = self._by_uid.get(record.uid)
            if index is None:
                index = len(self._records)
                self._records.append(record)
                self._haystacks.append("")
                self._keys.append("")
                self._titles.append("")
                self._kind_of.append("")
                self._status_of.append("")
                self._by_uid[record.uid] = index
            else:
                self._by_key.pop(self._keys[index], None)
            self._records[index] = record
            self._kind_of[index], self._status_of[index] = record.kind.value, record.status
            if record.deleted:
                self._haystacks[index] = self._keys[index] = self._titles[index] = "\0"
                continue
            self._haystacks[index] = _haystack(record)
            self._keys[index] = record.key.lower()
            self._titles[index] = " " + record.title.lower()
            self._by_key[self._keys[index]] = index

    def search(self, query: str, limit: int) -> SearchOutcome:
        started = time.perf_counter()
        words, fields = _parse(query)
        if words:
            haystacks = self._haystacks
            first = words[0]
            matches = [i for i, text in enumerate(haystacks) if first in text]
            for word in words[1:]:
                matches = [i for i in matches if word in haystacks[i]]
        else:
            matches = [i for i, text in enumerate(self._haystacks) if text != "\0"]
        if fields:
            records = self._records
            matches = [i for i in matches if _fields_match(records[i], fields)]
        ranked = self._rank(matches, words, limit)
        records = self._records
        statuses = Counter(map(self._status_of.__getitem__, matches))
        statuses.pop("", None)
        facets: dict[str, dict[str, int]] = {
            "kind": dict(Counter(map(self._kind_of.__getitem__, matches))),
            "status": dict(statuses),
        }
        hits = tuple(
            Hit(r.uid, r.key, r.kind.value, r.title, r.status, score, _mark(r.title, words))
            for score, r in ((score, records[i]) for score, i in ranked)
        )
        seconds = time.perf_counter() - started
        return SearchOutcome(query, len(matches), hits, facets, None, seconds, note="keys and titles")

    def _rank(self, matches: list[int], words: list[str], limit: int) -> list[tuple[float, int]]:
        if not words:
            return [(0.0, i) for i in matches[:limit]]
        first, spaced = words[0], " " + words[0]
        keys, titles = self._keys, self._titles
        chosen: list[tuple[float, int]] = []
        seen: set[int] = set()
        exact = self._by_key.get(" ".join(words))
        tiers = (
            lambda: [exact] if exact is not None and exact in frozenset(matches) else [],
            lambda: [i for i in matches if keys[i].startswith(first)],
            lambda: [i for i in matches if spaced in titles[i]],
            lambda: matches,
        )
        # Lower tiers are computed only when the higher ones leave room on the page.
        for score, tier in zip((3.0, 2.0, 1.0, 0.0), tiers, strict=True):
            for index in tier():
                if index not in seen:
                    seen.add(index)
                    chosen.append((score, index))
                    if len(chosen) >= limit:
                        return chosen
        return chosen


def _haystack(record: Record) -> str:
    return f"{record.key} {record.title} {' '.join(record.tags)} {record.owner_name or ''}".lower()


def _natural(key: str) -> tuple[str, int, str]:
    prefix, _, number = key.rpartition("-")
    return (prefix.lower(), int(number), "") if number.isdigit() else (key.lower(), -1, key)


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


class IndexSearcher:
    """The knowledge base's full-text index (`KnowledgeBase.search`), on the window's own
    KnowledgeBase: for the GUI thread only. `for_worker()` gives the same search over a connection
    of its own, for a worker thread."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def search(self, query: str, limit: int) -> SearchOutcome:
        return _outcome(self.kb, query, limit)

    def for_worker(self) -> Searcher:
        return WorkerSearcher(self.kb.path)


class WorkerSearcher:
    """Full-text search over a KnowledgeBase of its own, opened on first use; one search at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._kb: KnowledgeBase | None = None
        self._lock = threading.Lock()

    def search(self, query: str, limit: int) -> SearchOutcome:
        with self._lock:
            if self._kb is None:
                from kbridge.core import KnowledgeBase

                self._kb = KnowledgeBase.open(self.path)
            return _outcome(self._kb, query, limit)

    def close(self) -> None:
        with self._lock:
            if self._kb is not None:
                self._kb.close()
                self._kb = None


def _outcome(kb: KnowledgeBase, query: str, limit: int) -> SearchOutcome:
    started = time.perf_counter()
    results = kb.search(query, limit=limit)  # type: ignore[attr-defined]
    hits = tuple(
        Hit(hit.uid, hit.key, hit.kind, hit.title, hit.status, hit.score, hit.snippet.to_html())
        for hit in results.hits
    )
    note = "; ".join(results.warnings)
    return SearchOutcome(
        query, results.total, hits, dict(results.facets), results.suggestion, time.perf_counter() - started, note
    )


def has_index(kb: KnowledgeBase) -> bool:
    return hasattr(kb, "search_index")


def make_searcher(kb: KnowledgeBase, records: Callable[[], Sequence[Record]]) -> Searcher:
    """The searcher for `kb`: its full-text index when it has one, else keys and titles."""
    if has_index(kb):
        return IndexSearcher(kb)
    return TitleSearcher(records())
