"""A knowledge base built by hand for the resilience rules (playbooks, approvers, exercises, incident
plans, the scorecard), and a clock the tests set, so that revisions carry the days a test needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from kbridge.core import KnowledgeBase

CLOCK_USERS = ("knowledge_base", "links_api", "trails_api", "resilience_api")

DB_BODY = """The ledger's database.

## Recovery playbook

### Steps

1. Stop the writers.
2. Restore the base backup and replay WAL (see [the runbook](NOTE-001)).

### Safe to restore when

- [ ] Credentials rotated ([CTL-001](CTL-001))
- Image rebuilt from a known-good source ([ADR-0001](ADR-0001))
- Indicators of compromise cleared
- Keys re-issued ([CTL-099](CTL-099))

```
- not a criterion: inside a code fence
```

## Design

- not a criterion either
"""


@dataclass
class Clock:
    now: dt.datetime

    def __call__(self) -> str:
        return self.now.isoformat(timespec="seconds")

    def set(self, day: str, time: str = "12:00:00") -> None:
        self.now = dt.datetime.fromisoformat(f"{day}T{time}+00:00")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Revisions are saved at the time this clock says (2026-01-05 noon UTC until set)."""
    fixed = Clock(dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.timezone.utc))
    for module in CLOCK_USERS:
        monkeypatch.setattr(f"kbridge.core.{module}.utc_now", fixed)
    return fixed


@pytest.fixture
def estate(kb: KnowledgeBase, clock: Clock) -> KnowledgeBase:
    """People, controls and five systems, with their exercises, saved on 2026-01-05:

    SYS-001 db      critical, RTO 1h, approver Ops Lead, review every 3 months, the playbook above,
                    exercised (test, 50m) on 2026-01-03 and (tabletop) on 2025-05-01
    SYS-002 api     critical, RTO 2h, needs SYS-001, approver Gone Person (left), owned by her,
                    no playbook, exercised (test, 3h) on 2025-01-02
    SYS-003 portal  high, RTO 4h, needs SYS-002, approver "Head of Sales" (nobody here)
    SYS-004 reports medium, no approver; an exercise without a date
    SYS-005 legacy  decommissioned, critical, approver Gone Person
    """
    kb.create("person", "Ops Lead", fields={"email": "ops@example.com", "phone": "+44 20 7946 0001",
                                            "role": "SRE lead"})
    kb.create("person", "Gone Person", fields={"email": "gone@example.com"})
    kb.create("person", "Risk Officer")
    kb.create("note", "Database restore runbook", tags=["runbook"])
    kb.create("risk", "Credentials stolen", review_by="2026-02-01")
    kb.create("decision", "Rebuild from golden images", status="accepted", owner="PER-002")
    kb.create("control", "Rotate credentials after an incident", status="implemented",
              fields={"rationale": "Stolen credentials outlive a rebuild."})
    kb.links.add("CTL-001", "mitigates", "RSK-001")
    kb.create("control", "Golden images only", status="implemented")
    systems = [
        ("db", "critical", "1h", "PER-001", DB_BODY, {"review_period": "3 months"}, None),
        ("api", "critical", "2h", "PER-002", "The API.", {}, "PER-002"),
        ("portal", "high", "4h", "Head of Sales", "", {}, None),
        ("reports", "medium", "1d", "", "", {}, None),
        ("legacy", "critical", "1h", "Gone Person", "", {}, None),
    ]
    for title, criticality, rto, approver, body, extra, owner in systems:
        fields = {"criticality": criticality, "rto": rto, "rpo": "15m", **extra}
        if approver:
            fields["approver"] = approver
        kb.create("system", title, body=body, fields=fields, owner=owner,
                  status="decommissioned" if title == "legacy" else "active")
    kb.links.add("SYS-002", "depends-on", "SYS-001")
    kb.links.add("SYS-003", "depends-on", "SYS-002")
    exercises = [
        ("db restore test", "2026-01-03", {"exercise": "test", "result": "passed", "recovery_time": "50m"}, "SYS-001"),
        ("db tabletop", "2025-05-01", {"exercise": "tabletop", "result": "passed"}, "SYS-001"),
        ("api restore test", "2025-01-02", {"exercise": "test", "result": "partial", "recovery_time": "3h"},
         "SYS-002"),
        ("reports walk-through", None, {"exercise": "tabletop"}, "SYS-004"),
        ("not an exercise", "2026-01-01", {}, "SYS-003"),
    ]
    for title, date, fields, system in exercises:
        key = kb.create("event", title, date=date, fields=fields).key
        kb.links.add(key, "affects", system)
    kb.set_status("PER-002", "departed")
    return kb
