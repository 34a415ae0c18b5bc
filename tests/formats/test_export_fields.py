"""A field or tag changed since a kbridge Markdown file was imported is written back by the export
(a tick of an incident's checklist, an RTO set): kbridge Markdown holds every field."""

from __future__ import annotations

from pathlib import Path

import yaml

from kbridge.core import KnowledgeBase
from kbridge.formats.write.export import export_kb


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_changed_fields_reach_the_exported_file(sample_kb: KnowledgeBase, tmp_path: Path) -> None:
    untouched = export_kb(sample_kb, tmp_path / "before", "kbridge")
    assert untouched.unchanged == len(untouched.written) and untouched.patched == 0
    sample_kb.update("SYS-001", fields={**sample_kb.get("SYS-001").fields, "rto": "3h"})
    sample_kb.update("SYS-002", tags=["ledger", "postgres", "pci", "tier-0"])
    sample_kb.resilience.tick("INC-006", "SYS-005/step/4")
    report = export_kb(sample_kb, tmp_path / "after", "kbridge")
    assert report.patched == 3 and report.unchanged == len(report.written) - 3
    assert front_matter(tmp_path / "after" / "systems" / "SYS-001.md")["fields"]["rto"] == "3h"
    assert "tier-0" in front_matter(tmp_path / "after" / "systems" / "SYS-002.md")["tags"]
    ticks = front_matter(tmp_path / "after" / "incidents" / "INC-006.md")["fields"]["checklist"]
    assert len(ticks) == 6 and ticks[-1]["by"] == "tester"
