"""Large jobs (import, export, sync of a large knowledge base) run in a process of their own
(kbridge.ui.jobs.apart): progress, cancel, result and errors cross as on a thread; a dead process
is a clear error; and the File menu's journey gives the same files and records either way."""

from __future__ import annotations

import filecmp
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kbridge.model import ValidationError
from kbridge.ui.jobs import apart, attention, formats_adapter
from kbridge.ui.jobs.apart import ChildTraceback, JobProcessError, run_apart
from kbridge.ui.jobs.formats_adapter import ImportSummary, PartlyImportedError
from tests.formats.conftest import corpus_root
from tests.ui import apart_work
from tests.ui.answers import Answers, integrity_check, run_transfer, wait_until_idle, window_on
from tests.ui.conftest import menu_action

MADR = corpus_root() / "adr__madr" / "docs" / "decisions"


def _apart(work: Callable[..., Any], *args: Any, cancel: threading.Event | None = None) -> tuple[Any, list[Any]]:
    heard: list[tuple[int, int, str]] = []
    result = run_apart(work, *args, progress=lambda *step: heard.append(step), cancel=cancel or threading.Event())
    return result, heard


def test_work_runs_in_another_process_and_its_progress_and_result_come_back() -> None:
    result, heard = _apart(apart_work.count_to, 300)
    assert result["counted"] == 300 and result["pid"] != os.getpid()
    assert result["niceness"] == min(19, os.nice(0) + apart.CHILD_NICENESS)  # below the window
    assert heard[-1] == (300, 300, "step 300")  # the last step always arrives
    assert 1 <= len(heard) < 300  # at most one every SEND_EVERY seconds: not one per step
    assert [done for done, _total, _message in heard] == sorted(done for done, _total, _message in heard)


def test_a_long_list_crosses_in_parts_whole_and_in_order() -> None:
    """Unpickled whole on the window's side, a long result held Python's lock (58 ms for the
    29,279 findings of the checks at 100,000 records): it crosses in parts."""
    for count in (0, apart.RESULT_PART, apart.RESULT_PART + 1, 3 * apart.RESULT_PART + 7):
        result, _heard = _apart(apart_work.many_items, count)
        assert result == [(number, f"finding {number}") for number in range(count)]


def test_errors_cross_with_their_kind_message_and_the_childs_traceback() -> None:
    with pytest.raises(ValidationError, match="ADR-9 is not a record here") as refused:
        _apart(apart_work.refuse)
    assert isinstance(refused.value.__cause__, ChildTraceback)
    assert "def refuse" in str(refused.value.__cause__) or "apart_work.py" in str(refused.value.__cause__)
    with pytest.raises(KeyError) as defect:  # a defect stays a defect: logged by the window, not said as a fact
        _apart(apart_work.fail_inside)
    assert "fail_inside" in str(defect.value.__cause__)


def _marks(path: Path) -> list[tuple[str, str, float]]:
    return [(name, what, float(at)) for name, what, at in (line.split() for line in path.read_text().splitlines())]


def _in_thread(work: Callable[..., Any], *args: Any, background: bool) -> tuple[threading.Thread, list[Any]]:
    got: list[Any] = []

    def run() -> None:
        got.append(run_apart(work, *args, progress=lambda *step: None, cancel=threading.Event(),
                             background=background))

    thread = threading.Thread(target=run)
    thread.start()
    return thread, got


def _started(marks: Path) -> None:
    """Wait until the first job's process has begun its work (it writes its marks)."""
    for _ in range(500):
        if marks.exists():
            return
        threading.Event().wait(0.02)
    raise AssertionError("the first job never started")


def test_the_windows_own_job_waits_while_a_persons_job_runs_apart(tmp_path: Path) -> None:
    """Two busy processes beside the window starve it on a 2-core machine: the checks behind
    Needs attention (background) start only once an export or import (a person's) is done."""
    marks = tmp_path / "marks"
    person, person_got = _in_thread(apart_work.note_start_then_sleep, str(marks), "person", 1.5, background=False)
    _started(marks)  # the person's job is running before the background one asks
    own, own_got = _in_thread(apart_work.note_start_then_sleep, str(marks), "own", 0.1, background=True)
    person.join(30)
    own.join(30)
    assert (person_got, own_got) == (["person"], ["own"])
    times = {(name, what): at for name, what, at in _marks(marks)}
    assert times[("own", "start")] >= times[("person", "end")]


def test_the_windows_own_job_gives_way_to_a_persons_and_runs_again_after(tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    own, own_got = _in_thread(apart_work.note_start_then_sleep, str(marks), "own", 2.0, background=True)
    _started(marks)
    person, person_got = _in_thread(apart_work.note_start_then_sleep, str(marks), "person", 0.5, background=False)
    person.join(30)
    own.join(30)
    assert (person_got, own_got) == (["person"], ["own"])
    seen = _marks(marks)
    own_starts = [at for name, what, at in seen if (name, what) == ("own", "start")]
    person_end = next(at for name, what, at in seen if (name, what) == ("person", "end"))
    assert len(own_starts) == 2 and own_starts[1] >= person_end  # ended, then run again, whole
    assert [what for name, what, _ in seen if name == "own"] == ["start", "start", "end"]


def test_a_waiting_background_job_can_be_cancelled(tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    person, _ = _in_thread(apart_work.note_start_then_sleep, str(marks), "person", 1.5, background=False)
    _started(marks)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(apart.KbridgeError, match="cancelled before it started"):
        run_apart(apart_work.note_start_then_sleep, str(marks), "own", 0.1, progress=lambda *step: None,
                  cancel=cancel, background=True)
    person.join(30)
    assert "own" not in marks.read_text()


def test_a_process_that_dies_is_a_clear_error() -> None:
    with pytest.raises(JobProcessError, match="exit code 3") as died:
        _apart(apart_work.die)
    assert "die stopped" in str(died.value)


def test_cancel_reaches_the_work_in_its_process() -> None:
    cancel = threading.Event()
    timer = threading.Timer(0.5, cancel.set)
    timer.start()
    result, _heard = _apart(apart_work.wait_for_cancel, cancel=cancel)
    timer.join()
    assert result == "cancelled"


def test_a_partly_done_import_crosses_with_what_it_kept() -> None:
    summary = ImportSummary({"madr": 3}, imported=2, skipped=[("x.md", "empty")])
    copy = pickle.loads(pickle.dumps(PartlyImportedError("import cancelled after 2 files", summary)))
    assert str(copy) == "import cancelled after 2 files" and copy.summary == summary
    assert apart._sendable(PartlyImportedError("stopped", summary)).summary == summary  # type: ignore[attr-defined]


def _cli(kb_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kbridge", "--kb", str(kb_path), *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_file_menu_import_export_and_sync_of_a_large_base_run_apart(
    qtbot: QtBot, answers: Answers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person imports, exports and syncs through the File menu on a knowledge base large enough
    to run its jobs apart (here every one is: APART_BYTES 0); the CLI adds a record meanwhile. The
    window ends with what the thread would have given: the same records, the same files."""
    ran: list[str] = []

    def spied(work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        ran.append(work.__name__)
        return run_apart(work, *args, **kwargs)

    monkeypatch.setattr(apart, "APART_BYTES", 0)
    monkeypatch.setattr(apart, "run_apart", spied)  # every job that runs apart goes through it
    kb_path = tmp_path / "team.kbridge"
    window = window_on(qtbot, None)
    answers.files["New knowledge base"] = kb_path
    window.actions.new_kb.trigger()
    qtbot.waitUntil(lambda: window.ready)

    answers.dialogs["ImportDialog"] = run_transfer(MADR)  # type: ignore[assignment]
    menu_action(window, "File", "Import folder…").trigger()
    qtbot.waitUntil(lambda: window.file_commands.import_dialog is not None
                    and window.file_commands.import_dialog.result is not None, timeout=60000)
    wait_until_idle(qtbot, window)
    summary = window.file_commands.import_dialog.result
    assert summary.imported > 10 and not answers.errors
    qtbot.waitUntil(lambda: window.model.total == summary.imported)  # the job's changes reached the list

    qtbot.wait(400)  # a person reads the summary; the CLI adds a record meanwhile
    added = _cli(kb_path, "new", "decision", "--title", "Chosen while the window was open")
    assert added.returncode == 0, added.stderr
    qtbot.waitUntil(lambda: window.model.total == summary.imported + 1, timeout=10000)

    out = tmp_path / "out"
    answers.dialogs["ExportDialog"] = run_transfer(out, "kbridge")  # type: ignore[assignment]
    menu_action(window, "File", "Export…").trigger()
    qtbot.waitUntil(lambda: (dialog := window.file_commands.export_dialog) is not None
                    and dialog.result is not None, timeout=60000)
    wait_until_idle(qtbot, window)
    assert window.file_commands.export_dialog.result.written == summary.imported + 1
    assert len(list(out.rglob("*.md"))) == summary.imported + 1

    # The same export on the worker thread writes the same bytes.
    monkeypatch.setattr(apart, "APART_BYTES", 1 << 62)
    here = tmp_path / "here"
    formats_adapter.export_all(kb_path, here, "kbridge", lambda *_: None, threading.Event())
    compared = filecmp.dircmp(out, here)
    assert not compared.left_only and not compared.right_only and not compared.diff_files
    monkeypatch.setattr(apart, "APART_BYTES", 0)

    # The export left the folder's sync baseline: a file edited there comes back by a sync.
    shared = out
    note = next(iter(sorted(shared.rglob("*.md"))))
    note.write_text(note.read_text(encoding="utf-8").replace("title: ", "title: Edited in the folder - ", 1),
                    encoding="utf-8")
    job = window.file_commands.sync_folder(shared)
    assert job is not None
    with qtbot.waitSignals([job.signals.finished, job.signals.ended], timeout=60000):
        pass
    assert window.kb is not None
    qtbot.waitUntil(lambda: any(r.title.startswith("Edited in the folder")
                                for r in window.kb.list_records()), timeout=10000)  # type: ignore[union-attr]
    formats_jobs = [name for name in ran if name not in ("_findings", "build_index")]
    assert formats_jobs == ["_preview_import", "_import_folder", "_export_all", "_sync_folder"]
    assert "build_index" in ran  # the new base's search index was built apart too
    # Needs attention was checked apart too, and says what the checks say in this process.
    qtbot.waitUntil(lambda: "_findings" in ran and not window.attention.running, timeout=60000)
    assert sorted(window._findings) == sorted(attention._findings(kb_path, True, lambda *_: None, threading.Event()))
    assert not answers.errors
    window.close()
    assert integrity_check(kb_path) == "ok"
