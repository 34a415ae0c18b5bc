"""The plan of an import keeps the files it read on a shelf (a scratch table) and reads them back
a page at a time: on every corpus folder it must be the plan the records held in memory give
(the same records in the same order, the same links and warnings), and what links find a file by
must come from the shelf's indexes as the in-memory index gives them."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from kbridge.formats.read.link_book import HeldLinks, LinkBook, ShelvedLinks
from kbridge.formats.read.parsed import ParsedRecord
from kbridge.formats.read.plan import plan_import
from kbridge.formats.read.resolve import MemoryIndex, resolve_links
from kbridge.formats.read.scan import scan_folder
from kbridge.formats.read.shelf import NAMES, FileShelf, ShelvedRecords
from kbridge.model import Kind
from tests.formats.conftest import CORPUS_FOLDERS, adr_folder


def _plan_order(records: list[ParsedRecord]) -> list[ParsedRecord]:
    return sorted(records, key=lambda r: (r.kind != Kind.PERSON.value, r.path))


def _facts(record: ParsedRecord) -> tuple[object, ...]:
    return (record.path, record.format, record.title, record.kind, record.number, record.log,
            record.key_hint, record.status, record.date, record.links, record.digest)


@pytest.mark.parametrize("name", sorted(CORPUS_FOLDERS))
def test_a_plan_read_back_from_its_shelf_is_the_plan_of_the_records_held(
    corpus: Path, name: str, tmp_path: Path
) -> None:
    folder = adr_folder(corpus, name)
    held = scan_folder(folder)
    plan = plan_import(KnowledgeBase.init(tmp_path / "kb.kbridge"), folder)
    assert isinstance(plan.records, ShelvedRecords)
    in_order = _plan_order(list(held.records))
    assert [_facts(r) for r in plan.records] == [_facts(r) for r in in_order]
    assert all(r.shelved and not r.body and not r.original for r in plan.records)
    warnings: list = []
    held_links = resolve_links(in_order, warnings)
    assert isinstance(plan.resolved, ShelvedLinks) and isinstance(held_links, HeldLinks)
    assert list(plan.resolved) == list(held_links)
    _assert_handed_out_alike(plan.resolved, held_links, [r.path for r in in_order])
    assert {(w.path, w.message) for w in plan.warnings} == {
        (w.path, w.message) for w in [*held.warnings, *warnings]}
    assert [(s.path, s.reason) for s in plan.skipped] == [(s.path, s.reason) for s in held.skipped]
    # The lines the command line prints, made from the shelf in path order, skips among them.
    # A file another file supersedes is shown superseded in both (cometbft's ADR-0060, ADR-0061).
    superseded = plan.superseded_here()
    assert list(plan.rows_by_path()) == sorted(plan.each_row(superseded), key=lambda row: row.path)


def _assert_handed_out_alike(shelved: LinkBook, held: LinkBook, paths: list[str]) -> None:
    """Both books give each file the same links, and hand the same ones out batch by batch, once."""
    written: dict[str, str] = {}
    for start in range(0, len(paths), 7):
        batch = paths[start:start + 7]
        for path in batch:
            assert shelved.stated_by(path) == held.stated_by(path), path
            assert shelved.stated(path) == held.stated(path), path
            written[path] = "uid"
        assert shelved.ready(batch, written) == held.ready(batch, written), batch
    assert shelved.ready(paths, written) == held.ready(paths, written) == []


def test_the_shelf_finds_a_file_by_every_name_as_the_index_in_memory_does(corpus: Path) -> None:
    for name in sorted(CORPUS_FOLDERS):
        records = _plan_order(list(scan_folder(adr_folder(corpus, name)).records))
        shelf = FileShelf()
        for record in records:
            shelf.keep(record)
        memory = MemoryIndex(records)
        for table, values in memory.tables.items():
            assert table in NAMES
            for value, paths in values.items():
                assert shelf.named(table, value) == paths, (name, table, value)
        assert shelf.named("title", "no such title") == []
        for record in records[:5]:
            assert shelf.has(record.path) and shelf.record(record.path) is not None
        shelf.close()


def test_a_numbered_folder_read_through_a_shelf_keys_its_duplicates_as_in_memory(tmp_path: Path) -> None:
    folder = tmp_path / "adr"
    (folder / "infra").mkdir(parents=True)
    for path, title in (("0001-a.md", "A"), ("0001-b.md", "B"), ("0002-c.md", "C"),
                        ("infra/0001-x.md", "X"), ("infra/0002-y.md", "Y")):
        (folder / path).write_text(f"# {path[:4]}. {title}\n\n## Status\n\nAccepted\n\n## Decision\n\nWe do {title}.\n",
                                   encoding="utf-8")
    # A link whose path names no file is found by its number, in the number space of its file.
    with (folder / "infra/0002-y.md").open("a", encoding="utf-8") as text:
        text.write("\nAmends [1. X](gone/0001-old-name.md)\n")
    held = scan_folder(folder)
    plan = plan_import(KnowledgeBase.init(tmp_path / "kb.kbridge"), folder)
    assert [(link.source, link.type.value, link.target) for link in plan.resolved] == [
        ("infra/0002-y.md", "amends", "infra/0001-x.md")]
    hints = {r.path: (r.log, r.key_hint) for r in plan.records}
    assert hints == {r.path: (r.log, r.key_hint) for r in held.records}
    assert hints["0001-b.md"] == ("", "ADR-0001-2") and hints["infra/0001-x.md"] == ("INFRA", "INFRA-0001")
    assert [w.message for w in plan.warnings if w.path == "0001-b.md"] == [
        "number 1 is also used by 0001-a.md: keyed ADR-0001-2"]
    assert {row.path: row.key for row in plan.rows} == {
        "0001-a.md": "ADR-0001", "0001-b.md": "ADR-0001-2", "0002-c.md": "ADR-0002",
        "infra/0001-x.md": "INFRA-0001", "infra/0002-y.md": "INFRA-0002"}


def _deleted_scratch_files() -> set[str]:
    """The files this process holds open that no longer have a name (SQLite's temporary files)."""
    held = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.endswith("(deleted)") and "etilqs" in target:
            held.add(target)
    return held


def test_a_shelf_is_a_file_without_a_name_gone_when_it_is_closed() -> None:
    before = _deleted_scratch_files()
    shelf = FileShelf()
    for number in range(40):  # past the page cache: the rows go to the file
        shelf.keep_bytes(f"{number}.md", os.urandom(512 * 1024))
    assert shelf.load_bytes("7.md") != shelf.load_bytes("8.md")
    held = _deleted_scratch_files() - before
    assert held, "the shelf's rows should be in an unnamed temporary file"
    shelf.close()
    assert not (_deleted_scratch_files() - before)
    with pytest.raises(Exception, match="closed"):
        shelf.load_bytes("7.md")


def test_a_folder_whose_records_are_all_in_the_trash_is_matched_there_not_imported_again(
    corpus: Path, tmp_path: Path
) -> None:
    """The matching reads the records imported from a file (an index finds them); the trash counts:
    a knowledge base whose every record is deleted is not empty."""
    folder = adr_folder(corpus, "adr__madr")
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    first = import_folder(kb, folder)
    assert first.imported > 3 and not kb.is_empty()
    kb.create(Kind.DECISION, "Written here, not imported")
    assert len(list(kb.iter_records(deleted=None, sourced=True))) == first.imported
    for record in kb.list_records():
        kb.delete(record.uid)
    assert kb.list_records() == [] and not kb.is_empty()
    again = import_folder(kb, folder)
    assert (again.imported, again.unchanged) == (0, first.imported)
    assert len(kb.list_summaries(deleted=None)) == first.imported + 1
    assert KnowledgeBase.init(tmp_path / "empty.kbridge").is_empty()


def _heavy(record: ParsedRecord) -> tuple[object, ...]:
    return (record.body, record.original, record.fields, record.layout)


def test_a_record_comes_off_the_shelf_as_it_went_on_and_its_body_is_not_kept_twice(corpus: Path) -> None:
    made = [
        # A body that is a run of the file's bytes: kept as where it lies in them.
        ParsedRecord("in.md", "madr", "In", body="Body é\n", original="---\nt: 1\n---\nBody é\n".encode(),
                     fields={"a": [1]}, layout={"named_by_folder": False, "k": "v"}),
        # One the reader changed (line ends), one with a byte the file does not hold as UTF-8,
        # and one no UTF-8 can hold: kept whole.
        ParsedRecord("crlf.md", "madr", "CRLF", body="a\nb\n", original=b"a\r\nb\r\n"),
        ParsedRecord("latin.md", "madr", "Latin", body="caf\u00e9", original="café".encode("latin-1")),
        ParsedRecord("surrogate.md", "madr", "Lone", body="x\udc80y", original=b"x\x80y"),
        ParsedRecord("empty.md", "madr", "Empty", body="", original=b""),
    ]
    held = [*made, *(dataclasses.replace(record, path=f"{name}/{record.path}") for name in sorted(CORPUS_FOLDERS)
                     for record in scan_folder(adr_folder(corpus, name)).records)]
    shelf = FileShelf()
    for record in held:
        shelf.keep(record)
    back = {record.path: shelf.load(record) for record in shelf.walk("path")}
    assert len(back) == len(held)
    for record in held:
        assert not back[record.path].shelved
        assert _heavy(back[record.path]) == _heavy(record), record.path
    stored = len(shelf._texts.where("path", "in.md", "text")[0])
    assert stored < len(made[0].original) + len(made[0].body.encode()) + 120, "the body should not be kept twice"
