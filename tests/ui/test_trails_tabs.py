"""Every trails tab honours the record-tab contract: built from (kb, parent), shows a record or
nothing, and offers `record_link_clicked`."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.views.trails_tabs import trail_tab_factories


def test_trail_tabs_follow_the_tab_contract(qtbot: QtBot, sample_kb: KnowledgeBase) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    titles = []
    for title, factory in trail_tab_factories():
        tab = factory(sample_kb, parent)
        assert tab.parent() is parent
        for key in ("SYS-002", "CTL-001", "PER-002"):
            tab.show_record(sample_kb.get(key))  # type: ignore[attr-defined]
        tab.show_record(None)  # type: ignore[attr-defined]
        seen: list[str] = []
        tab.record_link_clicked.connect(seen.append)  # type: ignore[attr-defined]
        tab.record_link_clicked.emit("x")  # type: ignore[attr-defined]
        assert seen == ["x"]
        titles.append(title)
    assert titles == ["Why?", "Timeline", "Graph", "Recovery"]
