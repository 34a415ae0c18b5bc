"""The trails widgets driven as a person would: read the Why? tree, switch to Impact, click through
the timeline and the graph, export the graph, read the recovery order, reassign a leaver's work."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.model import LinkType
from kbridge.ui.dialogs.reassign_dialog import ReassignDialog
from kbridge.ui.views.graph_view import GraphView
from kbridge.ui.views.recovery_view import GAPS, OWNER, RecoveryView
from kbridge.ui.views.timeline_view import TimelineView
from kbridge.ui.views.why_view import KEY, LINK, STATUS, TrailTreeModel, WhyView


def rows(model: TrailTreeModel, parent: QModelIndex | None = None, depth: int = 0) -> list[tuple[int, str, str]]:
    """(depth, link, key) of every row, depth first."""
    parent = parent or QModelIndex()
    found = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, LINK, parent)
        found.append((depth, model.data(index), model.data(model.index(row, KEY, parent))))
        found += rows(model, index, depth + 1)
    return found


def find_row(model: TrailTreeModel, key: str, parent: QModelIndex | None = None) -> QModelIndex:
    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        index = model.index(row, KEY, parent)
        if model.data(index) == key:
            return index
        deeper = find_row(model, key, model.index(row, LINK, parent))
        if deeper.isValid():
            return deeper
    return QModelIndex()


@pytest.fixture
def why(qtbot: QtBot, sample_kb: KnowledgeBase) -> WhyView:
    view = WhyView(sample_kb)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    return view


def test_why_tab_shows_the_chain_of_ctl_001(
    qtbot: QtBot, why: WhyView, sample_kb: KnowledgeBase, qtmodeltester
) -> None:
    why.show_record(sample_kb.get("CTL-001"))
    qtmodeltester.check(why.model)
    assert rows(why.model) == [
        (0, "mitigates", "RSK-001"),
        (0, "implements", "REQ-004"),
        (0, "motivated by", "ADR-0017"),
        (1, "motivated by", "INC-001"),
        (1, "motivated by", "RSK-001"),
        (1, "supersedes", "ADR-0008"),
        (2, "motivated by", "INC-001"),
        (2, "motivated by", "RSK-001"),
        (2, "supersedes", "ADR-0002"),
        (0, "motivated by", "INC-001"),
    ]
    adr = find_row(why.model, "ADR-0008")
    assert why.model.data(adr.siblingAtColumn(STATUS)) == "superseded by ADR-0017"
    assert "6 records explain CTL-001" in why.summary.text()


def test_depth_limit_shows_a_more_row_and_activation_navigates(
    qtbot: QtBot, why: WhyView, sample_kb: KnowledgeBase, qtmodeltester
) -> None:
    why.show_record(sample_kb.get("CTL-001"))
    why.depth.setValue(1)
    qtmodeltester.check(why.model)
    adr = find_row(why.model, "ADR-0017")
    more = why.model.index(0, LINK, adr.siblingAtColumn(LINK))
    assert why.model.data(more) == "… 3 more (raise the depth)"
    assert "have more beyond this depth" in why.summary.text()
    why.tree.setCurrentIndex(adr)
    with qtbot.waitSignal(why.record_link_clicked) as clicked:
        qtbot.keyClick(why.tree, Qt.Key.Key_Return)
    assert clicked.args == [sample_kb.get("ADR-0017").uid]


def test_impact_mode_and_knowledge_at_risk_message(
    qtbot: QtBot, why: WhyView, sample_kb: KnowledgeBase, qtmodeltester
) -> None:
    why.show_record(sample_kb.get("REQ-004"))
    why.question.setCurrentIndex(1)
    qtmodeltester.check(why.model)
    top = [(link, key) for depth, link, key in rows(why.model) if depth == 0]
    assert top == [("implemented by", "CTL-001"), ("implemented by", "CTL-007"), ("motivates", "ADR-0016")]
    why.question.setCurrentIndex(0)
    why.show_record(sample_kb.get("CTL-014"))  # the sample's control nobody can explain
    assert why.model.rowCount() == 0
    assert "knowledge is at risk" in why.summary.text()
    why.show_record(None)
    assert why.model.rowCount() == 0 and "Select a record" in why.summary.text()


def test_timeline_draws_entries_in_date_order_and_filters(qtbot: QtBot, sample_kb: KnowledgeBase) -> None:
    view = TimelineView(sample_kb)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.show_record(sample_kb.get("SYS-002"))
    assert len(view.items) == 23
    ys = [item.pos().y() for item in view.items]
    assert ys == sorted(ys) and len(set(ys)) == 23  # one mark per entry, none on another
    assert [item.entry.key for item in view.items[:4]] == ["ADR-0006", "CTL-010", "SYS-002", "EVT-002"]
    view.filters["control"].setChecked(False)
    view.filters["risk"].setChecked(False)
    assert {item.entry.kind.value for item in view.items} == {"decision", "event", "incident", "system"}
    assert "13 of 23 entries" in view.summary.text()  # six controls and four risks hidden
    incident = next(item for item in view.items if item.entry.key == "INC-003")
    view.view.ensureVisible(incident)
    point = view.view.mapFromScene(incident.mapToScene(QPoint(200, 0)))
    with qtbot.waitSignal(view.record_link_clicked) as clicked:
        qtbot.mouseClick(view.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked.args == [sample_kb.get("INC-003").uid]
    view.show_record(sample_kb.get("ADR-0017"))
    assert view.items == [] and "drawn for systems" in view.summary.text()


def test_timeline_shows_status_changes(qtbot: QtBot, sample_kb: KnowledgeBase) -> None:
    sample_kb.set_status("ADR-0020", "deprecated")
    view = TimelineView(sample_kb)
    qtbot.addWidget(view)
    view.show_record(sample_kb.get("SYS-002"))
    last = view.items[-1].entry
    assert (last.key, last.change) == ("ADR-0020", ("accepted", "deprecated"))


def test_graph_draws_the_neighbourhood_and_navigates(qtbot: QtBot, sample_kb: KnowledgeBase, tmp_path: Path) -> None:
    view = GraphView(sample_kb)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    view.show_record(sample_kb.get("CTL-001"))
    assert {item.node.key for item in view.nodes.values()} == {
        "CTL-001", "RSK-001", "REQ-004", "INC-001", "ADR-0017", "SYS-001", "SYS-002", "SYS-006",
    }
    labels = {(view.nodes[e.edge.source].node.key, e.edge.label, view.nodes[e.edge.target].node.key)
              for e in view.edges}
    assert ("CTL-001", "mitigates", "RSK-001") in labels and all(e.show_label for e in view.edges)
    target = next(item for item in view.nodes.values() if item.node.key == "ADR-0017")
    point = view.canvas.mapFromScene(target.scenePos())
    with qtbot.waitSignal(view.record_link_clicked) as clicked:
        qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked.args == [sample_kb.get("ADR-0017").uid]
    view.depth.setValue(2)
    assert len(view.nodes) > 8 and "within 2 links" in view.summary.text()
    svg = view.export_image(tmp_path / "graph.svg")
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "<svg" in text and "CTL-001" in text
    png = view.export_image(tmp_path / "graph.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_graph_caps_a_record_with_hundreds_of_links(qtbot: QtBot, kb: KnowledgeBase) -> None:
    kb.create("risk", "Everything can fail")
    with kb.transaction():
        for number in range(1, 251):
            kb.create("control", f"Control {number}")
            kb.links.add(f"CTL-{number:03d}", LinkType.MITIGATES, "RSK-001")
    view = GraphView(kb)
    qtbot.addWidget(view)
    view.show_record(kb.get("RSK-001"))
    assert len(view.nodes) == 120
    assert "Capped at 120: 131 more records are not drawn." in view.summary.text()
    assert not any(edge.show_label for edge in view.edges)  # too many to print: tooltips instead


def test_recovery_view_lists_the_order_and_narrows_to_one_system(
    qtbot: QtBot, sample_kb: KnowledgeBase, qtmodeltester
) -> None:
    view = RecoveryView(sample_kb)
    qtbot.addWidget(view)
    qtmodeltester.check(view.model)
    keys = [view.model.step(row).key for row in range(view.model.rowCount())]
    assert keys == ["SYS-003", "SYS-006", "SYS-002", "SYS-005", "SYS-004", "SYS-001", "SYS-008", "SYS-007"]
    assert view.model.index(6, GAPS).data() == "no RTO"
    assert view.model.index(7, OWNER).data() == "— none —"
    view.show_record(sample_kb.get("SYS-002"))
    assert [view.model.step(row).key for row in range(view.model.rowCount())] == ["SYS-003", "SYS-006", "SYS-002"]
    with qtbot.waitSignal(view.record_link_clicked) as clicked:
        view.table.activated.emit(view.model.index(2, 2))
    assert clicked.args == [sample_kb.get("SYS-002").uid]
    assert not view.warning.isVisibleTo(view)


def test_reassign_dialog_hands_over_the_chosen_records(qtbot: QtBot, sample_kb: KnowledgeBase) -> None:
    dialog = ReassignDialog(sample_kb, "PER-004", keys=["SYS-004"])
    qtbot.addWidget(dialog)
    assert dialog.chosen_keys() == ["SYS-004"]
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "Reassign 1 record"
    dialog.target.setCurrentIndex(dialog.target.findData("PER-005"))
    dialog.reason.setText("Daniel left in 2025")
    with qtbot.waitSignal(dialog.records_reassigned):
        ok.click()
    assert sample_kb.get("SYS-004").owner_key == "PER-005"
    assert sample_kb.history.revisions("SYS-004")[-1].reason == "Daniel left in 2025"
    assert "SYS-004" not in {h.record.key for h in sample_kb.trails.holdings("PER-004")}
    departed = [dialog.target.itemData(i) for i in range(dialog.target.count())]
    assert "PER-002" not in departed and "PER-004" not in departed  # only people still here
