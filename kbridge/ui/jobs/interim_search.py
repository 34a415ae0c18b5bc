"""Search while the full-text index is being built.

A knowledge base whose index is missing (a file brought from another machine: the index lives in
the cache folder, not in the file) or stale has it built on first open: a minute at a million
records, during which the search field answered nothing. Meanwhile a query of plain words is
answered where the list's filter looks: the word index kept in the file itself (keys, titles,
statuses, owners and tags; kbridge.storage.list_words), every word matching the beginning of a
word, in key order, with a note saying so. Any other query (a field, a misspelling, OR, NOT, a
date) waits for the index: answering it from titles alone would show records the query excludes.
The full answer replaces this one as soon as the index is ready (SearchBinding.ensure_index).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING

from kbridge.model import Record
from kbridge.model.listing import ListQuery
from kbridge.search import SearchHit
from kbridge.search.parser import parse_query
from kbridge.search.query import And, KeyBoost, Or, Phrase, Prefix, Term
from kbridge.ui.jobs.search_service import Searcher, SearchOutcome, WorkerSearcher

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase

NOTE = "the search index is being built: keys, titles, statuses, owners and tags only, in key order"
WAITING = (
    "The search index is being built; until it is ready only plain words are looked for, in keys, titles, "
    "statuses, owners and tags."
)


class IndexNotReadyError(Exception):
    """The query needs the full-text index (its message says so to a person)."""


def plain_words(query: str) -> tuple[str, ...] | None:
    """The words of `query`, lower-cased, when it is only words and phrases that must all match
    (no field, misspelling, OR, NOT or date); else None."""
    root = parse_query(query).root
    if isinstance(root, Or) and len(root.children) == 2 and isinstance(root.children[0], KeyBoost):
        root = root.children[1]  # a query that looks like a key: the index puts that record first
    leaves = root.children if isinstance(root, And) else (root,)
    words: list[str] = []
    for leaf in leaves:
        if not isinstance(leaf, (Term, Prefix, Phrase)) or leaf.field is not None:
            return None
        words.extend(word.lower() for word in leaf.text.split())
    return tuple(words) or None


def interim_outcome(kb: KnowledgeBase, query: str, limit: int) -> SearchOutcome:
    started = time.perf_counter()
    words = plain_words(query)
    if words is None:
        raise IndexNotReadyError(WAITING)
    asked = ListQuery(words=words)
    rows = kb.listing.window(asked, 0, limit)
    total = len(rows) if len(rows) < limit else kb.listing.count(asked)
    hits = tuple(_hit(record) for record in rows)
    return SearchOutcome(query, total, hits, seconds=time.perf_counter() - started, note=NOTE)


def _hit(record: Record) -> SearchHit:
    return SearchHit(
        uid=record.uid, key=record.key, kind=record.kind.value, title=record.title, status=record.status or "",
        score=0.0, date=_date(record.date),
    )


def _date(text: str | None) -> dt.date | None:
    """The record's date as the hits carry it; none when it is not a whole date (never guessed)."""
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


class InterimSearcher:
    """`interim_outcome` on the window's own KnowledgeBase (the GUI thread); `for_worker()` gives
    it over a connection of its own."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def search(self, query: str, limit: int) -> SearchOutcome:
        return interim_outcome(self.kb, query, limit)

    def facets(self, query: str) -> dict[str, dict[str, int]]:
        return {}

    def for_worker(self) -> Searcher:
        return _WorkerInterimSearcher(self.kb.path)


class _WorkerInterimSearcher(WorkerSearcher):
    def search(self, query: str, limit: int) -> SearchOutcome:
        with self._lock:
            return interim_outcome(self._opened(), query, limit)

    def facets(self, query: str) -> dict[str, dict[str, int]]:
        return {}

    def warm(self) -> None:
        with self._lock:
            self._opened()  # the connection only: the index is what is being built
