"""Schema 7 (a knowledge base smaller beside its text): a file written by schema 6's kbridge
migrates in place and reads back everything it held; what a save writes now reads back too.

`tests/fixtures/kb-schema-v6.kbridge` was written by kbridge at commit 1135892 (schema 6): people, a
system, decisions with and without owners, one saved 42 times (past a whole revision), links, a
deleted risk, a restored control, a note in Unicode, the log4brains ADR folder imported (one
edited afterwards) and two kept files. `kb-schema-v6.json` is what that kbridge read back from it:
every record, every revision, every link, every kept file's digest, the list's counts and lists."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.model import Kind
from kbridge.model.listing import ListQuery
from kbridge.storage import MIGRATIONS, packing
from tests.storage.sql_rows import rows as _rows

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "kb-schema-v6.kbridge"
EXPECTED = json.loads(FIXTURE.with_suffix(".json").read_text(encoding="utf-8"))
_LISTS = {
    "all": ListQuery(), "decisions": ListQuery(kind="decision"), "trash": ListQuery(trash=True),
    "words": ListQuery(words=("ann",)), "pci": ListQuery(tag="pci"),
}


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    path = tmp_path / "v6.kbridge"
    shutil.copyfile(FIXTURE, path)
    assert _rows(path, "PRAGMA user_version") == [(6,)]
    assert _rows(path, "SELECT DISTINCT encoding FROM revisions WHERE encoding = 'record'") == [("record",)]
    return path


def test_a_file_of_schema_6_reads_back_everything_after_the_migration(migrated: Path) -> None:
    with KnowledgeBase.open(migrated) as kb:
        for uid, expected in EXPECTED["records"].items():
            record = kb.get(uid)
            assert {**record.snapshot(), "deleted_at": record.deleted_at, "owner_key": record.owner_key,
                    "source": record.source} == expected["record"]
            history = [[r.rev, r.author, r.at, r.reason, r.snapshot] for r in kb.history.revisions(uid)]
            assert history == expected["revisions"]
            for rev, *_rest, snapshot in expected["revisions"]:
                assert kb.history.revision(uid, rev).snapshot == snapshot
            assert sorted(f"{i.type.value} {i.direction} {i.key}" for i in kb.links.of(uid)) == expected["links"]
        for name, (size, digest, read) in EXPECTED["files"].items():
            uid, role, file_name = name.split(" ", 2)
            data = kb.files.read(uid, file_name, role=role)
            assert (len(data), hashlib.sha256(data).hexdigest()) == (size, digest) and read == digest
        facets = kb.listing.facets()
        assert {"live": facets.live, "trash": facets.trash, "kinds": facets.kinds,
                "statuses": {f"{k} {s}": n for (k, s), n in facets.statuses.items()}, "tags": dict(facets.tags),
                "logs": facets.logs} == EXPECTED["facets"]
        for name, query in _LISTS.items():
            assert [r.key for r in kb.listing.window(query, 0, 1000)] == EXPECTED["lists"][name]
    assert _rows(migrated, "PRAGMA user_version") == [(len(MIGRATIONS),)] == [(7,)]
    assert _rows(migrated, "PRAGMA integrity_check") == [("ok",)] and _rows(migrated, "PRAGMA foreign_key_check") == []


def test_the_migration_keeps_the_newest_revisions_smaller_and_drops_what_no_question_needs(migrated: Path) -> None:
    newest = (
        "SELECT sum(length(packed)) FROM revisions r "
        "WHERE rev = (SELECT max(rev) FROM revisions WHERE record_uid = r.record_uid)"
    )
    before = _rows(migrated, newest)[0][0]
    KnowledgeBase.open(migrated).close()
    assert _rows(migrated, "SELECT DISTINCT encoding FROM revisions ORDER BY 1") == [("delta",), ("full",), ("row",)]
    assert _rows(migrated, newest)[0][0] < before / 3
    schema = {name: sql or "" for name, sql in _rows(migrated, "SELECT name, sql FROM sqlite_master")}
    assert "records_kind_status" not in schema
    assert schema["meta"].endswith("WITHOUT ROWID") and "sqlite_autoindex_meta_1" not in schema
    assert "WHERE owner_uid IS NOT NULL" in schema["records_owner"]
    assert "kind_code" in schema["records_facets"] and "kind_code" in schema["records_by_title"]


def test_a_save_after_the_migration_keeps_the_history_it_found(migrated: Path) -> None:
    busy = next(uid for uid, e in EXPECTED["records"].items() if len(e["revisions"]) > packing.KEYFRAME_EVERY)
    expected = EXPECTED["records"][busy]["revisions"]
    with KnowledgeBase.open(migrated) as kb:
        kb.update(busy, body="Saved after the migration.\n", reason="after")
        history = kb.history.revisions(busy)
        assert [[r.rev, r.author, r.at, r.reason, r.snapshot] for r in history[:-1]] == expected
        assert history[-1].snapshot["body"] == "Saved after the migration.\n"
        assert kb.history.diff(busy, 1, history[-1].rev)
        kb.history.restore(busy, 1)
        assert kb.get(busy).body == expected[0][4]["body"]


def test_a_new_record_without_links_or_owner_keeps_its_first_revision_in_no_bytes(tmp_path: Path) -> None:
    with KnowledgeBase.init(tmp_path / "kb.kbridge") as kb:
        plain = kb.create("decision", "Plain", body="Text.\n").uid
        owner = kb.create("person", "Ann", key="PER-1").uid
        owned = kb.create("decision", "Owned", owner="PER-1").uid
        gone = kb.create("decision", "Gone").uid
        kb.delete(gone)
        snapshots = {uid: kb.history.revisions(uid)[-1].snapshot for uid in (plain, owner, owned, gone)}
    sizes = dict(_rows(
        tmp_path / "kb.kbridge", "SELECT record_uid, length(packed) FROM revisions WHERE encoding = 'row'"
    ))
    assert sizes[plain] == sizes[owner] == 0
    assert sizes[owned] == len(b'{"owner_key":"PER-1"}') and sizes[gone] == len(b'{"deleted":true}')
    assert snapshots[owned]["owner_key"] == "PER-1" and snapshots[gone]["deleted"] is True
    assert snapshots[plain]["links"] == [] and snapshots[plain]["owner_key"] is None


def test_every_kind_is_listed_and_counted_by_its_number(tmp_path: Path) -> None:
    with KnowledgeBase.init(tmp_path / "kb.kbridge") as kb:
        for kind in Kind:
            kb.create(kind, f"One {kind.value}")
        facets = kb.listing.facets()
        assert facets.kinds == {kind.value: 1 for kind in Kind}
        for kind in Kind:
            assert [r.kind for r in kb.listing.window(ListQuery(kind=kind.value), 0, 10)] == [kind]
            assert [r.kind for r in kb.list_records(kind=kind)] == [kind]
            assert kb.listing.count(ListQuery(kind=kind.value, words=("one",))) == 1
        assert [p.title for p in kb.listing.of_kind(Kind.PERSON)] == ["One person"]
