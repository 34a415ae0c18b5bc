"""What a mutation returns: its changes, who caused them and the record it names; and the changes of
a whole import or sync, collected for the views."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from kbridge.formats.sync.folder import sync_folder
from kbridge.model import Changes, Initiator, natural_key, records
from kbridge.model.records import ChangesJoined


def test_a_created_record_comes_back_with_its_uid_key_and_changes(kb: KnowledgeBase) -> None:
    heard: list[Changes] = []
    kb.subscribe(heard.append)
    created = kb.create("decision", "Use Kafka")
    assert created.key == "ADR-0001" and kb.get(created.key).uid == created.uid
    assert created.changes.created == {created.uid} and heard == [created.changes]
    assert created.initiator is Initiator.SCRIPT


def test_the_initiator_is_whoever_opened_the_knowledge_base(tmp_path: Path) -> None:
    with KnowledgeBase.init(tmp_path / "job.kbridge", initiator=Initiator.JOB) as kb:
        a, b = kb.create("decision", "A"), kb.create("decision", "B")
        results = [kb.links.add(a.key, "relates-to", b.key), kb.update(a.key, title="A2"), kb.delete(b.key)]
        assert {result.initiator for result in results} == {Initiator.JOB}
        assert [result.key for result in results] == ["ADR-0001", "ADR-0001", "ADR-0002"]


def test_a_change_that_changes_nothing_is_false_but_still_names_its_record(kb: KnowledgeBase) -> None:
    uid = kb.create("note", "Same").uid
    unchanged = kb.update(uid, title="Same")
    assert not unchanged and unchanged.uid == uid and unchanged.changes == Changes()


def test_an_import_reports_everything_it_changed_in_one_result(kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0001-use-kafka.md").write_text("# 1. Use Kafka\n\n## Status\n\nAccepted\n", encoding="utf-8")
    (folder / "0002-use-avro.md").write_text(
        "# 2. Use Avro\n\n## Status\n\nAccepted\n\nRelates to [ADR-0001](0001-use-kafka.md)\n", encoding="utf-8"
    )
    heard: list[Changes] = []
    kb.subscribe(heard.append)
    report = import_folder(kb, folder)
    assert report.result is not None and report.result.changes == Changes.union(heard)
    assert {kb.get(uid).title for uid in report.result.changes.created} == {"Use Kafka", "Use Avro"}
    again = import_folder(kb, folder)
    assert again.result is not None and not again.result  # nothing new: an empty change set


def test_a_sync_reports_what_it_changed_in_the_knowledge_base(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.create("decision", "Use Kafka")
    folder = tmp_path / "shared"
    first = sync_folder(kb, folder)
    assert first.result is not None and not first.result.changes.created  # files written, records kept
    written = next(folder.rglob("*.md"))
    written.write_text(written.read_text(encoding="utf-8").replace("Use Kafka", "Use Redpanda"), encoding="utf-8")
    second = sync_folder(kb, folder)
    assert second.result is not None and second.result.changes.updated == {kb.get("ADR-0001").uid}
    assert kb.get("ADR-0001").title == "Use Redpanda"


def test_keys_sort_the_way_people_count() -> None:
    keys = ["SYS-10", "ADR-0010", "sys-2", "ADR-0009", "NOTES", "SYS-1"]
    assert sorted(keys, key=natural_key) == ["ADR-0009", "ADR-0010", "NOTES", "SYS-1", "sys-2", "SYS-10"]


def test_a_long_work_that_changes_many_records_says_so_without_naming_them(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import holds no uid of what it wrote past NAMED_AT_MOST records: its result is
    `wholesale` (every view reloads); a single mutation, however large, still names each."""
    monkeypatch.setattr(records, "NAMED_AT_MOST", 3)
    folder = tmp_path / "adr"
    folder.mkdir()
    for number in range(1, 6):
        (folder / f"{number:04d}-choice.md").write_text(f"# {number}. Choice {number}\n\n## Status\n\nAccepted\n",
                                                        encoding="utf-8")
    heard: list[Changes] = []
    kb.subscribe(heard.append)
    report = import_folder(kb, folder)
    assert report.imported == 5 and report.result is not None
    changes = report.result.changes
    assert changes.wholesale and changes and not changes.records and not changes.links
    assert len(Changes.union(heard).created) == 5 and not Changes.union(heard).wholesale
    small = ChangesJoined(named_at_most=3)
    small.add(Changes(created=frozenset({"a", "b"})))
    small.add(Changes(updated=frozenset({"a"})))
    assert small.changes == Changes(created=frozenset({"a", "b"}))  # created, then changed: created
    small.add(Changes(deleted=frozenset({"d"})))
    assert small.changes == Changes(wholesale=True) and not small.created
    small.add(Changes(created=frozenset({"e"})))
    assert small.changes == Changes(wholesale=True)
    assert Changes.union([Changes(wholesale=True), Changes(created=frozenset({"f"}))]) == Changes(wholesale=True)
