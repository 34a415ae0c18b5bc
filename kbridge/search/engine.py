"""The interface every search engine implements, and the work they share.

An engine owns one directory. It indexes `SearchDocument`s and answers parsed queries; parsing,
snippets and "did you mean" suggestions are done here, the same way for every engine, so that
the engines differ only in how they store and match.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from kbridge.model import Cancel, Progress
from kbridge.search.document import SearchDocument
from kbridge.search.parser import parse_query
from kbridge.search.query import Fuzzy, Node, ParsedQuery, Phrase, Term, positive_leaves
from kbridge.search.results import SearchHit, SearchResults, Snippet
from kbridge.search.snippets import Highlighter
from kbridge.search.text import edit_distance

# A hit as an engine reads it back, with the stored body its snippet is cut from.
BodiedHit = tuple[SearchHit, str]
FACET_FIELDS = ("kind", "status")
FacetCounts = dict[str, dict[str, int]]  # {"kind": {"adr": 3}, "status": {"accepted": 2}}
DEFAULT_LIMIT = 20
_NO_SNIPPET = Snippet("")


class IndexUnusableError(Exception):
    """The index cannot be used as it is (missing, corrupt, locked, of another version):
    whoever owns it rebuilds it from the database. Never shown to a user as such."""


class BuildCancelledError(Exception):
    """A bulk build stopped because its cancel flag was set; the partial index is unusable."""


PROGRESS_EVERY = 1000


def checkpoint(done: int, total: int, progress: Progress | None, cancel: Cancel | None) -> None:
    """During a bulk build, every PROGRESS_EVERY documents: report, and stop when cancelled."""
    if done % PROGRESS_EVERY:
        return
    if cancel is not None and cancel():
        raise BuildCancelledError("search index build cancelled")
    if progress is not None:
        progress(done, total, "indexing records")


class SearchEngine(ABC):
    """One full-text index in one directory."""

    name: ClassVar[str]

    def __init__(self, path: Path) -> None:
        self.path = path

    # --- opening and writing ---------------------------------------------------------------

    @classmethod
    @abstractmethod
    def create(cls, path: Path) -> SearchEngine:
        """A new, empty index in `path` (an empty or missing directory)."""

    @classmethod
    @abstractmethod
    def open(cls, path: Path) -> SearchEngine:
        """The index in `path`; IndexUnusableError when there is none or it cannot be read."""

    @abstractmethod
    def add_all(
        self,
        documents: Iterable[SearchDocument],
        total: int,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> int:
        """Index many documents into this (new) index in one bulk pass; the count indexed."""

    @abstractmethod
    def update(self, documents: Sequence[SearchDocument], deleted: Iterable[str] = ()) -> None:
        """Replace or add `documents` and remove the records `deleted` (uids), in one commit."""

    @abstractmethod
    def count(self) -> int:
        """How many documents the index holds."""

    def close(self) -> None:  # noqa: B027 - engines without resources need nothing here
        """Release files and locks."""

    def refresh(self) -> None:  # noqa: B027 - an engine that always reads the latest needs nothing
        """See what another process committed to the index since it was opened."""

    # --- what each engine does its own way -------------------------------------------------

    @abstractmethod
    def _execute(
        self, root: Node, limit: int, offset: int, facets: bool
    ) -> tuple[int, list[BodiedHit], FacetCounts | None]:
        """Run a query: the total, one page of hits (each with its stored body, for the snippet),
        and facet counts by kind and status; with
        `facets` False the counts are None unless the engine had them for nothing."""

    @abstractmethod
    def _count_facets(self, root: Node) -> FacetCounts:
        """Facet counts by kind and status of every match of a query."""

    @abstractmethod
    def analyze(self, text: str) -> list[str]:
        """The terms the index would hold for `text`."""

    @abstractmethod
    def document_frequency(self, term: str) -> int:
        """In how many records `term` (an analysed term) occurs in the title or body."""

    @abstractmethod
    def terms_with_prefix(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Terms of titles and bodies starting with `prefix`, with their document frequency."""

    # --- shared ----------------------------------------------------------------------------

    def search(
        self,
        query: str | ParsedQuery,
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
        *,
        facets: bool = True,
        suggest: bool = True,
        snippets: bool = True,
    ) -> SearchResults:
        """One page of ranked hits; `facets`, `suggest` and `snippets` False leave out the
        facet counts, the "did you mean" and the snippets (empty) when they are not shown.
        Facet counts may cost a second pass over the matches: with `facets` False they come
        only when they cost nothing (`facets_counted`), and `facet_counts` gives them later."""
        parsed = parse_query(query) if isinstance(query, str) else query
        total, stored, facet_counts = self._execute(parsed.root, max(limit, 0), offset, facets)
        if snippets:
            cut = Highlighter.for_query(parsed.root).snippets([body for _, body in stored])
        else:
            cut = [_NO_SNIPPET] * len(stored)
        hits = tuple(replace(hit, snippet=snippet) for (hit, _), snippet in zip(stored, cut, strict=True))
        suggestion = self.suggest(parsed) if suggest and total == 0 else None
        return SearchResults(
            query=parsed.text,
            total=total,
            hits=hits,
            facets=facet_counts or {},
            facets_counted=facet_counts is not None,
            suggestion=suggestion,
            warnings=parsed.warnings,
            engine=self.name,
        )

    def facet_counts(self, query: str | ParsedQuery) -> FacetCounts:
        """Facet counts by kind and status of every match of `query`."""
        parsed = parse_query(query) if isinstance(query, str) else query
        return self._count_facets(parsed.root)

    def suggest(self, parsed: ParsedQuery) -> str | None:
        """The query with its unknown words respelled, when that finds something."""
        replacements: dict[str, str] = {}
        for word in _suggestible_words(parsed.root):
            terms = self.analyze(word)
            if len(terms) != 1 or self.document_frequency(terms[0]) > 0:
                continue
            better = self._nearest_term(terms[0])
            if better:
                replacements[word] = better
        if not replacements:
            return None
        suggestion = parsed.text
        for word, better in replacements.items():
            suggestion = re.sub(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", better, suggestion, flags=re.I)
        if suggestion == parsed.text:
            return None
        found = self.search(suggestion, limit=0, facets=False, suggest=False)
        return suggestion if found.total else None

    def _nearest_term(self, term: str) -> str | None:
        if len(term) < 3 or term.isdigit():
            return None
        limit = 1 if len(term) <= 4 else 2
        # A misspelling seldom changes the first letter: look at the words that start with it,
        # or with the second letter (the first two swapped, or a letter typed before the word).
        candidates: dict[str, int] = {}
        for prefix in dict.fromkeys((term[0], term[1])):
            candidates.update(self.terms_with_prefix(prefix, 50000))
        best: tuple[int, int, str] | None = None
        for candidate, frequency in candidates.items():
            distance = edit_distance(term, candidate, limit)
            if distance <= limit and frequency > 0:
                rank = (distance, -frequency, candidate)
                if best is None or rank < best:
                    best = rank
        return best[2] if best else None


def _suggestible_words(root: Node) -> list[str]:
    found: list[str] = []
    for leaf in positive_leaves(root):
        if isinstance(leaf, (Term, Phrase, Fuzzy)) and leaf.field in (None, "title", "body"):
            for match in re.finditer(r"[^\W_]+", leaf.text):
                found.append(match.group())
    return list(dict.fromkeys(found))
