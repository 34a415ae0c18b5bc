"""A file whose own marks tell no format is read at once as the format its folder most likely
has, and named again (or, for kbridge Markdown, read again) once the folder's is known. The
records must be those of reading each file as its folder's format, alike whether they are held or
on a shelf, and a file is parsed once when its folder's format is the likely one."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from kbridge.formats.kbridge_markdown import read_kbridge
from kbridge.formats.read import file_read
from kbridge.formats.read.file_read import read_bytes
from kbridge.formats.read.parsed import ParsedRecord
from kbridge.formats.read.scan import scan_folder
from kbridge.formats.read.shelf import FileShelf

PLAIN = "# {title}\n\n## Context\n\nWe needed {title}.\n\n## Decision\n\nWe chose it.\n"
ADR_TOOLS = "# {title}\n\n## Status\n\nAccepted\n\n## Context\n\nWe needed {title}.\n"
KBRIDGE = "---\nkey: ADR-{number:04d}\nkind: decision\ntitle: {title}\nstatus: accepted\n---\nWe chose {title}.\n"


def _folder(root: Path, pages: list[tuple[str, str]], extra: dict[str, str] | None = None) -> Path:
    root.mkdir()
    for number, (name, template) in enumerate(pages, start=1):
        title = name.removesuffix(".md").split("-", 1)[-1].title()
        (root / name).write_text(template.format(title=title, number=number), encoding="utf-8")
    for name, text in (extra or {}).items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _whole(record: ParsedRecord, shelf: FileShelf | None = None) -> dict[str, Any]:
    loaded = shelf.load(record) if shelf is not None else record
    facts = dataclasses.asdict(loaded)
    facts.pop("shelved")
    facts.pop("sha256")
    return facts


def _both(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """The records of a scan holding its files, those of a scan through a shelf, and how many
    times the shelved scan parsed a file."""
    held = scan_folder(folder, kbridge_reader=read_kbridge)
    parsed = 0
    real_parse = file_read.parse

    def counted(text: str) -> Any:
        nonlocal parsed
        parsed += 1
        return real_parse(text)

    monkeypatch.setattr(file_read, "parse", counted)
    shelf = FileShelf()
    shelved = scan_folder(folder, kbridge_reader=read_kbridge, shelf=shelf)
    assert [(s.path, s.reason) for s in shelved.skipped] == [(s.path, s.reason) for s in held.skipped]
    assert sorted((w.path, w.message) for w in shelved.warnings) == sorted((w.path, w.message) for w in held.warnings)
    return [_whole(r) for r in held.records], [_whole(r, shelf) for r in shelved.records], parsed


def _each_read_as(folder: Path, records: list[dict[str, Any]], fmt: str) -> list[dict[str, Any]]:
    """The records read again one by one, each told `fmt` (with the key hints the folder gave)."""
    again = []
    for record in records:
        read = read_bytes(record["path"], False, (folder / record["path"]).read_bytes(), fmt, read_kbridge)
        assert isinstance(read, ParsedRecord)
        again.append(_whole(dataclasses.replace(read, key_hint=record["key_hint"], log=record["log"])))
    return again


def _formats(records: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """What each record was read as, by its name and by its layout (a writer's; kbridge Markdown
    writes no layout)."""
    return {(record["format"], record["layout"].get("format", "-")) for record in records}


def test_plain_files_of_a_madr_folder_are_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path / "adr", [(f"{n:04d}-choice-{n}.md", PLAIN) for n in range(1, 6)])
    held, shelved, parsed = _both(folder, monkeypatch)
    assert shelved == held == _each_read_as(folder, shelved, "madr")
    assert _formats(shelved) == {("madr", "madr")}
    assert parsed == 5


def test_plain_files_before_marked_ones_are_named_as_the_folder_s_format(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = [("0001-first.md", PLAIN), ("0002-second.md", PLAIN)]
    pages += [(f"{n:04d}-marked-{n}.md", ADR_TOOLS) for n in range(3, 6)]
    folder = _folder(tmp_path / "adr", pages)
    held, shelved, parsed = _both(folder, monkeypatch)
    assert shelved == held == _each_read_as(folder, shelved, "adr-tools")
    assert _formats(shelved) == {("adr-tools", "adr-tools")}
    assert parsed == 5  # the two plain files were read as MADR, then named adr-tools, not parsed again


def test_an_index_page_naming_log4brains_names_the_plain_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path / "adr", [(f"2020010{n}-choice-{n}.md", PLAIN) for n in range(1, 4)],
                     {"index.md": "# Decisions\n\nThis log is built with log4brains.\n"})
    held, shelved, _ = _both(folder, monkeypatch)
    assert shelved == held == _each_read_as(folder, shelved, "log4brains")
    assert _formats(shelved) == {("log4brains", "log4brains")}


def test_a_folder_config_is_the_format_plain_files_are_read_as(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path / "adr", [(f"{n:04d}-choice-{n}.md", PLAIN) for n in range(1, 4)],
                     {".adr-dir": "."})
    held, shelved, parsed = _both(folder, monkeypatch)
    assert shelved == held == _each_read_as(folder, shelved, "adr-tools")
    assert _formats(shelved) == {("adr-tools", "adr-tools")}
    assert parsed == 3


def test_a_plain_file_in_a_kbridge_folder_is_read_again_by_the_kbridge_reader(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = [("a-plain.md", PLAIN)] + [(f"page-{n}.md", KBRIDGE) for n in range(2, 5)]
    folder = _folder(tmp_path / "pages", pages)
    held, shelved, parsed = _both(folder, monkeypatch)
    assert shelved == held
    assert [r["path"] for r in shelved] == ["page-2.md", "page-3.md", "page-4.md"]
    assert _formats(shelved) == {("kbridge", "-")}
    assert parsed == 5  # read for now as MADR, then by the kbridge reader, which skips it
    skipped = scan_folder(folder, kbridge_reader=read_kbridge, shelf=FileShelf()).skipped
    assert [s.path for s in skipped] == ["a-plain.md"] and "front matter" in skipped[0].reason


def test_a_plain_file_after_kbridge_pages_is_read_again_by_the_kbridge_reader(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = [(f"page-{n}.md", KBRIDGE) for n in range(1, 4)] + [("z-plain.md", PLAIN)]
    folder = _folder(tmp_path / "pages", pages)
    held, shelved, parsed = _both(folder, monkeypatch)
    assert shelved == held == _each_read_as(folder, shelved, "kbridge")
    assert _formats(shelved) == {("kbridge", "-")}
    assert parsed == 5  # read as MADR for now (kbridge Markdown has a reader of its own), then again
