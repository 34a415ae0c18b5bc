"""One revision per record per save: a transaction's steps on one record are one revision."""

from __future__ import annotations

import pytest

from kbridge.core import KnowledgeBase
from kbridge.model import Changes, ConflictError


def test_steps_in_one_transaction_make_one_revision_with_their_reasons(kb: KnowledgeBase) -> None:
    kb.create("system", "Payments API", key="SYS-1")
    kb.create("system", "Ledger", key="SYS-2")
    heard: list[Changes] = []
    kb.subscribe(heard.append)
    with kb.transaction():
        kb.create("decision", "Use PostgreSQL", key="ADR-1", reason="recorded at review")
        kb.links.add("ADR-1", "affects", "SYS-1")
        kb.links.add("ADR-1", "affects", "SYS-2")
        kb.set_status("ADR-1", "accepted")
    history = kb.history.revisions("ADR-1")
    assert [rev.rev for rev in history] == [1]
    assert history[0].reason.startswith("recorded at review; affects SYS-1; affects SYS-2")
    assert history[0].status == "accepted"
    assert sorted(history[0].snapshot["links"]) == ["affects SYS-1", "affects SYS-2"]
    assert len(heard) == 1 and heard[0].created == {kb.get("ADR-1").uid} and len(heard[0].links) == 2


def test_separate_saves_stay_separate_revisions(kb: KnowledgeBase) -> None:
    kb.create("decision", "Use PostgreSQL", key="ADR-1")
    kb.create("system", "Payments API", key="SYS-1")
    kb.links.add("ADR-1", "affects", "SYS-1")
    kb.update("ADR-1", title="Use PostgreSQL 16")
    assert [rev.rev for rev in kb.history.revisions("ADR-1")] == [1, 2, 3]


def test_a_failed_inner_step_leaves_no_revision_or_announcement(kb: KnowledgeBase) -> None:
    kb.create("decision", "Use PostgreSQL", key="ADR-1")
    kb.create("system", "Payments API", key="SYS-1")
    kb.links.add("ADR-1", "affects", "SYS-1")
    heard: list[Changes] = []
    kb.subscribe(heard.append)
    with kb.transaction():
        kb.create("note", "Meeting notes", key="NOTE-1")
        with pytest.raises(ConflictError):
            kb.links.add("ADR-1", "affects", "SYS-1")  # already there: the inner step fails
    assert [rev.rev for rev in kb.history.revisions("ADR-1")] == [1, 2]
    assert len(heard) == 1 and heard[0].created == {kb.get("NOTE-1").uid} and not heard[0].updated


def test_write_revisions_now_splits_a_transaction(kb: KnowledgeBase) -> None:
    kb.create("decision", "Use PostgreSQL", key="ADR-1")
    with kb.transaction():
        kb.update("ADR-1", title="Theirs", reason="their version")
        kb.write_revisions_now()
        kb.update("ADR-1", title="Ours", reason="our version kept")
    assert [(rev.title, rev.reason) for rev in kb.history.revisions("ADR-1")][1:] == [
        ("Theirs", "their version"), ("Ours", "our version kept")
    ]


def test_thousands_of_links_in_one_save_cost_one_snapshot(kb: KnowledgeBase) -> None:
    with kb.transaction():
        kb.create("note", "Hub", key="NOTE-1")
        for number in range(2, 2002):
            kb.create("note", f"Target {number}", key=f"NOTE-{number}")
            kb.links.add("NOTE-1", "relates-to", f"NOTE-{number}")
    history = kb.history.revisions("NOTE-1")
    assert len(history) == 1
    assert len(history[0].snapshot["links"]) == 2000
    assert history[0].reason.endswith("and 1,997 more changes")  # created + 3 shown, the rest counted
