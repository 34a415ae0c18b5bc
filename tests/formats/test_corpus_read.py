"""Each corpus folder read file by file: every file is a record, an attachment or a skip with a
reason; the files labelled by hand (tests/fixtures/corpus_labels.yaml) come out as labelled; and
an import into a knowledge base keeps what was read, with keys that follow the files' numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from kbridge.formats.read.scan import scan_folder
from tests.fixtures.corpus_labels import FIELDS, load_labels, score_folder
from tests.formats.conftest import CORPUS_FOLDERS, adr_folder, all_files, superseded_in_folder
from tests.formats.corpus_expected import EXPECTED

LABELS = load_labels()


def test_every_corpus_folder_is_labelled_and_checked(corpus: Path) -> None:
    assert set(LABELS) == set(CORPUS_FOLDERS) == set(EXPECTED)
    assert len(CORPUS_FOLDERS) == 17
    for name, (folder, files) in LABELS.items():
        assert folder == CORPUS_FOLDERS[name]
        # At least eight labelled files, or every file of a smaller folder (images aside).
        documents = all_files(adr_folder(corpus, name)) - set(EXPECTED[name]["attachments"])
        assert len(files) >= 8 or set(files) == documents, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_folder_accounts_for_every_file(corpus: Path, name: str) -> None:
    folder = adr_folder(corpus, name)
    expected = EXPECTED[name]
    result = scan_folder(folder)
    records = {record.path: record for record in result.records}
    skipped = {item.path: item.reason for item in result.skipped}

    assert set(records) | set(skipped) | set(result.attachments) == all_files(folder)
    assert not set(records) & set(skipped)
    assert len(records) == expected["records"]
    assert set(skipped) == set(expected["skipped"])
    for path, word in expected["skipped"].items():
        assert word.lower() in skipped[path].lower(), (path, skipped[path])
    assert result.attachments == expected["attachments"]
    assert result.decisions_found


@pytest.mark.parametrize("name", sorted(LABELS))
def test_corpus_folder_reads_as_labelled(corpus: Path, name: str) -> None:
    folder, labels = LABELS[name]
    scores = score_folder(corpus / name / folder, labels)
    misses = [miss for field in FIELDS for miss in scores[field].misses]
    assert misses == []
    assert all(scores[field].total for field in ("decision", "title", "status"))


@pytest.mark.parametrize("name", sorted(LABELS))
def test_corpus_folder_imports_what_it_reads(corpus: Path, name: str, kb: KnowledgeBase) -> None:
    folder = adr_folder(corpus, name)
    scan = scan_folder(folder)
    report = import_folder(kb, folder)
    assert report.imported == len(scan.records) and not report.cancelled
    by_path = {r.source["path"]: r for r in kb.list_records() if r.source}
    superseded = superseded_in_folder(folder)
    for parsed in scan.records:
        record = by_path[parsed.path]
        status = "superseded" if parsed.path in superseded else parsed.status
        assert (record.title, record.status, record.date) == (
            " ".join(parsed.title.split()), status, parsed.date), parsed.path
        if parsed.key_hint:
            assert record.key == parsed.key_hint, parsed.path
        number = record.source.get("number")
        if number is not None:
            assert re.fullmatch(rf"[A-Z0-9-]+-0*{number}(?:-\d+)?", record.key), record.key
    planned = {row.path: row for row in report.records if row.action != "skip"}
    assert {path: row.key for path, row in planned.items()} == {
        path: record.key for path, record in by_path.items()}
