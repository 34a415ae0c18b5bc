"""Crash safety: kill a writing kbridge process with SIGKILL at random moments, then check nothing
committed was lost and the database is intact.

    python bench/crash_safety.py --kills 200 [--seed 1] [--json]

A child process creates and edits records through `KnowledgeBase` and prints each revision as
soon as the call that saved it returns (that is the promise to the user: once save returns, the
revision is kept). The parent kills the child at a random moment, reopens the knowledge base,
and checks every printed revision is there and `PRAGMA integrity_check` is clean. It also opens
with the search index when one exists, so a half-written index must be repaired on open.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD_CODE = r"""
import sys
from kbridge.core import KnowledgeBase
kb = KnowledgeBase.open(sys.argv[1], create=True)
counter = 0
while True:
    counter += 1
    uid = kb.create("note", f"note {counter}", body="x" * (counter % 7 * 300)).uid
    print(f"{uid} 1", flush=True)
    kb.update(uid, body=f"edited {counter}")
    print(f"{uid} 2", flush=True)
    if counter > 1:
        with kb.transaction():
            kb.update(uid, status="", title=f"note {counter} (renamed)")
            kb.create("risk", f"risk {counter}")
        print(f"{uid} 3", flush=True)
"""


def run_once(path: Path, rng: random.Random, env: dict[str, str]) -> set[tuple[str, int]]:
    """Start a writer, kill it after a random delay; return the revisions it reported saved."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD_CODE, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    first = ""
    if rng.random() < 0.1:
        # Now and then, kill during start-up or the very first save.
        time.sleep(rng.uniform(0.0, 1.5))
    else:
        # Otherwise aim at the writing: wait for the first saved revision (start-up takes most of
        # a second, and more on a loaded machine), then kill at a random moment after it.
        ready, _, _ = select.select([child.stdout], [], [], 60)
        if ready:
            first = child.stdout.readline()  # type: ignore[union-attr]
        time.sleep(rng.uniform(0.0, 0.6))
    os.kill(child.pid, signal.SIGKILL)
    output, _ = child.communicate()
    output = first + output
    acknowledged = set()
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            acknowledged.add((parts[0], int(parts[1])))
    return acknowledged


def verify(path: Path, acknowledged: set[tuple[str, int]]) -> tuple[int, list[str]]:
    """(revisions lost, problems) after reopening: integrity_check, and a search index that agrees
    with the database (a kill between the commit and the index update leaves it stale; it must be
    noticed and rebuilt, not trusted)."""
    from kbridge.core import KnowledgeBase

    if not path.exists():  # killed before it created the file: nothing can have been promised
        return len(acknowledged), []
    with KnowledgeBase.open(path) as kb:
        problems = kb.maintenance.integrity_problems()
        notes = len(kb.list_records(kind="note"))
        found = kb.search("kind:note", limit=1).total
        if found != notes:
            problems.append(f"search index finds {found} notes, the database holds {notes}")
        present = {(uid, rev.rev) for uid in {uid for uid, _ in acknowledged} for rev in kb.history.revisions(uid)}
    return len(acknowledged - present), problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crash.kbridge"
        env = dict(os.environ, KBRIDGE_CACHE_DIR=folder, KBRIDGE_DATA_DIR=folder, KBRIDGE_CONFIG_DIR=folder)
        os.environ.update(env)  # the checks in this process use the same (throw-away) index
        acknowledged: set[tuple[str, int]] = set()
        lost = 0
        damaged = 0
        for _ in range(args.kills):
            acknowledged |= run_once(path, rng, env)
            missing, problems = verify(path, acknowledged)
            lost = max(lost, missing)
            damaged += bool(problems)
        size = path.stat().st_size
    result = {
        "kills": args.kills,
        "revisions_acknowledged": len(acknowledged),
        "revisions_lost": lost,
        "integrity_or_index_failures": damaged,
        "seconds": round(time.monotonic() - started, 1),
        "final_size_bytes": size,
    }
    if args.json:
        print(json.dumps(result))
    else:
        width = max(len(name) for name in result)
        for name, value in result.items():
            print(f"{name:<{width}}  {value}")
    return 0 if lost == 0 and damaged == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
