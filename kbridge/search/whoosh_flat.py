"""Whoosh queries that stand for many words of the index, matched as one flat list of documents.

Whoosh matches a prefix (`rot*`), a misspelling (`vualt~`) or a date range (a numeric range: many
trie terms) as a tree of union matchers over every word it expands to, and the collector walks
that tree document by document in Python to count the total and the facets: `rot*` (50 words in
each of four fields) cost 6.5 s at p95 on 100,000 records. Here the words' postings are read once,
united in a set, and matched as one sorted list with a constant score per field, as tantivy scores
a prefix or a fuzzy word: a record matches or not, whichever of the words it holds.

Which words a query stands for is unchanged: the first `MAX_EXPANSIONS` in the order of the term
dictionary, as tantivy's phrase-prefix and fuzzy queries take them.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any

from whoosh import matching, query

# As tantivy's phrase-prefix query: a prefix (`rot*`) or a misspelling (`vualt~`) stands for at
# most this many words of the index, the first in its order. Unbounded, `rot*` on 100,000
# records expanded to every word starting with "rot" and took 29 s. (tantivy's default is 50
# expansions per index segment, measured on one segment: tests/search/test_conformance.py.)
MAX_EXPANSIONS = 50


class _SortedIdsMatcher(matching.ListMatcher):  # whoosh has no type hints: a subclass of Any
    """A ListMatcher that skips by bisection (whoosh's steps one id at a time, which an
    intersection with a long list, `date:2020..2022 vault`, pays for every record in range)
    and scores 0.0 when told so (ListMatcher's weight turns 0.0 into 1.0)."""

    _i: int
    _ids: list[int]
    _weights: list[float] | None
    _all_weights: float

    def skip_to(self, id: int) -> None:
        if not self.is_active():
            raise matching.ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)

    def copy(self) -> _SortedIdsMatcher:
        return _SortedIdsMatcher(self._ids, self._weights, position=self._i, all_weights=self._all_weights)

    def weight(self) -> float:
        return float(self._weights[self._i] if self._weights is not None else self._all_weights)

    def score(self) -> float:
        return self.weight()


def documents_holding(reader: Any, fieldname: str, btexts: Iterable[bytes]) -> list[int]:
    """The documents (of one segment) holding any of the words `btexts` of a field, sorted."""
    found: set[int] = set()
    for btext in btexts:
        if (fieldname, btext) in reader:
            _add_posting_ids(reader.postings(fieldname, btext), found)
    return sorted(found)


def _add_posting_ids(postings: Any, found: set[int]) -> None:
    """Add the documents of a term's postings to `found`, a block of ids at a time where the
    matcher is whoosh 2.7's (read one by one, `rom*` spent half its time here at 100,000
    records)."""
    excluded: Any = frozenset()
    if isinstance(postings, matching.FilterMatcher) and postings._exclude:  # the segment's deleted records
        postings, excluded = postings.child, postings._ids
    if not all(hasattr(postings, name) for name in ("_read_ids", "_next_block", "_i", "_atend")):
        found.update(doc for doc in postings.all_ids() if doc not in excluded)
        return
    while postings.is_active():
        postings._read_ids()
        block = postings._ids[postings._i :]
        found.update(block if not excluded else (doc for doc in block if doc not in excluded))
        postings._i = len(postings._ids)
        postings._next_block()


def flat_matcher(ids: list[int], boost: float, weights: list[float] | None = None) -> Any:
    if not ids:
        return matching.NullMatcher()
    return _SortedIdsMatcher(ids, weights, all_weights=boost)


class _Capped:
    """Mixed into a whoosh MultiTerm query: at most MAX_EXPANSIONS words."""

    def _btexts(self, ixreader: Any) -> Iterator[bytes]:
        # Whoosh expands a query more than once per segment (to estimate its size, then to
        # match): a fuzzy word's automaton walk over the term dictionary is done once here.
        cache: dict[int, list[bytes]] = self.__dict__.setdefault("_expanded", {})
        words = cache.get(id(ixreader))
        if words is None:
            words = cache[id(ixreader)] = self._expand(ixreader)
        return iter(words)

    def _expand(self, ixreader: Any) -> list[bytes]:
        return list(islice(super()._btexts(ixreader), MAX_EXPANSIONS))  # type: ignore[misc]


class CappedPrefix(_Capped, query.Prefix):
    """A prefix matched by whoosh's own matchers (in a phrase: `key rot*` needs positions)."""


class _FlatMultiTerm(_Capped):
    """Mixed into a whoosh MultiTerm query: its words capped, matched as one flat list."""

    boost: float
    fieldname: str

    def documents(self, reader: Any) -> list[int]:
        return documents_holding(reader, self.fieldname, self._btexts(reader))

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        return flat_matcher(self.documents(searcher.reader()), self.boost)


class FlatPrefix(_FlatMultiTerm, query.Prefix):
    """Records holding one of the first MAX_EXPANSIONS words of a field starting with a prefix."""


class FlatFuzzy(_FlatMultiTerm, query.FuzzyTerm):
    """Records holding one of the first MAX_EXPANSIONS words of a field near a word, or one of
    `also` (spellings whoosh's automaton misses: it counts a swap of two letters as two edits,
    tantivy as one)."""

    def __init__(self, fieldname: str, text: str, *, also: Sequence[str] = (), **options: Any) -> None:
        super().__init__(fieldname, text, **options)
        self.also = tuple(also)

    def _expand(self, ixreader: Any) -> list[bytes]:
        words = super()._expand(ixreader)
        return list(dict.fromkeys([*words, *(word.encode("utf-8") for word in self.also)]))


class FlatWord(query.Term):  # whoosh has no type hints: a subclass of Any
    """Records holding a word, scoring the boost alike (with FlatAnyOf: a fuzzy word's own
    spelling on top)."""

    def documents(self, reader: Any) -> list[int]:
        return documents_holding(reader, self.fieldname, [self.text.encode("utf-8")])

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        return flat_matcher(self.documents(searcher.reader()), self.boost)


FlatPart = FlatPrefix | FlatFuzzy | FlatWord


class FlatAnyOf(query.Query):  # whoosh has no type hints: a subclass of Any
    """Records matching any of several flat queries (a prefix or a misspelling in each field),
    as one list: a record scores the sum of the boosts of those it matches. Also searched
    without whoosh's collector (`collect_flat`)."""

    def __init__(self, parts: Sequence[FlatPart]) -> None:
        self.parts = list(parts)
        self.boost = 1.0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FlatAnyOf) and self.parts == other.parts

    def __hash__(self) -> int:
        return hash(tuple(self.parts))

    def __repr__(self) -> str:
        return f"FlatAnyOf({self.parts!r})"

    def children(self) -> list[Any]:
        return []

    def estimate_size(self, ixreader: Any) -> int:
        return sum(part.estimate_size(ixreader) for part in self.parts)

    def estimate_min_size(self, ixreader: Any) -> int:
        return min((part.estimate_min_size(ixreader) for part in self.parts), default=0)

    def scored(self, reader: Any) -> tuple[list[int], list[float]]:
        """The documents of one segment matching, sorted, and their scores."""
        scores: dict[int, float] = {}
        for part in self.parts:
            boost = float(part.boost)
            for doc in part.documents(reader):
                scores[doc] = scores.get(doc, 0.0) + boost
        ids = sorted(scores)
        return ids, [scores[doc] for doc in ids]

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        ids, weights = self.scored(searcher.reader())
        return flat_matcher(ids, 1.0, weights)


FacetColumns = dict[tuple[int, str], list[Any]]


def _column(reader: Any, name: str, cache: FacetColumns) -> list[Any] | None:
    """A segment's values of a sortable field, read once per searcher (by the document, the
    counts of `rom*` at 100,000 records spent a third of its time reading them)."""
    if not reader.has_column(name):
        return None
    key = (id(reader), name)
    if key not in cache:
        cache[key] = list(reader.column_reader(name))
    return cache[key]


def collect_flat(
    searcher: Any, flat: FlatAnyOf, top: int, facet_fields: Sequence[str] | None, columns: FacetColumns
) -> tuple[int, list[tuple[float, int]], dict[str, dict[str, int]] | None]:
    """A flat query searched without whoosh's collector (which walks every match in Python
    through its matcher tree): the total, the `top` best (score, document) pairs (ties in the
    index's order) and the facet counts of `facet_fields`, read from their columns (`columns`:
    the values read so far, for the searcher's life)."""
    total = 0
    best: list[tuple[float, int]] = []
    counts: dict[str, Counter[str]] = {name: Counter() for name in facet_fields or ()}
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        ids, scores = flat.scored(reader)
        total += len(ids)
        if top > 0:
            ranked = heapq.nsmallest(top, zip(scores, ids, strict=True), key=lambda pair: (-pair[0], pair[1]))
            best = heapq.nsmallest(top, [*best, *((score, doc + offset) for score, doc in ranked)],
                                   key=lambda pair: (-pair[0], pair[1]))
        for name, counter in counts.items():
            values = _column(reader, name, columns)
            if values is not None:
                counter.update(map(values.__getitem__, ids))
    if facet_fields is None:
        return total, best, None
    if not total:  # as whoosh's collector answers
        return total, best, {}
    return total, best, {name: {str(key): n for key, n in counter.items() if key} for name, counter in counts.items()}


class FlatDateRange(query.DateRange):  # whoosh has no type hints: a subclass of Any
    """Records with a date in a range: the trie terms of the range united in one list."""

    def __init__(self, fieldname: str, start: Any, end: Any, boost: float = 1.0) -> None:
        super().__init__(fieldname, start, end, boost=boost, constantscore=False)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        reader = searcher.reader()
        compiled = self._compile_query(reader)
        if compiled is query.NullQuery:
            return matching.NullMatcher()
        parts = compiled.subqueries if isinstance(compiled, query.Or) else [compiled]
        words: list[Iterable[bytes]] = []
        for part in parts:
            if isinstance(part, query.TermRange):
                words.append(part._btexts(reader))
            elif isinstance(part, query.Term):
                words.append([part.text])
            else:  # not the shape expected: whoosh's own way
                return query.ConstantScoreQuery(compiled, self.boost).matcher(searcher, context)
        return flat_matcher(documents_holding(reader, self.fieldname, chain.from_iterable(words)), self.boost)
