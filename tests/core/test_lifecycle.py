"""The decision lifecycle in the facade: one supersede operation whatever asks for it, cycles
refused, partial supersedes, status given back, restores that would contradict the links, no
overdue review for what is no longer in force, and a control's rationale."""

from __future__ import annotations

import datetime as dt

import pytest

from kbridge.core import KnowledgeBase, utc_now
from kbridge.model import ConflictError, Link, LinkType, RecordResult, ValidationError
from kbridge.render import record_page_html


def _key(kb: KnowledgeBase, created: RecordResult) -> str:
    return created.key


def _decisions(kb: KnowledgeBase, *titles: str, status: str = "accepted") -> list[str]:
    return [_key(kb, kb.create("decision", title, status=status)) for title in titles]


def _categories(kb: KnowledgeBase) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in kb.maintenance.check().findings:
        found.setdefault(finding.category, []).append(finding.key)
    return found


# --- one operation ---------------------------------------------------------------------------


def test_a_supersedes_link_is_the_supersede_operation(kb: KnowledgeBase) -> None:
    old, new = _decisions(kb, "Use RabbitMQ", "Use Kafka")
    changes = kb.links.add(new, "supersedes", old).changes
    assert kb.get(old).status == "superseded"
    assert kb.history.revisions(old)[-1].reason == f"superseded by {new}"
    assert {kb.get(old).uid, kb.get(new).uid} <= changes.updated
    assert [(link.label, link.key) for link in kb.links.of(old)] == [("superseded by", new)]
    assert "superseded-alone" not in _categories(kb) and "status-contradicts-links" not in _categories(kb)


def test_new_supersedes_several_at_once(kb: KnowledgeBase) -> None:
    first, second = _decisions(kb, "One", "Two")
    new = _key(kb, kb.create("decision", "Both", supersedes=[first, "adr-2"]))
    assert kb.get(first).status == kb.get(second).status == "superseded"
    assert [link.key for link in kb.links.of(new)] == [first, second]


def test_supersede_refuses_a_cycle_and_changes_nothing(kb: KnowledgeBase) -> None:
    a, b, c = _decisions(kb, "A", "B", "C")
    kb.lifecycle.supersede(a, b)
    kb.lifecycle.supersede(b, c)
    revisions = kb.maintenance.stats()["revisions"]
    with pytest.raises(ValidationError, match=f"{a} cannot supersede {c}: {c} supersedes {b} supersedes {a} already"):
        kb.lifecycle.supersede(c, a)
    with pytest.raises(ValidationError, match="cycle"):
        kb.links.add(a, "supersedes", b)
    with pytest.raises(ValidationError, match="cannot supersede itself"):
        kb.lifecycle.supersede(a, a)
    assert kb.maintenance.stats()["revisions"] == revisions
    assert kb.get(c).status == "accepted"
    assert [(link.label, link.key) for link in kb.links.of(a)] == [("superseded by", b)]


def test_only_records_of_one_kind_supersede_each_other(kb: KnowledgeBase) -> None:
    (decision,) = _decisions(kb, "A")
    risk = _key(kb, kb.create("risk", "Outage"))
    with pytest.raises(ValidationError, match="only a decision can supersede a decision"):
        kb.lifecycle.supersede(risk, decision)
    old, new = (_key(kb, kb.create("requirement", t)) for t in ("ISO 27001:2013 A.9", "ISO 27001:2022 A.5.15"))
    kb.lifecycle.supersede(old, new)  # no "superseded" status for a requirement: linked, status kept
    assert kb.get(old).status == "active" and kb.links.of(old)[0].label == "superseded by"


def test_superseding_again_is_a_conflict_but_repairs_a_status_left_behind(kb: KnowledgeBase) -> None:
    old, new = _decisions(kb, "Old", "New")
    kb.lifecycle.supersede(old, new)
    with pytest.raises(ConflictError, match=f"{new} already supersedes {old}"):
        kb.lifecycle.supersede(old, new)
    kb.update(old, status="accepted")  # an import (no rules) put the file's status back
    changes = kb.lifecycle.supersede(old, new).changes
    assert kb.get(old).status == "superseded" and changes.updated == {kb.get(old).uid}


def test_a_rejected_or_trashed_successor_replaces_nothing(kb: KnowledgeBase) -> None:
    old, rejected = _decisions(kb, "Old", "Rejected proposal")
    kb.update(rejected, status="rejected")
    kb.lifecycle.supersede(old, rejected)
    assert kb.get(old).status == "accepted"  # linked, as the file says, but still in force
    (trashed,) = _decisions(kb, "Trashed")
    kb.delete(trashed)
    kb.lifecycle.supersede(old, trashed)
    assert kb.get(old).status == "accepted"
    assert _categories(kb) == {}


def test_a_partial_supersede_is_an_amends_link_and_changes_no_status(kb: KnowledgeBase) -> None:
    old, new, other = _decisions(kb, "Networking outline", "IP ranges", "Peering")
    kb.links.add(new, "supersedes", old, note="in part")
    kb.lifecycle.supersede(old, other, note="supersedes some aspects of")
    assert kb.get(old).status == "accepted"
    kinds = {(link.type, link.key, link.note) for link in kb.links.of(old)}
    assert kinds == {(LinkType.AMENDS, new, "supersedes in part"),
                     (LinkType.AMENDS, other, "supersedes some aspects of")}


def test_a_dangling_supersede_resolved_later_marks_the_old_record(kb: KnowledgeBase) -> None:
    (new,) = _decisions(kb, "New")
    kb.links.add(new, "supersedes", "ADR-0007", allow_dangling=True)
    old = _key(kb, kb.create("decision", "Old", key="ADR-0007", status="accepted"))
    kb.links.resolve_dangling()
    assert kb.get(old).status == "superseded"


def test_a_bare_number_names_the_decision_of_that_number(kb: KnowledgeBase) -> None:
    _decisions(kb, "One", "Two")
    assert kb.get("2").key == "ADR-0002" and kb.get("0001").key == "ADR-0001"


# --- removing the link: the status back ------------------------------------------------------


def test_unlink_can_give_back_the_status_from_before(kb: KnowledgeBase) -> None:
    old, new = _decisions(kb, "Old", "New")
    kb.update(old, status="deprecated")
    kb.lifecycle.supersede(old, new)
    kb.links.remove(new, "supersedes", old)
    assert kb.get(old).status == "superseded"
    assert kb.lifecycle.restorable_status(old) == "deprecated"
    assert _categories(kb) == {"superseded-alone": [old]}
    kb.lifecycle.supersede(old, new)
    kb.links.remove(new, "supersedes", old, restore_status=True)
    assert kb.get(old).status == "deprecated" and kb.lifecycle.restorable_status(old) is None
    assert _categories(kb) == {}


def test_nothing_to_give_back_while_another_supersedes_it_or_without_history(kb: KnowledgeBase) -> None:
    old, first, second = _decisions(kb, "Old", "First", "Second")
    kb.lifecycle.supersede(old, first)
    kb.lifecycle.supersede(old, second)
    kb.links.remove(first, "supersedes", old)
    assert kb.lifecycle.restorable_status(old) is None
    with pytest.raises(ConflictError, match=f"still superseded by {second}"):
        kb.lifecycle.restore_status(old)
    born = _key(kb, kb.create("decision", "Imported superseded", status="superseded"))
    kb.lifecycle.supersede(born, second)
    with pytest.raises(ValidationError, match="had no other status"):
        kb.links.remove(second, "supersedes", born, restore_status=True)
    assert [link.key for link in kb.links.of(born)] == [second]  # the unlink was undone too


# --- restore ---------------------------------------------------------------------------------


def test_restore_says_when_the_status_contradicts_the_links_and_can_keep_it(kb: KnowledgeBase) -> None:
    old, new = _decisions(kb, "Old", "New")
    kb.update(old, body="First words.")
    accepted_rev = kb.history.revisions(old)[-1].rev
    kb.lifecycle.supersede(old, new)
    conflict = kb.lifecycle.restore_conflict(old, accepted_rev)
    assert conflict is not None and conflict.status == "accepted"
    assert f"{old} is superseded by {new}" in conflict.message
    kb.update(old, body="Later words.")
    kb.history.restore(old, accepted_rev, keep_consistent=True)
    assert (kb.get(old).status, kb.get(old).body) == ("superseded", "First words.")
    kb.update(old, body="Later words.")
    kb.history.restore(old, accepted_rev)
    assert kb.get(old).status == "accepted"
    assert _categories(kb) == {"status-contradicts-links": [old]}


def test_restoring_superseded_after_the_link_went_is_a_conflict_too(kb: KnowledgeBase) -> None:
    old, new = _decisions(kb, "Old", "New")
    kb.lifecycle.supersede(old, new)
    superseded_rev = kb.history.revisions(old)[-1].rev
    kb.links.remove(new, "supersedes", old, restore_status=True)
    conflict = kb.lifecycle.restore_conflict(old, superseded_rev)
    assert conflict is not None and "nothing in force supersedes" in conflict.message
    kb.update(old, status="proposed", body="Rewritten.")
    kb.history.restore(old, superseded_rev, keep_consistent=True)
    assert (kb.get(old).status, kb.get(old).body) == ("proposed", "")
    assert kb.lifecycle.restore_conflict(old, 1) is None  # revision 1 was accepted, as nothing supersedes it


# --- rules a person's change meets ---------------------------------------------------------------


def test_superseded_only_with_a_successor_for_a_person(kb: KnowledgeBase) -> None:
    (old,) = _decisions(kb, "Old")
    with pytest.raises(ValidationError, match=f"nothing supersedes {old}"):
        kb.set_status(old, "superseded", strict=True)
    with pytest.raises(ValidationError, match="cannot start superseded"):
        kb.create("decision", "New", status="superseded", strict=True)
    assert kb.get(old).status == "accepted"
    kb.set_status(old, "superseded")  # an import or sync states it: kept, and reported
    assert _categories(kb) == {"superseded-alone": [old]}


def test_a_control_needs_its_rationale(kb: KnowledgeBase) -> None:
    with pytest.raises(ValidationError, match="a control needs its rationale"):
        kb.create("control", "MFA", strict=True)
    with pytest.raises(ValidationError, match="a control needs its rationale"):
        kb.create("control", "MFA", body="## Rationale\n\n## Scope\n\nAll staff.", strict=True)
    with pytest.raises(ValidationError, match="a control needs its rationale"):
        kb.create("control", "MFA", body="```\n## Rationale\nnot a heading\n```\n", strict=True)
    assert kb.list_records() == []
    by_field = _key(kb, kb.create("control", "MFA", fields={"rationale": "Phishing"}, strict=True))
    by_body = _key(kb, kb.create("control", "WAF", body="# WAF\n\n## Rationale\n\nPCI DSS 6.4.", strict=True))
    with pytest.raises(ValidationError, match="a control needs its rationale"):
        fields = {name: value for name, value in kb.get(by_field).fields.items() if name != "rationale"}
        kb.update(by_field, fields=fields, strict=True)
    with pytest.raises(ValidationError, match="a control needs its rationale"):
        kb.update(by_body, body="# WAF", strict=True)
    assert kb.get(by_field).fields == {"rationale": "Phishing"}
    imported = _key(kb, kb.create("control", "Legacy"))  # imports keep what the file says
    kb.set_status(imported, "implemented", strict=True)  # other changes stay possible
    assert next(f.message for f in kb.maintenance.check().findings if f.key == imported).startswith("no rationale")
    assert not [f for f in kb.maintenance.check().findings if f.key == by_body and "rationale" in f.message]


def test_no_overdue_review_for_what_is_no_longer_in_force(kb: KnowledgeBase) -> None:
    past = dt.date.today() - dt.timedelta(days=10)
    keys = {status: _key(kb, kb.create("decision", status, status=status, review_by=past))
            for status in ("accepted", "superseded", "deprecated", "rejected")}
    system = _key(kb, kb.create("system", "Old mainframe", status="deprecated", review_by=past))
    assert [kb.get(key).is_overdue() for key in keys.values()] == [True, False, False, False]
    assert not kb.get(system).is_overdue()
    assert _categories(kb)["overdue-review"] == [keys["accepted"]]
    pages = {status: record_page_html(kb.get(key), [], status_hex=lambda s: "#000000", record_href=str)
             for status, key in keys.items()}
    assert "(overdue)" in pages["accepted"] and "(overdue)" not in pages["superseded"] + pages["rejected"]


# --- what check reports ----------------------------------------------------------------------


def test_check_reports_successors_that_are_not_in_force(kb: KnowledgeBase) -> None:
    old, new, other, gone = _decisions(kb, "Old", "New", "Other old", "Gone")
    kb.lifecycle.supersede(old, new)
    kb.update(new, status="rejected")
    kb.lifecycle.supersede(other, gone)
    kb.delete(gone)
    found = {f.key: f.message for f in kb.maintenance.check().findings if f.category == "successor-not-in-force"}
    assert found == {old: f"superseded, but {new} is rejected", other: f"superseded, but {gone} is in the trash"}


def test_check_reports_a_supersede_cycle_from_older_data(kb: KnowledgeBase) -> None:
    a, b, c, d = _decisions(kb, "A", "B", "C", "D")
    kb.lifecycle.supersede(a, b)
    kb.lifecycle.supersede(b, c)
    uids = {key: kb.get(key).uid for key in (a, b, c, d)}
    with kb.transaction():  # written before this rule existed, straight into the database
        kb._store.insert_link(Link(uids[a], LinkType.SUPERSEDES, uids[c]), utc_now())
    cycles = [f for f in kb.maintenance.check().findings if f.category == "supersede-cycle"]
    assert sorted(f.key for f in cycles) == [a, b, c]
    assert all(f.message == f"supersede cycle: {a} supersedes {c} supersedes {b} supersedes {a}" for f in cycles)


def test_a_superseded_record_whose_successor_is_outside_is_not_reported(kb: KnowledgeBase) -> None:
    (old,) = _decisions(kb, "Old", status="superseded")
    kb.links.add(old, "relates-to", "ADR-0099", note="superseded by ADR-0099", allow_dangling=True)
    assert "superseded-alone" not in _categories(kb)
