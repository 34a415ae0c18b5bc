"""The corpus folders imported as shipped, `_license/` and all: a licence file is skipped as a
licence (told by its content), never turned into a decision such as "ADR-0001 accepted"."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from kbridge.formats.read.scan import scan_folder
from tests.formats.conftest import CORPUS_FOLDERS


@pytest.mark.parametrize("name", sorted(CORPUS_FOLDERS))
def test_licence_files_of_each_corpus_folder_are_skipped_as_licences(corpus: Path, name: str) -> None:
    licences = sorted(path.relative_to(corpus / name).as_posix() for path in (corpus / name / "_license").iterdir())
    assert licences
    result = scan_folder(corpus / name)
    skipped = {item.path: item.reason for item in result.skipped}
    assert not [record.path for record in result.records if record.path.startswith("_license/")]
    for path in licences:
        assert path in skipped, path
        if path.endswith(".md"):  # others are skipped before anyone reads them: not Markdown
            assert "licence" in skipped[path].lower(), (path, skipped[path])


def test_importing_a_folder_as_shipped_makes_no_record_of_its_licence(corpus: Path, kb: KnowledgeBase) -> None:
    # Its licence is a Markdown file, LICENSE.md, that a careless reader takes for ADR 1.
    folder = corpus / "DFE-Digital__find-a-tuition-partner"
    assert (folder / "_license" / "DFE-Digital__find-a-tuition-partner.LICENSE.md").is_file()
    report = import_folder(kb, folder)
    assert report.imported > 0
    sources = [record.source.get("path", "") for record in kb.list_records() if record.source]
    assert sources and not [path for path in sources if path.startswith("_license/")]
    assert all("licen" not in record.title.lower() for record in kb.list_records())
