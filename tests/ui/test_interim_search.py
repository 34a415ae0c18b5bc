"""Which queries are answered from the list's word index while the search index is built, and
how (kbridge.ui.jobs.interim_search)."""

from __future__ import annotations

import pytest

from kbridge.core import KnowledgeBase
from kbridge.ui.jobs.interim_search import IndexNotReadyError, InterimSearcher, plain_words


@pytest.mark.parametrize(("query", "words"), [
    ("vault", ("vault",)),
    ("Vault Rotation", ("vault", "rotation")),
    ('"key rotation" hsm', ("key", "rotation", "hsm")),
    ("rot*", ("rot",)),
    ("ADR-0007", ("adr-0007",)),
])
def test_plain_words_are_answered_meanwhile(query: str, words: tuple[str, ...]) -> None:
    assert plain_words(query) == words


@pytest.mark.parametrize("query", [
    "vault -kubernetes", "vault OR hsm", "vualt~", "kind:control", "title:vault", "date:2023", "NOT vault", "",
])
def test_other_queries_wait_for_the_index(query: str) -> None:
    assert plain_words(query) is None


def test_the_answer_says_what_it_is_and_counts_every_match(sample_kb: KnowledgeBase) -> None:
    searcher = InterimSearcher(sample_kb)
    titles = [r for r in sample_kb.list_records() if any(w.startswith("vault") for w in r.title.lower().split())]
    outcome = searcher.search("vault", limit=2)
    assert outcome.total >= len(titles) and len(outcome.hits) == min(2, outcome.total)
    assert "being built" in outcome.note and not outcome.facets_pending
    assert all(hit.score == 0.0 and hit.key for hit in outcome.hits)
    dated = [hit for hit in searcher.search("vault", limit=50).hits if hit.date is not None]
    for hit in dated:
        assert sample_kb.get(hit.key).date == hit.date.isoformat()
    with pytest.raises(IndexNotReadyError, match="being built"):
        searcher.search("vault -kubernetes", limit=5)
    assert searcher.facets("vault") == {}
