"""Full-text search: one query syntax, two engines (tantivy, the default, and Whoosh).

    engine = open_engine("tantivy", directory)     # or create_engine(...) for a new index
    results = engine.search('vault "key rotation" kind:decision date:2021..2022')

The package knows nothing of the database: `kbridge.core` turns records into `SearchDocument`s
and keeps the index in step with every change.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from kbridge.model import KbridgeError
from kbridge.search.document import SearchDocument
from kbridge.search.engine import (
    BuildCancelledError,
    FacetCounts,
    IndexUnusableError,
    SearchEngine,
)
from kbridge.search.parser import parse_query
from kbridge.search.query import ParsedQuery
from kbridge.search.results import SearchHit, SearchResults, Snippet

ENGINES = ("tantivy", "whoosh")
DEFAULT_ENGINE = "tantivy"
# The oldest tantivy whose API the engine uses (pyproject.toml: tantivy>=0.26.2,<0.28): older ones
# lack what it calls, so each search would fail deep inside it (docs/install.md lists how).
TANTIVY_FLOOR = "0.26.2"


class EngineUnavailableError(KbridgeError):
    """The search engine asked for cannot work with what is installed."""


def _release(version: str) -> tuple[int, ...]:
    """"0.26.2" -> (0, 26, 2), "0.27.0rc1" -> (0, 27, 0): the release numbers a version starts with."""
    found = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(int(number) for number in found.group().split(".")) if found else ()


def require_tantivy(installed: str | None = None) -> None:
    """Refuse a tantivy older than TANTIVY_FLOOR with a message saying what to do. (A bundle that
    carries no package metadata was built from a checked environment, so it passes.)"""
    if installed is None:
        try:
            installed = metadata.version("tantivy")
        except metadata.PackageNotFoundError:
            return
    if _release(installed) < _release(TANTIVY_FLOOR):
        raise EngineUnavailableError(
            f"the installed tantivy {installed} is too old for kbridge's search index (it needs "
            f"{TANTIVY_FLOOR} or newer): pip install 'tantivy>={TANTIVY_FLOOR},<0.28', or search with "
            "the whoosh engine (--engine whoosh, or the search_engine setting)"
        )


def engine_class(name: str) -> type[SearchEngine]:
    """The engine called `name`; Whoosh is imported only when asked for."""
    if name == "tantivy":
        require_tantivy()
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
    "TANTIVY_FLOOR",
    "BuildCancelledError",
    "EngineUnavailableError",
    "FacetCounts",
    "IndexUnusableError",
    "ParsedQuery",
    "SearchDocument",
    "SearchEngine",
    "SearchHit",
    "SearchResults",
    "Snippet",
    "create_engine",
    "engine_class",
    "open_engine",
    "parse_query",
    "require_tantivy",
]
