from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.model import Changes, ConflictError, Kind, LinkType, NotFoundError, RecordResult, ValidationError


def _key(kb: KnowledgeBase, created: RecordResult) -> str:
    return created.key


def test_keys_are_allocated_per_kind(kb: KnowledgeBase) -> None:
    assert _key(kb, kb.create("decision", "Use Postgres")) == "ADR-0001"
    assert _key(kb, kb.create("decision", "Use Kafka")) == "ADR-0002"
    assert _key(kb, kb.create("control", "MFA everywhere")) == "CTL-001"
    assert _key(kb, kb.create("system", "Payments", key="SYS-payments")) == "SYS-payments"
    assert kb.next_key(Kind.SYSTEM) == "SYS-001"
    kb.create("system", "Imported", key="sys-0042")
    kb.create("system", "Not a number", key="SYS-1x")
    assert kb.next_key(Kind.SYSTEM) == "SYS-043"
    assert kb.next_key("decision") == "ADR-0003"


def test_a_taken_key_is_a_conflict_and_changes_nothing(kb: KnowledgeBase) -> None:
    kb.create("decision", "First", key="ADR-0010")
    with pytest.raises(ConflictError, match="ADR-0010 is already taken"):
        kb.create("decision", "Second", key="adr-0010")
    assert [r.title for r in kb.list_records()] == ["First"]


def test_bad_kind_status_and_dates_are_rejected_without_change(kb: KnowledgeBase) -> None:
    with pytest.raises(ValidationError, match="unknown kind"):
        kb.create("widget", "x")
    with pytest.raises(ValidationError, match="unknown status 'done'"):
        kb.create("decision", "x", status="done")
    with pytest.raises(ValidationError, match="invalid review date"):
        kb.create("risk", "x", review_by="soon")
    with pytest.raises(ValidationError, match="needs a title"):
        kb.create("note", "   ")
    assert kb.list_records() == []
    assert kb.maintenance.stats()["revisions"] == 0


def test_defaults_for_new_records(kb: KnowledgeBase) -> None:
    decision = kb.get(_key(kb, kb.create("decision", "  Use   Vault ")))
    assert decision.title == "Use Vault"
    assert decision.status == "proposed"
    assert decision.date == dt.date.today().isoformat()
    control = kb.get(_key(kb, kb.create("control", "Disk encryption")))
    assert control.status == "planned" and control.date is None


def test_template_fills_the_body(kb: KnowledgeBase) -> None:
    madr = kb.get(_key(kb, kb.create("decision", "A", template="madr")))
    assert "## Considered Options" in madr.body and "## Decision Outcome" in madr.body
    nygard = kb.get(_key(kb, kb.create("decision", "B", template="nygard")))
    assert "## Context" in nygard.body and "## Consequences" in nygard.body
    with pytest.raises(ValidationError, match="unknown template"):
        kb.create("decision", "C", template="arc42")


def test_every_change_appends_a_revision_with_author_and_reason(kb: KnowledgeBase) -> None:
    key = _key(kb, kb.create("decision", "Use Postgres"))
    kb.update(key, status="accepted", reason="agreed at the architecture review")
    kb.update(key, body="We use Postgres 16.")
    revisions = kb.history.revisions(key)
    assert [r.rev for r in revisions] == [1, 2, 3]
    assert [r.status for r in revisions] == ["proposed", "accepted", "accepted"]
    assert revisions[1].reason == "agreed at the architecture review"
    assert revisions[2].reason == "changed body"
    assert {r.author for r in revisions} == {"tester"}


def test_an_update_that_changes_nothing_writes_no_revision(kb: KnowledgeBase) -> None:
    key = _key(kb, kb.create("decision", "Use Postgres"))
    assert not kb.update(key, title="Use Postgres", status="proposed")
    assert len(kb.history.revisions(key)) == 1


def test_diff_and_restore(kb: KnowledgeBase) -> None:
    key = _key(kb, kb.create("decision", "Use Postgres", body="line one\nline two\n"))
    kb.update(key, body="line one\nline 2\n", status="accepted")
    diff = kb.history.diff(key, 1, 2)
    assert "-status: proposed" in diff and "+status: accepted" in diff
    assert "-line two" in diff and "+line 2" in diff
    changes = kb.history.restore(key, 1).changes
    assert changes.updated
    record = kb.get(key)
    assert record.status == "proposed" and record.body == "line one\nline two\n"
    history = kb.history.revisions(key)
    assert len(history) == 3 and history[-1].reason == "restored revision 1"
    with pytest.raises(NotFoundError, match="has no revision 9"):
        kb.history.restore(key, 9)
    with pytest.raises(ConflictError, match="already matches revision 1"):
        kb.history.restore(key, 1)


def test_links_both_ways_with_inverse_labels(kb: KnowledgeBase) -> None:
    control = _key(kb, kb.create("control", "MFA"))
    risk = _key(kb, kb.create("risk", "Account takeover"))
    changes = kb.links.add(control, "mitigates", risk, note="the main one").changes
    assert changes.links[0].type is LinkType.MITIGATES
    (out,) = kb.links.of(control)
    assert (out.direction, out.label, out.key, out.note) == ("out", "mitigates", risk, "the main one")
    (incoming,) = kb.links.of(risk)
    assert (incoming.direction, incoming.label, incoming.key) == ("in", "mitigated by", control)
    with pytest.raises(ConflictError, match="already mitigates"):
        kb.links.add(control, "mitigates", risk)
    kb.links.remove(control, "mitigates", risk)
    assert kb.links.of(risk) == []
    with pytest.raises(NotFoundError, match="has no link"):
        kb.links.remove(control, "mitigates", risk)


def test_link_errors_change_nothing(kb: KnowledgeBase) -> None:
    a = _key(kb, kb.create("decision", "A"))
    with pytest.raises(ValidationError, match="unknown link type"):
        kb.links.add(a, "causes", a)
    with pytest.raises(NotFoundError, match="no record 'ADR-0099' to link to"):
        kb.links.add(a, "supersedes", "ADR-0099")
    with pytest.raises(ValidationError, match="cannot link to itself"):
        kb.links.add(a, "relates-to", a)
    with pytest.raises(NotFoundError, match="no record 'NOPE'"):
        kb.links.add("NOPE", "supersedes", a)
    assert kb.links.all() == [] and len(kb.history.revisions(a)) == 1


def test_dangling_links_are_kept_and_resolved_later(kb: KnowledgeBase) -> None:
    a = _key(kb, kb.create("decision", "A"))
    kb.links.add(a, "supersedes", "ADR-0007", allow_dangling=True)
    (link,) = kb.links.of(a)
    assert link.dangling and link.key == "ADR-0007"
    kb.create("decision", "Old one", key="ADR-0007")
    changes = kb.links.resolve_dangling().changes
    assert changes.links
    (link,) = kb.links.of(a)
    assert not link.dangling and link.title == "Old one"


def test_supersede_links_and_marks_old_in_one_step(kb: KnowledgeBase) -> None:
    old = _key(kb, kb.create("decision", "Use RabbitMQ", status="accepted"))
    created = kb.create("decision", "Use Kafka", supersedes=old)
    new = created.key
    assert kb.get(old).status == "superseded"
    assert kb.history.revisions(old)[-1].reason == f"superseded by {new}"
    assert [(x.label, x.key) for x in kb.links.of(old)] == [("superseded by", new)]
    assert kb.get(old).uid in created.changes.updated


def test_failed_supersede_rolls_back_the_new_record(kb: KnowledgeBase) -> None:
    risk = _key(kb, kb.create("risk", "Outage"))
    with pytest.raises(ValidationError, match="only a decision"):
        kb.create("decision", "New", supersedes=risk)
    assert [r.key for r in kb.list_records(kind="decision")] == []
    assert kb.next_key("decision") == "ADR-0001"


def test_soft_delete_keeps_links_and_can_be_undone(kb: KnowledgeBase) -> None:
    a = _key(kb, kb.create("decision", "A"))
    b = _key(kb, kb.create("decision", "B"))
    kb.links.add(b, "supersedes", a)
    kb.delete(a)
    assert [r.key for r in kb.list_records()] == [b]
    assert [r.key for r in kb.list_records(deleted=True)] == [a]
    (link,) = kb.links.of(b)
    assert link.deleted and link.key == a
    with pytest.raises(ConflictError, match="already in the trash"):
        kb.delete(a)
    kb.undelete(a)
    assert sorted(r.key for r in kb.list_records()) == [a, b]
    assert [r.reason for r in kb.history.revisions(a)][-2:] == ["moved to trash", "restored from trash"]


def test_owner_must_be_a_person(kb: KnowledgeBase) -> None:
    person = _key(kb, kb.create("person", "Alice Martin"))
    system = _key(kb, kb.create("system", "Payments", owner=person))
    record = kb.get(system)
    assert (record.owner_key, record.owner_name) == (person, "Alice Martin")
    with pytest.raises(ValidationError, match="must be a person"):
        kb.update(system, owner=system)
    assert [r.key for r in kb.list_records(owner=person)] == [system]


def test_filters(kb: KnowledgeBase) -> None:
    kb.create("decision", "A", status="accepted", tags=["pci", "Secrets"])
    kb.create("decision", "B", tags="pci")
    kb.create("control", "C", status="implemented")
    assert [r.title for r in kb.list_records(tag="pci")] == ["A", "B"]
    assert [r.title for r in kb.list_records(kind="decision", status="accepted")] == ["A"]
    assert [r.title for r in kb.list_records(status="implemented")] == ["C"]
    assert kb.get("ADR-0001").tags == ["pci", "secrets"]


def test_listeners_hear_once_per_committed_transaction(kb: KnowledgeBase) -> None:
    heard: list[Changes] = []
    unsubscribe = kb.subscribe(heard.append)
    with kb.transaction():
        kb.create("decision", "A")
        kb.create("decision", "B")
    assert len(heard) == 1 and len(heard[0].created) == 2
    with pytest.raises(ValidationError), kb.transaction():
        kb.create("decision", "C")
        kb.create("decision", "D", status="bogus")
    assert len(heard) == 1
    assert [r.title for r in kb.list_records()] == ["A", "B"]
    unsubscribe()
    kb.create("note", "E")
    assert len(heard) == 1


def test_find_accepts_short_keys_and_uids(kb: KnowledgeBase) -> None:
    uid = kb.create("decision", "A").uid
    assert kb.find("adr-1").uid == uid
    assert kb.find("ADR 0001").uid == uid
    assert kb.find(uid).key == "ADR-0001"
    assert kb.find("ADR-0002") is None


def test_a_uid_is_found_as_find_finds_its_record(kb: KnowledgeBase) -> None:
    uid = kb.create("decision", "A").uid
    for ref in ("ADR-0001", "adr-1", "ADR 0001", uid):
        assert kb.uid_of(ref) == kb.get(ref).uid == uid
    kb.files.put("adr-1", "a.png", b"png")  # a file is kept with the record its reference names
    assert kb.files.read(uid, "a.png") == b"png"
    for ref in ("ADR-0002", "", "no-such-uid"):
        with pytest.raises(NotFoundError):
            kb.uid_of(ref)
        with pytest.raises(NotFoundError):
            kb.files.put(ref, "b.png", b"png")


def test_renumbering_keeps_the_uid(kb: KnowledgeBase) -> None:
    uid = kb.create("system", "Payments").uid
    kb.update("SYS-001", key="SYS-payments")
    assert kb.get("SYS-payments").uid == uid
    kb.create("system", "Other", key="SYS-other")
    with pytest.raises(ConflictError):
        kb.update("SYS-payments", key="sys-other")


def test_backup_is_a_consistent_owner_only_copy(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.create("decision", "Keep me")
    out = kb.maintenance.backup(tmp_path / "copy.kbridge")
    assert out.stat().st_mode & 0o777 == 0o600
    with KnowledgeBase.open(out) as copy:
        assert [r.title for r in copy.list_records()] == ["Keep me"]
        assert copy.uid == kb.uid
    with pytest.raises(ConflictError, match="already exists"):
        kb.maintenance.backup(out)


def test_init_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "x.kbridge"
    path.write_bytes(b"")
    with pytest.raises(ConflictError, match="will not overwrite"):
        KnowledgeBase.init(path)
