"""The tabs about the whole knowledge base (Recovery's restore order, the Scorecard) read every
record: on a large file off the GUI thread, in a process of their own, the newest question winning;
the answer is the one the knowledge base gives in this process."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.jobs import apart
from kbridge.ui.views import recovery_view
from kbridge.ui.views.recovery_view import RecoveryView
from kbridge.ui.views.scorecard_view import ScorecardView


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file counts as large; records what ran apart."""
    ran: list[str] = []
    original = apart.run_apart

    def spied(work, *args, **kwargs):  # type: ignore[no-untyped-def]
        ran.append(work.__name__)
        return original(work, *args, **kwargs)

    monkeypatch.setattr(apart, "APART_BYTES", 0)
    monkeypatch.setattr(recovery_view, "WORKER_BYTES", 0)
    monkeypatch.setattr(apart, "run_apart", spied)
    return ran


def test_the_restore_order_of_a_large_base_is_worked_out_apart_newest_choice_winning(
    qtbot: QtBot, sample_kb: KnowledgeBase, large: list[str]
) -> None:
    view = RecoveryView(sample_kb)
    qtbot.addWidget(view)
    assert view.summary.text() == "Working out the restore order…"  # nothing on the GUI thread
    first, second = sample_kb.get("SYS-001"), sample_kb.get("SYS-004")
    view.show_record(first)
    view.show_record(second)  # chosen while the first plans are worked out: only its own is shown
    qtbot.waitUntil(lambda: view._planning is None and view.model.plan.target == second.key, timeout=30000)
    expected = sample_kb.trails.restore_order(second.uid)
    assert [step.key for step in view.model.plan.steps] == [step.key for step in expected.steps]
    assert view.summary.text().startswith(f"{len(expected.steps)} systems in order")
    assert "_restore_order_here" in large


def test_the_scorecard_of_a_large_base_is_computed_apart(qtbot: QtBot, sample_kb: KnowledgeBase,
                                                         large: list[str]) -> None:
    view = ScorecardView(sample_kb)
    qtbot.addWidget(view)
    view.refresh()
    qtbot.waitUntil(lambda: view.card is not None, timeout=30000)
    assert view.card == sample_kb.resilience.scorecard()
    assert large == ["_scorecard_here"]


def test_a_long_restore_order_is_shown_a_line_a_row_and_its_summary_stays_short(
    qtbot: QtBot, sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of systems: fitting every row to its text took 5.2 s on the GUI thread, and the
    summary named every system not running (thousands of keys above the table)."""
    from PySide6.QtWidgets import QHeaderView

    monkeypatch.setattr(recovery_view, "FITTED_ROWS", 2)
    monkeypatch.setattr(recovery_view, "NAMED_EXCLUDED", 1)
    sample_kb.update("SYS-002", status="decommissioned")
    sample_kb.update("SYS-005", status="planned")
    view = RecoveryView(sample_kb)
    qtbot.addWidget(view)
    plan = view.model.plan
    assert len(plan.steps) > 2 and len(plan.excluded) >= 2
    assert view.table.verticalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.Fixed
    assert not view.table.wordWrap()
    assert f"and {len(plan.excluded) - 1:,} more." in view.summary.text()
    assert view.summary.text().count("SYS-") == 1
    monkeypatch.setattr(recovery_view, "FITTED_ROWS", 200)
    view.refresh()  # a plan a person reads whole: fitted to its text again
    assert view.table.verticalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.ResizeToContents
    assert view.table.wordWrap()
