"""The rules behind the round-trip matrix, one by one: an export never overwrites and never gives
two records one file; it invents no date and no status; links follow renamed files; an export
imported again is the same records; a JSON export imports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.core.checks import run_checks
from kbridge.formats.read.importer import import_folder
from kbridge.formats.write.export import export_kb
from tests.cli.conftest import Run, as_json
from tests.cli.conftest import kb_path as kb_path  # the CLI fixtures
from tests.cli.conftest import run as run
from tests.formats.conftest import adr_folder
from tests.formats.conftest import corpus as corpus  # the shared fixture


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_records_whose_names_clash_get_a_file_each(kb: KnowledgeBase, tmp_path: Path) -> None:
    # Two decisions numbered 1 (one keyed ADR-0001-2, as a second `0001-*.md` is) with one title.
    kb.create("decision", "Use PostgreSQL", key="ADR-0001", status="accepted", date="2021-01-01")
    kb.create("decision", "Use PostgreSQL", key="ADR-0001-2", status="rejected", date="2021-01-01")
    for fmt in ("madr", "adr-tools", "log4brains"):
        report = export_kb(kb, tmp_path / fmt, fmt)
        assert len(report.written) == 2 == len(set(report.written)) == len(list((tmp_path / fmt).glob("*.md")))
        assert any("is another record's file" in w.message for w in report.warnings)
        fresh = KnowledgeBase.init(tmp_path / f"{fmt}.kbridge")
        import_folder(fresh, tmp_path / fmt)
        expected = {("ADR-0001", "accepted"), ("ADR-0001-2", "rejected")}
        assert {(r.key, r.status) for r in fresh.list_records()} == expected
        fresh.close()


def test_an_export_never_replaces_a_file_it_did_not_write_without_force(run: Run, tmp_path: Path) -> None:
    assert run("new", "decision", "--title", "Use Vault", "--status", "accepted", "--date", "2022-03-01").exit_code == 0
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("the team's own page\n")
    (out / "0001-use-vault.md").write_text("someone else's text\n")
    refused = run("export", "--format", "adr-tools", str(out))
    assert refused.exit_code == 1 and "refused  0001-use-vault.md" in refused.stdout
    assert "0 files written" in refused.stderr and "1 refused" in refused.stderr
    assert (out / "0001-use-vault.md").read_text() == "someone else's text\n"
    forced = as_json(run("export", "--format", "adr-tools", str(out), "--force", "--json"))
    assert forced["written"] == 1 and forced["refused"] == []
    assert (out / "0001-use-vault.md").read_text().startswith("# 1. Use Vault\n\nDate: 2022-03-01\n")
    before = _files(out)
    again = as_json(run("export", "--format", "adr-tools", str(out), "--json"))
    assert (again["written"], again["up_to_date"], again["refused"]) == (0, 1, [])
    assert _files(out) == before and (out / "README.md").read_text() == "the team's own page\n"


def test_nothing_is_invented_for_a_record_without_date_or_status(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.create("decision", "Keep the monolith", status="unknown")
    kb.update("ADR-0001", date=None)  # a decision made here is dated today: this one says no date
    for fmt in ("madr", "adr-tools", "log4brains"):
        export_kb(kb, tmp_path / fmt, fmt)
        (name,) = [p.name for p in (tmp_path / fmt).glob("*.md")]
        text = (tmp_path / fmt / name).read_text()
        assert name == "0001-keep-the-monolith.md" and "Date" not in text and "date" not in text
        assert "accepted" not in text.lower() and "proposed" not in text.lower()
        fresh = KnowledgeBase.init(tmp_path / f"{fmt}.kbridge")
        import_folder(fresh, tmp_path / fmt, force=True)
        (record,) = fresh.list_records()
        assert (record.key, record.date, record.status) == ("ADR-0001", None, "unknown")
        fresh.close()


def test_links_follow_the_files_they_name(tmp_path: Path) -> None:
    source = tmp_path / "decisions"
    (source / "img").mkdir(parents=True)
    (source / "img" / "plan.png").write_bytes(b"\x89PNG plan")
    (source / "use-kafka.md").write_text("# Use Kafka\n\n* Status: accepted\n\n## Context\n\nSee "
                                         "[the queue](use-rabbitmq.md#why) and ![plan](img/plan.png).\n")
    (source / "use-rabbitmq.md").write_text("# Use RabbitMQ\n\n* Status: accepted\n\n## Context\n\nText.\n")
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    import_folder(kb, source)
    for fmt in ("madr", "adr-tools", "log4brains"):
        out = tmp_path / fmt
        report = export_kb(kb, out, fmt)
        kafka = kb.find_by_source("use-kafka.md")
        rabbit = report.paths[kb.find_by_source("use-rabbitmq.md").uid]
        text = (out / report.paths[kafka.uid]).read_text()
        assert f"[the queue]({rabbit}#why)" in text and "![plan](img/plan.png)" in text
        assert (out / rabbit).is_file() and (out / "img" / "plan.png").read_bytes() == b"\x89PNG plan"
    kb.close()


def test_an_export_imported_again_changes_nothing_and_an_edit_updates_the_same_record(
    corpus: Path, tmp_path: Path
) -> None:
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    import_folder(kb, adr_folder(corpus, "alphagov__govuk-aws"))
    count = len(kb.list_records())
    export_kb(kb, tmp_path / "out", "adr-tools")
    again = import_folder(kb, tmp_path / "out")
    assert (again.imported, again.updated, again.unchanged) == (0, 0, count)
    edited = next((tmp_path / "out").glob("0005-*.md"))
    edited.write_text(edited.read_text().replace("\nAccepted\n", "\nDeprecated\n", 1))
    third = import_folder(kb, tmp_path / "out")
    assert (third.imported, third.updated) == (0, 1)
    assert kb.get("ADR-0005").status == "deprecated" and len(kb.list_records()) == count
    # The same folder copied elsewhere and imported: the same records, not new ones.
    shutil.copytree(adr_folder(corpus, "alphagov__govuk-aws"), tmp_path / "copy")
    copy = import_folder(kb, tmp_path / "copy")
    assert copy.imported == 0 and len(kb.list_records()) == count
    assert not [f for f in run_checks(kb).findings if f.category == "likely-duplicate"]
    kb.close()


def test_check_reports_likely_duplicates(kb: KnowledgeBase) -> None:
    kb.create("decision", "Use Kafka", date="2021-05-01")
    kb.create("decision", "use  kafka", date="2021-05-01")
    kb.create("decision", "Use Kafka", date="2022-01-01")
    found = [f for f in run_checks(kb).findings if f.category == "likely-duplicate"]
    assert sorted(f.key for f in found) == ["ADR-0001", "ADR-0002"]
    assert "dated 2021-05-01" in found[0].message


def test_a_json_export_imports_as_the_same_knowledge_base(run: Run, sample_path: Path, tmp_path: Path) -> None:
    exported = tmp_path / "kb.json"
    as_json(run("export", "--format", "json", str(exported), "--json", kb=sample_path))
    records = json.loads(exported.read_text())["records"]
    assert all("attachments" in record for record in records)
    fresh = tmp_path / "fresh.kbridge"
    assert run("init", str(fresh)).exit_code == 0 or fresh.exists()
    first = as_json(run("import", str(exported), "--json", kb=fresh))
    assert first["imported"] == len(records)
    shown = as_json(run("show", "ADR-0005", "--json", kb=fresh))
    original = as_json(run("show", "ADR-0005", "--json", kb=sample_path))
    for name in ("uid", "title", "status", "date", "fields", "tags", "owner", "body"):
        assert shown[name] == original[name], name
    assert sorted((lk["type"], lk["direction"], lk["key"]) for lk in shown["links"]) == \
        sorted((lk["type"], lk["direction"], lk["key"]) for lk in original["links"])
    second = as_json(run("import", str(exported), "--json", kb=fresh))
    assert (second["imported"], second["updated"], second["unchanged"]) == (0, 0, len(records))


def test_a_file_that_is_no_json_export_is_refused_with_a_reason(run: Run, tmp_path: Path) -> None:
    for name, text in (("broken.json", "{"), ("deep.json", "[" * 100_000), ("other.json", '{"a": 1}')):
        (tmp_path / name).write_text(text)
        result = run("import", str(tmp_path / name))
        assert result.exit_code == 1 and "is not a kbridge JSON export" in result.stderr, result.stderr
        assert "Traceback" not in result.output
    assert as_json(run("list", "--json")) == []


def test_titles_a_heading_would_change_come_back_as_they_were(kb: KnowledgeBase, tmp_path: Path) -> None:
    titles = ["[superseded] Old fetch rules", "Adr001 add adr log", "2. Two-phase commit", "`goose` for migrations"]
    for title in titles:
        kb.create("decision", title, status="accepted", date="2020-02-02")
    for fmt in ("madr", "adr-tools", "log4brains"):
        export_kb(kb, tmp_path / fmt, fmt)
        fresh = KnowledgeBase.init(tmp_path / f"{fmt}.kbridge")
        import_folder(fresh, tmp_path / fmt)
        assert sorted(r.title for r in fresh.list_records()) == sorted(titles), fmt
        fresh.close()
