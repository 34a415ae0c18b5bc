"""An import written in batches (`importer.BATCH_FILES` files per transaction) from a plan that
holds each file's facts, its text waiting on a shelf (a scratch table): the knowledge base it makes is the one a
single transaction made; a cancel keeps whole batches, complete with their links, and importing
again goes on; nothing changed writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.read import importer
from kbridge.formats.read.importer import ImportStoppedError, cancelled_message, import_folder
from kbridge.formats.read.plan import SCAN_SHARE, plan_import
from kbridge.formats.read.scan import scan_folder
from kbridge.model import Kind, ValidationError
from kbridge.model.listing import ListQuery
from kbridge.storage import list_words
from tests.storage.sql_rows import rebuilt_word_vocabulary, rows, word_vocabulary

from .conftest import adr_folder

# Real decisions, and beside them a numbered log whose files link back and forth across batches
# of 5 and into a subfolder (the corpus folders hold few links).
CORPUS = "elastisys__compliantkubernetes"


def linked_log(folder: Path, count: int = 30) -> None:
    for number in range(1, count + 1):
        links = []
        if number > 1:
            links.append(f"Amends [{number - 1}. Decision {number - 1}](log-{number - 1:04d}-decision.md)")
        if number + 7 <= count and number % 3 == 0:
            links.append(f"Superseded by [{number + 7}. Decision {number + 7}](log-{number + 7:04d}-decision.md)")
        if number % 4 == 0:
            links.append(f"Relates to [Team decision {number % 5 + 1}](team/{number % 5 + 1:04d}-team.md)")
        status = "Superseded" if any(link.startswith("Superseded") for link in links) else "Accepted"
        text = "\n\n".join([f"# {number}. Decision {number}", f"Date: 2021-02-{number % 28 + 1:02d}",
                             "## Status", status, *links, "## Context", f"Why {number}.", ""])
        (folder / f"log-{number:04d}-decision.md").write_text(text, encoding="utf-8")
    (folder / "team").mkdir()
    for number in range(1, 6):
        text = (f"# {number}. Team decision {number}\n\nDate: 2022-03-0{number}\n\n## Status\n\nAccepted\n\n"
                f"Relates to [Decision {number * 6}](../log-{number * 6:04d}-decision.md)\n\n## Context\n\nT.\n")
        (folder / "team" / f"{number:04d}-team.md").write_text(text, encoding="utf-8")


def state(kb: KnowledgeBase) -> dict[str, Any]:
    """Everything an import decides, by source path: the record and its links."""
    found = {}
    for record in kb.iter_records(deleted=None):
        snapshot = record.snapshot()
        snapshot["source"] = record.source
        snapshot["links"] = sorted((link.type.value, link.direction, link.key, link.note)
                                   for link in kb.links.of(record.uid))
        found[(record.source or {}).get("path", record.key)] = snapshot
    return found


@pytest.fixture
def folder(corpus: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "adr"
    shutil.copytree(adr_folder(corpus, CORPUS), copy)
    linked_log(copy)
    return copy


def stored(kb: KnowledgeBase) -> tuple[int, int, int]:
    """The revisions, and the bytes of the database and of its write-ahead log."""
    wal = kb.path.with_name(kb.path.name + "-wal")
    return kb.history.count(), kb.path.stat().st_size, wal.stat().st_size if wal.exists() else 0


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(importer, "BATCH_FILES", 5)
    return 5


def test_batches_make_the_knowledge_base_one_transaction_makes(tmp_path: Path, folder: Path) -> None:
    whole = KnowledgeBase.init(tmp_path / "whole.kbridge")
    report = import_folder(whole, folder)
    links = len(whole.links.all())
    assert report.imported > 50 and links > 20  # enough to cross batches both ways
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importer, "BATCH_FILES", 5)
        batched = KnowledgeBase.init(tmp_path / "batched.kbridge")
        again = import_folder(batched, folder)
    assert again.as_json() == report.as_json()
    assert state(batched) == state(whole)


def test_the_plan_holds_facts_and_the_import_gets_the_text_back(tmp_path: Path, folder: Path) -> None:
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    plan = plan_import(kb, folder)
    scan = scan_folder(folder)
    read = {record.path: record for record in scan.records}
    assert plan.records and all(r.shelved and not r.body and not r.original for r in plan.records)
    for held in plan.records:
        whole = plan.loaded(held)
        assert (whole.body, whole.original, whole.fields) == (read[held.path].body, read[held.path].original,
                                                              read[held.path].fields)
        assert whole.digest == held.digest


def test_a_cancel_keeps_whole_batches_and_importing_again_goes_on(
    tmp_path: Path, folder: Path, small_batches: int
) -> None:
    reference = KnowledgeBase.init(tmp_path / "reference.kbridge")
    import_folder(reference, folder)
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    writing: list[int] = []

    def progress(done: int, total: int, message: str) -> None:
        if SCAN_SHARE < done < total:
            writing.append(done)
            assert " of " in message and "files" in message  # files done of the total

    report = import_folder(kb, folder, progress=progress, cancel=lambda: len(writing) >= 2)
    assert report.cancelled and report.imported and report.imported % small_batches == 0
    assert report.imported < report.files
    written = state(kb)
    assert len(written) == report.imported
    expected = state(reference)
    for path, record in written.items():  # complete records; links among the files written
        assert {k: v for k, v in record.items() if k != "links"} == {
            k: v for k, v in expected[path].items() if k != "links"}
        assert set(record["links"]) <= set(expected[path]["links"])
    assert f"after {report.imported:,} of {report.files:,} files" in cancelled_message(report)

    rest = import_folder(kb, folder)
    assert not rest.cancelled and rest.unchanged >= report.imported
    assert rest.imported == report.files - report.imported
    assert state(kb) == expected


def test_cancelled_in_the_first_batch_nothing_is_written(tmp_path: Path, folder: Path) -> None:
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    started: list[int] = []
    report = import_folder(kb, folder, cancel=lambda: bool(started),
                           progress=lambda done, total, message: started.append(done) if done > SCAN_SHARE else None)
    assert report.cancelled and (report.imported, report.updated) == (0, 0)
    assert kb.list_records() == [] and kb.history.count() == 0
    assert cancelled_message(report) == "import cancelled; nothing was changed"


def test_a_failure_after_some_batches_says_what_stays(
    tmp_path: Path, folder: Path, small_batches: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    upsert = importer._Importer.upsert
    calls: list[str] = []

    def failing(self: Any, parsed: Any) -> None:
        calls.append(parsed.path)
        if len(calls) == 2 * small_batches + 3:
            raise OSError("disk full")
        upsert(self, parsed)

    monkeypatch.setattr(importer._Importer, "upsert", failing)
    with pytest.raises(ImportStoppedError, match=r"after 10 of \d+ files were written .*disk full"):
        import_folder(kb, folder)
    assert len(kb.list_records()) == 2 * small_batches  # the failing batch left nothing


def test_nothing_changed_writes_nothing(tmp_path: Path, folder: Path, small_batches: int) -> None:
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    first = import_folder(kb, folder)
    before = stored(kb)
    again = import_folder(kb, folder)
    assert again.unchanged == first.imported and (again.imported, again.updated) == (0, 0)
    assert again.result is not None and not again.result.changes
    assert stored(kb) == before


def test_a_batch_keeps_the_images_of_its_records_and_a_cancel_keeps_those_of_the_batches_before(
    tmp_path: Path, small_batches: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Images are read and packed while their batch's records are written, and kept with that
    batch: one shown by records of two batches is kept with both and counted once, one gone
    since the folder was read is reported once, and a cancel keeps the images of the batches it
    keeps."""
    folder = tmp_path / "adr"
    (folder / "img").mkdir(parents=True)
    (folder / "img" / "shared.png").write_bytes(b"\x89PNG" + bytes(range(256)) * 300)
    (folder / "img" / "gone.png").write_bytes(b"\x89PNG gone")
    for number in range(1, 13):
        own = f"img/own-{number}.png"
        (folder / own).write_bytes(b"\x89PNG" + bytes([number]) * 5000)
        shown = f"![own]({own})\n\n![shared](img/shared.png)\n\n![gone](img/gone.png)\n"
        (folder / f"{number:04d}-choice.md").write_text(f"# {number}. Choice {number}\n\n## Status\n\nAccepted\n\n"
                                                        f"## Context\n\n{shown}", encoding="utf-8")

    def attachments(kb: KnowledgeBase) -> set[tuple[str, str, str]]:
        return {(r.key, item["name"], item["sha256"]) for r in kb.list_records() for item in kb.files.of(r.uid)
                if item["role"] == "attachment"}

    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    plan = plan_import(kb, folder)
    (folder / "img" / "gone.png").unlink()  # between the preview and the import
    report = import_folder(kb, folder, plan=plan)
    assert report.attachments == 13  # twelve images of their own and the shared one
    assert [s.path for s in report.skipped if s.path.startswith("img/")] == ["img/gone.png"]
    assert {(key, name) for key, name, _ in attachments(kb)} == {
        (f"ADR-{number:04d}", name) for number in range(1, 13) for name in (f"img/own-{number}.png", "img/shared.png")}
    assert kb.files.read("ADR-0012", "img/shared.png") == (folder / "img" / "shared.png").read_bytes()

    cancelled = KnowledgeBase.init(tmp_path / "cancelled.kbridge")
    upserts: list[str] = []
    upsert = importer._Importer.upsert

    def counted(self: Any, parsed: Any) -> None:
        upserts.append(parsed.path)
        upsert(self, parsed)

    monkeypatch.setattr(importer._Importer, "upsert", counted)
    first = import_folder(cancelled, folder, cancel=lambda: len(upserts) >= small_batches + 2)
    assert first.cancelled and first.imported == small_batches  # the second batch undone
    assert first.attachments == small_batches + 1
    assert {(key, name) for key, name, _ in attachments(cancelled)} == {
        (f"ADR-{number:04d}", name) for number in range(1, 6) for name in (f"img/own-{number}.png", "img/shared.png")}
    rest = import_folder(cancelled, folder)
    assert rest.imported == 12 - small_batches and rest.attachments == 13
    assert attachments(cancelled) == attachments(kb)


def test_a_supersede_undone_with_its_batch_is_not_reported(
    tmp_path: Path, small_batches: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "adr"
    folder.mkdir()
    for number in range(1, 8):
        replaces = "\n\nSupersedes [1. Choice 1](0001-choice.md)" if number == 7 else ""
        (folder / f"{number:04d}-choice.md").write_text(
            f"# {number}. Choice {number}\n\n## Status\n\nAccepted{replaces}\n\n## Context\n\nWhy.\n", encoding="utf-8")
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    # The second batch (6 and 7) is written, its links too, then undone by a cancel at its end.
    links_of_batch = importer._Importer._remove_unstated

    def then_cancel(self: Any, paths: list[str]) -> None:
        links_of_batch(self, paths)
        if "0007-choice.md" in paths:
            assert self.report.superseded == {"0001-choice.md": "0007-choice.md"}
            raise importer._CancelledError

    monkeypatch.setattr(importer._Importer, "_remove_unstated", then_cancel)
    report = import_folder(kb, folder)
    assert report.cancelled and report.imported == small_batches and report.superseded == {}
    assert kb.get("ADR-0001").status == "accepted"


def test_batches_that_add_many_records_index_their_words_together_as_the_triggers_would(
    tmp_path: Path, folder: Path, small_batches: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch adding BULK_ADDS records or more has their words indexed at its end; the list's
    word index is then the one a record at a time makes, after an import and after a re-import
    that both adds files and changes files imported before (batches of both)."""
    deferred = list_words.deferred
    used: list[bool] = []

    def counted(db: Any) -> Any:
        used.append(True)
        return deferred(db)

    def imported_twice(name: str, bulk_adds: int) -> KnowledgeBase:
        monkeypatch.setattr(importer, "BULK_ADDS", bulk_adds)
        copy = tmp_path / f"{name}-adr"
        shutil.copytree(folder, copy)
        (copy / "later").mkdir()
        kb = KnowledgeBase.init(tmp_path / f"{name}.kbridge")
        kb.create(Kind.DECISION, "Written here before the ledger import")
        import_folder(kb, copy)
        for number in range(2, 30, 3):  # changed files among new ones, batch by batch
            path = copy / f"log-{number:04d}-decision.md"
            path.write_text(path.read_text("utf-8").replace(f"Decision {number}", f"Ledger entry {number}"), "utf-8")
            (copy / "later" / f"{number:04d}-later.md").write_text(
                f"# {number}. Later ledger {number}\n\n## Status\n\nProposed\n\n## Context\n\nLater.\n", "utf-8")
        again = import_folder(kb, copy)
        assert again.updated >= 9 and again.imported == 10
        return kb

    monkeypatch.setattr(list_words, "deferred", counted)
    one_by_one = imported_twice("one-by-one", 10**9)
    assert not used
    together = imported_twice("together", 2)
    assert len(used) >= 5  # the first import's batches, and the re-import's that add two or more
    assert word_vocabulary(together.path) == word_vocabulary(one_by_one.path)
    assert word_vocabulary(together.path) == rebuilt_word_vocabulary(together.path, tmp_path / "rebuilt.kbridge")
    found = [r.title for r in together.listing.window(ListQuery(words=("ledger",)), 0, 100)]
    assert len(found) == 1 + 10 + 10 and "Written here before the ledger import" in found
    assert rows(together.path, "PRAGMA integrity_check") == [("ok",)]


def test_a_file_refused_as_it_is_written_has_its_line_say_why(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the plan would import that the knowledge base then refuses is a skipped line with
    the refusal as its reason; the files skipped before writing keep their own lines."""
    create = importer._Importer._create

    def refusing(self: Any, parsed: Any, source: Any) -> Any:
        if parsed.path == "log-0007-decision.md":
            raise ValidationError("a made-up refusal")
        return create(self, parsed, source)

    monkeypatch.setattr(importer._Importer, "_create", refusing)
    (folder / "notes.txt").write_text("not a decision", encoding="utf-8")
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    report = import_folder(kb, folder)
    lines = {row.path: row for row in report.records}
    assert (lines["log-0007-decision.md"].action, lines["log-0007-decision.md"].reason) == (
        "skip", "not imported: a made-up refusal")
    planned_skips = [row for row in report.plan.rows if row.action == "skip"] if report.plan else []
    assert planned_skips and all(lines[row.path] == row for row in planned_skips)
    assert lines["log-0006-decision.md"].action == "import" and lines["log-0006-decision.md"].key
