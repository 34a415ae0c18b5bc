"""Choosers of people and systems (the editor's owner, New record's owner, Reassign's new owner,
Recovery's system): one model reset for all their choices; on a large file read on a worker while
the box already shows what it must, the newest read winning, nothing a person chose dropped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.core.record_list import RecordListing
from kbridge.model import Kind, Record
from kbridge.ui.dialogs.reassign_dialog import ReassignDialog
from kbridge.ui.jobs import choices_loader
from kbridge.ui.jobs.worker import Job
from kbridge.ui.views.recovery_view import RecoveryView
from kbridge.ui.widgets.choice_box import ChoiceBox, ChoiceListModel
from kbridge.ui.window.main_window import MainWindow
from tests.ui.answers import integrity_check


@pytest.fixture
def read_on_a_worker(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file counts as large: choices are read on a worker. Records which boxes were filled."""
    monkeypatch.setattr(choices_loader, "WORKER_BYTES", 0)
    filled: list[str] = []
    original = choices_loader._Reader.read

    def spied(self: choices_loader._Reader, *args: Any, **kwargs: Any) -> None:
        filled.append(self.box.objectName())
        original(self, *args, **kwargs)

    monkeypatch.setattr(choices_loader._Reader, "read", spied)
    return filled


def test_the_choice_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ChoiceListModel()
    model.set_choices([("(nobody)", ""), ("PER-001 — Ada", "PER-001"), ("PER-002 — Bo", "PER-002")])
    qtmodeltester.check(model)
    assert model.row_of("PER-002") == 2 and model.row_of("PER-404") == -1


def test_a_choice_a_person_made_survives_a_refresh(qtbot: QtBot) -> None:
    box = ChoiceBox()
    qtbot.addWidget(box)
    box.set_choices([("(nobody)", ""), ("A", "a"), ("B", "b")])
    assert box.select("b") and box.currentData() == "b"
    box.set_choices([("(nobody)", ""), ("B again", "b")])
    assert box.currentData() == "b" and box.currentText() == "B again"
    box.set_choices([("(nobody)", "")], keep_missing=True)  # gone from the list, kept as chosen
    assert box.currentData() == "b" and box.count() == 2
    box.set_choices([("(nobody)", "")])  # a refresh that may drop it
    assert box.currentData() == ""
    assert not box.select("zz") and box.select("zz", "zz (not read yet)") and box.currentData() == "zz"


def _person(kb_path: Path, key: str, title: str) -> None:
    done = subprocess.run([sys.executable, "-m", "kbridge", "--kb", str(kb_path), "new", "person", "--key", key,
                           "--title", title], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def test_the_editor_shows_its_owner_at_once_and_the_people_follow(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase, read_on_a_worker: list[str]
) -> None:
    """Edit on a large file: the owner is on screen before the people are read; once they are, the
    box lists them all (a person the CLI added meanwhile too) and the record is not "modified"."""
    owned = next(record for record in sample_kb.list_records() if record.owner_key)
    _person(sample_kb.path, "PER-900", "Added by the command line")
    window.open_record(owned.uid)
    window.actions.edit.trigger()
    box = window.editor.inputs["owner"]
    assert isinstance(box, ChoiceBox)
    assert box.currentData() == owned.owner_key  # at once, before the worker answered
    qtbot.waitUntil(lambda: box.filling is None, timeout=10000)
    people = sample_kb.listing.of_kind(Kind.PERSON)
    assert [box.itemData(row) for row in range(box.count())] == ["", *(person.key for person in people)]
    assert "PER-900" in [box.itemData(row) for row in range(box.count())]
    assert box.currentData() == owned.owner_key and box.currentText().startswith(f"{owned.owner_key} — ")
    assert not window.editor.is_dirty
    assert read_on_a_worker == [""]  # the owner box, read once on a worker (it has no object name)
    window.editor.discard()
    assert integrity_check(sample_kb.path) == "ok"


def test_an_unchanged_file_is_not_read_again_and_a_change_is_seen(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase, read_on_a_worker: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At a million records the people took a worker 250-300 ms at every Edit: they are read
    again only when the file changed since (here, by another process, or after a reopening)."""
    reads: list[str] = []
    original = RecordListing.of_kind

    def counted(self: RecordListing, kind: Kind, status: str | None = None) -> list[Record]:
        reads.append(kind.value)
        return original(self, kind, status=status)

    monkeypatch.setattr(RecordListing, "of_kind", counted)
    choices_loader._READ.clear()
    owned = next(record for record in sample_kb.list_records() if record.owner_key)
    window.open_record(owned.uid)

    def edit_and_read() -> list[object]:
        window.actions.edit.trigger()
        box = window.editor.inputs["owner"]
        qtbot.waitUntil(lambda: box.filling is None, timeout=10000)
        values = [box.itemData(row) for row in range(box.count())]
        window.editor.discard()
        return values

    first = edit_and_read()
    assert edit_and_read() == first and reads == ["person"]  # the second Edit read nothing
    _person(sample_kb.path, "PER-901", "Added while the window was open")
    assert "PER-901" in edit_and_read() and reads == ["person", "person"]
    sample_kb.create(Kind.PERSON, "Added in the window", key="PER-902")
    assert "PER-902" in edit_and_read() and reads == ["person"] * 3
    assert window.file_commands.open_path(sample_kb.path)  # another connection: its own stamps
    qtbot.waitUntil(lambda: window.ready, timeout=10000)
    window.open_record(owned.uid)
    assert edit_and_read() == [*first, "PER-901", "PER-902"] and reads == ["person"] * 4
    assert integrity_check(sample_kb.path) == "ok"


def test_the_newest_read_of_a_box_wins(qtbot: QtBot, sample_kb: KnowledgeBase, read_on_a_worker: list[str]) -> None:
    view = RecoveryView(sample_kb)
    qtbot.addWidget(view)
    view.refresh()  # a second read while the first runs: only its answer is taken
    first = view.system.filling
    qtbot.waitUntil(lambda: view.system.filling is None, timeout=10000)
    assert first is not None and read_on_a_worker == ["recoverySystem", "recoverySystem"]
    systems = sample_kb.listing.of_kind(Kind.SYSTEM)
    assert [view.system.itemData(row) for row in range(view.system.count())] == [None, *(s.uid for s in systems)]


def test_recovery_narrows_to_a_system_chosen_before_the_systems_are_read(
    qtbot: QtBot, sample_kb: KnowledgeBase, read_on_a_worker: list[str]
) -> None:
    view = RecoveryView(sample_kb)
    qtbot.addWidget(view)
    system = sample_kb.get("SYS-002")
    view.show_record(system)  # the systems are still being read
    assert view.system.currentData() == system.uid
    qtbot.waitUntil(lambda: view.system.filling is None, timeout=10000)
    assert view.system.currentData() == system.uid and view.system.currentText().startswith("SYS-002  ")
    assert view.model.plan.steps and view.model.plan.target is not None  # the plan of that one system


def test_reassign_offers_its_people_once_read(qtbot: QtBot, sample_kb: KnowledgeBase,
                                              read_on_a_worker: list[str]) -> None:
    dialog = ReassignDialog(sample_kb, "PER-004", keys=["SYS-004"])
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # nobody to hand to yet
    qtbot.waitUntil(lambda: dialog.target.filling is None, timeout=10000)
    assert ok.isEnabled()
    assert dialog.target.select("PER-005")
    dialog.reason.setText("Daniel left in 2025")
    with qtbot.waitSignal(dialog.records_reassigned):
        ok.click()
    assert sample_kb.get("SYS-004").owner_key == "PER-005"


@pytest.mark.parametrize("turn", range(40))
def test_dialogs_filled_on_a_worker_one_after_another_never_take_the_process_down(
    turn: int, qtbot: QtBot, sample_kb: KnowledgeBase, read_on_a_worker: list[str]
) -> None:
    """A reader object per read, deleted (deleteLater) once answered, crashed PySide6 6.11 now and
    then in QObject's destructor (a double delete): the CI's Reassign test, and 3 of 4 runs of these
    40 tests (pytest-qt deletes each dialog after its test). A box now keeps one reader, never
    deleted before the box."""
    dialog = ReassignDialog(sample_kb, "PER-004", keys=["SYS-004"])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.target.filling is None, timeout=10000)
    assert dialog.target.count() > 1 and read_on_a_worker == ["reassignTarget"]


def test_a_box_keeps_one_reader_and_a_read_replaced_before_its_turn_never_starts(
    qtbot: QtBot, sample_kb: KnowledgeBase, read_on_a_worker: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []
    original = Job.start

    def counted(self: Job) -> Job:
        started.append(self.title)
        return original(self)

    monkeypatch.setattr(Job, "start", counted)
    view = RecoveryView(sample_kb)
    qtbot.addWidget(view)
    for _again in range(3):
        view.refresh()
    qtbot.waitUntil(lambda: view.system.filling is None, timeout=10000)
    assert read_on_a_worker == ["recoverySystem"] * 4  # asked four times (built, then three refreshes)
    assert started == ["Reading choices"]  # read once: the newest
    assert len(view.system.findChildren(choices_loader._Reader)) == 1
    systems = sample_kb.listing.of_kind(Kind.SYSTEM)
    assert [view.system.itemData(row) for row in range(view.system.count())] == [None, *(s.uid for s in systems)]
