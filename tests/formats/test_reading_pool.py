"""A large folder's files are parsed by other processes (`kbridge.formats.read.reading_pool`): the
scan must be the scan made in one process, in the same order, whatever comes back or does not (a
reader that cannot cross, a worker that dies, a cancel)."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from kbridge.formats.kbridge_markdown import read_kbridge
from kbridge.formats.markdown_doc import Document
from kbridge.formats.read import reading_pool
from kbridge.formats.read.parsed import ParsedRecord
from kbridge.formats.read.scan import ScanResult, scan_folder
from kbridge.formats.read.shelf import FileShelf
from kbridge.formats.text import DecodedText
from tests.formats.conftest import CORPUS_FOLDERS

KBRIDGE = "---\nkey: PAGE-{n}\nkind: decision\ntitle: Page {n}\nstatus: accepted\n---\nWe chose {n}.\n"


@pytest.fixture(autouse=True)
def _pool_for_small_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading_pool, "PARALLEL_FROM", 1)


def _scan(folder: Path, workers: int, reader: Any = read_kbridge, **kwargs: Any) -> tuple[ScanResult, list[dict]]:
    shelf = FileShelf()
    result = scan_folder(folder, kbridge_reader=reader, shelf=shelf, workers=workers, **kwargs)
    records = [dataclasses.asdict(shelf.load(record)) for record in result.records] if not result.cancelled else []
    return result, records


def _assert_same(one: tuple[ScanResult, list[dict]], other: tuple[ScanResult, list[dict]]) -> None:
    (a, a_records), (b, b_records) = one, other
    assert a_records == b_records
    assert [(s.path, s.reason) for s in a.skipped] == [(s.path, s.reason) for s in b.skipped]
    assert [(w.path, w.message) for w in a.warnings] == [(w.path, w.message) for w in b.warnings]
    assert (a.attachments, a.decisions_found) == (b.attachments, b.decisions_found)


def test_every_corpus_folder_read_by_worker_processes_is_read_as_here(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "monorepo"
    for name in sorted(CORPUS_FOLDERS):
        shutil.copytree(corpus / name, folder / name)
    children: list[int] = []

    def progress(done: int, total: int, message: str = "") -> None:
        children.append(len(multiprocessing.active_children()))

    alone = _scan(folder, 1)
    apart = _scan(folder, 2, progress=progress)
    _assert_same(apart, alone)
    assert len(apart[1]) > 500 and len(apart[0].skipped) > 20
    assert max(children) >= 2  # the files were read by the workers, not here


def _pages(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(1, count + 1):
        (folder / f"page-{n:03d}.md").write_text(KBRIDGE.format(n=n), encoding="utf-8")
    (folder / "notes.txt").write_text("not Markdown", encoding="utf-8")
    return folder


def test_a_reader_that_cannot_be_sent_to_a_worker_reads_here(tmp_path: Path) -> None:
    folder = _pages(tmp_path / "pages", 40)

    def local_reader(decoded: DecodedText, path: str, doc: Document) -> ParsedRecord:
        return read_kbridge(decoded, path, doc)

    apart = _scan(folder, 2, local_reader)
    _assert_same(apart, _scan(folder, 1))
    assert [record["key"] for record in apart[1]] == [f"PAGE-{n}" for n in range(1, 41)]


def dying_reader(decoded: DecodedText, path: str, doc: Document) -> ParsedRecord:
    """Reads here; ends the process it runs in when that is a worker (whose module has its own
    globals: the test's process is told by the environment the workers inherit)."""
    if str(os.getpid()) != os.environ["KBRIDGE_TEST_PARENT"]:
        os._exit(3)
    return read_kbridge(decoded, path, doc)


def test_files_a_dead_worker_was_reading_are_read_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KBRIDGE_TEST_PARENT", str(os.getpid()))
    folder = _pages(tmp_path / "pages", 70)
    apart = _scan(folder, 2, dying_reader)
    _assert_same(apart, _scan(folder, 1))
    assert len(apart[1]) == 70


def test_a_cancelled_reading_leaves_no_worker_behind(tmp_path: Path) -> None:
    folder = _pages(tmp_path / "pages", 400)
    seen = []

    def cancel() -> bool:
        seen.append(1)
        return len(seen) > 50

    result, _ = _scan(folder, 2, cancel=cancel)
    assert result.cancelled
    deadline = time.monotonic() + 20
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert multiprocessing.active_children() == []
