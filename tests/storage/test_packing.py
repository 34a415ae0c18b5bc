"""Revisions kept as a chain of deltas and files kept packed read back exactly what was saved, and
a knowledge base written by the schema before packing migrates in place without losing a byte."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbridge.core import KnowledgeBase
from kbridge.storage import packing
from kbridge.storage.packing import KEYFRAME_EVERY

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "kb-schema-v2.kbridge"


def _rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


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
    assert set(encodings) <= {"current", "delta", "full"} and encodings["current"] == len(
        {uid for uid, _rev in revisions})
    assert _rows(path, "PRAGMA integrity_check") == [("ok",)]
    _rows(path, "PRAGMA wal_checkpoint(TRUNCATE)")
    assert path.stat().st_size < before / 2  # the space packing freed was given back


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


def test_damaged_packed_data_is_a_clear_error_not_a_wrong_answer() -> None:
    try:
        packing.unpack("delta", b"not zlib", "", body=None, newer={})
    except packing.PackingError as error:
        assert "cannot be read" in str(error)
    else:
        raise AssertionError("damaged data was read")
