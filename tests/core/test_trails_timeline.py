"""A system's timeline, checked against what the sample's files say about the ledger (SYS-002)."""

from __future__ import annotations

import datetime as dt

import pytest

from kbridge.core import KnowledgeBase
from kbridge.core.timeline import STATUS_CHANGE, parse_timeline_kinds
from kbridge.model import ValidationError

# Every dated record linked to SYS-002 (affects -> SYS-002, applies-to -> SYS-002), and SYS-002.
LEDGER_HISTORY = [
    ("2020-06-18", "ADR-0006", "affected by"),
    ("2020-06-29", "CTL-010", "protected by"),
    ("2020-07-06", "SYS-002", "self"),
    ("2020-07-06", "EVT-002", "affected by"),
    ("2021-09-27", "RSK-005", "affected by"),
    ("2021-11-15", "RSK-002", "affected by"),
    ("2022-02-14", "ADR-0012", "affected by"),
    ("2022-06-13", "CTL-005", "protected by"),
    ("2022-07-01", "CTL-015", "protected by"),
    ("2022-09-12", "INC-003", "affected by"),
    ("2022-09-14", "EVT-006", "affected by"),
    ("2022-09-19", "RSK-007", "affected by"),
    ("2022-10-17", "CTL-009", "protected by"),
    ("2022-11-21", "ADR-0015", "affected by"),
    ("2023-01-16", "EVT-010", "affected by"),
    ("2023-02-06", "ADR-0016", "affected by"),
    ("2023-06-12", "ADR-0017", "affected by"),
    ("2023-09-18", "CTL-007", "protected by"),
    ("2023-10-02", "CTL-001", "protected by"),
    ("2023-11-20", "RSK-003", "affected by"),
    ("2024-01-22", "ADR-0020", "affected by"),
    ("2024-11-04", "EVT-014", "affected by"),
    ("2026-10-14", "EVT-021", "affected by"),  # the quarterly restore test: an exercise
]


def test_ledger_timeline_in_date_order(sample_kb: KnowledgeBase) -> None:
    timeline = sample_kb.trails.timeline("SYS-002")
    assert [(e.date, e.key, e.via) for e in timeline.entries] == LEDGER_HISTORY
    assert timeline.undated == []
    data = timeline.as_dict()
    assert data["key"] == "SYS-002" and data["title"] == "Ledger database (PostgreSQL)"
    assert data["entries"][9] == {
        "key": "INC-003",
        "kind": "incident",
        "title": "Ledger volume filled during month-end and posting stopped",
        "date": "2022-09-12",
        "via": "affected by",
        "status": "resolved",
    }


def test_filter_by_kind(sample_kb: KnowledgeBase) -> None:
    events = sample_kb.trails.timeline("SYS-002", ["event", "incident"])
    assert [e.key for e in events.entries] == ["EVT-002", "INC-003", "EVT-006", "EVT-010", "EVT-014",
                                                "EVT-021"]
    assert parse_timeline_kinds(["decisions,events", "status"]) == ["decision", "event", STATUS_CHANGE]
    with pytest.raises(ValidationError, match="timeline shows no person"):
        parse_timeline_kinds(["people"])


def test_status_changes_from_revisions_join_the_timeline(sample_kb: KnowledgeBase) -> None:
    sample_kb.set_status("ADR-0020", "deprecated", reason="multi-region programme funded")
    sample_kb.set_status("SYS-002", "deprecated")
    timeline = sample_kb.trails.timeline("SYS-002")
    changes = [e for e in timeline.entries if e.change]
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    assert [(e.key, e.change, e.date) for e in changes] == [
        ("ADR-0020", ("accepted", "deprecated"), today),
        ("SYS-002", ("active", "deprecated"), today),
    ]
    assert timeline.entries[-2:] == changes  # today is after everything in the sample
    only_changes = sample_kb.trails.timeline("SYS-002", [STATUS_CHANGE])
    assert only_changes.entries == changes
    assert only_changes.as_dict()["entries"][0]["change"]["from"] == "accepted"


def test_undated_records_are_listed_apart(kb: KnowledgeBase) -> None:
    kb.create("system", "Billing", date="2021-01-01")
    kb.create("control", "Backups")  # no date
    kb.create("event", "Cut-over", date="2021-03-01")
    kb.links.add("CTL-001", "applies-to", "SYS-001")
    kb.links.add("EVT-001", "affects", "SYS-001")
    timeline = kb.trails.timeline("SYS-001")
    assert [e.key for e in timeline.entries] == ["SYS-001", "EVT-001"]
    assert [e.key for e in timeline.undated] == ["CTL-001"]


def test_timeline_of_anything_but_a_system_is_a_clear_error(sample_kb: KnowledgeBase) -> None:
    with pytest.raises(ValidationError, match="ADR-0017 is a decision"):
        sample_kb.trails.timeline("ADR-0017")
