"""The bundled sample loads whole, with the links and deliberate gaps it was written with."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.formats.sample import ensure_sample_kb, sample_source_dir


def test_every_sample_file_becomes_a_record(sample_kb: KnowledgeBase) -> None:
    files = sorted(sample_source_dir().rglob("*.md"))
    records = sample_kb.list_records()
    assert len(records) == len(files) == 106
    assert {record.key for record in records} == {path.stem for path in files}
    kinds = sample_kb.maintenance.stats()["kinds"]
    assert kinds == {"control": 15, "decision": 25, "event": 22, "incident": 6, "note": 2, "person": 8,
                     "requirement": 10, "risk": 10, "system": 8}


def test_sample_links_resolve_except_the_deliberate_dangling_one(sample_kb: KnowledgeBase) -> None:
    (dangling,) = sample_kb.links.dangling()
    assert sample_kb.get(dangling.source_uid).key == "ADR-0004"
    assert (dangling.type.value, dangling.target_ref) == ("relates-to", "ADR-0099")


def test_supersede_chain_of_the_sample(sample_kb: KnowledgeBase) -> None:
    def superseded_by(key: str) -> list[str]:
        return [link.key for link in sample_kb.links.of(key) if link.label == "superseded by"]

    assert superseded_by("ADR-0001") == ["ADR-0005"]
    assert superseded_by("ADR-0005") == ["ADR-0013"]
    assert sample_kb.get("ADR-0001").status == sample_kb.get("ADR-0005").status == "superseded"
    assert sample_kb.get("ADR-0013").status == "accepted"


def test_control_rationale_and_reasons(sample_kb: KnowledgeBase) -> None:
    control = sample_kb.get("CTL-001")
    assert control.fields["rationale"].strip()
    out = {(link.type.value, link.key) for link in sample_kb.links.of("CTL-001") if link.direction == "out"}
    assert {("mitigates", "RSK-001"), ("implements", "REQ-004"), ("motivated-by", "INC-001"),
            ("motivated-by", "ADR-0017")} <= out


def test_departed_owners_are_flagged(sample_kb: KnowledgeBase) -> None:
    report = sample_kb.maintenance.check(today=dt.date(2026, 11, 26))
    departed = {f.key for f in report.findings if f.category == "departed-owner"}
    assert {"ADR-0008", "SYS-006", "ADR-0002", "SYS-004"} <= departed
    assert {f.person for f in report.findings if f.category == "departed-owner"} == {"PER-002", "PER-004"}
    stale = {f.key for f in report.findings if f.category == "stale-proposal"}
    assert stale == {"ADR-0023", "ADR-0024"}
    assert {f.key for f in report.findings if f.category == "control-without-reason"} == {"CTL-014"}


def test_ensure_sample_builds_once_and_keeps_user_edits(tmp_path: Path) -> None:
    path = ensure_sample_kb(tmp_path / "mine.kbridge")
    with KnowledgeBase.open(path) as kb:
        kb.update("ADR-0001", title="Edited by the user")
    again = ensure_sample_kb(tmp_path / "mine.kbridge")
    with KnowledgeBase.open(again) as kb:
        assert kb.get("ADR-0001").title == "Edited by the user"
    assert not list(tmp_path.glob(".*partial*"))
