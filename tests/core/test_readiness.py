"""Recovery playbooks read from system bodies, criteria linked to controls and decisions, approvers
who left or are nobody here, and overdue exercises, on the hand-built knowledge base of conftest."""

from __future__ import annotations

import datetime as dt

from kbridge.core import KnowledgeBase
from kbridge.core.playbook import parse_playbook, section_of
from kbridge.core.readiness import Estate, parse_period, system_readiness


def test_playbook_is_read_from_its_headings_not_from_any_list() -> None:
    body = """Intro list, not a step:

- one

## Recovery steps

1. First, with **bold** and `code`.
   More about the first step.
   - a nested detail
2. Second (see OPS-12 and [the note](../notes/NOTE-004.md)).

## Safe to restore when

- [x] Tokens revoked ([CTL-007](CTL-007))

## Steps

- a design's steps: this heading says nothing about recovery
"""
    playbook = parse_playbook(body)
    assert [item.text for item in playbook.steps] == [
        "First, with bold and code. More about the first step.",
        "Second (see OPS-12 and the note).",
    ]
    assert playbook.steps[0].detail == "a nested detail"
    assert playbook.steps[1].refs == ("NOTE-004", "OPS-12") and playbook.steps[1].linked == ("NOTE-004",)
    assert [(item.text, item.refs) for item in playbook.criteria] == [("Tokens revoked (CTL-007)", ("CTL-007",))]
    assert not parse_playbook("## Steps\n\n1. build\n\n## Criteria\n\n- cheap\n")
    assert section_of("Safe-to-restore criteria") == "criterion" and section_of("Runbook") == "step"


def test_playbook_parsing_is_bounded() -> None:
    body = "## Recovery playbook\n\n### Steps\n\n" + "".join(f"{n}. step {n}\n" for n in range(1, 400))
    assert len(parse_playbook(body).steps) == 200
    huge = "## Safe to restore when\n\n- " + "*a" * 200_000
    (item,) = parse_playbook(huge).criteria
    assert len(item.text) <= 2_000


def test_criteria_name_the_controls_and_decisions_they_come_from(estate: KnowledgeBase) -> None:
    db = {item.key: item for item in estate.resilience.readiness(dt.date(2026, 3, 1))}["SYS-001"]
    assert [item.text for item in db.steps] == ["Stop the writers.", "Restore the base backup and replay WAL "
                                                "(see the runbook)."]
    assert [(s.key, s.kind) for s in db.steps[1].sources] == [("NOTE-001", "note")]
    sources = [[(s.key, s.kind, s.missing) for s in item.sources] for item in db.criteria]
    assert sources == [
        [("CTL-001", "control", False)],
        [("ADR-0001", "decision", False)],
        [],
        [("CTL-099", "", True)],  # a link to a control that is not (or no longer) here is shown
    ]
    assert db.criteria[0].sources[0].title == "Rotate credentials after an incident"


def test_approvers_and_exercises_in_needs_attention(estate: KnowledgeBase) -> None:
    report = estate.maintenance.check(today=dt.date(2026, 3, 1))
    approver = {f.key: f.message for f in report.findings if f.category == "recovery-approver"}
    assert set(approver) == {"SYS-002", "SYS-003", "SYS-004"}  # not SYS-005: decommissioned
    assert "Gone Person (PER-002) has left" in approver["SYS-002"]
    assert "'Head of Sales' is not a person" in approver["SYS-003"]
    assert approver["SYS-004"].startswith("no recovery approver")
    exercise = {f.key: f.message for f in report.findings if f.category == "overdue-exercise"}
    assert exercise == {"SYS-002": "last exercised 2025-01-02 (test, EVT-003); review period 12 months (default): "
                                   "overdue since 2026-01-02"}
    later = estate.maintenance.check(today=dt.date(2026, 4, 10))  # SYS-001 reviews every 3 months (91 days)
    assert {f.key for f in later.findings if f.category == "overdue-exercise"} == {"SYS-001", "SYS-002"}


def test_a_critical_system_never_exercised_is_overdue(estate: KnowledgeBase) -> None:
    estate.create("system", "vault", fields={"criticality": "critical", "rto": "1h", "approver": "PER-001"})
    estate.create("system", "wiki", fields={"criticality": "low", "rto": "1d", "approver": "PER-001"})
    found = {f.key: f.message for f in estate.maintenance.check(today=dt.date(2026, 3, 1)).findings
             if f.category == "overdue-exercise"}
    assert found["SYS-006"] == "recovery never exercised (review period 12 months (default))"
    assert "SYS-007" not in found


def test_last_exercise_rto_and_period(estate: KnowledgeBase) -> None:
    items = {item.key: item for item in estate.resilience.readiness(dt.date(2026, 3, 1))}
    db, api, reports = items["SYS-001"], items["SYS-002"], items["SYS-004"]
    assert (db.last_exercise.key, db.period_days, db.period_stated, db.rto_met) == ("EVT-001", 91, True, True)
    assert db.exercise_due == dt.date(2026, 4, 4)
    assert (api.rto_met, api.rto_problem()) == (False, "recovered in 3h in EVT-003; RTO is 2h")
    assert reports.last_exercise is None and [e.key for e in reports.exercises] == ["EVT-004"]  # undated
    assert "EVT-005" not in {e.key for item in items.values() for e in item.exercises}  # no exercise field
    assert items["SYS-003"].approver is None and items["SYS-003"].approver_text == "Head of Sales"
    contact = db.approver
    assert (contact.name, contact.email, contact.phone, contact.role) == (
        "Ops Lead", "ops@example.com", "+44 20 7946 0001", "SRE lead")


def test_review_periods_are_read_or_refused() -> None:
    assert [parse_period(text) for text in ("90d", "2 weeks", "6 months", "1 year", "1y")] == [90, 14, 183, 365, 365]
    assert parse_period("6") is None and parse_period("soon") is None and parse_period("") is None


def test_the_sample_shows_a_departed_approver_and_an_overdue_exercise(sample_kb: KnowledgeBase) -> None:
    report = sample_kb.maintenance.check(today=dt.date(2026, 11, 26))
    assert {(f.key, f.person) for f in report.findings if f.category == "recovery-approver"} == {("SYS-004", "PER-004")}
    assert {f.key for f in report.findings if f.category == "overdue-exercise"} == {"SYS-006"}
    critical = [i for i in sample_kb.resilience.readiness(dt.date(2026, 11, 26)) if i.criticality == "critical"]
    assert all(item.steps and item.criteria for item in critical)
    controls = {s.key for item in critical for c in item.criteria for s in c.sources if s.kind == "control"}
    assert {"CTL-001", "CTL-008", "CTL-009", "CTL-011"} <= controls
    assert not [s for item in critical for c in item.criteria for s in c.sources if s.missing]


def test_the_findings_need_no_bodies_and_no_other_kinds(estate: KnowledgeBase) -> None:
    """Needs attention reads systems, events and people without bodies (the whole estate of a
    million records: 1.6 GB): the approvers and exercises of every system are the same."""

    def problems(of: Estate) -> list[tuple[str, str, str]]:
        return [(item.key, item.approver_problem(), item.exercise_problem())
                for item in system_readiness(of, dt.date(2026, 6, 1))]

    whole, fields = Estate.of(estate), Estate.of_fields(estate)
    assert len(whole.records) > len(fields.records)  # it has less to read
    assert all(record.body == "" for record in fields.records.values())
    assert any(approver or exercise for _, approver, exercise in problems(whole))
    assert problems(fields) == problems(whole)
