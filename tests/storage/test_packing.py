"""Revisions kept as a chain of deltas and files kept packed read back exactly what was saved, and
a knowledge base written by the schema before packing migrates in place without losing a byte."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbridge.core import KnowledgeBase
from kbridge.storage import packing
from kbridge.storage.migrations import MIGRATIONS
from kbridge.storage.packing import KEYFRAME_EVERY
from tests.storage.sql_rows import rows as _rows

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "kb-schema-v2.kbridge"


def test_a_knowledge_base_of_the_schema_before_migrates_without_losing_a_byte(tmp_path: Path) -> None:
    path = tmp_path / "old.kbridge"
    shutil.copyfile(FIXTURE, path)
    assert _rows(path, "PRAGMA user_version") == [(2,)]
    revisions = {(uid, rev): json.loads(text) for uid, rev, text in
                 _rows(path, "SELECT record_uid, rev, snapshot FROM revisions")}
    files = {(uid, role, name): bytes(data) for uid, role, name, data in
             _rows(path, "SELECT record_uid, role, name, data FROM files")}
    assert len(revisions) > 40 and files
    before = path.stat().st_size

    with KnowledgeBase.open(path) as kb:
        for uid in {uid for uid, _rev in revisions}:
            history = kb.history.revisions(uid)
            assert {(uid, r.rev): r.snapshot for r in history} == {
                key: value for key, value in revisions.items() if key[0] == uid}
            for rev in (1, len(history) // 2 or 1, len(history)):
                assert kb.history.revision(uid, rev).snapshot == revisions[(uid, rev)]
        for (uid, role, name), data in files.items():
            assert kb.files.read(uid, name, role=role) == data
    encodings = dict(_rows(path, "SELECT encoding, count(*) FROM revisions GROUP BY encoding"))
    assert set(encodings) <= {"row", "delta", "full"} and encodings["row"] == len(
        {uid for uid, _rev in revisions})
    assert _rows(path, "PRAGMA integrity_check") == [("ok",)]
    _rows(path, "PRAGMA wal_checkpoint(TRUNCATE)")
    assert _rows(path, "PRAGMA freelist_count") == [(0,)]  # the space packing freed was given back
    used = _rows(path, "SELECT sum(payload) FROM dbstat")[0][0]
    assert used < before / 3  # packed: well under what the old file held


edits = st.lists(
    st.one_of(
        st.tuples(st.just("title"), st.text(min_size=1, max_size=30).filter(str.strip)),
        st.tuples(st.just("append"), st.text(max_size=200)),
        st.tuples(st.just("insert"), st.text(max_size=80)),
        st.tuples(st.just("cut"), st.integers(0, 400)),
        st.tuples(st.just("status"), st.sampled_from(["proposed", "accepted", "deprecated"])),
        st.tuples(st.just("field"), st.text(max_size=20)),
    ),
    min_size=1,
    max_size=KEYFRAME_EVERY + 8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=edits)
def test_every_saved_version_reads_back_exactly(tmp_path_factory, steps: list[tuple[str, object]]) -> None:
    folder = tmp_path_factory.mktemp("chain")
    with KnowledgeBase.init(folder / "kb.kbridge") as kb:
        record = kb.get(kb.create("decision", "A decision", body="Line one.\nLine two.\n").uid)
        saved = [kb.history.revisions(record.uid)[-1].snapshot]
        for kind, value in steps:
            current = kb.get(record.uid)
            body = current.body
            if kind == "title":
                changes = kb.update(record.uid, title=str(value).strip())
            elif kind == "append":
                changes = kb.update(record.uid, body=body + str(value))
            elif kind == "insert":
                middle = len(body) // 2
                changes = kb.update(record.uid, body=body[:middle] + str(value) + body[middle:])
            elif kind == "cut":
                start = min(int(value), len(body))  # type: ignore[call-overload]
                changes = kb.update(record.uid, body=body[:start // 2] + body[start:])
            elif kind == "status":
                changes = kb.update(record.uid, status=str(value))
            else:
                changes = kb.update(record.uid, fields={"drivers": str(value)} if value else {})
            if changes:
                saved.append(kb.history.revisions(record.uid)[-1].snapshot)
        history = kb.history.revisions(record.uid)
        assert [revision.snapshot for revision in history] == saved
        for revision in history:
            assert kb.history.revision(record.uid, revision.rev).snapshot == revision.snapshot


def test_an_imported_original_is_kept_around_its_body_and_survives_an_edit(tmp_path: Path) -> None:
    with KnowledgeBase.init(tmp_path / "kb.kbridge") as kb:
        body = "## Context\n\nWe need a cache.\n\n## Decision\n\nUse Redis." * 3
        uid = kb.create("decision", "Cache", body=body).uid
        original = b"# 7. Cache\n\nDate: 2024-01-01\n\n" + body.encode() + b"\n\n<!-- end -->\n"
        kb.files.put(uid, "0007-cache.md", original, role="original")
        assert _rows(tmp_path / "kb.kbridge", "SELECT encoding, size FROM files") == [("splice", len(original))]
        kb.update(uid, body="Something else entirely.")
        assert kb.files.read(uid, "0007-cache.md", role="original") == original
        assert _rows(tmp_path / "kb.kbridge", "SELECT encoding FROM files") == [("zlib",)]


def test_a_file_packed_beforehand_is_kept_only_around_the_body_its_record_has(tmp_path: Path) -> None:
    """An import packs files on another thread (`prepare_file`); one packed around a body other
    than its record's is packed again, never kept as a splice that would read back wrong."""
    from kbridge.core.history import prepare_file

    with KnowledgeBase.init(tmp_path / "kb.kbridge") as kb:
        body = "## Decision\n\nUse Redis for the session cache, with a TTL of an hour." * 3
        uid = kb.create("decision", "Cache", body=body).uid
        original = b"# 7. Cache\n\n" + body.encode() + b"\n"
        stale = prepare_file(original, body=body.replace("Redis", "Memcached"))
        assert stale.encoding == "zlib"  # that body is not in the file: packed whole
        assert kb.files.put(uid, "0007-cache.md", stale, role="original")
        assert _rows(tmp_path / "kb.kbridge", "SELECT encoding FROM files") == [("splice",)]  # packed again
        assert kb.files.read(uid, "0007-cache.md", role="original") == original
        image = bytes(range(256)) * 40
        assert kb.files.put(uid, "chart.png", prepare_file(image))
        assert not kb.files.put(uid, "chart.png", prepare_file(image))  # the same bytes: nothing stored
        assert kb.files.read(uid, "chart.png") == image
        assert {f["name"]: f["sha256"] for f in kb.files.of(uid)}["chart.png"] == prepare_file(image).digest


def test_a_file_whose_start_does_not_compress_is_kept_as_it_is_and_others_compressed() -> None:
    """Compressing an image costs as much as reading it and saves nothing: its first bytes say so."""
    text = b"".join(b"line %d of a long log that compresses well\n" % n for n in range(4000))
    noise = os.urandom(200_000)  # as a PNG's or a JPEG's bytes are
    assert packing.pack_file(text)[0] == "zlib"
    assert packing.pack_file(noise) == ("raw", noise)
    # Compressible past its start only: kept as it is, the price of not compressing images twice.
    assert packing.pack_file(noise[:40_000] + text)[0] == "raw"
    # A small file is tried whole, as before.
    small = os.urandom(30_000) + text[:30_000]
    assert packing.pack_file(small)[0] == ("zlib" if len(zlib.compress(small, 6)) < len(small) * 0.9 else "raw")
    for data in (text, noise, small):
        assert packing.unpack_file(*packing.pack_file(data)) == data


@pytest.mark.parametrize(
    ("encoding", "packed"),
    [("delta", b"not zlib"), ("record", b"\xff"), ("record", b"[1]"), ("row", b"\xff"), ("row", b"[1]"), ("row", b"{")],
)
def test_damaged_packed_data_is_a_clear_error_not_a_wrong_answer(encoding: str, packed: bytes) -> None:
    try:
        packing.unpack(encoding, packed, "", row={"body": ""}, newer={})
    except packing.PackingError as error:
        assert "cannot be read" in str(error)
    else:
        raise AssertionError("damaged data was read")


V3_FIXTURE = FIXTURE.with_name("kb-schema-v3.kbridge")  # the v2 fixture, migrated by schema 3's kbridge


def test_a_knowledge_base_of_schema_3_moves_to_larger_pages_and_revisions_without_rowid(tmp_path: Path) -> None:
    path = tmp_path / "v3.kbridge"
    shutil.copyfile(V3_FIXTURE, path)
    assert _rows(path, "PRAGMA user_version") == [(3,)] and _rows(path, "PRAGMA page_size") == [(4096,)]
    revisions = {(uid, rev): json.loads(text) for uid, rev, text in
                 _rows(FIXTURE, "SELECT record_uid, rev, snapshot FROM revisions")}
    with KnowledgeBase.open(path) as kb:
        for uid in {uid for uid, _rev in revisions}:
            assert {(uid, r.rev): r.snapshot for r in kb.history.revisions(uid)} == {
                key: value for key, value in revisions.items() if key[0] == uid}
        uid = next(iter(revisions))[0]
        kb.update(uid, title="Saved after the move")
        assert kb.history.revisions(uid)[-1].snapshot["title"] == "Saved after the move"
        assert kb.history.revisions(uid)[-2].snapshot == revisions[max(key for key in revisions if key[0] == uid)]
    assert _rows(path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert _rows(path, "PRAGMA page_size") == [(65536,)] and _rows(path, "PRAGMA journal_mode") == [("wal",)]
    assert "WITHOUT ROWID" in _rows(path, "SELECT sql FROM sqlite_master WHERE name = 'revisions'")[0][0]
    assert _rows(path, "PRAGMA integrity_check") == [("ok",)]


def test_the_move_to_larger_pages_waits_for_no_one_reading_the_file(tmp_path: Path) -> None:
    """Another kbridge reading the file: the schema moves on, the rewrite into larger pages (which
    needs the file to itself) is left out at once rather than waited for."""
    path = tmp_path / "v3.kbridge"
    shutil.copyfile(V3_FIXTURE, path)
    other = sqlite3.connect(path)
    other.execute("BEGIN")
    assert other.execute("SELECT count(*) FROM records").fetchone() == (10,)  # holds a read lock
    try:
        with KnowledgeBase.open(path) as kb:
            assert len(kb.list_summaries()) == 10
    finally:
        other.rollback()
        other.close()
    assert _rows(path, "PRAGMA user_version") == [(len(MIGRATIONS),)] and _rows(path, "PRAGMA page_size") == [(4096,)]
    assert _rows(path, "PRAGMA journal_mode") == [("wal",)] and _rows(path, "PRAGMA integrity_check") == [("ok",)]


def test_the_newest_revision_kept_against_its_record_survives_every_kind_of_change(tmp_path: Path) -> None:
    """The newest revision is kept as what differs from the record's row: whatever changes the
    row (an edit, a delete, an undelete, a restore) or not (a link, the owner's key) leaves every
    revision reading back as it was saved."""
    with KnowledgeBase.init(tmp_path / "kb.kbridge") as kb:
        owner = kb.get(kb.create("person", "Ann", key="PER-001").uid)
        other = kb.get(kb.create("decision", "Other", body="x").uid)
        uid = kb.create("decision", "A decision", body="Line one.\n", owner=owner.key).uid
        saved: dict[int, dict] = {}

        def keep() -> None:
            newest = kb.history.revisions(uid)[-1]
            saved[newest.rev] = newest.snapshot

        keep()
        for change in (
            lambda: kb.update(uid, title="Renamed"),
            lambda: kb.links.add(uid, "relates-to", other.key),
            lambda: kb.update(owner.uid, key="PER-009"),
            lambda: kb.update(uid, body="Line one.\nLine two.\n", tags=["a", "b"]),
            lambda: kb.delete(uid),
            lambda: kb.undelete(uid),
            lambda: kb.update(uid, fields={"deciders": "Ann and Bob"}),
            lambda: kb.history.restore(uid, 1),
        ):
            change()
            keep()
        assert len(saved) == 8  # the owner's new key is a revision of the owner
        assert saved[3]["owner_key"] == "PER-001" and saved[4]["owner_key"] == "PER-009"
        assert {rev: revision.snapshot for rev, revision in ((r.rev, r) for r in kb.history.revisions(uid))} == saved
        for rev, snapshot in saved.items():
            assert kb.history.revision(uid, rev).snapshot == snapshot
