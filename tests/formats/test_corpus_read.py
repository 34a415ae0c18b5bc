"""Each corpus folder read file by file: every file is a record, an attachment or a skip with a
reason, and the hand-checked records come out as a careful reader would take them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbridge.formats.resolve import resolve_links
from kbridge.formats.scan import scan_folder
from tests.formats.conftest import adr_folder, all_files
from tests.formats.corpus_expected import EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_folder_is_read_as_checked(corpus: Path, name: str) -> None:
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

    links = resolve_links(result.records)
    assert [link for link in links if link.target is None] == []
    for path, (title, status, date, number, want_links) in expected["checked"].items():
        record = records[path]
        assert (record.title, record.status, record.date, record.number) == (
            title, status, date, number), path
        got = {(link.type.value, "out", link.target) for link in links if link.source == path}
        got |= {(link.type.value, "in", link.source) for link in links if link.target == path}
        assert got == want_links, path
