"""What a search returns: ranked hits with snippets, the total, facet counts and a suggestion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kbridge.escaping import escape_html


@dataclass(frozen=True)
class Snippet:
    """A short passage of a record with the ranges of the words that matched the query."""

    text: str
    highlights: tuple[tuple[int, int], ...] = ()

    def marked(self, before: str, after: str, escape: Any = None) -> str:
        """The passage with each matching word between `before` and `after`."""
        escape = escape or (lambda part: part)
        pieces: list[str] = []
        position = 0
        for start, end in self.highlights:
            pieces.append(escape(self.text[position:start]))
            pieces.append(before + escape(self.text[start:end]) + after)
            position = end
        pieces.append(escape(self.text[position:]))
        return "".join(pieces)

    def to_html(self) -> str:
        """HTML-escaped text with the matching words in <b>...</b>."""
        return self.marked("<b>", "</b>", escape_html)

    @property
    def matched_words(self) -> list[str]:
        return [self.text[start:end] for start, end in self.highlights]


@dataclass(frozen=True)
class SearchHit:
    """One match. An engine reads it back from its index with no snippet (`Snippet("")`); the
    search cuts the snippet from the stored body it returns beside it."""

    uid: str
    key: str
    kind: str
    title: str
    status: str
    score: float
    snippet: Snippet = Snippet("")
    date: dt.date | None = None


@dataclass(frozen=True)
class SearchResults:
    """One page of hits. `total` counts every match; facets count them by kind and by status
    (when `facets_counted`: a search may leave them for later, see SearchEngine.search)."""

    query: str
    total: int
    hits: tuple[SearchHit, ...]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    warnings: tuple[str, ...] = ()
    engine: str = ""
    facets_counted: bool = True

    def to_json(self) -> dict[str, Any]:
        """The shape of `kbridge search --json` (snippets are HTML with <b> around matches)."""
        return {
            "total": self.total,
            "hits": [
                {
                    "key": hit.key,
                    "kind": hit.kind,
                    "title": hit.title,
                    "status": hit.status,
                    "score": round(hit.score, 4),
                    "snippet": hit.snippet.to_html(),
                }
                for hit in self.hits
            ],
            "suggestion": self.suggestion,
            "facets": self.facets,
            "warnings": list(self.warnings),
        }
