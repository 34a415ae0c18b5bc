"""Knowledge at risk: what a departed person holds, grouped, and handing it to someone else."""

from __future__ import annotations

import datetime as dt

import pytest

from kbridge.core import KnowledgeBase
from kbridge.core.checks import CheckReport, Finding
from kbridge.core.ownership import APPROVER, OWNED_BY_LINK, OWNER
from kbridge.model import LinkType, ValidationError

TODAY = dt.date(2026, 11, 26)


def departed_groups(report: CheckReport) -> dict[str, list[Finding]]:
    """The report's departed-owner findings by person key."""
    groups: dict[str, list[Finding]] = {}
    for finding in report.findings:
        if finding.category == "departed-owner" and finding.person:
            groups.setdefault(finding.person, []).append(finding)
    return groups


def test_departed_owners_grouped_by_person(sample_kb: KnowledgeBase) -> None:
    groups = departed_groups(sample_kb.maintenance.check(TODAY))
    assert sorted(groups) == ["PER-002", "PER-004"]
    # Vault (SYS-006) is Tomasz's, Kafka (SYS-004) Daniel's (NOTE-001, "Owners who have left").
    assert "SYS-006" in {f.key for f in groups["PER-002"]}
    assert "SYS-004" in {f.key for f in groups["PER-004"]}
    held = {h.record.key for h in sample_kb.trails.holdings("PER-002")}
    assert held == {f.key for f in groups["PER-002"]}


def test_reassign_everything_makes_one_revision_per_record(sample_kb: KnowledgeBase) -> None:
    held = sample_kb.trails.holdings("PER-002")
    before = {h.record.key: len(sample_kb.history.revisions(h.record.key)) for h in held}
    changes = sample_kb.trails.reassign("PER-002", "PER-001", reason="Tomasz left in 2025")
    assert {sample_kb.get(uid).key for uid in changes.changes.updated} == set(before)
    for key, count in before.items():
        revisions = sample_kb.history.revisions(key)
        assert len(revisions) == count + 1
        assert revisions[-1].reason == "Tomasz left in 2025"
        assert sample_kb.get(key).owner_key == "PER-001"
    assert sample_kb.trails.holdings("PER-002") == []
    assert "PER-002" not in departed_groups(sample_kb.maintenance.check(TODAY))


def test_reassign_some_records_only(sample_kb: KnowledgeBase) -> None:
    sample_kb.trails.reassign("PER-004", "PER-005", ["SYS-004"])
    assert sample_kb.get("SYS-004").owner_key == "PER-005"
    remaining = {h.record.key for h in sample_kb.trails.holdings("PER-004")}
    assert remaining and "SYS-004" not in remaining
    assert sample_kb.history.revisions("SYS-004")[-1].reason == "reassigned from PER-004 to PER-005"


def test_reassign_refuses_bad_requests_and_changes_nothing(sample_kb: KnowledgeBase) -> None:
    revisions = len(sample_kb.history.revisions("SYS-006"))
    with pytest.raises(ValidationError, match="has left"):
        sample_kb.trails.reassign("PER-002", "PER-004")
    with pytest.raises(ValidationError, match="PER-002 does not hold CTL-001"):
        sample_kb.trails.reassign("PER-002", "PER-001", ["SYS-006", "CTL-001"])
    with pytest.raises(ValidationError, match="not a person"):
        sample_kb.trails.reassign("PER-002", "SYS-001")
    assert len(sample_kb.history.revisions("SYS-006")) == revisions
    assert sample_kb.get("SYS-006").owner_key == "PER-002"


def test_owned_by_links_and_approvers_move_too(kb: KnowledgeBase) -> None:
    kb.create("person", "Leaver", status="departed")
    kb.create("person", "Stayer")
    kb.create("system", "Vault", fields={"approver": "PER-001", "rto": "1h"}, owner="PER-001")
    kb.create("control", "Audit")
    kb.links.add("CTL-001", "owned-by", "PER-001")
    roles = {h.record.key: h.roles for h in kb.trails.holdings("PER-001")}
    assert roles == {"CTL-001": (OWNED_BY_LINK,), "SYS-001": (OWNER, APPROVER)}
    kb.trails.reassign("PER-001", "PER-002")
    assert kb.get("SYS-001").fields["approver"] == "PER-002"
    assert kb.get("SYS-001").owner_key == "PER-002"
    owners = [(link.type, link.key) for link in kb.links.of("CTL-001") if link.type is LinkType.OWNED_BY]
    assert owners == [(LinkType.OWNED_BY, "PER-002")]
    reasons = [r.reason for r in kb.history.revisions("CTL-001")]
    assert reasons[-2:] == ["owned by PER-001", "reassigned from PER-001 to PER-002"]
