"""What the checks behind `kbridge check` and "Needs attention" read: summaries with their sources
and whole records only of the kinds whose fields and bodies they look at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.core.checks import Finding
from kbridge.formats.read.importer import import_folder

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
