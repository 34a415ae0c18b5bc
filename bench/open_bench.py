"""How long the window is blocked while it opens a knowledge base written by an older kbridge
(backup, migrations, the one rewrite): issue 21's "nothing on the GUI thread over 50 ms".

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/open_bench.py /tmp/kbridge-gui-bench-100000.kbridge

Works on a copy of the file given (never on the file itself), in a temporary folder that is removed
at the end with the backup the open makes. Prints the time the same open took on the GUI thread
before (the upgrade run in-line, as `KnowledgeBase.open` does: `--inline`), or, by default, the
window's open through File › Open's path with an event-loop watchdog: the total time, the five
longest stalls and what was running. Target: no stall over 50 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
HOME = Path(tempfile.mkdtemp(prefix="kbridge-open-"))
for _name in ("DATA", "CACHE", "CONFIG", "STATE"):
    (HOME / _name.lower()).mkdir()
    os.environ[f"KBRIDGE_{_name}_DIR"] = str(HOME / _name.lower())
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kbridge.core import KnowledgeBase  # noqa: E402
from kbridge.core.opening import pending_upgrade  # noqa: E402
from kbridge.ui.jobs.watchdog import Watchdog  # noqa: E402
from kbridge.ui.window.main_window import MainWindow  # noqa: E402

WAITING = "(the bench waiting for the window's jobs to end)"


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a knowledge base file (copied; never opened itself)")
    parser.add_argument("--inline", action="store_true", help="time the upgrade on the calling thread (before)")
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args()
    path = HOME / args.source.name
    try:
        started = time.perf_counter()
        shutil.copyfile(args.source, path)
        print(f"copied {path.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - started:.1f} s; "
              f"upgrade needed: {pending_upgrade(path)}", flush=True)
        return _inline(path) if args.inline else _window(path, args.top)
    finally:
        shutil.rmtree(HOME, ignore_errors=True)


def _inline(path: Path) -> int:
    started = time.perf_counter()
    KnowledgeBase.open(path).close()
    print(f"KnowledgeBase.open on the calling thread (the window's GUI thread before): "
          f"{time.perf_counter() - started:.1f} s blocked")
    return 0


def _window(path: Path, top: int) -> int:
    app = QApplication.instance() or QApplication([])
    window = MainWindow(None)
    window.resize(1400, 900)
    window.show()
    pump(200)
    dog = Watchdog(50)
    dog.start()
    for attempt in ("open needing an upgrade", "open again (no upgrade)"):
        dog.label = attempt
        started = time.perf_counter()
        phases: dict[str, float] = {}
        window.file_commands.open_path(path)
        upgrading = window.file_commands.upgrade is not None
        while not window.ready and time.perf_counter() - started < 3600:
            pump(20)
            if upgrading and window.file_commands.upgrade is None:
                dog.label = f"{attempt}: opening the upgraded file"
                upgrading = False
            elif upgrading:
                phase = window.upgrade_page.step.text().split(" (")[0].split("…")[0]
                if phase not in phases:
                    phases[phase] = time.perf_counter() - started
                    dog.label = f"{attempt}: {phase}"
        total = time.perf_counter() - started
        dog.label = f"{attempt}: after (counts, index, checks)"
        pump(3000)  # what follows the open: the navigator's counts, the index, the attention checks
        print(f"{attempt}: {total:.1f} s until the list shows")
        for phase, at in phases.items():
            print(f"  {at:6.1f} s  {phase}")
        window.file_commands.close_knowledge_base()
        dog.label = WAITING
        window.jobs.wait(600000)  # the index build and the backup: the bench blocks, not the window
        pump(200)
    stalls = dog.stop()
    by_step: dict[str, list[float]] = {}
    stalls = [stall for stall in stalls if stall.label != WAITING]
    dog.stalls = stalls
    for stall in stalls:
        by_step.setdefault(stall.label, []).append(stall.ms)
    print(f"{len(stalls)} stalls over 50 ms, by step (count, longest):")
    for label, found in by_step.items():
        print(f"  {len(found):4d}  {max(found):6.0f} ms  {label}")
    print(f"the {top} longest:")
    for stall in dog.longest(top):
        print("  " + stall.describe())
    window.close()
    window.jobs.wait(600000)
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
