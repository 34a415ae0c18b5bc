"""Hostile input against the bounded parsers, and what the safe writer costs: prints a table.

    python bench/hostile_bench.py            # every row
    python bench/hostile_bench.py render     # one group: render, import, query, write

Each row is one shape that made an earlier version superlinear (issue 14), at a size where it
took seconds to minutes; the numbers should stay well under a second."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.formats.read.scan import scan_folder
from kbridge.formats.sync.folder import sync_folder
from kbridge.formats.write.export import export_kb
from kbridge.render import render_markdown
from kbridge.search.parser import parse_query

RENDER = {
    "8,000 [": "[" * 8000,
    "400-level nested list": "".join("    " * i + "- x\n" for i in range(400)),
    "32,000 chars of [a](": "[a](" * 8000,
    "8,000 abbreviations": "*[HTML]: x\n" * 8000 + "HTML " * 8000,
    "8,000 setext headings": "a\n=\n" * 8000,
    "100,000 nested <div>": "<div>" * 100_000,
    "200,000 chars of *a": "*a" * 100_000,
}
IMPORT = {
    "1 MB of [ under Status": "# 1. T\n\n## Status\n\n" + "[" * 1_000_000 + "\n",
    "Superseded by 250,000 [a](": "# 1. T\n\n## Status\n\nSuperseded by " + "[a](" * 250_000 + "\n",
    "70,000 <s> as status": "# 1. T\n\n## Status\n\n" + "<s>" * 70_000 + "\n",
    "100,000 spaces in the title": "# 1. T" + " " * 100_000 + "x\n\n## Status\n\nAccepted\n",
}
QUERY = {
    "250 (": "(" * 250 + "vault",
    "3,000 NOT": "NOT " * 3000 + "vault",
    "50,000 OR": "a OR " * 50_000 + "b",
}


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def render_rows() -> list[tuple[str, float]]:
    return [(f"render {name}", _timed(lambda text=text: render_markdown(text))) for name, text in RENDER.items()]


def import_rows() -> list[tuple[str, float]]:
    rows = []
    for name, text in IMPORT.items():
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "0001-t.md").write_text(text)
            rows.append((f"read {name}", _timed(lambda folder=folder: scan_folder(Path(folder)))))
    return rows


def query_rows() -> list[tuple[str, float]]:
    return [(f"parse {name}", _timed(lambda text=text: parse_query(text))) for name, text in QUERY.items()]


def write_rows(records: int = 2000) -> list[tuple[str, float]]:
    """Every file through kbridge.safe_files (temporary file, fsync, rename, no link followed)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with KnowledgeBase.init(root / "bench.kbridge") as kb:
            with kb.transaction():
                for number in range(records):
                    kb.create("decision", f"Decision {number}", body="Some words about it. " * 40)
            rows = [(f"export {fmt}, {records} records", _timed(lambda fmt=fmt: export_kb(kb, root / fmt, fmt)))
                    for fmt in ("kbridge", "madr", "html")]
            rows.append((f"sync, {records} records", _timed(lambda: sync_folder(kb, root / "sync"))))
    return rows


GROUPS = {"render": render_rows, "import": import_rows, "query": query_rows, "write": write_rows}


def main() -> None:
    wanted = sys.argv[1:] or list(GROUPS)
    for group in wanted:
        for name, seconds in GROUPS[group]():
            print(f"{name:<48} {seconds:8.3f} s", flush=True)


if __name__ == "__main__":
    main()
