"""Whoosh queries that stand for many words of the index, matched as one flat list of documents.

Whoosh matches a prefix (`rot*`), a misspelling (`vualt~`) or a date range (a numeric range: many
trie terms) as a tree of union matchers over every word it expands to, and the collector walks
that tree document by document in Python to count the total and the facets: `rot*` (51 words in
each of four fields) cost 6.5 s at p95 on 100,000 records. Here the words' postings are read once,
united in a set, and matched as one sorted list with a constant score per field, as tantivy scores
a prefix or a fuzzy word: a record matches or not, whichever of the words it holds.

Which words a query stands for is unchanged: the first `MAX_EXPANSIONS` in the order of the term
dictionary, as tantivy's phrase-prefix and fuzzy queries take them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any

from whoosh import matching, query

# As tantivy's phrase-prefix query: a prefix (`rot*`) or a misspelling (`vualt~`) stands for at
# most this many words of the index, the first in its order. Unbounded, `rot*` on 100,000
# records expanded to every word starting with "rot" and took 29 s. (tantivy's default of 50
# expansions matches 51 words, measured: tests/search/test_conformance.py.)
MAX_EXPANSIONS = 51


class _SortedIdsMatcher(matching.ListMatcher):  # whoosh has no type hints: a subclass of Any
    """A ListMatcher that skips by bisection (whoosh's steps one id at a time, which an
    intersection with a long list, `date:2020..2022 vault`, pays for every record in range)."""

    def skip_to(self, id: int) -> None:
        if not self.is_active():
            raise matching.ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)

    def copy(self) -> _SortedIdsMatcher:
        return _SortedIdsMatcher(self._ids, position=self._i, all_weights=self._all_weights)

    # Every record scores the boost, 0.0 included (ListMatcher's weight turns 0.0 into 1.0).
    def weight(self) -> float:
        return float(self._all_weights)

    def score(self) -> float:
        return float(self._all_weights)


def documents_holding(reader: Any, fieldname: str, btexts: Iterable[bytes]) -> list[int]:
    """The documents (of one segment) holding any of the words `btexts` of a field, sorted."""
    found: set[int] = set()
    for btext in btexts:
        if (fieldname, btext) in reader:
            found.update(reader.postings(fieldname, btext).all_ids())
    return sorted(found)


def flat_matcher(ids: list[int], boost: float) -> Any:
    if not ids:
        return matching.NullMatcher()
    return _SortedIdsMatcher(ids, all_weights=boost)


class _Capped:
    """Mixed into a whoosh MultiTerm query: at most MAX_EXPANSIONS words."""

    def _btexts(self, ixreader: Any) -> Iterator[bytes]:
        # Whoosh expands a query more than once per segment (to estimate its size, then to
        # match): a fuzzy word's automaton walk over the term dictionary is done once here.
        cache: dict[int, list[bytes]] = self.__dict__.setdefault("_expanded", {})
        words = cache.get(id(ixreader))
        if words is None:
            words = cache[id(ixreader)] = list(islice(super()._btexts(ixreader), MAX_EXPANSIONS))  # type: ignore[misc]
        return iter(words)


class CappedPrefix(_Capped, query.Prefix):
    """A prefix matched by whoosh's own matchers (in a phrase: `key rot*` needs positions)."""


class _FlatMultiTerm(_Capped):
    """Mixed into a whoosh MultiTerm query: its words capped, matched as one flat list."""

    boost: float
    field: Any

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        reader = searcher.reader()
        return flat_matcher(documents_holding(reader, self.field(), self._btexts(reader)), self.boost)


class FlatPrefix(_FlatMultiTerm, query.Prefix):
    """Records holding one of the first MAX_EXPANSIONS words of a field starting with a prefix."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        if not self.text:
            return query.Prefix.matcher(self, searcher, context)  # every record: whoosh's own
        return super().matcher(searcher, context)


class FlatFuzzy(_FlatMultiTerm, query.FuzzyTerm):
    """Records holding one of the first MAX_EXPANSIONS words of a field near a word."""


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
