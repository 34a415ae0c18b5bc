"""`kbridge import`, `export` and `sync` through the real click entry point."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Run, as_json
from tests.formats.conftest import adr_folder
from tests.formats.conftest import corpus as corpus  # the shared fixture

GOVUK = "alphagov__govuk-aws"


def test_import_reports_the_json_shape_and_reimport_updates_in_place(
    run: Run, corpus: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "adr"
    folder.mkdir()
    source = adr_folder(corpus, "thomvaill__log4brains")
    for path in source.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    first = as_json(run("import", str(folder), "--json"))
    # The documented shape, plus each file's line of the report (`records`), the formats the files
    # were read as (`formats`) and `dry_run`.
    assert set(first) == {"imported", "updated", "unchanged", "skipped", "warnings", "records",
                          "formats", "dry_run"}
    assert first["dry_run"] is False
    assert {row["action"] for row in first["records"]} == {"import", "skip"}
    assert (first["imported"], first["updated"], first["unchanged"]) == (9, 0, 0)
    assert {item["path"] for item in first["skipped"]} == {"README.md", "index.md", "template.md"}
    assert all(item["reason"] for item in first["skipped"])

    lunr = folder / "20201103-use-lunr-for-search.md"
    lunr.write_text(lunr.read_text().replace("- Status: accepted", "- Status: deprecated"))
    second = as_json(run("import", str(folder), "--json"))
    assert (second["imported"], second["updated"], second["unchanged"]) == (0, 1, 8)
    records = as_json(run("list", "--json"))
    assert len(records) == 9
    lunr_record = next(r for r in records if r["title"] == "Use Lunr for search")
    assert lunr_record["status"] == "deprecated"
    shown = as_json(run("show", lunr_record["key"], "--json"))
    assert shown["source"] == {"path": "20201103-use-lunr-for-search.md", "format": "log4brains"}


def test_import_text_report_and_forced_format(run: Run, corpus: Path) -> None:
    result = run("import", str(adr_folder(corpus, GOVUK)), "--format", "adr-tools")
    assert result.exit_code == 0, result.stderr
    assert "38 imported" in result.stderr


def test_import_errors_are_user_errors(run: Run, tmp_path: Path) -> None:
    missing = run("import", str(tmp_path / "nowhere"))
    assert missing.exit_code == 1 and "no folder" in missing.stderr
    assert run("import", str(tmp_path), "--format", "rst").exit_code == 2


def test_export_native_and_json(run: Run, corpus: Path, tmp_path: Path) -> None:
    folder = adr_folder(corpus, GOVUK)
    as_json(run("import", str(folder), "--json"))
    out = tmp_path / "native"
    report = as_json(run("export", "--format", "native", str(out), "--json"))
    assert report["unchanged"] == report["written"] == 38
    for path in out.glob("*.md"):
        assert path.read_bytes() == (folder / path.name).read_bytes()
    assert as_json(run("export", "--format", "json", str(tmp_path / "all.json"), "--json"))
    data = json.loads((tmp_path / "all.json").read_text())
    adr4 = next(r for r in data["records"] if r["source"]["path"].startswith("0004-"))
    assert adr4["status"] == "superseded" and adr4["source"]["format"] == "adr-tools"
    unknown = run("export", "--format", "docx", str(tmp_path / "x"))
    assert unknown.exit_code == 2


def test_sync_reports_and_exits_1_on_conflict(run: Run, tmp_path: Path) -> None:
    assert run("new", "decision", "--title", "Use Vault").exit_code == 0
    folder = tmp_path / "shared"
    first = as_json(run("sync", str(folder), "--json"))
    assert first["to_files"] == ["decisions/ADR-0001.md"]
    path = folder / "decisions/ADR-0001.md"
    path.write_text(path.read_text().replace("title: Use Vault", "title: Use Vault for secrets"))
    assert run("set", "ADR-0001", "--status", "accepted").exit_code == 0
    merged = run("sync", str(folder))  # the title in the file, the status here: both kept
    assert merged.exit_code == 0 and "merged    ADR-0001" in merged.stdout
    assert "title: Use Vault for secrets" in path.read_text() and "status: accepted" in path.read_text()
    path.write_text(path.read_text().replace("title: Use Vault for secrets", "title: Vault for every secret"))
    assert run("set", "ADR-0001", "--title", "Use Vault, not env files").exit_code == 0
    conflict = run("sync", str(folder))
    assert conflict.exit_code == 1
    assert "CONFLICT  ADR-0001 (decisions/ADR-0001.md)" in conflict.stdout
