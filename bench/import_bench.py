"""Import time of every corpus folder and of a generated folder of 10,000 ADR files.

Run: .venv/bin/python bench/import_bench.py [--files N] [--corpus PATH]
Prints a table (files, records, seconds, files per second, the process's peak resident memory
once the row is done, and whether the knowledge base changed). Not a test: numbers, not verdicts.
Run it at two sizes (--files 10000, --files 100000): the peak should not grow with the folder.
With --corpus-copies 180 it imports only 180 copies of the corpus as one folder of real text
(100,620 files, 1.5 GB with the images) by the command line, as a person runs it.
The generated folder is imported a second time into a new knowledge base with its files read by
--jobs processes (default: one per processor, as `kbridge import` does); CPU seconds are this
process's own, the workers' not counted.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from kbridge.formats.read.reading_pool import default_workers
from kbridge.formats.write.export import export_kb

REPO = Path(__file__).resolve().parents[1]
# The corpus folders and the ADR folder inside each (their labels name them).
CORPUS_FOLDERS = {
    name: spec["folder"]
    for name, spec in yaml.safe_load((REPO / "tests/fixtures/corpus_labels.yaml").read_text("utf-8")).items()
}
WORDS = [
    "service",
    "database",
    "cluster",
    "latency",
    "audit",
    "vault",
    "secret",
    "token",
    "queue",
    "cache",
    "network",
    "policy",
    "backup",
    "restore",
    "tenant",
    "region",
    "deploy",
    "rollback",
    "schema",
    "index",
    "storage",
    "gateway",
]


def generated_adr(number: int, rng: random.Random) -> str:
    """One of three layouts in turn: adr-tools, MADR 2 list, MADR 4 front matter."""
    title = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()
    body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120))) for _ in range(4))
    status = rng.choice(["Accepted", "Proposed", "Deprecated"])
    link = ""
    if number > 1 and rng.random() < 0.1:
        link = f"Supersedes [{number - 1}. Earlier]({number - 1:04d}-decision-{number - 1}.md)\n\n"
    style = number % 3
    if style == 0:
        return (
            f"# {number}. {title}\n\nDate: 2021-0{1 + number % 9}-1{number % 9}\n\n"
            f"## Status\n\n{status}\n\n{link}## Context\n\n{body}\n"
        )
    if style == 1:
        return (
            f"# {title}\n\n* Status: {status.lower()}\n* Deciders: a, b\n* Date: 2022-03-04\n"
            f"\n## Context and Problem Statement\n\n{body}\n"
        )
    return (
        f"---\nstatus: {status.lower()}\ndate: 2023-05-06\ndecision-makers: c\n---\n\n"
        f"# {title}\n\n## Context and Problem Statement\n\n{body}\n"
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


Row = tuple[str, int, int, float, float, float, str]  # name, files, records, seconds, CPU seconds, MB, wrote


def timed(name: str, kb: KnowledgeBase, folder: Path, workers: int = 1) -> Row:
    files = sum(1 for path in folder.rglob("*") if path.is_file())
    revisions = kb.history.count()
    start, cpu = time.perf_counter(), time.process_time()
    report = import_folder(kb, folder, workers=workers)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    wrote = kb.history.count() != revisions or bool(report.result and report.result.changes)
    records = report.imported + report.updated + report.unchanged
    return name, files, records, seconds, cpu, peak_mb(), "yes" if wrote else "no"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, default=REPO / "tests" / "fixtures" / "corpus")
    parser.add_argument("--no-export", action="store_true", help="skip the native export (it takes disk)")
    parser.add_argument("--jobs", type=int, default=default_workers(),
                        help="processes reading the files in the second import of the generated folder")
    parser.add_argument("--corpus-copies", type=int, default=0, metavar="N",
                        help="only this: N copies of the corpus as one folder (180: 100,620 files of real "
                             "text and images), imported by the command line with --jobs readers")
    args = parser.parse_args()
    if args.corpus_copies:
        return corpus_copies(args.corpus, args.corpus_copies, args.jobs)
    heads = ("files", 7), ("records", 8), ("seconds", 8), ("CPU s", 7), ("files/s", 8), ("peak MB", 8), ("wrote", 6)
    print(f"{'folder':45} " + " ".join(f"{head:>{width}}" for head, width in heads) + "  target", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        kb = KnowledgeBase.init(root / "bench.kbridge")
        for name, sub in CORPUS_FOLDERS.items():
            folder = args.corpus / name / sub
            if folder.is_dir():
                show(timed(name, kb, folder))
        generated = root / "generated"
        generated.mkdir()
        rng = random.Random(7)
        for number in range(1, args.files + 1):
            (generated / f"{number:04d}-decision-{number}.md").write_text(generated_adr(number, rng), encoding="utf-8")
        big = KnowledgeBase.init(root / "big.kbridge")
        show(timed(f"generated ({args.files} files)", big, generated))
        show(timed("generated again (all unchanged)", big, generated))
        if args.jobs > 1:
            apart = KnowledgeBase.init(root / "apart.kbridge")
            show(timed(f"generated ({args.files} files), {args.jobs} readers", apart, generated, args.jobs))
        if not args.no_export:
            start, cpu = time.perf_counter(), time.process_time()
            export_kb(big, root / "native", "native")
            show(("export --format native of those", args.files, args.files, time.perf_counter() - start,
                  time.process_time() - cpu, peak_mb(), "no"))


def corpus_copies(corpus: Path, copies: int, jobs: int) -> None:
    """The corpus copied `copies` times into one folder (hard links where the file system allows:
    the bytes are read as often either way), imported by `kbridge import` in a process of its own,
    as a person runs it; its wall time, its CPU time and its readers', its peak resident memory."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "monorepo"
        for number in range(1, copies + 1):
            for path in corpus.rglob("*"):
                if path.is_file() and not path.is_symlink():
                    copy = folder / f"c{number:03d}" / path.relative_to(corpus)
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    try:
                        os.link(path, copy)
                    except OSError:
                        shutil.copyfile(path, copy)
        files = sum(1 for path in folder.rglob("*") if path.is_file())
        kb = root / "copies.kbridge"
        KnowledgeBase.init(kb).close()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "kbridge", "--kb", str(kb), "import", "--jobs", str(jobs),
                              str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if run.returncode:
            sys.exit(f"kbridge import failed: {run.stderr.strip()[-2000:]}")
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        with KnowledgeBase.open(kb) as done:
            stats = done.maintenance.stats()
            records, links = stats["records"], stats["links"]
        print(f"{'corpus x ' + str(copies) + ', kbridge import --jobs ' + str(jobs):45} {'files':>7} {'records':>8} "
              f"{'links':>7} {'seconds':>8} {'CPU s':>7} {'peak MB':>8}  target", flush=True)
        print(f"{'':45} {files:7d} {records:8d} {links:7d} {seconds:8.1f} {cpu:7.1f} {after.ru_maxrss / 1024:8.0f}"
              f"  100,000 files in <= 180 s", flush=True)


def show(row: Row) -> None:
    """One row of the table, printed as soon as it is measured."""
    name, files, records, seconds, cpu, peak, wrote = row
    target = ""
    if name.startswith("generated ("):
        target = "100,000 files in <= 180 s (556 files/s), memory flat"
    elif name.startswith("generated again"):
        target = "writes nothing"
    print(f"{name:45} {files:7d} {records:8d} {seconds:8.2f} {cpu:7.1f} {files / seconds:8.0f} {peak:8.0f}"
          f" {wrote:>6}  {target}", flush=True)


if __name__ == "__main__":
    main()
