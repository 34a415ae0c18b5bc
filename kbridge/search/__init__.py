"""Full-text search: one query syntax, two engines (tantivy, the default, and Whoosh).

    engine = open_engine("tantivy", directory)     # or create_engine(...) for a new index
    results = engine.search('vault "key rotation" kind:decision date:2021..2022')

The package knows nothing of the database: `kbridge.core` turns records into `SearchDocument`s
and keeps the index in step with every change.
"""

from __future__ import annotations

from pathlib import Path

from kbridge.search.document import SearchDocument
from kbridge.search.engine import (
    BuildCancelledError,
    CancelFlag,
    FacetCounts,
    IndexUnusableError,
    Progress,
    SearchEngine,
)
from kbridge.search.parser import parse_query
from kbridge.search.query import ParsedQuery
from kbridge.search.results import SearchHit, SearchResults, Snippet

ENGINES = ("tantivy", "whoosh")
DEFAULT_ENGINE = "tantivy"


def engine_class(name: str) -> type[SearchEngine]:
    """The engine called `name`; Whoosh is imported only when asked for."""
    if name == "tantivy":
        from kbridge.search.tantivy_engine import TantivyEngine

        return TantivyEngine
    if name == "whoosh":
        from kbridge.search.whoosh_engine import WhooshEngine

        return WhooshEngine
    raise ValueError(f"unknown search engine {name!r}; engines are: {', '.join(ENGINES)}")


def open_engine(name: str, path: Path) -> SearchEngine:
    return engine_class(name).open(path)


def create_engine(name: str, path: Path) -> SearchEngine:
    return engine_class(name).create(path)


__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "BuildCancelledError",
    "CancelFlag",
    "FacetCounts",
    "IndexUnusableError",
    "ParsedQuery",
    "Progress",
    "SearchDocument",
    "SearchEngine",
    "SearchHit",
    "SearchResults",
    "Snippet",
    "create_engine",
    "engine_class",
    "open_engine",
    "parse_query",
]
