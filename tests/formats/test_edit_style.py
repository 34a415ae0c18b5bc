"""Editing an imported record and exporting it (native) changes its file the way the file already
writes things: a badge stays a badge, an emoji line keeps an emoji, a German status stays German,
a status history gets a new entry, a date keeps its format, the front matter's title follows the
heading, a new key renumbers the file. Reading the file back gives what the record says."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from kbridge.formats.write.export import export_kb


def _changed(before: str, after: str) -> list[str]:
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def _round(tmp_path: Path, name: str, text: str, change: dict[str, str]) -> tuple[list[str], KnowledgeBase]:
    """Import one file, change the record, export native: (the lines that changed, the export
    imported into a fresh knowledge base)."""
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    import_folder(kb, folder, force=True)
    (record,) = kb.list_records()
    kb.update(record.uid, **change)
    report = export_kb(kb, tmp_path / "out", "native")
    (path,) = report.written
    after = (tmp_path / "out" / path).read_text(encoding="utf-8")
    kb.close()
    fresh = KnowledgeBase.init(tmp_path / "fresh.kbridge")
    import_folder(fresh, tmp_path / "out", force=True)
    return _changed(text, after), fresh


CASES = [
    # (file, its text, the change, the lines expected to change)
    ("0003-use-kafka.md",
     "# Use Kafka\n\n[![Status: accepted](https://img.shields.io/badge/status-accepted-green.svg)](x)\n\n"
     "## Context\n\nText.\n",
     {"status": "deprecated"},
     ["-[![Status: accepted](https://img.shields.io/badge/status-accepted-green.svg)](x)",
      "+[![Status: deprecated](https://img.shields.io/badge/status-deprecated-orange.svg)](x)"]),
    ("0004-use-vault.md",
     "# 4. Use Vault\n\nDate: 2021-03-01\n\n## Status\n\n✅ Accepted\n\n## Context\n\nText.\n",
     {"status": "rejected"},
     ["-✅ Accepted", "+❌ Rejected"]),
    ("0005-nutze-postgres.md",
     "# Nutze PostgreSQL\n\n**Status:** Akzeptiert, 2024-02-01\n\n## Kontext\n\nText.\n",
     {"status": "deprecated"},
     ["-**Status:** Akzeptiert, 2024-02-01", "+**Status:** Veraltet, 2024-02-01"]),
    # A status glossed in English (AutoKanban, a folder no test had seen), its sections below a note.
    ("0008-raw-sql.md",
     "# ADR-0008: Raw SQL採用\n\n> **注**: 移行後も継続しています。\n\n## ステータス\n\n採用 (Accepted)\n\n"
     "## 日付\n\n2026-02-28\n\n## コンテキスト\n\n文字。\n",
     {"status": "deprecated", "date": "2026-03-01"},
     ["-採用 (Accepted)", "+非推奨 (Deprecated)", "-2026-02-28", "+2026-03-01"]),
    ("0006-use-redis.md",
     "# 6. Use Redis\n\nDate: Oct 21, 2022\n\n## Status\n\nAccepted\n\n## Context\n\nText.\n",
     {"date": "2023-01-05"},
     ["-Date: Oct 21, 2022", "+Date: Jan 5, 2023"]),
    ("0007-use-s3.md",
     "---\ntitle: Use S3\nstatus: accepted\n---\n\n# Use S3\n\n## Context\n\nText.\n",
     {"title": "Use S3 for backups"},
     ["-title: Use S3", "+title: Use S3 for backups", "-# Use S3", "+# Use S3 for backups"]),
]


@pytest.mark.parametrize(("name", "text", "change", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_change_is_written_in_the_files_own_words(tmp_path: Path, name: str, text: str,
                                                     change: dict[str, str], expected: list[str]) -> None:
    changed, fresh = _round(tmp_path, name, text, change)
    assert sorted(changed) == sorted(expected)
    (record,) = fresh.list_records()
    for field, value in change.items():
        assert getattr(record, field) == value
    fresh.close()


def test_a_status_history_gets_an_entry_in_its_language(tmp_path: Path) -> None:
    text = ("# 使用 Kafka\n\n## 状态\n\n- 2024-01-02 提议\n- 2024-02-01 已接受\n\n## 背景\n\n文字。\n")
    changed, fresh = _round(tmp_path, "0008-kafka.md", text, {"status": "deprecated"})
    (line,) = changed
    assert line.startswith("+- ") and line.endswith(" 已弃用") and "20" in line
    (record,) = fresh.list_records()
    assert record.status == "deprecated"
    fresh.close()


def test_a_new_key_renumbers_the_file_and_its_heading(tmp_path: Path) -> None:
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0007-use-grpc.md").write_text("# 7. Use gRPC\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n\n"
                                             "## Context\n\nText.\n")
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    import_folder(kb, folder)
    kb.update("ADR-0007", key="ADR-0042")
    report = export_kb(kb, tmp_path / "out", "native")
    assert report.written == ["0042-use-grpc.md"]
    assert (tmp_path / "out" / "0042-use-grpc.md").read_text().startswith("# 42. Use gRPC\n")
    again = import_folder(kb, tmp_path / "out")
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 1)
    kb.close()
