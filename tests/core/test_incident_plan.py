"""Incident mode: the affected systems and what depends on them, in restore order, with checklists
whose ticks are revisions of the incident (who and when) and show on the systems' timelines."""

from __future__ import annotations

import pytest

from kbridge.core import KnowledgeBase
from kbridge.model import ValidationError
from tests.core.conftest import DB_BODY, Clock


@pytest.fixture
def incident(estate: KnowledgeBase) -> str:
    estate.create("incident", "Database encrypted by ransomware", date="2026-01-05", fields={"severity": "sev1"})
    estate.links.add("INC-001", "affects", "SYS-001")
    return "INC-001"


def test_plan_is_the_affected_system_and_its_dependants_in_restore_order(estate: KnowledgeBase, incident: str) -> None:
    plan = estate.resilience.incident_plan(incident)
    assert plan.affected == ["SYS-001"]
    assert [(s.position, s.wave, s.key, s.why) for s in plan.systems] == [
        (1, 1, "SYS-001", "affected"),
        (2, 2, "SYS-002", "depends on SYS-001"),
        (3, 3, "SYS-003", "depends on SYS-002"),
    ]
    db = plan.systems[0]
    assert [item.id for item in db.items] == [
        "SYS-001/step/1", "SYS-001/step/2", "SYS-001/criterion/1", "SYS-001/criterion/2", "SYS-001/criterion/3",
        "SYS-001/criterion/4", "SYS-001/approval/1",
    ]
    assert db.readiness.approver.name == "Ops Lead" and db.step.rto == "1h"
    assert [item.id for item in plan.systems[1].items] == ["SYS-002/approval/1"]  # no playbook: only the go-ahead
    assert plan.systems[1].readiness.approver_problem().startswith("recovery approver Gone Person")
    data = plan.as_dict()
    assert (data["done"], data["total"]) == (0, 9)
    assert data["systems"][0]["criteria"][0]["sources"][0]["key"] == "CTL-001"


def test_an_affected_system_that_is_not_running_is_said_and_not_restored(estate: KnowledgeBase) -> None:
    estate.create("incident", "Old outage")
    estate.links.add("INC-001", "affects", "SYS-005")
    plan = estate.resilience.incident_plan("INC-001")
    assert plan.systems == [] and plan.not_restored == [{"key": "SYS-005", "status": "decommissioned"}]


def test_each_tick_is_a_revision_with_who_and_when(estate: KnowledgeBase, incident: str, clock: Clock) -> None:
    before = len(estate.history.revisions(incident))
    clock.set("2026-01-06", "09:15:00")
    estate.resilience.tick(incident, "SYS-001/step/1")
    clock.set("2026-01-06", "10:40:00")
    estate.resilience.tick(incident, "sys-001/criterion/3")  # ids are read in any case
    clock.set("2026-01-06", "11:05:00")
    estate.resilience.tick(incident, "SYS-001/step/1", done=False)
    revisions = estate.history.revisions(incident)[before:]
    assert [(r.author, r.at, r.reason) for r in revisions] == [
        ("tester", "2026-01-06T09:15:00+00:00", "ticked SYS-001/step/1: Stop the writers."),
        ("tester", "2026-01-06T10:40:00+00:00", "ticked SYS-001/criterion/3: Indicators of compromise cleared"),
        ("tester", "2026-01-06T11:05:00+00:00", "unticked SYS-001/step/1: Stop the writers."),
    ]
    plan = estate.resilience.incident_plan(incident)
    assert [(i.id, i.by, i.at) for i in plan.items if i.done] == [
        ("SYS-001/criterion/3", "tester", "2026-01-06T10:40:00+00:00")]
    history = estate.resilience.checklist_history(incident)
    assert [(t.label, t.by, t.at) for t in history] == [
        ("ticked SYS-001 step: Stop the writers.", "tester", "2026-01-06T09:15:00+00:00"),
        ("ticked SYS-001 criterion: Indicators of compromise cleared", "tester", "2026-01-06T10:40:00+00:00"),
        ("unticked SYS-001 step: Stop the writers.", "tester", "2026-01-06T11:05:00+00:00"),
    ]
    ticks = [e for e in estate.trails.timeline("SYS-001").entries if e.via == "recovery checklist"]
    assert [(e.key, e.date, e.title) for e in ticks] == [
        ("INC-001", "2026-01-06", "step ticked by tester: Stop the writers."),
        ("INC-001", "2026-01-06", "criterion ticked by tester: Indicators of compromise cleared"),
        ("INC-001", "2026-01-06", "step unticked by tester: Stop the writers."),
    ]
    assert not [e for e in estate.trails.timeline("SYS-002").entries if e.via == "recovery checklist"]


def test_refused_ticks_change_nothing(estate: KnowledgeBase, incident: str) -> None:
    estate.resilience.tick(incident, "SYS-001/approval/1")
    revisions = len(estate.history.revisions(incident))
    with pytest.raises(ValidationError, match="already ticked"):
        estate.resilience.tick(incident, "SYS-001/approval/1")
    with pytest.raises(ValidationError, match="is not ticked"):
        estate.resilience.tick(incident, "SYS-001/step/2", done=False)
    with pytest.raises(ValidationError, match="has no checklist item 'SYS-001/step/9'"):
        estate.resilience.tick(incident, "SYS-001/step/9")
    with pytest.raises(ValidationError, match="an incident plan starts from an incident"):
        estate.resilience.tick("SYS-001", "SYS-001/step/1")
    assert len(estate.history.revisions(incident)) == revisions


def test_ticks_follow_their_items_when_the_playbook_changes(estate: KnowledgeBase, incident: str) -> None:
    estate.resilience.tick(incident, "SYS-001/step/1")
    estate.resilience.tick(incident, "SYS-001/criterion/4")
    body = DB_BODY.replace("1. Stop the writers.", "1. Call the DBA on duty.\n1. Stop the writers.")
    estate.update("SYS-001", body=body.replace("- Keys re-issued ([CTL-099](CTL-099))\n", ""))
    plan = estate.resilience.incident_plan(incident)
    assert [i.id for i in plan.items if i.done] == ["SYS-001/step/2"]  # the same step, numbered anew
    assert [(t["item"], t["text"]) for t in plan.orphan_ticks] == [("criterion", "Keys re-issued (CTL-099)")]


def test_the_sample_incident_is_half_way_through(sample_kb: KnowledgeBase) -> None:
    plan = sample_kb.resilience.incident_plan("INC-006")
    assert [s.key for s in plan.systems] == ["SYS-005", "SYS-004", "SYS-001", "SYS-008", "SYS-007"]
    assert plan.orphan_ticks == []
    done = [(i.id, i.by) for i in plan.items if i.done]
    assert done == [("SYS-005/step/1", "Aiko Brennan"), ("SYS-005/step/2", "Aiko Brennan"),
                    ("SYS-005/step/3", "Maren Okafor"), ("SYS-005/criterion/2", "Hannah Vogt"),
                    ("SYS-005/criterion/3", "Hannah Vogt")]
    ticks = [e for e in sample_kb.trails.timeline("SYS-005").entries if e.via == "recovery checklist"]
    assert [e.at for e in ticks] == sorted(e.at for e in ticks) and len(ticks) == 5
