"""The second engine: Whoosh (the `whoosh-reloaded` fork), pure Python, BM25F.

Whoosh traps avoided here: `Searcher.refresh()` keeps stale segments after an automatic merge
(duplicate hits) and fails on an empty index, so a new searcher is opened after every commit.
Whoosh's analyzer drops stop words. Positions are kept where they were (renumber=False), so that
"key rotation" does not match "key is that rotation"; a phrase with a stop word inside ("separation
of duties") is given that much slop. `AndNot` is avoided too (see `_Compiler._and`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from typing import Any

from whoosh import fields, index, query, sorting
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.searching import Searcher
from whoosh.support.charset import accent_map

from kbridge.model import Cancel, Progress
from kbridge.search.document import FIELD_WEIGHTS, KEY_LOOKUP_SCORE, SearchDocument
from kbridge.search.engine import (
    FACET_FIELDS,
    BodiedHit,
    BuildCancelledError,
    FacetCounts,
    IndexUnusableError,
    SearchEngine,
    checkpoint,
)
from kbridge.search.query import (
    And,
    DateRange,
    Exact,
    Fuzzy,
    KeyBoost,
    MatchAll,
    MatchNone,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Term,
)
from kbridge.search.results import SearchHit
from kbridge.search.text import MAX_WORD_LENGTH
from kbridge.search.whoosh_flat import (
    CappedPrefix,
    FacetColumns,
    FlatAnyOf,
    FlatDateRange,
    FlatFuzzy,
    FlatPart,
    FlatPrefix,
    FlatWord,
    collect_flat,
)

DEFAULT_FIELDS = tuple((name, FIELD_WEIGHTS[name]) for name in ("key", "title", "meta", "body"))
FUZZY_FIELDS = tuple((name, FIELD_WEIGHTS[name]) for name in ("title", "body"))
_TEXT_FIELD = {"title": "title", "body": "body", "owner": "owner"}
_EXACT_FIELD = {"kind": "kind", "status": "status", "tag": "tags", "key": "key_exact"}
_LOCK_WAIT_S = 3.0
_BULK_OPTIONS = {"procs": 2, "limitmb": 256, "multisegment": True}


def _analyzer() -> Any:
    return (
        RegexTokenizer(r"[^\W_]+")
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(minsize=1, maxsize=MAX_WORD_LENGTH, renumber=False)
    )


def _schema() -> fields.Schema:
    text = _analyzer()
    return fields.Schema(
        uid=fields.ID(stored=True, unique=True),
        key=fields.TEXT(stored=True, analyzer=text),
        key_exact=fields.ID,
        kind=fields.ID(stored=True, sortable=True),
        status=fields.ID(stored=True, sortable=True),
        title=fields.TEXT(stored=True, analyzer=text),
        body=fields.TEXT(stored=True, analyzer=text),
        tags=fields.KEYWORD(lowercase=True),
        owner=fields.TEXT(analyzer=text),
        meta=fields.TEXT(analyzer=text),
        date=fields.DATETIME(stored=True),
    )


@contextmanager
def _unusable_on_failure(action: str) -> Iterator[None]:
    try:
        yield
    except (IndexUnusableError, BuildCancelledError):
        raise
    except Exception as error:
        raise IndexUnusableError(f"whoosh index could not {action}: {error!r}") from error


class WhooshEngine(SearchEngine):
    name = "whoosh"

    def __init__(self, path: Path, ix: index.Index) -> None:
        super().__init__(path)
        self._ix = ix
        self._analyzer = _analyzer()
        self._searcher: Searcher | None = None
        self._facet_columns: FacetColumns = {}  # of the searcher's segments

    @classmethod
    def create(cls, path: Path) -> WhooshEngine:
        path.mkdir(parents=True, exist_ok=True)
        with _unusable_on_failure("be created"):
            return cls(path, index.create_in(str(path), _schema()))

    @classmethod
    def open(cls, path: Path) -> WhooshEngine:
        with _unusable_on_failure("be opened"):
            if not path.is_dir() or not index.exists_in(str(path)):
                raise IndexUnusableError(f"no whoosh index in {path}")
            engine = cls(path, index.open_dir(str(path)))
            searcher = engine._current_searcher()
            if searcher.doc_count_all():
                searcher.stored_fields(0)
        return engine

    def close(self) -> None:
        self._facet_columns.clear()
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def refresh(self) -> None:
        self.close()

    def _current_searcher(self) -> Searcher:
        # A searcher sees the index as it was when opened: open a new one after a commit (ours
        # or another process's), never refresh() an old one.
        if self._searcher is not None and not self._searcher.up_to_date():
            self.close()
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        return self._searcher

    # --- writing ---------------------------------------------------------------------------

    def add_all(
        self,
        documents: Iterable[SearchDocument],
        total: int,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> int:
        options = _BULK_OPTIONS if total >= 5000 else {}
        done = 0
        with _unusable_on_failure("be built"):
            writer = self._ix.writer(**options)
            try:
                for document in documents:
                    checkpoint(done, total, progress, cancel)
                    writer.add_document(**self._fields(document))
                    done += 1
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
        self.close()
        if progress:
            progress(done, total, "search index built")
        return done

    def update(self, documents: Sequence[SearchDocument], deleted: Iterable[str] = ()) -> None:
        removed = list(deleted)
        if not documents and not removed:
            return
        with _unusable_on_failure("be updated"):
            try:
                writer = self._ix.writer(timeout=_LOCK_WAIT_S)
            except index.LockError as error:
                raise IndexUnusableError(f"whoosh index is locked: {error}") from error
            try:
                for uid in removed:
                    writer.delete_by_term("uid", uid)
                for document in documents:
                    writer.update_document(**self._fields(document))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
        self.close()

    @staticmethod
    def _fields(document: SearchDocument) -> dict[str, Any]:
        values: dict[str, Any] = {
            "uid": document.uid,
            "key": document.key,
            "key_exact": document.key.lower(),
            "kind": document.kind,
            "title": document.title,
            "body": document.body,
        }
        if document.status:
            values["status"] = document.status
        if document.tags:
            values["tags"] = " ".join(document.tags)
        if document.owner:
            values["owner"] = document.owner
        meta = document.meta_text
        if meta:
            values["meta"] = meta
        if document.date is not None:
            values["date"] = dt.datetime(document.date.year, document.date.month, document.date.day)
        return values

    # --- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        with _unusable_on_failure("be read"):
            return int(self._current_searcher().doc_count())

    def analyze(self, text: str) -> list[str]:
        return [token.text for token in self._analyzer(text)]

    def document_frequency(self, term: str) -> int:
        reader = self._current_searcher().reader()
        return sum(reader.doc_frequency(field, term) for field in ("title", "body"))

    def terms_with_prefix(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        reader = self._current_searcher().reader()
        merged: dict[str, int] = {}
        for field in ("title", "body"):
            for count, term in enumerate(reader.expand_prefix(field, prefix)):
                if count >= limit:
                    break
                word = term.decode("utf-8") if isinstance(term, bytes) else term
                merged[word] = merged.get(word, 0) + reader.doc_frequency(field, word)
        return list(merged.items())

    def _execute(
        self, root: Node, limit: int, offset: int, facets: bool
    ) -> tuple[int, list[BodiedHit], FacetCounts | None]:
        compiled = _Compiler(self._analyzer).compile(root)
        with _unusable_on_failure("be searched"):
            searcher = self._current_searcher()
            if isinstance(compiled, FlatAnyOf):
                total, best, counts = collect_flat(
                    searcher, compiled, offset + limit, FACET_FIELDS if facets else None, self._facet_columns
                )
                hits = [_stored_hit(searcher.stored_fields(doc), score) for score, doc in best[offset:]]
                return total, hits, counts
            results = searcher.search(
                compiled, limit=max(offset + limit, 1), groupedby=_facet_groups() if facets else None
            )
            total = len(results)
            hits = [_stored_hit(hit.fields(), hit.score) for hit in list(results)[offset : offset + limit]]
            counts = _facet_counts(results) if facets else None
        return total, hits, counts

    def _count_facets(self, root: Node) -> FacetCounts:
        compiled = _Compiler(self._analyzer).compile(root)
        with _unusable_on_failure("be searched"):
            searcher = self._current_searcher()
            if isinstance(compiled, FlatAnyOf):
                return collect_flat(searcher, compiled, 0, FACET_FIELDS, self._facet_columns)[2] or {}
            return _facet_counts(searcher.search(compiled, limit=1, groupedby=_facet_groups()))


def _facet_groups() -> dict[str, Any]:
    return {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACET_FIELDS}


def _facet_counts(results: Any) -> FacetCounts:
    if not len(results):
        return {}
    return {name: {str(key): int(n) for key, n in results.groups(name).items() if key} for name in FACET_FIELDS}


def _stored_hit(stored: dict[str, Any], score: float | None) -> BodiedHit:
    date = stored.get("date")
    found = SearchHit(
        uid=stored.get("uid", ""),
        key=stored.get("key", ""),
        kind=stored.get("kind", ""),
        title=stored.get("title", ""),
        status=stored.get("status", ""),
        score=float(score or 0.0),
        date=date.date() if date is not None else None,
    )
    return found, stored.get("body", "")


class _Compiler:
    """Engine-neutral query -> Whoosh query; `None` means "no condition" (see tantivy's)."""

    def __init__(self, analyzer: Any) -> None:
        self.analyzer = analyzer

    def analyze(self, text: str) -> list[str]:
        return [token.text for token in self.analyzer(text)]

    def _stop_word_gap(self, text: str) -> int:
        """The most stop words between two words of a phrase."""
        positions = [token.pos for token in self.analyzer(text, positions=True)]
        return max((b - a - 1 for a, b in pairwise(positions)), default=0)

    def compile(self, root: Node) -> query.Query:
        compiled = self._node(root)
        return compiled if compiled is not None else query.Every()

    def _node(self, node: Node) -> query.Query | None:
        if isinstance(node, And):
            return self._and(node.children)
        if isinstance(node, Or):
            options = [self._node(child) for child in node.children]
            if any(option is None for option in options):
                return None
            return query.Or(options)
        if isinstance(node, Not):
            return self._and((node,))
        if isinstance(node, MatchAll):
            return None
        if isinstance(node, MatchNone):
            return query.NullQuery
        if isinstance(node, Exact):
            return query.ConstantScoreQuery(query.Term(_EXACT_FIELD[node.field], node.value), 0.0)
        if isinstance(node, DateRange):
            start = dt.datetime.combine(node.start, dt.time.min) if node.start else None
            end = dt.datetime.combine(node.end, dt.time.max) if node.end else None
            return FlatDateRange("date", start, end, boost=0.0)
        if isinstance(node, KeyBoost):
            keys = query.Or([query.Term("key_exact", key) for key in node.keys])
            return query.ConstantScoreQuery(keys, KEY_LOOKUP_SCORE)
        return self._text(node)

    def _and(self, children: Sequence[Node]) -> query.Query | None:
        required: list[query.Query] = []
        excluded: list[query.Query] = []
        for child in children:
            if isinstance(child, Not):
                compiled = self._node(child.child)
                if compiled is None:
                    return query.NullQuery
                excluded.append(compiled)
            else:
                compiled = self._node(child)
                if compiled is not None:
                    required.append(compiled)
        if not required and not excluded:
            return None
        if not excluded:
            return required[0] if len(required) == 1 else query.And(required)
        # Not AndNot: its matcher (whoosh-reloaded 2.7.5) lets a record through when the
        # excluded records start before the first included one.
        negative = excluded[0] if len(excluded) == 1 else query.Or(excluded)
        return query.And([*(required or [query.Every()]), query.Not(negative)])

    def _text(self, node: Node) -> query.Query | None:
        assert isinstance(node, (Term, Phrase, Prefix, Fuzzy))
        if isinstance(node, Prefix) and node.field in _EXACT_FIELD:
            return query.ConstantScoreQuery(query.Prefix(_EXACT_FIELD[node.field], node.text), 0.0)
        fields_ = DEFAULT_FIELDS if node.field is None else ((_TEXT_FIELD[node.field], 1.0),)
        if isinstance(node, Fuzzy) and node.field is None:
            fields_ = FUZZY_FIELDS
        terms = self.analyze(node.text)
        if not terms:
            return None
        if isinstance(node, (Prefix, Fuzzy)) and len(terms) == 1:
            return self._flat(node, terms[0], fields_)
        options: list[query.Query] = []
        for field, weight in fields_:
            if isinstance(node, Prefix):  # a phrase ending in a prefix needs the words' positions
                parts = [query.Term(field, term) for term in terms[:-1]]
                options.append(query.Sequence([*parts, CappedPrefix(field, terms[-1])], boost=weight))
            elif len(terms) == 1:
                options.append(query.Term(field, terms[0], boost=weight))
            else:
                slop = 1 + self._stop_word_gap(node.text)
                slop += node.slop if isinstance(node, Phrase) else 0
                options.append(query.Phrase(field, terms, slop=slop, boost=weight))
        return options[0] if len(options) == 1 else query.Or(options)

    @staticmethod
    def _flat(node: Prefix | Fuzzy, word: str, fields_: Sequence[tuple[str, float]]) -> FlatAnyOf:
        """A prefix or a misspelling, as tantivy scores them: a record scores the weight of each
        field holding one of the words it stands for, whichever; for a misspelling, the word as
        typed once more (tantivy adds it as a term of its own: exact spellings first)."""
        parts: list[FlatPart] = []
        for field, weight in fields_:
            if isinstance(node, Prefix):
                parts.append(FlatPrefix(field, word, boost=weight))
            else:
                # Whoosh's automaton counts a swap of two letters as two edits, tantivy's as
                # one: the swapped spellings are added, so that "vualt~" finds "vault" in both.
                parts.append(FlatFuzzy(field, word, also=_swaps(word), boost=weight, maxdist=node.distance,
                                       prefixlength=0))
                parts.append(FlatWord(field, word, boost=weight))
        return FlatAnyOf(parts)


def _swaps(word: str) -> list[str]:
    """`word` with each pair of neighbouring letters swapped."""
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    swapped.discard(word)
    return sorted(swapped)
