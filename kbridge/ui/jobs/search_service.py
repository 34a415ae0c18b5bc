"""What the search UI asks of search: `search(query, limit) -> SearchOutcome` for the hits, then
`facets(query)` for the facet counts when the outcome says they are pending, answered by the
knowledge base's full-text index (`KnowledgeBase.search`, `KnowledgeBase.search_facets`).

Hits come first because counting facets can cost a second pass over every match (half the time
of a search of 90,000 matches): the window shows the hits, then the facet buttons, and skips
the counts of a query the user has already typed past."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kbridge.model import Progress
from kbridge.search import SearchHit
from kbridge.ui.jobs.apart import CancelFlag

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase

QUERY_SYNTAX = (
    "<b>Search syntax</b> (docs/search.md)<br>"
    "vault rotation — records with both words, best first<br>"
    '"key rotation" — the exact phrase · rot* — a word starting rot · vualt~ — one typo away<br>'
    "vault OR hsm · vault NOT kubernetes · vault -kubernetes · (vault OR hsm) -kind:system<br>"
    "kind:control · status:accepted · tag:pci · owner:alice · key:ADR-0007 · title:vault · body:token<br>"
    "date:&gt;2023-01-01 · date:2021..2022 · date:2023-05<br>"
    "A key (ADR-0007, adr 7) puts that record first.<br>"
    "Enter opens the top hit; Down moves into the results; Esc clears."
)


@dataclass(frozen=True)
class SearchOutcome:
    query: str
    total: int
    hits: tuple[SearchHit, ...]  # the search layer's own hits
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    seconds: float = 0.0
    note: str = ""  # what the query parser ignored (its warnings)
    facets_pending: bool = False  # `facets` not counted yet: ask `Searcher.facets`


class Searcher(Protocol):
    def search(self, query: str, limit: int) -> SearchOutcome: ...

    def facets(self, query: str) -> dict[str, dict[str, int]]: ...


class IndexSearcher:
    """The knowledge base's full-text index (`KnowledgeBase.search`), on the window's own
    KnowledgeBase: for the GUI thread only. `for_worker()` gives the same search over a connection
    of its own, for a worker thread."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def search(self, query: str, limit: int) -> SearchOutcome:
        return _outcome(self.kb, query, limit)

    def facets(self, query: str) -> dict[str, dict[str, int]]:
        return self.kb.search_facets(query)

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
            return _outcome(self._opened(), query, limit)

    def facets(self, query: str) -> dict[str, dict[str, int]]:
        with self._lock:
            return self._opened().search_facets(query)

    def warm(self) -> None:
        """Open the connection and the index now (on a worker), not at the first search."""
        with self._lock:
            self._opened().search_index.open_if_fresh()

    def _opened(self) -> KnowledgeBase:
        if self._kb is None:
            from kbridge.core import KnowledgeBase

            self._kb = KnowledgeBase.open(self.path)
        return self._kb

    def close(self) -> None:
        with self._lock:
            if self._kb is not None:
                self._kb.close()
                self._kb = None


def _outcome(kb: KnowledgeBase, query: str, limit: int) -> SearchOutcome:
    started = time.perf_counter()
    results = kb.search(query, limit=limit, facets=False)
    note = "; ".join(results.warnings)
    return SearchOutcome(
        query,
        results.total,
        results.hits,
        dict(results.facets),
        results.suggestion,
        time.perf_counter() - started,
        note,
        facets_pending=not results.facets_counted,
    )


def build_index(kb_path: Path, progress: Progress, cancel: CancelFlag) -> int:
    """Build the search index of the knowledge base at `kb_path` anew; the records indexed. Run
    apart for a large file (kbridge.ui.jobs.apart): at a million records the build held 2.3 GB
    and the interpreter for a minute, which stayed with the window afterwards."""
    from kbridge.core import KnowledgeBase
    from kbridge.model import Initiator

    with KnowledgeBase.open(kb_path, initiator=Initiator.JOB) as kb:
        return kb.reindex(progress=progress, cancel=cancel.is_set)
