"""Two teammates, each with a knowledge base of 10,000 records shared through a git remote: 100
edits on each side, then one sync each way. Prints the time of each step and the counts: records
merged (changed on both sides), conflicts and words lost (which must be 0).

    python bench/sync_bench.py                     # 10,000 records, 100 edits a side
    python bench/sync_bench.py --records 2000 --edits 50

Everything happens in a temporary folder (a bare repository and two clones; no network)."""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

IDENTITY = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "bench",
            "GIT_COMMITTER_EMAIL": "bench@example.org", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
WORDS = ("vault", "payments", "latency", "backup", "kafka", "postgres", "audit", "rollback", "quorum", "cache")


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


def body(number: int) -> str:
    rng = random.Random(number)
    lines = ["## Context", ""]
    lines += [" ".join(rng.choice(WORDS) for _ in range(12)) + "." for _ in range(6)]
    lines += ["", "## Decision", "", f"Decision number {number}.", "", "## Consequences", "", "Tracked."]
    return "\n".join(lines) + "\n"


def fill(kb: Any, count: int) -> None:
    with kb.transaction():
        for number in range(1, count + 1):
            kind = "decision" if number % 5 else "system"
            key = f"ADR-{number:05d}" if kind == "decision" else f"SYS-{number:05d}"
            kb.create(kind, f"Record {number} about {WORDS[number % len(WORDS)]}", key=key, date="2024-01-01",
                      status="accepted" if kind == "decision" else "active", body=body(number))
            if kind == "decision" and number > 5:
                kb.links.add(key, "affects", f"SYS-{(number // 5) * 5:05d}")


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=100)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kbridge-sync-bench-") as folder:
        root = Path(folder)
        for name in ("DATA", "CACHE", "CONFIG", "STATE"):
            os.environ[f"KBRIDGE_{name}_DIR"] = str(root / name.lower())
        os.environ.update(IDENTITY)
        run(root, options.records, options.edits)


def run(root: Path, records: int, edits: int) -> None:
    from kbridge.core import KnowledgeBase
    from kbridge.formats.sync.folder import sync_folder

    git(root, "init", "-q", "--bare", "-b", "main", str(root / "remote.git"))
    for name in ("alice", "bob"):
        git(root, "clone", "-q", str(root / "remote.git"), str(root / name))
    alice = KnowledgeBase.init(root / "alice.kbridge")
    bob = KnowledgeBase.init(root / "bob.kbridge")
    rows: list[tuple[str, float, Any]] = []
    seconds, _ = timed(lambda: fill(alice, records))
    rows.append((f"create {records:,} records (setup)", seconds, None))
    seconds, report = timed(lambda: sync_folder(alice, root / "alice" / "kb", git=True, push=True))
    rows.append(("alice: first sync, every file written and pushed", seconds, report))
    seconds, report = timed(lambda: sync_folder(bob, root / "bob" / "kb", git=True, push=True))
    rows.append(("bob: first sync, every record created", seconds, report))
    seconds, report = timed(lambda: sync_folder(bob, root / "bob" / "kb", git=True, push=True))
    rows.append(("bob: sync with nothing changed", seconds, report))

    words = edit_both(alice, bob, records, edits)
    seconds, report = timed(lambda: sync_folder(alice, root / "alice" / "kb", git=True, push=True))
    rows.append((f"alice: {edits} edits out", seconds, report))
    seconds, report = timed(lambda: sync_folder(bob, root / "bob" / "kb", git=True, push=True))
    rows.append((f"bob: {edits} in, {edits} out", seconds, report))
    seconds, report = timed(lambda: sync_folder(alice, root / "alice" / "kb", git=True, push=True))
    rows.append((f"alice: {edits} in", seconds, report))

    texts = {"alice": text_of(alice), "bob": text_of(bob)}
    lost = [(who, word) for who, text in texts.items() for word in words if word not in text]
    print(f"{'step':<52} {'seconds':>8} {'in':>6} {'out':>6} {'merged':>7} {'conflicts':>9}")
    for name, seconds, report in rows:
        counts = ("", "", "", "") if report is None else (
            len(report.to_kb), len(report.to_files) + len(report.deleted_files), len(report.merged),
            len(report.conflicts))
        print(f"{name:<52} {seconds:>8.2f} {counts[0]!s:>6} {counts[1]!s:>6} {counts[2]!s:>7} {counts[3]!s:>9}")
    print(f"\nwords written by one side and missing on either side (lost): {len(lost)}")
    for who, word in lost[:10]:
        print(f"  {who} lacks {word!r}")
    alice.close()
    bob.close()


def edit_both(alice: Any, bob: Any, records: int, edits: int) -> list[str]:
    """`edits` records changed on each side: half of Bob's are records Alice changed too, in
    another field (these merge); every edit leaves a word that must reach both sides."""
    rng = random.Random(7)
    numbers = rng.sample([n for n in range(6, records + 1) if n % 5], edits * 2)
    words = []
    for index, number in enumerate(numbers[:edits]):
        key = f"ADR-{number:05d}"
        word = f"alice-edit-{index}"
        if index % 2:
            alice.update(key, title=f"Record {number} ({word})")
        else:
            record = alice.get(key)
            alice.update(key, body=record.body.replace("Tracked.", f"Tracked by {word}."))
        words.append(word)
    shared = numbers[: edits // 2]
    own = numbers[edits : edits + edits - len(shared)]
    for index, number in enumerate([*shared, *own]):
        key = f"ADR-{number:05d}"
        word = f"bob-edit-{index}"
        record = bob.get(key)
        if number in shared and numbers.index(number) % 2:  # Alice changed the title: Bob the context
            bob.update(key, body=record.body.replace("## Context", f"## Context\n\nSee {word}.", 1))
        elif number in shared:  # Alice changed the consequences: Bob the tags
            bob.update(key, tags=[word])
        else:
            bob.update(key, body=record.body.replace("Tracked.", f"Tracked by {word}."))
        words.append(word)
    return words


def text_of(kb: Any) -> str:
    return "\n".join(f"{record.title}\n{record.body}\n{' '.join(record.tags)}" for record in kb.iter_records())


if __name__ == "__main__":
    main()
