"""Search benchmark: kbridge's two engines against raw tantivy and SQLite FTS5 on the same records.

    nice .venv/bin/python bench/search_bench.py --records 10000
    nice .venv/bin/python bench/search_bench.py --records 100000 --engines kbridge-tantivy,raw-tantivy,fts5
    nice .venv/bin/python bench/search_bench.py --records 100000 --engines kbridge-whoosh --json

The knowledge base is built once through `KnowledgeBase` and kept in --workdir for later runs.
Each engine then indexes the same records and answers the same queries of six shapes; times are
wall-clock per query (top 10 with the total count), p50 and p95. "raw-tantivy" is tantivy-py used
directly (title and body, stored, BM25 with the title boosted, stored fields read for the hits);
kbridge's paths add parsing, key/meta fields, facets, snippets and "did you mean".
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_corpus import FUNCTION_WORDS, BenchRecord, bench_date, generate, people

ENGINE_NAMES = ("kbridge-tantivy", "kbridge-whoosh", "raw-tantivy", "fts5")
SHAPES = ("terms", "phrase", "prefix", "fuzzy", "field", "date")
Query = dict[str, Any]


def main() -> None:
    args = _arguments()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    # Keep kbridge's index and settings inside the work folder, never in the user's.
    os.environ["KBRIDGE_CACHE_DIR"] = str(workdir / "cache")
    os.environ["KBRIDGE_CONFIG_DIR"] = str(workdir / "config")
    from kbridge.core import KnowledgeBase

    kb_path = workdir / f"bench-{args.records}-{args.seed}.kbridge"
    if args.fresh and kb_path.exists():
        kb_path.unlink()
    records = generate(args.records, seed=args.seed)
    if not kb_path.exists():
        _build_knowledge_base(kb_path, records)
    kb = KnowledgeBase.open(kb_path)
    queries = make_queries(records, args.queries, args.seed)
    results: dict[str, dict[str, Any]] = {}
    for name in args.engines:
        _log(f"{name}: building")
        if name.startswith("kbridge-"):
            results[name] = _run_kbridge(kb, name.removeprefix("kbridge-"), queries, records)
        elif name == "raw-tantivy":
            results[name] = _run_raw_tantivy(records, queries, workdir)
        else:
            results[name] = _run_fts5(records, queries, workdir)
    kb.close()
    if args.json:
        print(json.dumps({"records": args.records, "engines": results}, indent=2))
    else:
        _print_table(args.records, args.queries, results)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=200, help="queries of each shape")
    parser.add_argument("--engines", default=",".join(ENGINE_NAMES))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "kbridge-bench"))
    parser.add_argument("--fresh", action="store_true", help="rebuild the knowledge base")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    unknown = set(args.engines) - set(ENGINE_NAMES)
    if unknown:
        parser.error(f"unknown engines {sorted(unknown)}; choose from {', '.join(ENGINE_NAMES)}")
    return args


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- the knowledge base -----------------------------------------------------------------


def _build_knowledge_base(path: Path, records: list[BenchRecord]) -> None:
    from kbridge.core import KnowledgeBase

    _log(f"building the knowledge base ({len(records)} records) through KnowledgeBase")
    started = time.perf_counter()
    kb = KnowledgeBase.init(path)
    with kb.transaction():
        for key, name in people():
            kb.create("person", name, key=key)
    for start in range(0, len(records), 2000):
        with kb.transaction():
            for record in records[start : start + 2000]:
                kb.create(
                    record.kind,
                    record.title,
                    key=record.key,
                    status=record.status,
                    body=record.body,
                    tags=list(record.tags),
                    owner=record.owner,
                    date=record.date,
                )
        _log(f"  {min(start + 2000, len(records))} records")
    kb.close()
    _log(f"knowledge base built in {time.perf_counter() - started:.1f} s")


# --- queries ----------------------------------------------------------------------------


def make_queries(records: list[BenchRecord], count: int, seed: int) -> dict[str, list[Query]]:
    """`count` queries of each shape, made of words taken from the records (so common words
    come up as often as they are common)."""
    rng = random.Random(seed + 1)
    stop = set(FUNCTION_WORDS)

    def body_words() -> list[str]:
        """The words of a random record's body, in order ("" where a stop word or markup was)."""
        record = rng.choice(records)
        words = []
        for token in record.body.split():
            word = token.strip("*.").lower()
            words.append(word if word.isalpha() and word not in stop else "")
        return words

    def word(min_length: int = 1) -> str:
        while True:
            choices = [w for w in body_words() if len(w) >= max(min_length, 1)]
            if choices:
                return rng.choice(choices)

    def adjacent_pair() -> list[str]:
        while True:
            words = body_words()
            pairs = [words[i : i + 2] for i in range(len(words) - 1) if words[i] and words[i + 1]]
            if pairs:
                return rng.choice(pairs)

    queries: dict[str, list[Query]] = {shape: [] for shape in SHAPES}
    for _ in range(count):
        queries["terms"].append({"words": [word(), word()]})
        queries["phrase"].append({"words": adjacent_pair()})
        queries["prefix"].append({"prefix": word(6)[: rng.randint(3, 5)]})
        queries["fuzzy"].append({"word": _misspell(word(5), rng)})
        kind, status = rng.choice(
            [("kind", "control"), ("kind", "decision"), ("status", "open"), ("status", "accepted"), ("kind", "risk")]
        )
        queries["field"].append({"field": kind, "value": status, "word": word()})
        first = rng.randint(2015, 2024)
        queries["date"].append({"from": first, "to": first + rng.randint(0, 2), "word": word()})
    return queries


def _misspell(word: str, rng: random.Random) -> str:
    position = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    return word[:position] + rng.choice("aeiourst") + word[position + 1 :]


def fuzzy_distance(word: str) -> int:
    return 2 if len(word) >= 6 else 1


def kbridge_text(shape: str, query: Query) -> str:
    if shape == "terms":
        return " ".join(query["words"])
    if shape == "phrase":
        return '"' + " ".join(query["words"]) + '"'
    if shape == "prefix":
        return query["prefix"] + "*"
    if shape == "fuzzy":
        return query["word"] + "~"
    if shape == "field":
        return f"{query['field']}:{query['value']} {query['word']}"
    return f"date:{query['from']}..{query['to']} {query['word']}"


# --- timing -----------------------------------------------------------------------------


def _time_shapes(queries: dict[str, list[Query]], run: Callable[[str, Query], Any]) -> dict:
    # The benchmark's own records are many objects: keep the garbage collector from walking
    # them in the middle of a timed query (an application never holds them all).
    gc.collect()
    gc.freeze()
    shapes: dict[str, dict[str, float]] = {}
    for shape, items in queries.items():
        for query in items[:5]:  # warm caches and memory maps
            run(shape, query)
        times = []
        for query in items:
            started = time.perf_counter()
            if run(shape, query) is _SKIP:
                break
            times.append((time.perf_counter() - started) * 1000)
        if times:
            shapes[shape] = {"p50_ms": _percentile(times, 50), "p95_ms": _percentile(times, 95)}
    return shapes


_SKIP = object()


def _percentile(values: list[float], percent: int) -> float:
    if len(values) == 1:
        return round(values[0], 3)
    return round(statistics.quantiles(values, n=100, method="inclusive")[percent - 1], 3)


def _time_updates(update: Callable[[int], None], count: int = 20) -> float:
    times = []
    for number in range(count):
        started = time.perf_counter()
        update(number)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


# --- kbridge ----------------------------------------------------------------------------


def _run_kbridge(kb: Any, engine: str, queries: dict[str, list[Query]], records: list[BenchRecord]) -> dict[str, Any]:
    started = time.perf_counter()
    kb.reindex(engine=engine)
    build = time.perf_counter() - started
    _log(f"  built in {build:.2f} s; querying")
    shapes = _time_shapes(queries, lambda shape, query: kb.search(kbridge_text(shape, query), limit=10, engine=engine))
    kb.settings.search_engine = engine  # changes keep this engine's index in step

    run = time.time_ns()  # the knowledge base is kept between runs: every edit must change it

    def update(number: int) -> None:
        record = records[number * 7 % len(records)]
        kb.update(record.key, body=record.body + f"\n\nRevised {number} in run {run}.\n")

    update_ms = _time_updates(update)
    return {"build_s": round(build, 3), "update_ms": update_ms, "shapes": shapes}


# --- raw tantivy ------------------------------------------------------------------------


def _run_raw_tantivy(records: list[BenchRecord], queries: dict[str, list[Query]], workdir: Path) -> dict[str, Any]:
    import shutil

    import tantivy

    folder = workdir / "raw-tantivy"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("uid", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True)
    builder.add_text_field("body", stored=True)
    builder.add_text_field("kind", stored=True, tokenizer_name="raw")
    builder.add_text_field("status", stored=True, tokenizer_name="raw")
    builder.add_date_field("date", indexed=True, fast=True)
    schema = builder.build()
    started = time.perf_counter()
    index = tantivy.Index(schema, path=str(folder))
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    for record in records:
        doc = tantivy.Document(uid=record.key, title=record.title, body=record.body, kind=record.kind.value)
        if record.status:
            doc.add_text("status", record.status)
        day = bench_date(record.date)
        if day:
            doc.add_date("date", _utc(day.year, day.month, day.day))
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    build = time.perf_counter() - started
    _log(f"  built in {build:.2f} s; querying")
    query = tantivy.Query
    should, must = tantivy.Occur.Should, tantivy.Occur.Must

    def text(words: str) -> Any:
        return index.parse_query(words, ["title", "body"], field_boosts={"title": 3.0}, conjunction_by_default=True)

    def per_field(make: Callable[[str], Any]) -> Any:
        return query.boolean_query([(should, query.boost_query(make("title"), 3.0)), (should, make("body"))])

    def build_query(shape: str, spec: Query) -> Any:
        if shape == "terms":
            return text(" ".join(spec["words"]))
        if shape == "phrase":
            return text('"' + " ".join(spec["words"]) + '"')
        if shape == "prefix":
            return per_field(lambda f: query.phrase_prefix_query(schema, f, [spec["prefix"]]))
        if shape == "fuzzy":
            distance = fuzzy_distance(spec["word"])
            return per_field(lambda f: query.fuzzy_term_query(schema, f, spec["word"], distance=distance))
        if shape == "field":
            term = query.term_query(schema, spec["field"], spec["value"])
            return query.boolean_query([(must, term), (must, text(spec["word"]))])
        span = query.range_query(
            schema,
            "date",
            tantivy.FieldType.Date,
            _utc(spec["from"], 1, 1),
            _utc(spec["to"], 12, 31),
        )
        return query.boolean_query([(must, span), (must, text(spec["word"]))])

    def run(shape: str, spec: Query) -> Any:
        searcher = index.searcher()
        result = searcher.search(build_query(shape, spec), 10, count=True)
        return result.count, [searcher.doc(address) for _, address in result.hits]

    shapes = _time_shapes(queries, run)

    def update(number: int) -> None:
        record = records[number * 7 % len(records)]
        change = index.writer(heap_size=15_000_000, num_threads=1)
        change.delete_documents_by_term("uid", record.key)
        change.add_document(
            tantivy.Document(uid=record.key, title=record.title, body=record.body + str(number), kind=record.kind.value)
        )
        change.commit()
        change.wait_merging_threads()
        index.reload()

    return {"build_s": round(build, 3), "update_ms": _time_updates(update), "shapes": shapes}


def _utc(year: int, month: int, day: int) -> Any:
    import datetime as dt

    return dt.datetime(year, month, day, tzinfo=dt.timezone.utc)


# --- SQLite FTS5 ------------------------------------------------------------------------


def _run_fts5(records: list[BenchRecord], queries: dict[str, list[Query]], workdir: Path) -> dict[str, Any]:
    path = workdir / "fts5.sqlite"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, body, kind UNINDEXED, status UNINDEXED, "
        "date UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')"
    )
    started = time.perf_counter()
    db.executemany(
        "INSERT INTO docs (title, body, kind, status, date) VALUES (?, ?, ?, ?, ?)",
        ((r.title, r.body, r.kind.value, r.status, r.date) for r in records),
    )
    db.commit()
    build = time.perf_counter() - started
    _log(f"  built in {build:.2f} s; querying")

    def run(shape: str, spec: Query) -> Any:
        where, params = "docs MATCH ?", []
        if shape == "terms":
            params.append(" ".join(spec["words"]))
        elif shape == "phrase":
            params.append('"' + " ".join(spec["words"]) + '"')
        elif shape == "prefix":
            params.append(spec["prefix"] + "*")
        elif shape == "fuzzy":
            return _SKIP  # FTS5 has no fuzzy matching
        elif shape == "field":
            where += f" AND {spec['field']} = ?"
            params += [spec["word"], spec["value"]]
        else:
            where += " AND date BETWEEN ? AND ?"
            params += [spec["word"], f"{spec['from']}-01-01", f"{spec['to']}-12-31"]
        total = db.execute(f"SELECT count(*) FROM docs WHERE {where}", params).fetchone()[0]
        hits = db.execute(
            f"SELECT rowid, title, kind, status FROM docs WHERE {where} ORDER BY bm25(docs, 3.0, 1.0) LIMIT 10",
            params,
        ).fetchall()
        return total, hits

    shapes = _time_shapes(queries, run)

    def update(number: int) -> None:
        db.execute("UPDATE docs SET body = body || ? WHERE rowid = ?", (f" r{number}", number + 1))
        db.commit()

    update_ms = _time_updates(update)
    db.close()
    return {"build_s": round(build, 3), "update_ms": update_ms, "shapes": shapes}


# --- the table --------------------------------------------------------------------------


def _print_table(records: int, per_shape: int, results: dict[str, dict[str, Any]]) -> None:
    print(
        f"search benchmark: {records} records of 300-800 words, {per_shape} queries per shape "
        "(top 10 + total); p50 / p95 in ms"
    )
    header = f"{'engine':<16}{'build s':>9}{'update ms':>11}" + "".join(f" {shape:>17}" for shape in SHAPES)
    print(header)
    for name, result in results.items():
        cells = []
        for shape in SHAPES:
            figures = result["shapes"].get(shape)
            cells.append(f"{figures['p50_ms']:.1f} / {figures['p95_ms']:.1f}" if figures else "n/a")
        print(
            f"{name:<16}{result['build_s']:>9.2f}{result['update_ms']:>11.1f}"
            + "".join(f" {cell:>17}" for cell in cells)
        )
    raw = results.get("raw-tantivy")
    if not raw:
        return
    print("ratios to raw-tantivy (build time; p95 of each shape):")
    for name, result in results.items():
        if name == "raw-tantivy":
            continue
        ratios = [f"build {result['build_s'] / raw['build_s']:.2f}x"]
        for shape in SHAPES:
            mine, base = result["shapes"].get(shape), raw["shapes"].get(shape)
            if mine and base:
                ratios.append(f"{shape} {mine['p95_ms'] / base['p95_ms']:.2f}x")
        print(f"  {name:<16}" + "  ".join(ratios))


if __name__ == "__main__":
    main()
