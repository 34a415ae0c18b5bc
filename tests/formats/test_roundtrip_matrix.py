"""The round-trip matrix (docs/formats.md): every corpus folder and the sample, exported in every
format, imported into a fresh knowledge base and compared record by record; the export imported
into the same knowledge base finds every record unchanged. A difference a format can carry fails."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from tests.fixtures.roundtrip import MATRIX_FORMATS, run_format
from tests.formats.conftest import CORPUS_FOLDERS, adr_folder

SOURCES = [*sorted(CORPUS_FOLDERS), "sample"]


@pytest.fixture(scope="session")
def imported(corpus: Path, sample_file: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each source imported once per session (the cases copy the file)."""
    folder = tmp_path_factory.mktemp("matrix-sources")
    files = {"sample": sample_file}
    for name in sorted(CORPUS_FOLDERS):
        path = folder / f"{name}.kbridge"
        with KnowledgeBase.init(path) as kb:
            assert import_folder(kb, adr_folder(corpus, name)).imported > 0
        files[name] = path
    return files


@pytest.mark.parametrize("fmt", MATRIX_FORMATS)
@pytest.mark.parametrize("source", SOURCES)
def test_export_then_import_gives_the_same_records(imported: dict[str, Path], tmp_path: Path,
                                                   source: str, fmt: str) -> None:
    same, origin = tmp_path / "same.kbridge", tmp_path / "origin.kbridge"
    shutil.copyfile(imported[source], same)
    # A copy exports: a kbridge export records its sync baseline in the knowledge base it reads,
    # and the session's files are shared by every test.
    shutil.copyfile(imported[source], origin)
    with KnowledgeBase.open(origin) as kb:
        result = run_format(kb, source, fmt, tmp_path, reimport_into=same)
    assert result.compared > 0
    assert result.failures() == []
    assert result.reimport["unchanged"] == result.compared
