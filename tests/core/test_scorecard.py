"""The scorecard's figures against the hand-built knowledge base of conftest, each with the records
behind it, and their trend replayed from revisions saved on different days."""

from __future__ import annotations

import datetime as dt

import pytest

from kbridge.core import KnowledgeBase
from kbridge.core.scorecard import trend_days
from tests.core.conftest import Clock

TODAY = dt.date(2026, 3, 1)


def figures(kb: KnowledgeBase, today: dt.date = TODAY) -> dict[str, tuple[list[str], list[str]]]:
    card = kb.resilience.scorecard(today)
    return {f.id: ([e.key for e in f.met], [e.key for e in f.missing]) for f in card.figures}


def test_figures_and_the_records_behind_them(estate: KnowledgeBase) -> None:
    # Critical and running: SYS-001 (db) and SYS-002 (api); SYS-005 is decommissioned.
    assert figures(estate) == {
        "playbook": (["SYS-001"], ["SYS-002"]),
        "approver": (["SYS-001"], ["SYS-002"]),
        "criteria": (["SYS-001"], ["SYS-002"]),
        "exercised": (["SYS-001"], ["SYS-002"]),  # api's last test (2025-01-02) is past its 12 months
        "rto-met": (["SYS-001"], ["SYS-002"]),  # db: 50m of 1h; api: 3h of 2h
        "controls-reasoned": (["CTL-001"], ["CTL-002"]),
        "overdue-reviews": (["RSK-001"], []),
        "knowledge-at-risk": (["ADR-0001", "SYS-002"], []),  # owned by Gone Person, edited by nobody since
    }
    card = estate.resilience.scorecard(TODAY)
    playbook = card.figure("playbook")
    assert (playbook.value, playbook.text) == (0.5, "1 of 2 (50%)")
    assert playbook.missing[0].note == "no recovery steps in its body"
    assert card.figure("rto-met").missing[0].note == "recovered in 3h in EVT-003; RTO is 2h"
    assert card.figure("controls-reasoned").missing[0].note == (
        "no rationale and no risk it mitigates or requirement it implements")
    risk = card.figure("knowledge-at-risk")
    assert (risk.value, risk.lower_is_better) == (2.0, True)
    assert risk.met[0].note == "owned by Gone Person (PER-002), who left on 2026-01-05"


def test_an_edit_by_someone_still_here_takes_a_record_out_of_risk(
    estate: KnowledgeBase, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.set("2026-01-07")
    estate.update("SYS-002", body="The API, as Ops Lead understands it.")  # by "tester": nobody here
    assert figures(estate)["knowledge-at-risk"][0] == ["ADR-0001", "SYS-002"]
    monkeypatch.setenv("KBRIDGE_AUTHOR", "ops@example.com")  # Ops Lead, by e-mail
    estate.update("SYS-002", body="The API, rewritten by Ops Lead.")
    estate.update("ADR-0001", tags=["images"])
    assert figures(estate)["knowledge-at-risk"][0] == []
    assert estate.resilience.scorecard(TODAY).figure("knowledge-at-risk").trend[-1] == ("2026-01-07", 0.0)


def test_trend_is_replayed_from_revisions_day_by_day(estate: KnowledgeBase, clock: Clock) -> None:
    clock.set("2026-02-01")
    estate.update("SYS-002", body="## Recovery steps\n\n1. Redeploy.\n\n## Safe to restore when\n\n- Tokens "
                  "rotated ([CTL-001](CTL-001))\n")
    clock.set("2026-02-10")
    estate.update("SYS-002", fields={**estate.get("SYS-002").fields, "approver": "PER-001"})
    clock.set("2026-02-20")
    estate.update("CTL-002", fields={"rationale": "Known-good images only."})
    estate.links.add("CTL-002", "mitigates", "RSK-001")
    card = estate.resilience.scorecard(TODAY)
    trend = {f.id: f.trend for f in card.figures}
    assert trend["playbook"] == [("2026-01-05", 0.5), ("2026-02-01", 1.0), ("2026-02-10", 1.0), ("2026-02-20", 1.0)]
    assert [value for _, value in trend["approver"]] == [0.5, 0.5, 1.0, 1.0]
    assert [value for _, value in trend["controls-reasoned"]] == [0.5, 0.5, 0.5, 1.0]
    # The review of RSK-001 fell due on 2026-02-01: overdue from that day, as the past saw it.
    assert [value for _, value in trend["overdue-reviews"]] == [0.0, 0.0, 1.0, 1.0]
    # Each figure now is what its trend ends with (one computed from the records, one replayed).
    for figure in card.figures:
        assert figure.trend[-1][1] == figure.value, figure.id


def test_trend_days_are_spread_and_keep_the_first_and_last() -> None:
    stamps = [f"2026-01-{day:02d}T08:00:00+00:00" for day in range(1, 31)] + ["2026-01-30T20:00:00+00:00"]
    days = trend_days(stamps, points=5)
    assert days[0] == "2026-01-01" and days[-1] == "2026-01-30" and len(days) == 5
    assert trend_days(stamps[:3]) == ["2026-01-01", "2026-01-02", "2026-01-03"]


def test_scorecard_on_an_empty_knowledge_base(kb: KnowledgeBase) -> None:
    card = kb.resilience.scorecard(TODAY)
    assert card.figure("playbook").text == "none to count" and card.figure("playbook").value is None
    assert all(figure.trend == [] for figure in card.figures)
