"""Search benchmark: kbridge's two engines against raw tantivy and SQLite FTS5 on the same records.

    nice .venv/bin/python bench/search_bench.py --records 10000
    nice .venv/bin/python bench/search_bench.py --records 100000 --engines kbridge-tantivy,raw-tantivy --reuse
    nice .venv/bin/python bench/search_bench.py --records 100000 --engines kbridge-whoosh --json

The knowledge base is built once through `KnowledgeBase` and kept in --workdir for later runs;
with --reuse the indexes are kept too (when still fresh), and only the queries are timed.
Every engine is built first; then the queries of six shapes are run round-robin over the
engines (so that a busy moment of the machine falls on all of them alike), each timed
wall-clock (top 10 with the total count), p50 and p95. "raw-tantivy" is tantivy-py used
directly over the same fields (bench/search_baselines.py). "kbridge-tantivy" is the full
search: parsing, facet counts, snippets; "kbridge-tantivy-hits" what the window shows first
(hits, snippets, total; the facet counts follow); "kbridge-tantivy-bare" the same without facets
and snippets, the work raw tantivy does (these two for the tantivy engine only).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_baselines import SKIP, Fts5, Query, RawTantivy
from search_corpus import FUNCTION_WORDS, BenchRecord, generate, people

ENGINE_NAMES = ("kbridge-tantivy", "kbridge-whoosh", "raw-tantivy", "fts5")
SHAPES = ("terms", "phrase", "prefix", "fuzzy", "field", "date")


class Runner(Protocol):
    """One engine under test; those that can be changed also have `update(number)`."""

    name: str
    build_s: float | None

    def run(self, shape: str, spec: Query) -> Any: ...


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
    runners: list[Runner] = []
    for name in args.engines:
        _log(f"{name}: {'opening' if args.reuse else 'building'}")
        if name.startswith("kbridge-"):
            added = _kbridge_runners(kb, name.removeprefix("kbridge-"), records, args.reuse)
        elif name == "raw-tantivy":
            added = [RawTantivy(records, workdir, args.seed, args.reuse)]
        else:
            added = [Fts5(records, workdir, args.seed, args.reuse)]
        runners += added
        built = added[0].build_s
        _log(f"  built in {built:.2f} s" if built is not None else "  reused")
    _log("querying")
    shapes = _time_shapes(queries, runners)
    results: dict[str, dict[str, Any]] = {}
    for runner in runners:
        update = getattr(runner, "update", None)
        update_ms = _time_updates(update) if update else None
        build_s = round(runner.build_s, 3) if runner.build_s is not None else None
        results[runner.name] = {"build_s": build_s, "update_ms": update_ms, "shapes": shapes[runner.name]}
        if getattr(runner, "shares_index", False):
            results[runner.name]["shares_index"] = True
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
    parser.add_argument("--reuse", action="store_true", help="keep the indexes of an earlier run (no build times)")
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


def _time_shapes(queries: dict[str, list[Query]], runners: list[Runner]) -> dict[str, dict[str, dict]]:
    """p50 and p95 of each runner for each shape. Each query is put to every runner in turn,
    starting with a different one each time."""
    # The benchmark's own records are many objects: keep the garbage collector from walking
    # them in the middle of a timed query (an application never holds them all).
    gc.collect()
    gc.freeze()
    found: dict[str, dict[str, dict[str, float]]] = {runner.name: {} for runner in runners}
    for shape, items in queries.items():
        active = list(runners)
        for query in items[:5]:  # warm caches and memory maps
            active = [runner for runner in active if runner.run(shape, query) is not SKIP]
        times: dict[str, list[float]] = {runner.name: [] for runner in active}
        for number, query in enumerate(items):
            turn = number % len(active) if active else 0
            for runner in active[turn:] + active[:turn]:
                started = time.perf_counter()
                runner.run(shape, query)
                times[runner.name].append((time.perf_counter() - started) * 1000)
        for name, values in times.items():
            found[name][shape] = {"p50_ms": _percentile(values, 50), "p95_ms": _percentile(values, 95)}
    return found


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


class _KbridgeSearch:
    """kbridge's full search, through the `KnowledgeBase` facade, as the app and CLI call it."""

    def __init__(self, kb: Any, engine: str, records: list[BenchRecord], reuse: bool) -> None:
        self.name = f"kbridge-{engine}"
        self.kb, self.engine, self.records = kb, engine, records
        self.build_s: float | None = None
        if not (reuse and kb.search_index.status(engine) == "fresh"):
            started = time.perf_counter()
            kb.reindex(engine=engine)
            self.build_s = time.perf_counter() - started
        self.run_id = time.time_ns()  # the knowledge base is kept between runs: every edit must change it

    def run(self, shape: str, spec: Query) -> Any:
        return self.kb.search(kbridge_text(shape, spec), limit=10, engine=self.engine)

    def update(self, number: int) -> None:
        self.kb.settings.search_engine = self.engine  # changes keep this engine's index in step
        record = self.records[number * 7 % len(self.records)]
        self.kb.update(record.key, body=record.body + f"\n\nRevised {number} in run {self.run_id}.\n")


class _KbridgeHitsFirst:
    """What the window shows first: ranked hits with snippets, the total and a suggestion; the
    facet counts (a second pass over a large result) follow in a second call, not timed here."""

    build_s = None
    shares_index = True

    def __init__(self, kb: Any, engine: str) -> None:
        self.name = f"kbridge-{engine}-hits"
        self.kb, self.engine = kb, engine

    def run(self, shape: str, spec: Query) -> Any:
        return self.kb.search(kbridge_text(shape, spec), limit=10, engine=self.engine, facets=False)


class _KbridgeBare:
    """The same engine without facet counts, snippets or suggestions: the work raw tantivy does."""

    build_s = None
    shares_index = True

    def __init__(self, kb: Any, engine: str) -> None:
        self.name = f"kbridge-{engine}-bare"
        self.kb, self.engine = kb, engine

    def run(self, shape: str, spec: Query) -> Any:
        engine = self.kb.search_index.engine(self.engine)
        return engine.search(kbridge_text(shape, spec), limit=10, facets=False, suggest=False, snippets=False)


def _kbridge_runners(kb: Any, engine: str, records: list[BenchRecord], reuse: bool) -> list[Any]:
    full = _KbridgeSearch(kb, engine, records, reuse)
    if engine != "tantivy":  # the ratios to raw tantivy concern the tantivy engine; whoosh is slow
        return [full]
    return [full, _KbridgeHitsFirst(kb, engine), _KbridgeBare(kb, engine)]


# --- the table --------------------------------------------------------------------------


def _print_table(records: int, per_shape: int, results: dict[str, dict[str, Any]]) -> None:
    print(
        f"search benchmark: {records} records of 300-800 words, {per_shape} queries per shape "
        "(top 10 + total); p50 / p95 in ms"
    )
    header = f"{'engine':<22}{'build s':>9}{'update ms':>11}" + "".join(f" {shape:>17}" for shape in SHAPES)
    print(header)
    for name, result in results.items():
        cells = []
        for shape in SHAPES:
            figures = result["shapes"].get(shape)
            cells.append(f"{figures['p50_ms']:.1f} / {figures['p95_ms']:.1f}" if figures else "n/a")
        build = f"{result['build_s']:.2f}" if result["build_s"] is not None else "reused"
        if result.get("shares_index"):
            build = "-"
        update = f"{result['update_ms']:.1f}" if result["update_ms"] is not None else "-"
        print(f"{name:<22}{build:>9}{update:>11}" + "".join(f" {cell:>17}" for cell in cells))
    whoosh = results.get("kbridge-whoosh")
    if whoosh:
        worst = max((figures["p95_ms"], shape) for shape, figures in whoosh["shapes"].items())
        print(f"kbridge-whoosh: slowest p95 {worst[0]:.0f} ms ({worst[1]}); target: every shape under 1000 ms "
              "at 100,000 records")
    raw = results.get("raw-tantivy")
    if not raw:
        return
    print("ratios to raw-tantivy (build time; p95 of each shape):")
    for name, result in results.items():
        if name == "raw-tantivy":
            continue
        ratios = []
        if result["build_s"] is not None and raw["build_s"] is not None:
            ratios.append(f"build {result['build_s'] / raw['build_s']:.2f}x")
        for shape in SHAPES:
            mine, base = result["shapes"].get(shape), raw["shapes"].get(shape)
            if mine and base:
                ratios.append(f"{shape} {mine['p95_ms'] / base['p95_ms']:.2f}x")
        print(f"  {name:<22}" + "  ".join(ratios))


if __name__ == "__main__":
    main()
