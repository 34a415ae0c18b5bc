"""Facet counts (by kind and by status) for the tantivy engine, in one pass when it can be.

Each record's "kind/status" is indexed as a term ("facet") and, as a 64-bit hash, in a numeric
fast field ("facet_code"): numbers are cheaper to store and to count than strings, and can be
read for a list of hits. Names behind the codes are the terms of "facet", listed again
whenever a code is not known.

Counting facets with an aggregation runs the whole query a second time: for a query of a
hundred matches that doubles its cost, for one of 90,000 it is the price of exact counts. So
the first pass asks for a few more hits than the page holds (`FACETS_FROM_HITS`); when they are
all the matches there are, their codes are read from the fast field and the second pass is not
needed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import tantivy

from kbridge.search.engine import FacetCounts

# Matches up to this many are counted from the hits of the first pass: the larger, the more
# queries skip the second pass, and the more a query of many matches spends keeping its top hits.
FACETS_FROM_HITS = 128
_FACET_TERMS_LIMIT = 100_000


def match_count(result: tantivy.SearchResult) -> int:
    """How many documents a search matched (asked with count=True)."""
    # tantivy-py's stub omits SearchResult.count, which the library has had since 0.20.
    return int(result.count or 0)  # type: ignore[attr-defined]  # why: see the line above


def facet_name(kind: str, status: str) -> str:
    """What the "facet" field holds for a record: "kind/status"."""
    return f"{kind}/{status}"


@lru_cache(maxsize=4096)
def facet_code(name: str) -> int:
    """A stable 64-bit number for a facet name (the same in every process and release)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big")


def split_facets(named_counts: Iterable[tuple[str, int]]) -> FacetCounts:
    """Counts of "kind/status" names as counts by kind and by status ({} for none)."""
    counts: FacetCounts = {"kind": {}, "status": {}}
    for name, number in named_counts:
        kind, _, status = name.partition("/")
        counts["kind"][kind] = counts["kind"].get(kind, 0) + number
        if status:
            counts["status"][status] = counts["status"].get(status, 0) + number
    return counts if counts["kind"] else {}


class FacetNames:
    """Facet codes back to their names, for one index."""

    def __init__(self) -> None:
        self._names: dict[int, str] = {}

    def names(self, searcher: tantivy.Searcher, codes: Iterable[int]) -> list[str] | None:
        """The name of each code, or None when one is unknown even after listing the index's
        facet terms again (then the caller counts with an aggregation)."""
        wanted = list(codes)
        if any(code not in self._names for code in wanted):
            self._names = _names_in(searcher)
        try:
            return [self._names[code] for code in wanted]
        except KeyError:
            return None


def _names_in(searcher: tantivy.Searcher) -> dict[int, str]:
    names: dict[int, str] = {}
    for name, _ in searcher.terms_with_prefix("facet", "", limit=_FACET_TERMS_LIMIT):
        code = facet_code(name)
        if names.get(code, name) != name:  # two names, one code: never guess between them
            names.pop(code)
            continue
        names[code] = name
    return names


def counts_from_hits(searcher: tantivy.Searcher, addresses: list[Any], names: FacetNames) -> FacetCounts | None:
    """Facet counts of exactly these documents, from their fast field (None: not known)."""
    codes = searcher.fast_field_values("facet_code", addresses)
    if any(code is None for code in codes):
        return None
    found = names.names(searcher, (int(code) for code in codes if code is not None))
    if found is None:
        return None
    return split_facets(Counter(found).items())


def counts_by_aggregation(
    searcher: tantivy.Searcher, query: tantivy.Query, names: FacetNames, schema: tantivy.Schema
) -> FacetCounts:
    """Facet counts of every match of `query`: a second pass over them."""
    answer = searcher.aggregate(query, {"facet": {"terms": {"field": "facet_code", "size": 10_000}}})
    buckets = answer.get("facet", {}).get("buckets", [])
    found = names.names(searcher, (int(bucket["key"]) for bucket in buckets))
    if found is None:
        return _counts_name_by_name(searcher, query, schema)
    return split_facets(zip(found, (int(bucket["doc_count"]) for bucket in buckets), strict=True))


def _counts_name_by_name(searcher: tantivy.Searcher, query: tantivy.Query, schema: tantivy.Schema) -> FacetCounts:
    """One count per facet name: for two names sharing a code (64-bit hashes: not expected to
    happen, but a count is never guessed)."""
    counted: list[tuple[str, int]] = []
    for name, _ in searcher.terms_with_prefix("facet", "", limit=_FACET_TERMS_LIMIT):
        only = tantivy.Query.term_query(schema, "facet", name)
        both = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, only)])
        number = match_count(searcher.search(both, 1, count=True))
        if number:
            counted.append((name, number))
    return split_facets(counted)
