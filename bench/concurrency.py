"""The window and several command-line processes on one knowledge base, for a minute (issue 13).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/concurrency.py [--seconds 60] [--workers 3] [--rounds 1]

The window (on a copy of the sample, in a temporary home) creates and edits records and imports a
real ADR folder half-way, while each worker process runs `kbridge new / set / search` at random.
At the end it prints what each side did and checks: `PRAGMA integrity_check`, no record lost (every
key a worker created exists, with the title it set last), and the window's list equal to
`kbridge list`. The test suite runs the same for 10 seconds (tests/ui/test_concurrency.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
HOME = Path(tempfile.mkdtemp(prefix="kbridge-concurrency-"))
for _name in ("DATA", "CACHE", "CONFIG", "STATE"):
    (HOME / _name.lower()).mkdir()
    os.environ[f"KBRIDGE_{_name}_DIR"] = str(HOME / _name.lower())
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kbridge.core import KnowledgeBase  # noqa: E402
from kbridge.formats.sample import build_sample  # noqa: E402
from kbridge.ui.window.main_window import MainWindow  # noqa: E402
from tests.ui.stress import run_stress  # noqa: E402

FOLDER = ROOT / "tests" / "fixtures" / "corpus" / "alphagov__govuk-aws" / "docs" / "architecture" / "decisions"


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def one_round(number: int, seconds: float, workers: int) -> dict[str, object]:
    folder = HOME / f"round-{number}"
    folder.mkdir()
    kb_path = build_sample(folder / "sample.kbridge")
    window = MainWindow(KnowledgeBase.open(kb_path))
    window._owns_kb = True
    window.resize(1400, 900)
    window.show()
    while not window.ready:
        pump(50)
    started = time.monotonic()
    result = run_stress(window, kb_path, folder, seconds=seconds, workers=workers, pump=pump, import_folder=FOLDER)
    summary = result.summary()
    summary["wall seconds"] = round(time.monotonic() - started, 1)
    summary["worker errors (first)"] = result.worker_errors[:1]
    summary["lost (first)"] = result.lost[:3]
    window.close()
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    QApplication.instance() or QApplication([])
    failed = False
    for number in range(1, args.rounds + 1):
        summary = one_round(number, args.seconds, args.workers)
        print(f"round {number}")
        for name, value in summary.items():
            print(f"  {name:<28} {value}")
        failed |= (
            summary["integrity_check"] != "ok"
            or summary["records lost"] != 0
            or summary["worker errors"] != 0
            or not summary["window list = kbridge list"]
        )
    print("FAILED" if failed else "all rounds passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
