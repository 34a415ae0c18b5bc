"""The baselines of the search benchmark: tantivy-py used directly, and SQLite FTS5.

"raw-tantivy" is what a program using tantivy-py by hand would do for the same searches: the
same searchable fields with the same weights as kbridge (key, title, meta, body), the same
tokenizer, the same query shapes, top 10 with the total count, and the stored fields of the
hits read back. It has no query language, no facets, no snippets and no "did you mean".
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from search_corpus import BenchRecord, bench_date, people

from kbridge.search.document import FIELD_WEIGHTS

Query = dict[str, Any]
SKIP = object()  # what a runner answers for a shape it cannot search
TEXT_FIELDS = ["key", "title", "meta", "body"]
FUZZY_FIELDS = ["title", "body"]
# Bump when what the raw index holds changes: --reuse then builds it again.
RAW_LAYOUT = 2


def fuzzy_distance(word: str) -> int:
    return 2 if len(word) >= 6 else 1


def _utc(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, tzinfo=dt.timezone.utc)


class RawTantivy:
    """tantivy-py used directly over the same records."""

    name = "raw-tantivy"

    def __init__(self, records: list[BenchRecord], workdir: Path, seed: int, reuse: bool) -> None:
        import tantivy

        self._tantivy = tantivy
        self.records = records
        self.owners = dict(people(seed))
        folder = workdir / f"raw-tantivy-{len(records)}-{seed}"
        marker = folder / "bench.json"
        stamp = {"records": len(records), "seed": seed, "layout": RAW_LAYOUT}
        self.build_s: float | None = None
        if reuse and marker.is_file() and json.loads(marker.read_text()) == stamp:
            self.index = tantivy.Index.open(str(folder))
        else:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            started = time.perf_counter()
            self.index = tantivy.Index(self._schema(), path=str(folder))
            writer = self.index.writer(heap_size=256_000_000, num_threads=2)
            for record in records:
                writer.add_document(self._document(record))
            writer.commit()
            writer.wait_merging_threads()
            self.index.reload()
            self.build_s = time.perf_counter() - started
            marker.write_text(json.dumps(stamp))
        self.schema = self.index.schema

    def _schema(self) -> Any:
        builder = self._tantivy.SchemaBuilder()
        builder.add_text_field("uid", stored=True, tokenizer_name="raw")
        builder.add_text_field("key", stored=True)
        builder.add_text_field("title", stored=True)
        builder.add_text_field("body", stored=True)
        builder.add_text_field("meta")
        builder.add_text_field("kind", stored=True, tokenizer_name="raw")
        builder.add_text_field("status", stored=True, tokenizer_name="raw")
        builder.add_date_field("date", stored=True, indexed=True, fast=True)
        return builder.build()

    def _document(self, record: BenchRecord, body: str | None = None) -> Any:
        meta = [*record.tags]
        if record.owner:
            meta += [record.owner, self.owners.get(record.owner, "")]
        doc = self._tantivy.Document(
            uid=record.key,
            key=record.key,
            title=record.title,
            body=record.body if body is None else body,
            meta=" ".join(meta),
            kind=record.kind.value,
        )
        if record.status:
            doc.add_text("status", record.status)
        day = bench_date(record.date)
        if day:
            doc.add_date("date", _utc(day.year, day.month, day.day))
        return doc

    def _text(self, words: str) -> Any:
        boosts = {name: FIELD_WEIGHTS[name] for name in TEXT_FIELDS}
        return self.index.parse_query(words, TEXT_FIELDS, field_boosts=boosts, conjunction_by_default=True)

    def _per_field(self, fields: list[str], make: Callable[[str], Any]) -> Any:
        query, should = self._tantivy.Query, self._tantivy.Occur.Should
        return query.boolean_query([(should, query.boost_query(make(name), FIELD_WEIGHTS[name])) for name in fields])

    def _query(self, shape: str, spec: Query) -> Any:
        query, must, schema = self._tantivy.Query, self._tantivy.Occur.Must, self.schema
        if shape == "terms":
            return self._text(" ".join(spec["words"]))
        if shape == "phrase":
            return self._text('"' + " ".join(spec["words"]) + '"')
        if shape == "prefix":
            return self._per_field(TEXT_FIELDS, lambda f: query.phrase_prefix_query(schema, f, [spec["prefix"]]))
        if shape == "fuzzy":
            distance = fuzzy_distance(spec["word"])
            return self._per_field(
                FUZZY_FIELDS, lambda f: query.fuzzy_term_query(schema, f, spec["word"], distance=distance)
            )
        if shape == "field":
            term = query.term_query(schema, spec["field"], spec["value"])
            return query.boolean_query([(must, term), (must, self._text(spec["word"]))])
        span = query.range_query(
            schema, "date", self._tantivy.FieldType.Date, _utc(spec["from"], 1, 1), _utc(spec["to"], 12, 31)
        )
        return query.boolean_query([(must, span), (must, self._text(spec["word"]))])

    def run(self, shape: str, spec: Query) -> Any:
        searcher = self.index.searcher()
        result = searcher.search(self._query(shape, spec), 10, count=True)
        return result.count, [searcher.doc(address).to_dict() for _, address in result.hits]

    def update(self, number: int) -> None:
        record = self.records[number * 7 % len(self.records)]
        writer = self.index.writer(heap_size=15_000_000, num_threads=1)
        writer.delete_documents_by_term("uid", record.key)
        writer.add_document(self._document(record, body=record.body + f" r{number} {time.time_ns()}"))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()


class Fts5:
    """SQLite's FTS5 over title and body (no fuzzy search)."""

    name = "fts5"

    def __init__(self, records: list[BenchRecord], workdir: Path, seed: int, reuse: bool) -> None:
        path = workdir / f"fts5-{len(records)}-{seed}.sqlite"
        self.build_s: float | None = None
        if reuse and path.exists():
            self.db = sqlite3.connect(path)
            if self.db.execute("SELECT count(*) FROM docs").fetchone()[0] == len(records):
                return
            self.db.close()
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(title, body, kind UNINDEXED, status UNINDEXED, "
            "date UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')"
        )
        started = time.perf_counter()
        self.db.executemany(
            "INSERT INTO docs (title, body, kind, status, date) VALUES (?, ?, ?, ?, ?)",
            ((r.title, r.body, r.kind.value, r.status, r.date) for r in records),
        )
        self.db.commit()
        self.build_s = time.perf_counter() - started

    def run(self, shape: str, spec: Query) -> Any:
        where, params = "docs MATCH ?", []
        if shape == "terms":
            params.append(" ".join(spec["words"]))
        elif shape == "phrase":
            params.append('"' + " ".join(spec["words"]) + '"')
        elif shape == "prefix":
            params.append(spec["prefix"] + "*")
        elif shape == "fuzzy":
            return SKIP  # FTS5 has no fuzzy matching
        elif shape == "field":
            where += f" AND {spec['field']} = ?"
            params += [spec["word"], spec["value"]]
        else:
            where += " AND date BETWEEN ? AND ?"
            params += [spec["word"], f"{spec['from']}-01-01", f"{spec['to']}-12-31"]
        total = self.db.execute(f"SELECT count(*) FROM docs WHERE {where}", params).fetchone()[0]
        hits = self.db.execute(
            f"SELECT rowid, title, kind, status FROM docs WHERE {where} ORDER BY bm25(docs, 3.0, 1.0) LIMIT 10",
            params,
        ).fetchall()
        return total, hits

    def update(self, number: int) -> None:
        self.db.execute("UPDATE docs SET body = body || ? WHERE rowid = ?", (f" r{number}", number + 1))
        self.db.commit()
