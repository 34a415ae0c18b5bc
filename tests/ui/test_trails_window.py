"""The trails views as tabs of the real main window: follow a reason from the Why? tab, open a
timeline entry, click a graph node; each opens the record as a reader link would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.dialogs.reassign_dialog import ReassignDialog
from kbridge.ui.views.graph_view import GraphView
from kbridge.ui.views.recovery_view import RecoveryView
from kbridge.ui.views.timeline_view import TimelineView
from kbridge.ui.views.why_view import KEY, WhyView
from kbridge.ui.window.main_window import MainWindow
from tests.ui.answers import Answers
from tests.ui.conftest import click_row, menu_action


def test_trails_tabs_are_in_the_reader(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase) -> None:
    assert isinstance(window.tabs.tab("Why?"), WhyView)
    assert isinstance(window.tabs.tab("Timeline"), TimelineView)
    assert isinstance(window.tabs.tab("Graph"), GraphView)
    assert isinstance(window.tabs.tab("Recovery"), RecoveryView)


def test_following_a_reason_opens_it(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase) -> None:
    click_row(qtbot, window, "CTL-001")
    window.tabs.show_tab("Why?")
    why = window.tabs.tab("Why?")
    assert isinstance(why, WhyView)
    assert why.record is not None and why.record.key == "CTL-001"
    model = why.model
    row = next(r for r in range(model.rowCount()) if model.index(r, KEY).data() == "ADR-0017")
    index = model.index(row, KEY)
    why.tree.scrollTo(index)
    rect = why.tree.visualRect(index)
    # A double click as the system sends it: a click, then the double click.
    qtbot.mouseClick(why.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(why.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.current_record() is not None and window.current_record().key == "ADR-0017")
    assert why.record is not None and why.record.key == "ADR-0017"  # the open tab follows


def test_timeline_and_graph_follow_the_current_record(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    click_row(qtbot, window, "SYS-002")
    window.tabs.show_tab("Timeline")
    timeline = window.tabs.tab("Timeline")
    assert isinstance(timeline, TimelineView) and len(timeline.items) == 23
    window.tabs.show_tab("Graph")
    graph = window.tabs.tab("Graph")
    assert isinstance(graph, GraphView)
    assert graph.graph is not None and graph.graph.node(graph.graph.centre).key == "SYS-002"
    with qtbot.waitSignal(window.tabs.record_link_clicked):
        graph.record_link_clicked.emit(sample_kb.get("ADR-0006").uid)
    qtbot.waitUntil(lambda: window.current_record() is not None and window.current_record().key == "ADR-0006")


def test_records_menu_reassigns_what_a_person_holds(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase, answers: Answers
) -> None:
    def hand_over(dialog: QWidget) -> None:
        assert isinstance(dialog, ReassignDialog)
        dialog.target.setCurrentIndex(dialog.target.findData("PER-005"))
        dialog.reason.setText("Daniel left in 2025")
        for row in range(dialog.records.count()):  # only the system: the rest stays with Daniel
            item = dialog.records.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.text().startswith("SYS-004") else Qt.CheckState.Unchecked)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    answers.dialogs["ReassignDialog"] = hand_over
    reassign = menu_action(window, "Record", "Reassign…")
    click_row(qtbot, window, "SYS-004")
    assert not reassign.isEnabled()  # only a person holds records
    click_row(qtbot, window, "PER-004")
    assert reassign.isEnabled()
    reassign.trigger()
    assert answers.asked == ["ReassignDialog"] and not answers.errors
    assert sample_kb.get("SYS-004").owner_key == "PER-005"
    assert sample_kb.history.revisions("SYS-004")[-1].reason == "Daniel left in 2025"
    assert window.statusBar().currentMessage() == "Reassigned 1 record from PER-004."
    click_row(qtbot, window, "SYS-004")
    assert "PER-005" in window.reader.toPlainText()  # the list and the reader show the new owner
