"""`kbridge export --format kbridge` of a large knowledge base, as a person runs it: the CLI's peak
resident memory and wall time (from `/usr/bin/time -v`) for an export into a fresh folder, then a
second export into the same folder (every file kept), then the same after N records were edited.

    python bench/export_bench.py --kb /tmp/kbridge-gui-bench-100000.kbridge
    python bench/export_bench.py --records 20000          # builds one (bench/gui_corpus.py)
    PYTHONPATH=/tmp/old-checkout python bench/export_bench.py --kb BIG   # another checkout's kbridge

The knowledge base is copied first (the export writes its sync state into it); the copy and the
folders are removed at the end unless --keep. Not a test: numbers, not verdicts."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import kbridge

REPO = Path(__file__).resolve().parents[1]


def timed_export(kb: Path, out: Path) -> tuple[float, float, str]:
    """(seconds, peak resident MB, the CLI's last line) of one export."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "kbridge", "--kb", str(kb),
               "export", "--format", "kbridge", str(out)]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    said = [line for line in done.stderr.splitlines() if "files written" in line or "kbridge:" in line]
    if done.returncode != 0:
        said.append(f"exit {done.returncode}: {done.stderr[-400:]}")
    return seconds, int(peak.group(1)) / 1024 if peak else float("nan"), (said[-1] if said else "")


def edit_records(kb: Path, count: int) -> None:
    """Change the body of `count` records (spread over the base), as a person editing would."""
    from kbridge.core import KnowledgeBase

    with KnowledgeBase.open(kb) as base:
        uids = [record.uid for record in base.list_summaries()]
        step = max(1, len(uids) // max(count, 1))
        with base.transaction():
            for uid in uids[::step][:count]:
                record = base.get(uid)
                base.update(uid, body=record.body + "\nEdited for the export bench.\n", reason="bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, help="a knowledge base to copy (never written to)")
    parser.add_argument("--records", type=int, default=20000, help="build one of this size when no --kb")
    parser.add_argument("--edits", type=int, default=1000, help="records edited before the third export")
    parser.add_argument("--work", type=Path, help="where the copy and the folders go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the copy and the folders")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="kbridge-export-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    kb, out = work / "bench.kbridge", work / "out"
    try:
        if args.kb:
            shutil.copyfile(args.kb, kb)
        else:
            sys.path.insert(0, str(REPO / "bench"))
            from gui_corpus import build

            build(args.records, kb)
        shutil.rmtree(out, ignore_errors=True)
        print(f"knowledge base {kb.stat().st_size / 2**20:,.0f} MB; kbridge from {Path(kbridge.__file__).parent}")
        print(f"{'run':<34}{'seconds':>9}{'peak MB':>10}  CLI")
        for label in ("fresh folder", "again into the same folder"):
            seconds, peak, said = timed_export(kb, out)
            print(f"{label:<34}{seconds:>9.1f}{peak:>10.0f}  {said}", flush=True)
        if args.edits:
            edit_records(kb, args.edits)
            seconds, peak, said = timed_export(kb, out)
            print(f"{f'after {args.edits} records edited':<34}{seconds:>9.1f}{peak:>10.0f}  {said}", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
