"""The tantivy engine counts the facets of a small result from its hits, in the same pass."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from kbridge.search import SearchDocument, create_engine, tantivy_engine, tantivy_facets
from kbridge.search.tantivy_engine import TantivyEngine
from kbridge.search.tantivy_facets import FACETS_FROM_HITS

STATUSES = ("accepted", "proposed", "rejected")


def decisions(documents: tuple[SearchDocument, ...], count: int, first: int = 0) -> list[SearchDocument]:
    return [
        dataclasses.replace(documents[0], uid=f"u{n}", key=f"ADR-{n:04d}", status=STATUSES[n % 3])
        for n in range(first, first + count)
    ]


@pytest.fixture
def index(tmp_path: Path, documents: tuple[SearchDocument, ...]) -> Iterator[TantivyEngine]:
    built = create_engine("tantivy", tmp_path / "index")
    assert isinstance(built, TantivyEngine)
    built.add_all(decisions(documents, 90), 90)  # 30 of each status: fewer than FACETS_FROM_HITS
    yield built
    built.close()


def never_aggregate(*_args: object) -> dict:
    raise AssertionError("a second pass was made to count facets")


def test_a_small_result_is_counted_from_its_hits_without_a_second_pass(
    index: TantivyEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert FACETS_FROM_HITS >= 90
    monkeypatch.setattr(tantivy_engine, "counts_by_aggregation", never_aggregate)
    expected = {"kind": {"decision": 90}, "status": dict.fromkeys(STATUSES, 30)}
    for limit, offset in ((10, 0), (5, 85), (0, 0)):
        results = index.search("vault", limit=limit, offset=offset, facets=False)
        assert (results.total, results.facets_counted, results.facets) == (90, True, expected)
        assert len(results.hits) == min(limit, 90 - offset)
    narrowed = index.search("vault status:proposed", facets=False)
    assert narrowed.facets == {"kind": {"decision": 30}, "status": {"proposed": 30}}


def test_a_facet_first_seen_after_the_names_were_listed_is_named(
    index: TantivyEngine, documents: tuple[SearchDocument, ...]
) -> None:
    assert index.search("vault").facets["status"] == dict.fromkeys(STATUSES, 30)
    newcomer = dataclasses.replace(documents[0], uid="u-new", key="ADR-0999", status="deprecated")
    index.update([newcomer])
    assert index.search("vault").facets["status"] == {**dict.fromkeys(STATUSES, 30), "deprecated": 1}


def test_codes_that_cannot_be_told_apart_are_counted_by_a_second_pass(
    index: TantivyEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every name hashing alike (as a collision would): the names are not guessed, the counts
    # come from the aggregation and stay exact.
    monkeypatch.setattr(tantivy_facets, "facet_code", lambda name: 7)
    results = index.search("vault", facets=False)
    assert not results.facets_counted
    assert index.search("vault").facets == {"kind": {"decision": 90}, "status": dict.fromkeys(STATUSES, 30)}


def test_more_matches_than_the_first_pass_keeps_are_left_for_later(
    index: TantivyEngine, documents: tuple[SearchDocument, ...]
) -> None:
    index.update(decisions(documents, FACETS_FROM_HITS, first=90))
    total = 90 + FACETS_FROM_HITS
    quick = index.search("vault", facets=False)
    assert (quick.total, quick.facets_counted, quick.facets) == (total, False, {})
    assert sum(index.facet_counts("vault")["kind"].values()) == total
