"""Real concurrency on one knowledge base: the window open, saving and importing, while command-line
processes create, edit and search at random. Used by `tests/ui/test_concurrency.py` (short) and
`bench/concurrency.py` (long, with figures).

Each worker is a process of its own that runs kbridge commands one after another through the
command line's own entry point (each command opens and closes the file, as `kbridge ...` does) and
writes what it did to a JSON file: the keys it created and the titles it set last."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WORKER = """
import json, random, sys, time, traceback
from kbridge.cli.main import cli

kb, seconds, seed, out = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(seed)
done = {"created": [], "titles": {}, "searches": 0, "errors": [], "ops": 0}
end = time.monotonic() + seconds

def run(*args):
    from click.testing import CliRunner
    result = CliRunner().invoke(cli, ["--kb", kb, *args], catch_exceptions=True)
    if result.exit_code != 0:
        detail = "".join(traceback.format_exception(*result.exc_info)) if result.exc_info else ""
        done["errors"].append(f"{args[0]}: exit {result.exit_code}: {result.output.strip()} {detail}"[-2000:])
        return None
    return result.output

while time.monotonic() < end:
    choice = rng.random()
    if choice < 0.4 or not done["created"]:
        key = run("new", "note", "--title", f"worker {seed} note {len(done['created'])}")
        if key:
            done["created"].append(key.strip().splitlines()[-1])
    elif choice < 0.75:
        key = rng.choice(done["created"])
        title = f"worker {seed} edit {done['ops']}"
        if run("set", key, "--title", title) is not None:
            done["titles"][key] = title
    else:
        if run("search", rng.choice(["note", "worker", "decision", "vault"]), "--json") is not None:
            done["searches"] += 1
    done["ops"] += 1
    time.sleep(rng.uniform(0.0, 0.2))
with open(out, "w") as handle:
    json.dump(done, handle)
"""


@dataclass
class StressResult:
    seconds: float
    worker_ops: int = 0
    worker_created: list[str] = field(default_factory=list)
    worker_titles: dict[str, str] = field(default_factory=dict)
    worker_searches: int = 0
    worker_errors: list[str] = field(default_factory=list)
    window_saves: int = 0
    window_created: list[str] = field(default_factory=list)
    window_imports: int = 0
    integrity: str = ""
    listed_by_cli: set[str] = field(default_factory=set)
    listed_by_window: set[str] = field(default_factory=set)
    lost: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "seconds": self.seconds,
            "worker ops": self.worker_ops,
            "worker records created": len(self.worker_created),
            "worker searches": self.worker_searches,
            "worker errors": len(self.worker_errors),
            "window saves": self.window_saves,
            "window records created": len(self.window_created),
            "window imports": self.window_imports,
            "integrity_check": self.integrity,
            "records lost": len(self.lost),
            "window list = kbridge list": self.listed_by_window == self.listed_by_cli,
        }


def start_workers(
    kb_path: Path, seconds: float, count: int, folder: Path
) -> list[tuple[subprocess.Popen[bytes], Path]]:
    script = folder / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    workers = []
    for number in range(count):
        out = folder / f"worker-{number}.json"
        process = subprocess.Popen(
            [sys.executable, str(script), str(kb_path), str(seconds), str(number + 1), str(out)],
            env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        workers.append((process, out))
    return workers


def run_stress(
    window: Any,
    kb_path: Path,
    folder: Path,
    *,
    seconds: float,
    workers: int,
    pump: Callable[[int], None],
    import_folder: Path | None = None,
) -> StressResult:
    """Drive the window (`pump(ms)` lets its event loop run) for `seconds` while `workers` CLI
    processes work on the same file; then compare what everyone sees."""
    from kbridge.core import KnowledgeBase
    from kbridge.model import Kind

    result = StressResult(seconds=seconds)
    rng = random.Random(7)
    started = start_workers(kb_path, seconds, workers, folder)
    end = time.monotonic() + seconds
    imported = False
    while time.monotonic() < end:
        pump(rng.randint(100, 400))
        if window.jobs.writing:
            continue
        kb = window.kb
        if import_folder is not None and not imported and time.monotonic() > end - seconds / 2:
            dialog = window.file_commands.import_folder(import_folder, start=True)
            imported = dialog is not None
            result.window_imports += int(imported)
            continue
        if rng.random() < 0.5:
            change = kb.create(Kind.DECISION, title=f"window decision {len(result.window_created)}")
            result.window_created.append(change.uid)
        else:
            mine = [r for r in window.model.all_records() if r.title.startswith("window decision")]
            if mine:
                target = rng.choice(mine)
                kb.update(target.uid, title=f"{target.title} (edited)")
                result.window_saves += 1
    for process, out in started:
        _, stderr = process.communicate(timeout=120)
        if process.returncode != 0:
            result.worker_errors.append(stderr.decode("utf-8", "replace")[-2000:])
            continue
        done = json.loads(out.read_text(encoding="utf-8"))
        result.worker_ops += done["ops"]
        result.worker_created += done["created"]
        result.worker_titles.update(done["titles"])
        result.worker_searches += done["searches"]
        result.worker_errors += done["errors"]
    while window.jobs.writing or window.jobs.busy:
        pump(100)
    pump(2500)  # the window's poll notices the last commands' changes
    result.listed_by_window = {record.uid for record in window.model.all_records()}
    listing = subprocess.run(
        [sys.executable, "-m", "kbridge", "--kb", str(kb_path), "list", "--json"],
        capture_output=True, text=True, timeout=120, check=True,
    )
    result.listed_by_cli = {row["uid"] for row in json.loads(listing.stdout)}
    dialog = getattr(window.file_commands, "import_dialog", None)
    if dialog is not None and dialog.isVisible():
        dialog.accept()
    conn = sqlite3.connect(kb_path)
    try:
        result.integrity = "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()
    with KnowledgeBase.open(kb_path) as check:
        for key in result.worker_created:
            record = check.find(key)
            if record is None:
                result.lost.append(key)
            elif key in result.worker_titles and record.title != result.worker_titles[key]:
                # Another process may only have changed it later; the worker's own edits are ordered.
                result.lost.append(f"{key}: title {record.title!r}, last set {result.worker_titles[key]!r}")
        result.lost += [uid for uid in result.window_created if check.find(uid) is None]
    return result
