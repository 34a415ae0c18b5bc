"""Recovery order on a dependency graph built here (with a cycle and a missing RTO), and on the sample."""

from __future__ import annotations

import pytest

from kbridge.core import KnowledgeBase
from kbridge.core.recovery import parse_duration
from kbridge.model import Record, ValidationError
from kbridge.storage import whole_base

# name: (criticality, rto, depends on)
SYSTEMS = {
    "payments": ("critical", "1h", ["database"]),
    "database": ("low", "8h", []),  # low itself, but payments waits for it
    "identity": ("high", "2h", []),
    "reports": ("medium", None, ["identity"]),  # no RTO
    "queue": ("high", "4h", ["broker", "identity"]),  # queue <-> broker: a cycle
    "broker": ("high", "3h", ["queue"]),
    "edge": ("critical", "30m", []),  # no owner
    "legacy": ("high", "1h", []),  # decommissioned: not restored
    "portal": ("high", "1d", ["legacy"]),
}


@pytest.fixture
def systems(kb: KnowledgeBase) -> dict[str, str]:
    kb.create("person", "Ops Lead")
    kb.create("person", "Risk Officer")
    keys = {}
    for name, (criticality, rto, _) in SYSTEMS.items():
        fields = {"criticality": criticality, "rpo": "15m", "approver": "PER-002"}
        if rto:
            fields["rto"] = rto
        status = "decommissioned" if name == "legacy" else "active"
        owner = None if name == "edge" else "PER-001"
        keys[name] = kb.create("system", name, fields=fields, owner=owner, status=status).key
    for name, (_, _, needs) in SYSTEMS.items():
        for other in needs:
            kb.links.add(keys[name], "depends-on", keys[other])
    return keys


def test_restore_order_exactly(kb: KnowledgeBase, systems: dict[str, str]) -> None:
    plan = kb.trails.restore_order()
    name = {key: n for n, key in systems.items()}
    assert [(step.position, name[step.key], step.wave) for step in plan.steps] == [
        (1, "edge", 1),  # critical, 30m, needs nothing
        (2, "database", 1),  # inherits critical/1h from payments, which waits for it
        (3, "payments", 2),
        (4, "identity", 1),  # high, 2h
        (5, "broker", 2),  # the cycle (high): broker's own RTO 3h beats queue's 4h
        (6, "queue", 2),
        (7, "portal", 1),  # high, 1d; its dependency is decommissioned
        (8, "reports", 2),  # medium
    ]
    assert plan.cycles == [sorted([systems["queue"], systems["broker"]])]
    gaps = {(name[item["key"]], item["gap"]) for item in plan.gaps()}
    cycle_text = "in a dependency cycle: " + " → ".join(plan.cycles[0])
    assert gaps == {
        ("edge", "no owner"),
        ("reports", "no RTO"),
        ("queue", cycle_text),
        ("broker", cycle_text),
        ("portal", f"depends on {systems['legacy']}, which is decommissioned"),
    }
    assert plan.excluded == [{"key": systems["legacy"], "status": "decommissioned"}]
    assert plan.unresolved == [
        {"key": systems["portal"], "depends_on": systems["legacy"], "problem": "is decommissioned"}
    ]
    step = plan.steps[2].as_dict()
    assert step["depends_on"] == [systems["database"]]
    assert step["owner"] == {"key": "PER-001", "name": "Ops Lead", "departed": False}
    assert step["approver"] == {"key": "PER-002", "name": "Risk Officer", "departed": False}
    assert step["cycle"] is None and plan.steps[4].as_dict()["cycle"] == 0


def test_restore_order_of_one_system_is_it_and_what_it_needs(kb: KnowledgeBase, systems: dict[str, str]) -> None:
    plan = kb.trails.restore_order(systems["queue"])
    assert [step.key for step in plan.steps] == [systems[n] for n in ("identity", "broker", "queue")]
    assert plan.as_dict()["system"] == systems["queue"]
    with pytest.raises(ValidationError, match="restore-order takes a system"):
        kb.trails.restore_order("PER-001")


def test_dangling_dependency_and_departed_people_are_gaps(kb: KnowledgeBase) -> None:
    kb.create("person", "Gone", status="departed")
    kb.create("system", "Api", owner="PER-001", fields={"criticality": "high", "rto": "2h", "rpo": "1h",
                                                        "approver": "Nobody Known"})
    kb.links.add("SYS-001", "depends-on", "SYS-legacy-db", allow_dangling=True)
    (step,) = kb.trails.restore_order().steps
    assert step.gaps == [
        "owner Gone (PER-001) has left",
        "approver 'Nobody Known' is not a person here",
        "depends on SYS-legacy-db, which is not in the knowledge base",
    ]


def test_check_reports_recovery_gaps(kb: KnowledgeBase, systems: dict[str, str]) -> None:
    found = {(f.key, f.message) for f in kb.maintenance.check().findings if f.category == "recovery-gap"}
    cycle = "in a dependency cycle: " + " → ".join(sorted([systems["queue"], systems["broker"]]))
    assert found == {
        (systems["edge"], "no owner"),
        (systems["reports"], "no RTO"),
        (systems["queue"], cycle),
        (systems["broker"], cycle),
    }


def test_sample_restore_order(sample_kb: KnowledgeBase) -> None:
    # From the sample's depends-on links: SYS-003 (Okta) is the root; everything critical needs
    # Vault (SYS-006); SYS-008 has no RTO and SYS-007 no owner.
    plan = sample_kb.trails.restore_order()
    assert [step.key for step in plan.steps] == [
        "SYS-003", "SYS-006", "SYS-002", "SYS-005", "SYS-004", "SYS-001", "SYS-008", "SYS-007",
    ]
    assert plan.cycles == []
    by_key = {step.key: step for step in plan.steps}
    assert by_key["SYS-008"].gaps == ["no RTO"]
    assert by_key["SYS-007"].gaps == ["no owner"]
    assert by_key["SYS-006"].gaps == ["owner Tomasz Lindqvist (PER-002) has left"]
    assert [g.key for g in by_key["SYS-002"].governing] == ["CTL-009", "ADR-0015", "ADR-0020"]
    assert by_key["SYS-002"].approver is not None and by_key["SYS-002"].approver.key == "PER-003"
    for step in plan.steps:  # dependencies always come first
        earlier = {s.key for s in plan.steps[: step.position - 1]}
        assert set(step.depends_on) <= earlier


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("15m", 15), ("2h", 120), ("1 day", 1440), ("4 hours", 240), ("1.5h", 90), ("3", 180), ("soon", None)],
)
def test_durations(text: str, minutes: float | None) -> None:
    assert parse_duration(text) == minutes


def test_the_restore_order_makes_summaries_only_of_what_systems_refer_to(
    kb: KnowledgeBase, systems: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Of the records that are not systems, only people and what a system depends on or is
    governed by are read (every record's summary: 770 MB at a million); the plan is the same."""
    before = kb.trails.restore_order()
    note = kb.create("note", "The shared disk", tags=["recovery"]).key
    kb.links.add(systems["payments"], "depends-on", note)
    decision = kb.create("decision", "Fail over by hand", status="accepted", tags=["recovery"]).key
    kb.links.add(decision, "affects", systems["payments"])
    unrelated = {kb.create("note", f"Unrelated {n}").key for n in range(20)}
    kb.links.add(next(iter(unrelated)), "relates-to", note)  # linked, but not to a system
    made: list[str] = []
    original = whole_base.summaries

    def recorded(*args: object, **kwargs: object) -> list[Record]:
        found = original(*args, **kwargs)  # type: ignore[arg-type]
        made.extend(record.key for record in found)
        return found

    monkeypatch.setattr(whole_base, "summaries", recorded)
    plan = kb.trails.restore_order()
    assert set(made) == {"PER-001", "PER-002", note, decision}
    payments = next(step for step in plan.steps if step.key == systems["payments"])
    assert f"depends on {note}, which is not a system" in payments.gaps
    assert [governor.key for governor in payments.governing] == [decision]
    assert [step.key for step in plan.steps] == [step.key for step in before.steps]
