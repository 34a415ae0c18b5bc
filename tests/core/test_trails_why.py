"""Why and impact trails, on the sample (expectations read from resources/sample) and on small
knowledge bases built here for cycles, depth limits and dangling links."""

from __future__ import annotations

import pytest

from kbridge.core import KnowledgeBase
from kbridge.core.trails import Trail, TrailNode
from kbridge.model import LinkType, NotFoundError


def edges(trail: Trail) -> set[tuple[str, str, str]]:
    """(parent key, link as read from the parent, child key) for every edge of the tree."""
    return {(parent.key, child.via, child.key) for parent, child in trail.edges()}


def find(trail: Trail, parent: str, child: str) -> TrailNode:
    for node_parent, node in trail.edges():
        if node_parent.key == parent and node.key == child:
            return node
    raise AssertionError(f"{parent} -> {child} is not in the trail")


def test_why_ctl_001_lists_exactly_its_chain_of_reasons(sample_kb: KnowledgeBase) -> None:
    # CTL-001.md: mitigates RSK-001, implements REQ-004, motivated-by INC-001 and ADR-0017;
    # ADR-0017 is motivated by RSK-001 and INC-001 and supersedes ADR-0008, which is motivated by
    # the same two and supersedes ADR-0002 (git-crypt), which has no reason of its own.
    trail = sample_kb.trails.why("CTL-001")
    assert edges(trail) == {
        ("CTL-001", "mitigates", "RSK-001"),
        ("CTL-001", "implements", "REQ-004"),
        ("CTL-001", "motivated by", "INC-001"),
        ("CTL-001", "motivated by", "ADR-0017"),
        ("ADR-0017", "motivated by", "RSK-001"),
        ("ADR-0017", "motivated by", "INC-001"),
        ("ADR-0017", "supersedes", "ADR-0008"),
        ("ADR-0008", "motivated by", "RSK-001"),
        ("ADR-0008", "motivated by", "INC-001"),
        ("ADR-0008", "supersedes", "ADR-0002"),
    }
    # The link type is on every edge, and applies-to links (CTL-001 applies to three systems) are
    # not reasons.
    assert all(child.link is not None for _, child in trail.edges())
    assert not {"SYS-001", "SYS-002", "SYS-006"} & trail.root.keys()


def test_why_expands_each_record_once_at_its_shallowest_place(sample_kb: KnowledgeBase) -> None:
    trail = sample_kb.trails.why("CTL-001")
    direct = [child for child in trail.root.children if child.key == "INC-001"]
    assert len(direct) == 1 and not direct[0].repeated
    assert find(trail, "ADR-0017", "INC-001").repeated
    assert find(trail, "ADR-0008", "RSK-001").repeated
    assert not find(trail, "ADR-0017", "ADR-0008").repeated


def test_superseded_decisions_on_the_way_are_shown_as_such(sample_kb: KnowledgeBase) -> None:
    trail = sample_kb.trails.why("CTL-001")
    adr_0008 = find(trail, "ADR-0017", "ADR-0008")
    assert adr_0008.superseded and adr_0008.link is LinkType.SUPERSEDES
    assert adr_0008.superseded_by == ["ADR-0017"]
    assert find(trail, "ADR-0008", "ADR-0002").superseded_by == ["ADR-0008"]
    data = trail.as_dict()
    assert data["key"] == "CTL-001" and data["title"].startswith("Secrets are never stored")
    adr_0017 = next(r for r in data["reasons"] if r["key"] == "ADR-0017")
    assert adr_0017["via"] == "motivated by" and adr_0017["link"] == "motivated-by"
    assert next(r for r in adr_0017["reasons"] if r["key"] == "ADR-0008")["superseded_by"] == ["ADR-0017"]


def test_why_of_a_system_follows_the_decisions_that_shaped_it(sample_kb: KnowledgeBase) -> None:
    # SYS-006 (Vault) is affected by ADR-0008, ADR-0014, ADR-0017 and ADR-0021.
    trail = sample_kb.trails.why("SYS-006", depth=1)
    assert [(child.via, child.key) for child in trail.root.children] == [
        ("affected by", "ADR-0008"),
        ("affected by", "ADR-0014"),
        ("affected by", "ADR-0017"),
        ("affected by", "ADR-0021"),
    ]
    # depth 1: each decision has reasons that are not shown; the trail says how many.
    assert {child.key: child.more for child in trail.root.children} == {
        "ADR-0008": 3,  # INC-001, RSK-001, supersedes ADR-0002
        "ADR-0014": 1,  # INC-002
        "ADR-0017": 3,  # RSK-001, INC-001, supersedes ADR-0008
        "ADR-0021": 2,  # INC-004, amends ADR-0012
    }


def test_cycles_terminate_and_are_marked(kb: KnowledgeBase) -> None:
    for title in ("A", "B", "C"):
        kb.create("decision", title)
    kb.links.add("ADR-0001", "motivated-by", "ADR-0002")
    kb.links.add("ADR-0002", "motivated-by", "ADR-0003")
    kb.links.add("ADR-0003", "motivated-by", "ADR-0001")
    trail = kb.trails.why("ADR-0001", depth=12)
    assert edges(trail) == {
        ("ADR-0001", "motivated by", "ADR-0002"),
        ("ADR-0002", "motivated by", "ADR-0003"),
        ("ADR-0003", "motivated by", "ADR-0001"),
    }
    back = find(trail, "ADR-0003", "ADR-0001")
    assert back.cycle and not back.children
    impact = kb.trails.impact("ADR-0001", depth=12)
    assert find(impact, "ADR-0002", "ADR-0001").cycle


def test_depth_limit_leaves_a_more_marker(kb: KnowledgeBase) -> None:
    kb.create("decision", "First")
    for number in range(2, 7):
        kb.create("decision", f"Decision {number}", supersedes=f"ADR-{number - 1:04d}")
    trail = kb.trails.why("ADR-0006", depth=2)
    assert [(depth, node.key) for depth, node in trail.root.walk()] == [
        (0, "ADR-0006"), (1, "ADR-0005"), (2, "ADR-0004"),
    ]
    assert find(trail, "ADR-0005", "ADR-0004").more == 1
    assert trail.as_dict()["reasons"][0]["reasons"][0]["more"] == 1
    assert not any(node.more for _, node in kb.trails.why("ADR-0006", depth=5).root.walk())


def test_a_dangling_reason_is_kept_and_marked(kb: KnowledgeBase) -> None:
    kb.create("control", "Encrypt backups")
    kb.links.add("CTL-001", "mitigates", "RSK-404", allow_dangling=True)
    (child,) = kb.trails.why("CTL-001").root.children
    assert child.key == "RSK-404" and child.dangling and child.kind is None
    assert child.as_dict()["dangling"] is True


def test_unknown_record_is_not_found(sample_kb: KnowledgeBase) -> None:
    with pytest.raises(NotFoundError):
        sample_kb.trails.why("CTL-999")


def test_impact_of_a_requirement_lists_its_controls_and_decisions(sample_kb: KnowledgeBase) -> None:
    # REQ-004 is implemented by CTL-001 and CTL-007 and motivates ADR-0016 (which CTL-007 follows
    # and which affects SYS-001, SYS-002 and SYS-004).
    trail = sample_kb.trails.impact("REQ-004")
    assert edges(trail) == {
        ("REQ-004", "implemented by", "CTL-001"),
        ("REQ-004", "implemented by", "CTL-007"),
        ("REQ-004", "motivates", "ADR-0016"),
        ("ADR-0016", "motivates", "CTL-007"),
        ("ADR-0016", "affects", "SYS-001"),
        ("ADR-0016", "affects", "SYS-002"),
        ("ADR-0016", "affects", "SYS-004"),
    }
    assert set(trail.as_dict()) >= {"key", "title", "dependents"}


def test_impact_of_a_system_lists_dependents_controls_and_decisions(sample_kb: KnowledgeBase) -> None:
    level_one = {(c.via, c.key) for c in sample_kb.trails.impact("SYS-006", depth=1).root.children}
    assert level_one == {
        ("dependency of", "SYS-001"), ("dependency of", "SYS-002"), ("dependency of", "SYS-004"),
        ("dependency of", "SYS-005"),
        ("protected by", "CTL-001"), ("protected by", "CTL-006"),
        ("affected by", "ADR-0008"), ("affected by", "ADR-0014"), ("affected by", "ADR-0017"),
        ("affected by", "ADR-0021"),
    }
    trail = sample_kb.trails.impact("SYS-006", depth=2)
    # Systems are followed along dependencies (SYS-008 depends on SYS-001) ...
    assert find(trail, "SYS-001", "SYS-008").via == "dependency of"
    # ... but a decision's systems are leaves: retiring ADR-0017 takes no system down.
    assert not find(trail, "ADR-0017", "SYS-002").children


_SYSTEM_ONLY = {LinkType.DEPENDS_ON, LinkType.APPLIES_TO}


def test_impact_is_the_inverse_of_why_on_the_whole_sample(sample_kb: KnowledgeBase) -> None:
    checked = 0
    for record in sample_kb.list_records():
        for reason in sample_kb.trails.why(record.key, depth=1).root.children:
            if reason.dangling:
                continue
            dependents = {(c.key, c.via) for c in sample_kb.trails.impact(reason.key, depth=1).root.children}
            assert (record.key, reason.link.inverse_label if reason.direction == "out" else reason.link.label) \
                in dependents, f"{reason.key} does not list {record.key} as a dependent"
            checked += 1
        for dependent in sample_kb.trails.impact(record.key, depth=1).root.children:
            system_edge = dependent.link in _SYSTEM_ONLY or (
                dependent.link is LinkType.AFFECTS and dependent.direction == "in"
            )
            if system_edge:
                continue
            reasons = {c.key for c in sample_kb.trails.why(dependent.key, depth=1).root.children}
            assert record.key in reasons, f"{dependent.key} does not list {record.key} as a reason"
            checked += 1
    assert checked > 100
