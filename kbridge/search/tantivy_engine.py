"""The default engine: tantivy (Rust, through tantivy-py), BM25 over weighted fields."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tantivy

from kbridge.model import Cancel, Progress
from kbridge.search.document import (
    FIELD_WEIGHTS,
    KEY_LOOKUP_SCORE,
    SearchDocument,
    as_datetime,
)
from kbridge.search.engine import (
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
from kbridge.search.tantivy_facets import (
    FACETS_FROM_HITS,
    FacetNames,
    counts_by_aggregation,
    counts_from_hits,
    facet_code,
    facet_name,
    match_count,
)
from kbridge.search.text import fold_text

# tantivy's own analyzer (split on non-alphanumerics, drop 40+ letter tokens, lower-case): a
# custom analyzer registered from Python makes a full build half again slower. Accents are
# folded in Python instead (`fold_text`), so the original title and body are stored apart.
TOKENIZER = "default"
# The text fields a word without a field is looked for in, with their weights.
DEFAULT_FIELDS = tuple((name, FIELD_WEIGHTS[name]) for name in ("key", "title", "meta", "body"))
# Misspellings are looked for in titles and bodies only: each field costs a fuzzy automaton.
FUZZY_FIELDS = tuple((name, FIELD_WEIGHTS[name]) for name in ("title", "body"))
_TEXT_FIELD = {"title": "title", "body": "body", "owner": "owner"}
_EXACT_FIELD = {"kind": "kind", "status": "status", "tag": "tags", "key": "key_exact"}
_WRITER_HEAP = 15_000_000  # tantivy's minimum per thread; one record at a time needs no more
_BULK_HEAP = 256_000_000
_LOCK_WAIT_S = 3.0
_FIRST_DAY, _LAST_DAY = dt.date(1700, 1, 1), dt.date(2261, 12, 31)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    raw = "raw"  # untokenised, positions not kept: exact values
    builder.add_text_field("uid", stored=True, tokenizer_name=raw, index_option="basic")
    builder.add_text_field("key", stored=True, tokenizer_name=TOKENIZER)
    builder.add_text_field("key_exact", tokenizer_name=raw, index_option="basic")
    builder.add_text_field("kind", stored=True, tokenizer_name=raw, index_option="basic")
    builder.add_text_field("status", stored=True, tokenizer_name=raw, index_option="basic")
    # "kind/status" as a term and, hashed, in a numeric fast field: one aggregation counts
    # both facets, and the codes of a list of hits can be read (tantivy_facets).
    builder.add_text_field("facet", tokenizer_name=raw, index_option="basic")
    builder.add_unsigned_field("facet_code", fast=True)
    builder.add_text_field("title", tokenizer_name=TOKENIZER)
    builder.add_text_field("body", tokenizer_name=TOKENIZER)
    builder.add_bytes_field("shown_title", stored=True)
    builder.add_bytes_field("shown_body", stored=True)
    builder.add_text_field("tags", tokenizer_name=raw, index_option="basic")
    builder.add_text_field("owner", tokenizer_name=TOKENIZER)
    builder.add_text_field("meta", tokenizer_name=TOKENIZER)
    builder.add_date_field("date", stored=True, indexed=True, fast=True)
    return builder.build()


def _clamp(day: dt.date) -> dt.date:
    """`day` within the years tantivy can store (nanoseconds since 1970 in 64 bits)."""
    return min(max(day, _FIRST_DAY), _LAST_DAY)


def _analyzer() -> tantivy.TextAnalyzer:
    """The default analyzer, rebuilt to analyse query words the way the index did."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def _text(value: object) -> str:
    return bytes(value).decode("utf-8") if isinstance(value, (bytes, bytearray, list)) else ""


@contextmanager
def _unusable_on_failure(action: str) -> Iterator[None]:
    """Turn tantivy's errors, panics included, into IndexUnusableError."""
    try:
        yield
    except (KeyboardInterrupt, SystemExit, GeneratorExit, IndexUnusableError, BuildCancelledError):
        raise
    except BaseException as error:  # a Rust panic arrives as a BaseException
        raise IndexUnusableError(f"tantivy index could not {action}: {error}") from error


class TantivyEngine(SearchEngine):
    name = "tantivy"

    def __init__(self, path: Path, index: tantivy.Index) -> None:
        super().__init__(path)
        self._index = index
        self._schema = index.schema
        self._analyzer = _analyzer()
        self._compiler = _Compiler(self._schema, self.analyze)
        self._facet_names = FacetNames()

    @classmethod
    def create(cls, path: Path) -> TantivyEngine:
        path.mkdir(parents=True, exist_ok=True)
        with _unusable_on_failure("be created"):
            return cls(path, tantivy.Index(_schema(), path=str(path), reuse=False))

    @classmethod
    def open(cls, path: Path) -> TantivyEngine:
        if not (path / "meta.json").is_file():
            raise IndexUnusableError(f"no tantivy index in {path}")
        with _unusable_on_failure("be opened"):
            engine = cls(path, tantivy.Index.open(str(path)))
            # Read every segment once: a damaged file fails here rather than in a search.
            searcher = engine._index.searcher()
            result = searcher.search(tantivy.Query.all_query(), 1)
            for _, address in result.hits:
                searcher.doc(address)
        return engine

    def refresh(self) -> None:
        with _unusable_on_failure("be reloaded"):
            self._index.reload()

    def close(self) -> None:
        # Drop the index now (the engine sits in a reference cycle): its reader maps the files
        # into memory and watches them, and a file rewritten under a live map is a crash.
        self.__dict__.pop("_index", None)

    # --- writing ---------------------------------------------------------------------------

    def add_all(
        self,
        documents: Iterable[SearchDocument],
        total: int,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> int:
        threads = max(1, min(2, os.cpu_count() or 1))
        done = 0
        with _unusable_on_failure("be built"):
            writer = self._index.writer(heap_size=_BULK_HEAP, num_threads=threads)
            try:
                for document in documents:
                    checkpoint(done, total, progress, cancel)
                    writer.add_document(self._document(document))
                    done += 1
            except BuildCancelledError:
                writer.rollback()
                raise
            writer.commit()
            writer.wait_merging_threads()
            self._index.reload()
        if progress:
            progress(done, total, "search index built")
        return done

    def update(self, documents: Sequence[SearchDocument], deleted: Iterable[str] = ()) -> None:
        removed = list(deleted)
        if not documents and not removed:
            return
        with _unusable_on_failure("be updated"):
            writer = self._writer()
            for uid in {*removed, *(document.uid for document in documents)}:
                writer.delete_documents_by_term("uid", uid)
            for document in documents:
                writer.add_document(self._document(document))
            writer.commit()
            writer.wait_merging_threads()  # also releases the writer's lock
            self._index.reload()

    def _writer(self) -> tantivy.IndexWriter:
        """A writer, waiting a little when another process holds the index's write lock."""
        deadline = time.monotonic() + _LOCK_WAIT_S
        while True:
            try:
                return self._index.writer(heap_size=_WRITER_HEAP, num_threads=1)
            except ValueError as error:
                if "LockBusy" not in str(error) or time.monotonic() > deadline:
                    raise IndexUnusableError(f"tantivy index is locked: {error}") from error
                time.sleep(0.05)

    def _document(self, document: SearchDocument) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_text("uid", document.uid)
        doc.add_text("key", document.key)
        doc.add_text("key_exact", document.key.lower())
        doc.add_text("kind", document.kind)
        if document.status:
            doc.add_text("status", document.status)
        facet = facet_name(document.kind, document.status)
        doc.add_text("facet", facet)
        doc.add_unsigned("facet_code", facet_code(facet))
        doc.add_text("title", fold_text(document.title))
        doc.add_text("body", fold_text(document.body))
        doc.add_bytes("shown_title", document.title.encode("utf-8"))
        doc.add_bytes("shown_body", document.body.encode("utf-8"))
        for tag in document.tags:
            doc.add_text("tags", tag.lower())
        if document.owner:
            doc.add_text("owner", fold_text(document.owner))
        meta = document.meta_text
        if meta:
            doc.add_text("meta", fold_text(meta))
        if document.date is not None and _clamp(document.date) == document.date:
            doc.add_date("date", as_datetime(document.date))
        return doc

    # --- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        with _unusable_on_failure("be read"):
            return int(self._index.searcher().num_docs)

    def analyze(self, text: str) -> list[str]:
        return list(self._analyzer.analyze(fold_text(text)))

    def document_frequency(self, term: str) -> int:
        searcher = self._index.searcher()
        return sum(searcher.doc_freq(field, term) for field in ("title", "body"))

    def terms_with_prefix(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        searcher = self._index.searcher()
        merged: dict[str, int] = {}
        for field in ("title", "body"):
            for term, frequency in searcher.terms_with_prefix(field, prefix, limit=limit):
                merged[term] = merged.get(term, 0) + frequency
        return list(merged.items())

    def _execute(
        self, root: Node, limit: int, offset: int, facets: bool
    ) -> tuple[int, list[BodiedHit], FacetCounts | None]:
        query = self._compiler.compile(root)
        with _unusable_on_failure("be searched"):
            searcher = self._index.searcher()
            wanted = offset + max(limit, 1)  # tantivy refuses a limit of 0: ask for one hit
            counts: FacetCounts | None = None
            if wanted <= FACETS_FROM_HITS:
                # A few more hits than the page: when they are all the matches, their facets
                # are counted from them, and no second pass over the matches is needed.
                result = searcher.search(query, FACETS_FROM_HITS, count=True)
                addresses = [address for _, address in result.hits]
                if len(addresses) >= match_count(result):
                    counts = counts_from_hits(searcher, addresses, self._facet_names)
                page = result.hits[offset : offset + limit]
            else:
                result = searcher.search(query, max(limit, 1), count=True, offset=offset)
                page = result.hits[:limit]
            total = match_count(result)
            hits = [self._stored_hit(searcher, score, address) for score, address in page]
            if facets and counts is None:
                counts = self._aggregate_facets(searcher, query) if total else {}
        return total, hits, counts

    def _count_facets(self, root: Node) -> FacetCounts:
        query = self._compiler.compile(root)
        with _unusable_on_failure("be searched"):
            return self._aggregate_facets(self._index.searcher(), query)

    def _aggregate_facets(self, searcher: tantivy.Searcher, query: tantivy.Query) -> FacetCounts:
        return counts_by_aggregation(searcher, query, self._facet_names, self._schema)

    def _stored_hit(self, searcher: tantivy.Searcher, score: float, address: Any) -> BodiedHit:
        doc = searcher.doc(address)
        date = doc.get_first("date")
        return (
            SearchHit(
                uid=doc.get_first("uid") or "",
                key=doc.get_first("key") or "",
                kind=doc.get_first("kind") or "",
                title=_text(doc.get_first("shown_title")),
                status=doc.get_first("status") or "",
                score=float(score),
                date=date.date() if date is not None else None,
            ),
            _text(doc.get_first("shown_body")),
        )


class _Compiler:
    """Engine-neutral query -> tantivy query. `None` stands for "no condition" (e.g. a word that
    is only punctuation), which an AND drops and an OR cannot use."""

    def __init__(self, schema: tantivy.Schema, analyze: Callable[[str], list[str]]) -> None:
        self.schema = schema
        self.analyze = analyze

    def compile(self, root: Node) -> tantivy.Query:
        query = self._node(root)
        return query if query is not None else tantivy.Query.all_query()

    def _node(self, node: Node) -> tantivy.Query | None:
        if isinstance(node, And):
            return self._and(node.children)
        if isinstance(node, Or):
            options = [self._node(child) for child in node.children]
            queries = [option for option in options if option is not None]
            if len(queries) < len(options):
                return None  # one option matches everything, so the OR does
            occur = tantivy.Occur.Should
            return tantivy.Query.boolean_query([(occur, option) for option in queries])
        if isinstance(node, Not):
            return self._and((node,))
        if isinstance(node, MatchAll):
            return None
        if isinstance(node, MatchNone):
            return tantivy.Query.empty_query()
        if isinstance(node, Exact):
            term = tantivy.Query.term_query(self.schema, _EXACT_FIELD[node.field], node.value)
            return tantivy.Query.const_score_query(term, 0.0)
        if isinstance(node, DateRange):
            return self._date_range(node)
        if isinstance(node, KeyBoost):
            keys = [tantivy.Query.term_query(self.schema, "key_exact", key) for key in node.keys]
            either = tantivy.Query.boolean_query([(tantivy.Occur.Should, key) for key in keys])
            return tantivy.Query.const_score_query(either, KEY_LOOKUP_SCORE)
        return self._text(node)

    def _and(self, children: Sequence[Node]) -> tantivy.Query | None:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for child in children:
            if isinstance(child, Not):
                excluded = self._node(child.child)
                if excluded is None:
                    return tantivy.Query.empty_query()  # NOT everything
                clauses.append((tantivy.Occur.MustNot, excluded))
            else:
                query = self._node(child)
                if query is not None:
                    clauses.append((tantivy.Occur.Must, query))
        if not clauses:
            return None
        if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        if len(clauses) == 1:
            return clauses[0][1]
        return tantivy.Query.boolean_query(clauses)

    def _date_range(self, node: DateRange) -> tantivy.Query:
        start = as_datetime(_clamp(node.start)) if node.start else None
        end = as_datetime(_clamp(node.end)) if node.end else None
        query = tantivy.Query.range_query(self.schema, "date", tantivy.FieldType.Date, start, end, True, True)
        return tantivy.Query.const_score_query(query, 0.0)

    def _text(self, node: Node) -> tantivy.Query | None:
        assert isinstance(node, (Term, Phrase, Prefix, Fuzzy))
        if isinstance(node, Prefix) and node.field in _EXACT_FIELD:
            pattern = re.escape(node.text) + ".*"
            query = tantivy.Query.regex_query(self.schema, _EXACT_FIELD[node.field], pattern)
            return tantivy.Query.const_score_query(query, 0.0)
        fields = DEFAULT_FIELDS if node.field is None else ((_TEXT_FIELD[node.field], 1.0),)
        if isinstance(node, Fuzzy) and node.field is None:
            fields = FUZZY_FIELDS
        terms = self.analyze(node.text)
        if not terms:
            return None
        build: Callable[[str, list[str]], tantivy.Query]
        if isinstance(node, Prefix):
            build = self._prefix
        elif isinstance(node, Fuzzy) and len(terms) == 1:
            build = self._fuzzy(node.distance)
        elif len(terms) == 1:
            build = self._term
        else:
            build = self._phrase(node.slop if isinstance(node, Phrase) else 0)
        return _weighted(fields, terms, build)

    def _term(self, field: str, terms: list[str]) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, terms[0])

    def _prefix(self, field: str, terms: list[str]) -> tantivy.Query:
        words: list[str | tuple[int, str]] = list(terms)
        return tantivy.Query.phrase_prefix_query(self.schema, field, words)

    def _fuzzy(self, distance: int) -> Callable[[str, list[str]], tantivy.Query]:
        def build(field: str, terms: list[str]) -> tantivy.Query:
            near = tantivy.Query.fuzzy_term_query(
                self.schema, field, terms[0], distance=distance, transposition_cost_one=True
            )
            # Fuzzy matches all score alike; the exact word on top ranks exact matches first.
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, near), (tantivy.Occur.Should, self._term(field, terms))]
            )

        return build

    def _phrase(self, slop: int) -> Callable[[str, list[str]], tantivy.Query]:
        def build(field: str, terms: list[str]) -> tantivy.Query:
            words: list[str | tuple[int, str]] = list(terms)
            return tantivy.Query.phrase_query(self.schema, field, words, slop=slop)

        return build


def _weighted(
    fields: Sequence[tuple[str, float]],
    terms: list[str],
    build: Callable[[str, list[str]], tantivy.Query],
) -> tantivy.Query:
    queries = []
    for field, weight in fields:
        query = build(field, terms)
        queries.append(query if weight == 1.0 else tantivy.Query.boost_query(query, weight))
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, query) for query in queries])
