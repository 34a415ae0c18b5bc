"""A knowledge base and an ADR folder made of hostile payloads, built once per session (tests get
copies): every payload is a record's title and body, a tag, a field's name and value, the name of
the person who owns it, and the target of a dangling link."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from tests.security.payloads import PAYLOADS, Payload


def add_hostile_record(kb: KnowledgeBase, payload: Payload) -> str:
    """One note carrying `payload` in every field a record has; its uid."""
    text = payload.text
    person = kb.create("person", text, reason=f"payload {payload.name}").uid
    uid = kb.create(
        "note", text, body=f"{text}\n\nAfter the payload.", tags=[text[:200]], owner=kb.get(person).key,
        fields={text[:200]: text, "plain": text}, reason=f"payload {payload.name}",
    ).uid
    kb.links.add(uid, "relates-to", text[:200] or "empty", allow_dangling=True)
    return uid


@pytest.fixture(scope="session")
def hostile_kb_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("hostile") / "hostile.kbridge"
    with KnowledgeBase.init(path) as kb:
        uids = {payload.name: add_hostile_record(kb, payload) for payload in PAYLOADS}
    return path, uids


@pytest.fixture
def hostile_kb(hostile_kb_file: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[KnowledgeBase]:
    copy = tmp_path / "hostile.kbridge"
    shutil.copyfile(hostile_kb_file[0], copy)
    with KnowledgeBase.open(copy) as kb:
        yield kb


@pytest.fixture
def hostile_uids(hostile_kb_file: tuple[Path, dict[str, str]]) -> dict[str, str]:
    """Payload name -> uid of the note carrying it."""
    return hostile_kb_file[1]


def write_madr_folder(folder: Path) -> Path:
    """A MADR folder as a hostile repository would hold it: each payload is a front-matter key and
    value, the title, the status words and the body of one decision."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, payload in enumerate(PAYLOADS, start=1):
        text = payload.text.replace("\x00", "")  # YAML cannot carry NUL; the body still may
        front = yaml.safe_dump({"status": "accepted", text[:200]: text, "tags": [text[:100]]},
                               allow_unicode=True, width=10_000)
        title = f"Use payload {number} " + (text.splitlines()[0] if text.strip() else "x")
        body = f"---\n{front}---\n\n# {title}\n\n## Status\n\n{text}\n\n{text}\n"
        (folder / f"{number:04d}-payload.md").write_text(body, encoding="utf-8", errors="surrogatepass")
    return folder


@pytest.fixture(scope="session")
def imported_kb_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-import")
    path = root / "imported.kbridge"
    with KnowledgeBase.init(path) as kb:
        report = import_folder(kb, write_madr_folder(root / "adr"), force=True)
    assert report.imported >= len(PAYLOADS) * 9 // 10, report.skipped[:5]
    return path


@pytest.fixture
def imported_kb(imported_kb_file: Path, tmp_path: Path) -> Iterator[KnowledgeBase]:
    copy = tmp_path / "imported.kbridge"
    shutil.copyfile(imported_kb_file, copy)
    with KnowledgeBase.open(copy) as kb:
        yield kb
