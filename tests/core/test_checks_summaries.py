"""What the checks behind `kbridge check` and "Needs attention" read: summaries with their sources
and whole records only of the kinds whose fields and bodies they look at."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase, checks
from kbridge.core.checks import Finding
from kbridge.formats.read.importer import import_folder
from kbridge.model import Record, RecordBrief

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"


def test_summaries_with_their_sources_are_what_the_checks_read(tmp_path: Path) -> None:
    """The checks read summaries with sources (not whole records: 1.1 GB at 100,000): an imported
    folder's sources come with them, and the report is the one whole records gave."""
    kb = KnowledgeBase.init(tmp_path / "corpus.kbridge")
    import_folder(kb, CORPUS / "cardano-scaling__hydra")
    (tmp_path / "dup").mkdir()
    (tmp_path / "dup" / "0001-one.md").write_text("# 1. One\n\nStatus: accepted\n")
    (tmp_path / "dup" / "0001-again.md").write_text("# 1. Again\n\nStatus: accepted\n")
    import_folder(kb, tmp_path / "dup")
    full = {record.uid: record for record in kb.list_records(deleted=None)}
    with_sources = kb.list_summaries(deleted=None, sources=True)
    assert sum(1 for summary in with_sources if summary.source) >= 3
    for summary in with_sources:
        assert summary.source == full[summary.uid].source and summary.body == ""
    findings = kb.maintenance.check(dt.date(2026, 12, 6)).findings
    assert {f.category for f in findings if isinstance(f, Finding)} >= {"duplicate-number"}
    kb.close()


def _expected_brief(record: Record) -> RecordBrief:
    """What a brief must say of a whole record (the checks read it as they read the record)."""
    source = record.source or {}
    number = source.get("number")
    return RecordBrief(
        uid=record.uid, key=record.key, kind=record.kind, title=record.title, status=record.status,
        date=record.date, review_by=record.review_by, owner=record.owner, deleted=record.deleted,
        source_number=number if isinstance(number, int) and not isinstance(number, bool) else None,
        source_log=str(source.get("log") or ""), source_root=str(source.get("root") or ""),
        source_path=str(source.get("path") or ""),
    )


def test_briefs_say_what_whole_records_say_for_every_corpus_folder(tmp_path: Path) -> None:
    """The checks read briefs (a third of a summary's memory): every field the same as the whole
    record's, over every corpus folder, a deleted record, and sources no import writes."""
    kb = KnowledgeBase.init(tmp_path / "corpus.kbridge")
    for folder in sorted(path for path in CORPUS.iterdir() if path.is_dir()):
        import_folder(kb, folder)
    odd = [kb.create("note", f"odd source {n}") for n in range(4)]
    kb.delete(odd[0].key)
    sources = ['{"number": true, "log": null}', '{"number": "12", "root": 3}', '{"number": 7, "path": "a/b/0007-x.md"}']
    with sqlite3.connect(kb.path) as db:  # sources an import never writes
        for record, source in zip(odd, sources, strict=False):
            db.execute("UPDATE records SET source = ? WHERE uid = ?", [source, record.uid])
    whole = kb.list_records(deleted=None)
    with sqlite3.connect(kb.path) as db:  # and a damaged one, which a whole record cannot even be read with
        db.execute("UPDATE records SET source = '{not json' WHERE uid = ?", [odd[3].uid])
    briefs = {brief.uid: brief for brief in kb.listing.briefs()}
    assert len(briefs) == len(whole) > 500
    for record in whole:
        if record.uid == odd[3].uid:
            assert briefs[record.uid].source_number is None and briefs[record.uid].source_path == ""
            continue
        assert briefs[record.uid] == _expected_brief(record), record.key
    assert briefs[odd[0].uid].deleted and briefs[odd[2].uid].source_number == 7
    with sqlite3.connect(kb.path) as db:
        db.execute("UPDATE records SET source = NULL WHERE uid = ?", [odd[3].uid])
    assert kb.maintenance.check(dt.date(2026, 12, 6)).findings  # the checks run on all of it
    kb.close()


def test_controls_are_read_a_few_at_a_time_and_reported_in_key_order(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checks, "CONTROLS_READ", 2)
    for number in (5, 1, 4, 2, 3):
        kb.create("control", f"Control {number}", key=f"CTL-00{number}")
    kb.create("control", "Retired", key="CTL-009", status="retired")
    findings = kb.maintenance.check(dt.date(2026, 12, 6)).findings
    found = [finding.key for finding in findings if finding.category == "control-without-reason"]
    assert found == ["CTL-001", "CTL-002", "CTL-003", "CTL-004", "CTL-005"]


def test_likely_duplicates_among_many_records(kb: KnowledgeBase) -> None:
    for n in range(300):
        kb.create("note", f"Note {n}", date="2026-01-01")
    kb.create("note", "note  17", date="2026-01-01")  # the same title, spaced and cased otherwise
    kb.create("note", "Note 18", date="2026-01-02")  # another date: not the same
    found = sorted(f.message for f in kb.maintenance.check(dt.date(2026, 12, 6)).findings
                   if f.category == "likely-duplicate")
    assert len(found) == 2 and all(message.endswith("have this title, dated 2026-01-01") for message in found)
