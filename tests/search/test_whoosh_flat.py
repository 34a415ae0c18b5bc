"""A prefix or a misspelling searched by whoosh without its collector (`collect_flat`) finds what
whoosh's own collector finds for the same query: the total, the order of the hits, the facet
counts, over several segments and deleted records."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from kbridge.search import SearchDocument
from kbridge.search.parser import parse_query
from kbridge.search.whoosh_engine import WhooshEngine, _Compiler, _facet_counts, _facet_groups
from kbridge.search.whoosh_flat import FlatAnyOf

WORDS = ["rotation", "rotate", "rotor", "vault", "vaults", "valet", "payments", "payment", "ledger", "kafka"]


def _document(number: int, rng: random.Random) -> SearchDocument:
    return SearchDocument(
        uid=f"u{number}", key=f"NOTE-{number:03d}", kind=rng.choice(["note", "decision", "risk"]),
        title=" ".join(rng.sample(WORDS, 2)), status=rng.choice(["", "open", "accepted"]),
        body=" ".join(rng.choices(WORDS, k=rng.randint(1, 12))), tags=(), owner="",
        date=dt.date(2020 + number % 5, 1, 1),
    )


@pytest.fixture
def engine(tmp_path: Path) -> WhooshEngine:
    rng = random.Random(5)
    engine = WhooshEngine.create(tmp_path / "whoosh")
    engine.add_all([_document(n, rng) for n in range(300)], 300)
    engine.update([_document(n, rng) for n in range(0, 300, 7)], deleted=["u3", "u5"])  # a second segment
    engine.update([_document(n, rng) for n in range(300, 320)])
    return engine


@pytest.mark.parametrize("text", ["rot*", "vau*", "pay*", "vualt~", "rotaton~", "ledgr~1", "title:rot*", "zzz*"])
def test_the_flat_search_finds_what_whooshs_collector_finds(engine: WhooshEngine, text: str) -> None:
    compiled = _Compiler(engine._analyzer).compile(parse_query(text).root)
    assert isinstance(compiled, FlatAnyOf)
    searcher = engine._current_searcher()
    assert len(searcher.leaf_searchers()) > 1
    expected = searcher.search(compiled, limit=400, groupedby=_facet_groups())
    found = engine.search(text, limit=400)
    assert found.total == len(expected)
    assert [hit.key for hit in found.hits] == [hit["key"] for hit in expected]
    assert [hit.score for hit in found.hits] == [hit.score for hit in expected]
    assert found.facets == _facet_counts(expected) and found.facets_counted
    assert engine.facet_counts(text) == found.facets
    page = engine.search(text, limit=5, offset=10, facets=False)
    assert [hit.key for hit in page.hits] == [hit.key for hit in found.hits[10:15]] and page.total == found.total
