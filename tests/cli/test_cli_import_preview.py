"""`kbridge import --dry-run`, a folder that holds no decisions, keys that follow the files, and
what `kbridge check` says about numbers — through the real click entry point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.read import reading_pool
from tests.cli.conftest import Run, as_json
from tests.formats.conftest import adr_folder
from tests.formats.conftest import corpus as corpus  # the shared fixture


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_dry_run_shows_the_import_and_changes_nothing(run: Run, corpus: Path, kb_path: Path) -> None:
    folder = adr_folder(corpus, "alphagov__govuk-aws")
    before = kb_path.read_bytes()
    preview = as_json(run("import", str(folder), "--dry-run", "--json"))
    assert preview["dry_run"] is True and preview["imported"] == 38
    rows = {row["path"]: row for row in preview["records"]}
    assert rows["0033-ip-ranges.md"] == {
        "path": "0033-ip-ranges.md", "action": "import", "key": "ADR-0033",
        "title": "Networking Outline", "status": "proposed", "date": "2018-09-26",
        "status_note": "read as proposed from 'Pending'"}
    assert as_json(run("list", "--json")) == []
    assert kb_path.read_bytes() == before
    text = run("import", str(folder), "--dry-run")
    assert text.exit_code == 0
    assert "would import ADR-0033" in text.stdout and "nothing was changed" in text.stderr
    # The real import does what the preview said.
    done = as_json(run("import", str(folder), "--json"))
    assert [(r["path"], r["key"], r["status"]) for r in done["records"]] == [
        (r["path"], r["key"], r["status"]) for r in preview["records"]]
    again = as_json(run("import", str(folder), "--dry-run", "--json"))
    assert again["imported"] == 0 and again["unchanged"] == 38


def test_dry_run_without_a_knowledge_base_creates_none(corpus: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kbridge.cli.main import cli

    missing = tmp_path / "never.kbridge"
    result = CliRunner().invoke(cli, ["--kb", str(missing), "import", "--dry-run", "--json",
                                      str(adr_folder(corpus, "scieloorg__kernel"))])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["imported"] == 7
    assert not missing.exists()


def test_a_folder_of_no_decisions_is_refused_unless_forced(run: Run, tmp_path: Path) -> None:
    docs = tmp_path / "doc"
    write(docs, "zstd/README.md", "# Zstandard\n\nA compression library.\n\n## Build\n\nRun make.\n")
    write(docs, "git/README.md", "# Git\n\nGit is a version control system.\n")
    write(docs, "procps/bugs.md", "# Reporting bugs\n\nUse the tracker.\n")
    refused = run("import", str(docs))
    assert refused.exit_code == 1
    assert "reads as a decision record" in refused.stderr and "--force" in refused.stderr
    assert as_json(run("list", "--json")) == []
    forced = as_json(run("import", str(docs), "--force", "--json"))
    assert forced["imported"] == 3
    statuses = {r["status"] for r in as_json(run("list", "--json"))}
    assert statuses == {"unknown"}  # nothing states a status: none is invented


def test_a_corpus_folder_as_shipped_skips_its_licence(run: Run, corpus: Path) -> None:
    shipped = corpus / "DFE-Digital__find-a-tuition-partner"
    report = as_json(run("import", str(shipped), "--json"))
    skipped = {item["path"]: item["reason"] for item in report["skipped"]}
    licence = "_license/DFE-Digital__find-a-tuition-partner.LICENSE.md"
    assert "licence" in skipped[licence]
    keys = {r["key"]: r for r in as_json(run("list", "--json"))}
    assert keys["ADR-0001"]["title"] == "Service Hosting Environment"
    assert all("license" not in r["title"].lower() or "0001" not in k for k, r in keys.items())


def test_keys_follow_file_numbers_and_check_reports_duplicates(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "adr"
    for number in (19, 20, 21, 32):
        write(folder, f"{number:04d}-n{number}.md", f"# {number}. N{number}\n\n* Status: accepted\n")
    write(folder, "0020-second.md", "# 20. Second twenty\n\n* Status: accepted\n")
    write(folder, "0033-new.md", "# 33. New\n\n* Status: accepted\n\n"
          "Supersedes [ADR-0032](0032-n32.md)\n")
    report = as_json(run("import", str(folder), "--json"))
    keys = {row["path"]: row["key"] for row in report["records"]}
    assert keys == {"0019-n19.md": "ADR-0019", "0020-n20.md": "ADR-0020",
                    "0020-second.md": "ADR-0020-2", "0021-n21.md": "ADR-0021",
                    "0032-n32.md": "ADR-0032", "0033-new.md": "ADR-0033"}
    assert any("number 20 is also used by" in w["message"] for w in report["warnings"])
    shown = as_json(run("show", "ADR-0032", "--json"))
    assert shown["title"] == "N32"
    assert [(link["label"], link["key"]) for link in shown["links"]] == [("superseded by", "ADR-0033")]
    check = run("check", "--json")
    findings = {(f["category"], f["key"]) for f in json.loads(check.stdout)["findings"]}
    assert {("duplicate-number", "ADR-0020"), ("duplicate-number", "ADR-0020-2")} <= findings
    assert check.exit_code == 1 and "Duplicate numbers" in run("check").stdout


def test_separate_logs_keep_separate_number_spaces(run: Run, tmp_path: Path) -> None:
    tree = tmp_path / "docs"
    for number in (1, 2, 3):
        write(tree, f"adr/{number:04d}-app-{number}.md", f"# {number}. App {number}\n\n* Status: accepted\n")
    for number in (1, 2):
        write(tree, f"infra/{number:04d}-infra-{number}.md",
              f"# {number}. Infra {number}\n\n* Status: accepted\n")
    write(tree, "infra/0003-infra-3.md", "# 3. Infra 3\n\n* Status: accepted\n\n"
          "Supersedes [2. Infra 2](0002-infra-2.md)\n")
    report = as_json(run("import", str(tree), "--json"))
    keys = {row["path"]: row["key"] for row in report["records"]}
    assert keys["adr/0001-app-1.md"] == "ADR-0001"
    assert keys["infra/0001-infra-1.md"] == "INFRA-0001"
    assert keys["infra/0003-infra-3.md"] == "INFRA-0003"
    shown = as_json(run("show", "INFRA-0003", "--json"))
    assert [(link["label"], link["key"]) for link in shown["links"]] == [("supersedes", "INFRA-0002")]
    check = json.loads(run("check", "--json").stdout)
    assert not [f for f in check["findings"] if f["category"] in ("duplicate-number", "key-number")]


def test_keys_taken_elsewhere_and_renumbered_keys(run: Run, tmp_path: Path, kb_path: Path) -> None:
    run("new", "decision", "--title", "Made here first")  # ADR-0001
    folder = tmp_path / "adr"
    write(folder, "0001-one.md", "# 1. One\n\n* Status: accepted\n")
    write(folder, "0005-five.md", "# 5. Five\n\n* Status: accepted\n")
    report = as_json(run("import", str(folder), "--json"))
    keys = {row["path"]: row["key"] for row in report["records"]}
    # ADR-0001 is taken: 0001-one.md becomes ADR-0001-2 (still its number), never ADR-0002.
    assert keys == {"0001-one.md": "ADR-0001-2", "0005-five.md": "ADR-0005"}
    assert any("key ADR-0001 is taken by ADR-0001" in w["message"] for w in report["warnings"])
    findings = json.loads(run("check", "--json").stdout)["findings"]
    assert not [f for f in findings if f["category"] == "key-number"]
    with KnowledgeBase.open(kb_path) as kb:
        kb.update("ADR-0005", key="ADR-0007")  # renumbered here: no longer its file's number
    findings = json.loads(run("check", "--json").stdout)["findings"]
    assert [(f["category"], f["key"]) for f in findings if f["category"] == "key-number"] == [
        ("key-number", "ADR-0007")]


def test_an_import_says_what_it_read_each_file_as(run: Run, tmp_path: Path) -> None:
    """A folder of two formats: the count per format comes from the importer's own reading of each
    file (the same in the dry run and the import), never from a sample."""
    folder = tmp_path / "mixed"
    write(folder, "0001-use-postgres.md", "# 1. Use Postgres\n\nDate: 2020-01-02\n\n## Status\n\nAccepted\n\n"
          "## Context\n\nWe need a database.\n\n## Decision\n\nPostgres.\n\n## Consequences\n\nNone.\n")
    write(folder, "0002-use-kafka.md", "---\nstatus: accepted\ndate: 2021-03-04\n---\n# Use Kafka\n\n"
          "## Context and Problem Statement\n\nEvents.\n\n## Decision Outcome\n\nChosen option: Kafka.\n")
    planned = as_json(run("import", str(folder), "--dry-run", "--json"))
    assert planned["formats"] == {"adr-tools": 1, "madr": 1}
    done = run("import", str(folder))
    assert done.exit_code == 0
    assert "read as adr-tools (1 file), madr (1 file)" in done.stderr
    assert as_json(run("import", str(folder), "--json"))["formats"] == planned["formats"]


def test_an_import_read_by_several_processes_gives_the_lines_and_records_of_one(
        run: Run, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading_pool, "PARALLEL_FROM", 1)  # the corpus folders are small
    pools = []

    class CountedPool(reading_pool.ProcessPoolExecutor):
        def __init__(self, *args: object, **kwargs: object) -> None:
            pools.append(args)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reading_pool, "ProcessPoolExecutor", CountedPool)
    folder = tmp_path / "monorepo"
    for name in ("cometbft__cometbft", "eclipse-tractusx__tractusx-edc", "zooniverse__front-end-monorepo"):
        shutil.copytree(corpus / name, folder / name)
    outputs, exports = [], []
    for jobs in ("1", "2"):
        kb = tmp_path / f"jobs{jobs}.kbridge"
        assert run("init", str(kb)).exit_code == 0
        done = run("import", "--jobs", jobs, str(folder), kb=kb)
        assert done.exit_code == 0, done.output
        outputs.append(done.stdout)
        exported = [{k: v for k, v in record.items() if k not in ("uid", "created", "updated")}
                    for record in json.loads(run("list", "--json", kb=kb).stdout)]
        exports.append(exported)
    assert pools == [(2,)]  # --jobs 1 read here, --jobs 2 by two workers
    assert outputs[0] == outputs[1] and "imported" in outputs[0]
    assert exports[0] == exports[1] and len(exports[0]) > 190
    refused = run("import", "--jobs", "0", str(folder))
    assert refused.exit_code == 2 and "--jobs" in refused.output
