"""How big a knowledge base is for its text, how much each save adds, and how fast history reads
(issue 21: revisions stored compactly).

    .venv/bin/python bench/storage_size.py [--records 10000] [--saves 500]

Creates `--records` synthetic records of 300-800 words (as the GUI bench does) and imports a
real ADR folder, then makes `--saves` small edits (one sentence added to a record) and prints,
beside the targets: the file size against the text it holds, the growth per save against the size
of the change, and the time to list, diff and restore the history of a record with many
revisions. Run it on the code before a storage change to compare (`git stash`).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
HOME = Path(tempfile.mkdtemp(prefix="kbridge-storage-"))
for _name in ("DATA", "CACHE", "CONFIG", "STATE"):
    os.environ[f"KBRIDGE_{_name}_DIR"] = str(HOME / _name.lower())

from bench.gui_corpus import build  # noqa: E402
from kbridge.core import KnowledgeBase  # noqa: E402
from kbridge.formats.read.importer import import_folder  # noqa: E402

FOLDER = ROOT / "tests" / "fixtures" / "corpus" / "alphagov__govuk-aws" / "docs" / "architecture" / "decisions"


def file_size(path: Path) -> int:
    """The file's size with its WAL written back, and without free pages (as after VACUUM)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = conn.execute("PRAGMA page_count").fetchone()[0] - conn.execute("PRAGMA freelist_count").fetchone()[0]
        return int(pages * conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()


def free_pages(path: Path) -> int:
    """Bytes of the file on no table or index (left by a merge of the word index, say): the size
    above leaves them out, the file on disk holds them until a save reuses them."""
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA freelist_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()


def page_size(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()


def payload_size(path: Path) -> int:
    """Bytes stored in rows (no page overhead), where SQLite can tell (its dbstat table)."""
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT sum(payload) FROM dbstat").fetchone()[0] or 0)
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def space_by_table(path: Path) -> list[tuple[str, int, int]]:
    """Each table and index: bytes of pages and bytes left unused in them (dbstat)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT name, sum(pgsize), sum(unused) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        ).fetchall()
        return [(str(name), int(size), int(unused)) for name, size, unused in rows]
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def text_size(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(
            "SELECT sum(length(CAST(title AS BLOB)) + length(CAST(body AS BLOB)) + length(CAST(fields AS BLOB))) "
            "FROM records"
        ).fetchone()
        return int(row[0] or 0)
    finally:
        conn.close()


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--saves", type=int, default=500)
    args = parser.parse_args()
    path = build(args.records, HOME / "bench.kbridge")
    with KnowledgeBase.open(path) as kb:
        import_folder(kb, FOLDER)
    text, size = text_size(path), file_size(path)
    free = free_pages(path)
    tables = space_by_table(path)
    rng = random.Random(3)
    with KnowledgeBase.open(path) as kb:
        uids = [record.uid for record in kb.list_summaries()]
        before, stored_before = file_size(path), payload_size(path)
        added = 0
        started = time.perf_counter()
        for _ in range(args.saves):
            uid = rng.choice(uids)
            sentence = f"\n\nReviewed on {rng.randint(1, 28)} March: nothing to change, the reasons still hold.\n"
            added += len(sentence.encode())
            kb.update(uid, body=kb.get(uid).body + sentence, reason="reviewed")
        save_ms = (time.perf_counter() - started) * 1000 / args.saves
        growth = file_size(path) - before
        stored = payload_size(path) - stored_before
        # A record that owns none (a decision), and a person who owns many: restoring the person's
        # title renames them as the owner of every record they own (the list sorts by it).
        summaries = kb.list_summaries()
        busy = next(record.uid for record in summaries if record.kind.value == "decision")
        person = summaries[0]
        owned = sum(1 for record in summaries if record.owner == person.uid)
        for number in range(200):
            kb.update(busy, title=f"A record saved many times ({number})")
            kb.update(person.uid, title=f"A person renamed many times ({number})")
        history_ms = timed(lambda: kb.history.revisions(busy))
        oldest_ms = timed(lambda: kb.history.revision(busy, 1))
        diff_ms = timed(lambda: kb.history.diff(busy, 1, 201))
        restore_ms = statistics.median(timed(lambda rev=rev: kb.history.restore(busy, rev)) for rev in (2, 3, 4))
        person_ms = statistics.median(
            timed(lambda rev=rev: kb.history.restore(person.uid, rev)) for rev in (2, 3, 4)
        )
        same_ms = statistics.median(timed(lambda n=n: kb.update(person.uid, body=f"Edited {n}.")) for n in range(3))
    rows = [
        ("records", f"{args.records + 38:,}", ""),
        ("text (titles, bodies, fields)", f"{text / 1e6:.1f} MB", ""),
        ("knowledge base after import", f"{size / 1e6:.1f} MB = {size / text:.3f}x the text", "<= 1.3x"),
        ("free pages after import", f"{free / 1e6:.2f} MB", "not in the size above"),
        ("growth per save: file", f"{growth / args.saves:,.0f} B for {added / args.saves:,.0f} B added",
         "about the change"),
        ("growth per save: rows", f"{stored / args.saves:,.0f} B for {added / args.saves:,.0f} B added",
         "about the change"),
        ("save (small edit)", f"{save_ms:.1f} ms", ""),
        ("history of 201 revisions", f"{history_ms:.1f} ms", ""),
        ("oldest of 201 revisions", f"{oldest_ms:.1f} ms", ""),
        ("diff 1 -> 201", f"{diff_ms:.1f} ms", ""),
        ("restore revision 2-4 of 201 (median)", f"{restore_ms:.1f} ms", "as before the list (4-17 ms)"),
        (f"restore a person owning {owned}", f"{person_ms:.1f} ms", "renames them in the list"),
        (f"save a person owning {owned}, title kept", f"{same_ms:.1f} ms", "as any save"),
    ]
    width = max(len(name) for name, _, _ in rows)
    print(f"{'what':<{width}}  {'measured':<40}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<40}  {target}")
    print(f"\nwhere the file's space goes after import (dbstat; page size {page_size(path) // 1024} KiB)")
    for name, pages, unused in tables[:12]:
        share, empty = pages / text, unused / max(pages, 1)
        print(f"  {name:<30} {pages / 1e6:7.2f} MB  {share:6.1%} of the text, {empty:4.0%} unused")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(HOME, ignore_errors=True)  # a knowledge base of --records (500 MB at 100,000)
