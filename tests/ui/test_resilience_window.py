"""Incident mode, the scorecard and the incident pack in the window, used as a person would: the
Checklist tab ticked from the keyboard, figures chosen and records opened from the Scorecard tab,
File › Export incident pack, and the Needs attention entries for approvers and exercises."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt, QThreadPool
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.model import Kind
from kbridge.ui.models.record_table_model import KEY
from kbridge.ui.views.checklist_view import ChecklistModel, ChecklistView, ItemIdRole, TickLogModel
from kbridge.ui.views.scorecard_view import BehindModel, FiguresModel, ScorecardView
from kbridge.ui.window.main_window import MainWindow
from tests.fixtures.pdf import page_count, pdf_text
from tests.ui.answers import Answers, window_on


def checklist(window: MainWindow, key: str) -> ChecklistView:
    assert window.kb is not None
    window.open_record(window.kb.get(key).uid)
    window.show_tab("Checklist")
    view = window.tabs.tab("Checklist")
    assert isinstance(view, ChecklistView)
    return view


def press_space_on(qtbot: QtBot, view: ChecklistView, item_id: str) -> None:
    index = view.model.index_of(item_id)
    assert index.isValid(), item_id
    view.tree.setFocus()
    view.tree.setCurrentIndex(index)
    qtbot.keyClick(view.tree, Qt.Key.Key_Space)


def test_ticking_the_checklist_saves_who_and_when(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase) -> None:
    view = checklist(window, "INC-006")
    assert [system.key for system in view.model.systems] == ["SYS-005", "SYS-004", "SYS-001", "SYS-008", "SYS-007"]
    assert (view.progress.value(), view.progress.maximum()) == (5, 22)
    before = len(sample_kb.history.revisions("INC-006"))
    with qtbot.waitSignal(view.ticked):
        press_space_on(qtbot, view, "SYS-005/step/4")
    last = sample_kb.history.revisions("INC-006")[-1]
    assert len(sample_kb.history.revisions("INC-006")) == before + 1
    assert last.author == "tester" and last.reason.startswith("ticked SYS-005/step/4: Restore the few objects")
    index = view.model.index_of("SYS-005/step/4")
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert f"done: tester, {last.at[:16].replace('T', ' ')} UTC" in index.data()
    assert view.progress.value() == 6 and view.log_model.rowCount() == 6
    assert "tester ticked SYS-005 step: Restore the few objects" in view.log_model.index(5, 0).data()
    assert view.tree.currentIndex().data(ItemIdRole) == "SYS-005/step/4"  # still where the person was
    with qtbot.waitSignal(view.ticked):
        press_space_on(qtbot, view, "SYS-005/step/4")
    assert sample_kb.history.revisions("INC-006")[-1].reason.startswith("unticked SYS-005/step/4")
    assert view.progress.value() == 5
    window.show_tab("History")  # the timeline of the incident shows the recovery as it happened
    window.show_tab("Record")
    window.open_record(sample_kb.get("SYS-005").uid)
    window.show_tab("Timeline")
    timeline = window.tabs.tab("Timeline")
    titles = [item.entry.title for item in timeline.items if item.entry.via == "recovery checklist"]  # type: ignore[attr-defined]
    step = sample_kb.resilience.incident_plan("INC-006").item("SYS-005/step/4").text
    assert titles[-2:] == ["step ticked by tester: " + step, "step unticked by tester: " + step]


def test_a_system_of_the_checklist_opens_and_other_records_offer_the_open_incidents(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    view = checklist(window, "INC-006")
    kafka = view.model.index(1, 0)
    assert "Kafka" in kafka.data() and "has left" in kafka.data()
    view.tree.setCurrentIndex(kafka)
    view.tree.activated.emit(kafka)
    assert window.current_record().key == "SYS-004"  # type: ignore[union-attr]
    assert view.heading.text().count("<li>") == 2 and view.model.plan is None  # a system: the open incidents
    assert "INC-005" in view.heading.text() and "INC-006" in view.heading.text()
    view.heading.linkActivated.emit(f"kbridge:{sample_kb.get('INC-005').uid}")
    assert window.current_record().key == "INC-005"  # type: ignore[union-attr]
    # Okta is affected, and every other system needs it: all eight, Okta first.
    assert view.model.plan is not None and [s.key for s in view.model.systems][:2] == ["SYS-003", "SYS-006"]
    assert len(view.model.systems) == 8


def test_scorecard_figures_lead_to_their_records(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase) -> None:
    assert window.kb is not None
    window.open_record(sample_kb.get("SYS-001").uid)
    view = window.tabs.tab("Scorecard")
    assert isinstance(view, ScorecardView)
    with qtbot.waitSignal(view.computed, timeout=20000):  # on a worker thread
        window.show_tab("Scorecard")
    labels = [view.figures_model.index(row, 0).data() for row in range(view.figures_model.rowCount())]
    assert labels[0] == "Critical systems with a recovery playbook" and len(labels) == 8
    row = labels.index("Critical systems that met their RTO when last exercised")
    view.figures.selectRow(row)
    assert view.figures_model.index(row, 1).data() == "2 of 4 (50%)"
    shown = [(view.behind_model.index(r, 0).data(), view.behind_model.index(r, 1).data().split()[0])
             for r in range(view.behind_model.rowCount())]
    assert shown == [("✗", "SYS-001"), ("✗", "SYS-006"), ("✓", "SYS-002"), ("✓", "SYS-005")]
    assert "did not time the recovery" in view.behind_model.index(0, 2).data()
    vault = view.behind_model.index(1, 1)
    view.behind.activated.emit(vault)
    assert window.current_record().key == "SYS-006"  # type: ignore[union-attr]
    assert "day of history" in view.summary.text()


def test_export_incident_pack_from_the_file_menu(
    qtbot: QtBot, window: MainWindow, answers: Answers, tmp_path: Path
) -> None:
    answers.files["Folder for the incident pack"] = tmp_path / "pack"
    (tmp_path / "pack").mkdir()
    assert window.actions.export_pack in dict(window.actions.menus)["File"]
    window.actions.export_pack.trigger()
    qtbot.waitUntil(lambda: (tmp_path / "pack" / "incident-pack.pdf").exists(), timeout=30000)
    window.jobs.wait()
    assert answers.errors == []
    assert "Incident pack written" in window.statusBar().currentMessage()
    assert page_count(tmp_path / "pack" / "incident-pack.pdf") > 10
    assert "Restore order" in pdf_text(tmp_path / "pack" / "incident-pack.pdf")
    assert "<svg" not in (tmp_path / "pack" / "incident-pack.html").read_text(encoding="utf-8")  # a pack has tables


def test_needs_attention_lists_approvers_and_exercises(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.attention_updated, timeout=20000):
        window.refresh_attention()
    assert window.navigator.select("attention:recovery-approver")
    assert {window.model.index(r, KEY).data() for r in range(window.model.rowCount())} == {"SYS-004"}
    assert window.navigator.select("attention:overdue-exercise")
    assert "SYS-006" in {window.model.index(r, KEY).data() for r in range(window.model.rowCount())}


def test_editing_an_incident_keeps_its_checklist(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase) -> None:
    before = sample_kb.get("INC-006").fields["checklist"]
    window.open_record(sample_kb.get("INC-006").uid)
    window.actions.edit.trigger()
    window.editor.inputs["title"].setText("Cryptominer on Kubernetes worker nodes")  # type: ignore[union-attr]
    assert window.editor.save()
    after = sample_kb.get("INC-006")
    assert after.title == "Cryptominer on Kubernetes worker nodes" and after.fields["checklist"] == before


@pytest.mark.parametrize("size", [(900, 600), (1400, 900)])
def test_the_new_tabs_never_widen_the_window(qtbot: QtBot, sample_path: Path, size: tuple[int, int]) -> None:
    window = window_on(qtbot, sample_path, size)
    assert window.kb is not None
    for tab, key in (("Checklist", "INC-006"), ("Checklist", "ADR-0001"), ("Scorecard", "SYS-001")):
        window.open_record(window.kb.get(key).uid)
        window.show_tab(tab)
        qtbot.wait(50)
        assert window.width() == size[0], f"the {tab} tab widened the window to {window.width()}"


def test_models_pass_the_model_tester(qtmodeltester, sample_kb: KnowledgeBase) -> None:  # type: ignore[no-untyped-def]
    model = ChecklistModel()
    model.set_plan(sample_kb.resilience.incident_plan("INC-006"))
    qtmodeltester.check(model)
    assert model.rowCount(model.index(0, 0)) == 10 and model.rowCount(model.index(0, 0, model.index(0, 0))) == 0
    assert model.parent(model.index(2, 0, model.index(0, 0))) == model.index(0, 0)
    assert model.parent(model.index(0, 0)) == QModelIndex()
    log = TickLogModel()
    log.set_ticks(sample_kb.resilience.checklist_history("INC-006"))
    qtmodeltester.check(log)
    card = sample_kb.resilience.scorecard()
    figures = FiguresModel()
    figures.set_scorecard(card)
    qtmodeltester.check(figures)
    behind = BehindModel()
    behind.set_figure(card.figure("knowledge-at-risk"))
    qtmodeltester.check(behind)


def test_new_tabs_follow_the_tab_contract(qtbot: QtBot, sample_kb: KnowledgeBase) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    for factory in (ChecklistView, ScorecardView):
        tab = factory(sample_kb, parent)
        assert tab.parent() is parent
        for record in (sample_kb.get("INC-006"), sample_kb.get("SYS-002"), None):
            tab.show_record(record)
        seen: list[str] = []
        tab.record_link_clicked.connect(seen.append)
        tab.record_link_clicked.emit("x")
        assert seen == ["x"]
    QThreadPool.globalInstance().waitForDone(20000)  # the scorecard's answer reaches a view still there
    incidents = sample_kb.list_records(kind=Kind.INCIDENT)
    assert {r.key for r in incidents if r.status == "open"} == {"INC-005", "INC-006"}
