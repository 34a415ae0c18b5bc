"""The general rules of reading a decision, on files written the ways the corpus does not show:
dates under any key that means "date" in the common languages, status sections, lists, tables,
badges and histories in those languages, numbers and dates in names, layouts with one decision
per folder, templates told by their content, licences, links by path and by number, and verbs
kbridge has no link type for."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from kbridge.formats.read.parsed import ParsedRecord
from kbridge.formats.read.scan import scan_folder
from kbridge.formats.write.export import export_kb


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def read_one(tmp_path: Path, name: str, text: str) -> ParsedRecord:
    folder = tmp_path / "adr"
    write(folder, name, text)
    result = scan_folder(folder, force=True)
    assert [r.path for r in result.records] == [name], result.skipped
    return result.records[0]


@pytest.mark.parametrize(("text", "date"), [
    ("# 1. X\n\nIntroduced: 2021-03-04\n\n## Status\n\nAccepted\n", "2021-03-04"),
    ("# 1. X\n\n- Status: accepted\n- Last Modified: 4 March 2021\n", "2021-03-04"),
    ("# X\n\n**Decision Date:** March 4th, 2021\n**Status:** accepted\n", "2021-03-04"),
    ("# X\n\n状态: 已接受\n日期: 2021年3月4日\n", "2021-03-04"),
    ("# X\n\n- Status: Akzeptiert\n- Datum: 4. März 2021\n", "2021-03-04"),
    ("# X\n\n- Estado: Aceptado\n- Fecha: 4 de marzo de 2021\n", "2021-03-04"),
    ("# X\n\n- Stato: Approvato\n- Data: 4 marzo 2021\n", "2021-03-04"),
    ("# X\n\n- Status: Geaccepteerd\n- Datum: 4 maart 2021\n", "2021-03-04"),
    ("# X\n\n**Entscheidungsdatum:** 04.03.2021\n**Status:** Entwurf\n", "2021-03-04"),
    ("# X\n\n| Field | Value |\n|---|---|\n| Status | Accepted |\n| Created | 2021-03-04 |\n",
     "2021-03-04"),
    ("# X\n\n## Changelog\n\n- 2021-05-01: Accepted\n- 2021-03-04: Initial draft\n\n## Status\n\n"
     "Accepted\n", "2021-03-04"),
    ("# X\n\nDate: 2021&#8209;03&#8209;04\n\n## Status\n\nAccepted\n", "2021-03-04"),
    # Date wins over Updated, whatever the order; a month without a day is no date.
    ("# X\n\n- Updated: 2022-01-01\n- Date: 2021-03-04\n- Status: accepted\n", "2021-03-04"),
    ("# X\n\nMay 2023\n\n## Status\n\nAccepted\n", None),
    ("# X\n\n- Status: accepted\n- Review date: 2030-01-01\n", None),
])
def test_dates_under_any_key_that_means_date(tmp_path: Path, text: str, date: str | None) -> None:
    record = read_one(tmp_path, "x-decision.md", text)
    assert record.date == date
    # Stated in the text: no note, except which entry of a history gave it.
    assert record.date_note == ("from the first entry of its history" if "Changelog" in text else "")


@pytest.mark.parametrize(("text", "status", "note"), [
    ("# X\n\n## 状态\n\n- 2020-01-01 提议\n- 2020-06-01 已接受\n- 2021-02-01 已弃用\n",
     "deprecated", "read as deprecated from '2021-02-01 已弃用'"),
    ("# X\n\n## 状态\n\n提议\n\n已接受\n\n已弃用\n", "deprecated", "read as deprecated from '已弃用'"),
    ("# X\n\n**Status:** Akzeptiert, 2026-03-09\n", "accepted", "read as accepted from 'Akzeptiert, 2026-03-09'"),
    ("---\nstatut: accepté\n---\n# X\n", "accepted", "read as accepted from 'accepté'"),
    ("# X\n\n## Status\n\nAceito\n", "accepted", "read as accepted from 'Aceito'"),
    ("# X\n\n- Estado: Decidido\n", "accepted", "read as accepted from 'Decidido'"),
    ("# X\n\n## Stato\n\nRifiutato\n", "rejected", "read as rejected from 'Rifiutato'"),
    ("# X\n\n## Status\n\n✅\n", "accepted", "read as accepted from '✅'"),
    ("# X\n\n![status](https://img.shields.io/badge/status-deprecated-orange.svg)\n",
     "deprecated", ""),
    ("# X\n\n## Status\n\nAccepted\n\nSuperseded by [2. Y](0002-y.md)\n", "superseded", ""),
    ("# X\n\n## Status\n\nProposed\n\nWas partially implemented in v2.\n", "proposed", ""),
    ("# X\n\n## Context\n\nNo status anywhere.\n\n## Decision\n\nDo it.\n", "unknown",
     "no status stated in the file"),
    ("# X\n\n- Status: [proposed | accepted | rejected]\n\n## Decision\n\nDo.\n", "unknown",
     "no status stated in the file"),
    ("# X\n\n## Status\n\nDiscussed with the team.\n", "unknown",
     "the file's status 'Discussed with the team.' names none kbridge knows"),
])
def test_status_sections_lists_badges_histories_in_any_language(
    tmp_path: Path, text: str, status: str, note: str
) -> None:
    record = read_one(tmp_path, "x-decision.md", text)
    assert (record.status, record.status_note) == (status, note)


@pytest.mark.parametrize(("name", "text", "title", "number", "date", "date_note"), [
    ("0034-eks-fargate.md", "# 34 EKS Fargate\n\n* Status: accepted\n", "EKS Fargate", 34, None, ""),
    ("2026-01-content-management-system.md", "# Content management system\n\n* Status: accepted\n",
     "Content management system", None, None, ""),
    ("20240516132303-use-x.md", "# Use X\n\n* Status: accepted\n", "Use X", None, "2024-05-16",
     "from the file name"),
    ("2021-06-05_007-use-y.md", "## Status\n\nAccepted\n", "Use y", 7, "2021-06-05", "from the file name"),
    ("RFC-12-use-z.md", "# RFC-12: Use Z\n\n* Status: accepted\n", "Use Z", 12, None, ""),
    ("use-w.md", "# ADR 9: Use W\n\n* Status: accepted\n", "Use W", 9, None, ""),
    ("adr004-module-exports.md", "# Module exports\n\n* Status: accepted\n", "Module exports", 4, None, ""),
    ("ADR0012_cache.md", "# Cache\n\n* Status: accepted\n", "Cache", 12, None, ""),
    ("adrian-3-notes.md", "# Notes\n\n* Status: accepted\n", "Notes", None, None, ""),
])
def test_numbers_dates_and_titles_from_names_and_headings(
    tmp_path: Path, name: str, text: str, title: str, number: int | None, date: str | None, date_note: str
) -> None:
    record = read_one(tmp_path, name, text)
    assert (record.title, record.number, record.date, record.date_note) == (title, number, date, date_note)


@pytest.mark.parametrize(("name", "text", "facts", "links"), [
    ("ADR0001 - Choose a license.md", "# ADR0001 - Choose a license\n\n*Status*: Accepted (2020-02-02)\n",
     ("Choose a license", "accepted", "2020-02-02", 1), set()),
    ("adr_0002_logging.md", "Title: Centralised logging\nStatus: Proposed\nDate: 02/03/2021\n\n## Context\n",
     ("Centralised logging", "proposed", "2021-03-02", 2), set()),
    ("0004-cdn.md", "# Use a CDN\n\n> **Status:** Accepted\n> **Date:** 2023-01-01\n",
     ("Use a CDN", "accepted", "2023-01-01", 4), set()),
    ("0005-redis.md", "# 5. Redis cluster\n\n## Status\n\nAccepted — supersedes [ADR 3](0003-cache.md)\n",
     ("Redis cluster", "accepted", None, 5), {("supersedes", True, "0003-cache.md")}),
    ("0006-auth.md", "# 6. Cookies\n\n## Status\n\nDeprecated by [7. Use OIDC](0007-oidc.md)\n",
     ("Cookies", "deprecated", None, 6), {("supersedes", False, "0007-oidc.md")}),
    ("use-terraform.md", "---\ntitle: Use Terraform\n---\n\n| Status | Decided on |\n|---|---|\n"
     "| Accepted | 2022-08-01 |\n", ("Use Terraform", "accepted", "2022-08-01", None), set()),
    ("adr-009-x.md", "# ADR-009: Migrar\n\n**Estado:** Aceptado\n**Fecha:** 3 de febrero de 2024\n\n"
     "Reemplaza a [ADR-007](adr-007-x.md).\n", ("Migrar", "accepted", "2024-02-03", 9),
     {("supersedes", True, "adr-007-x.md")}),
    ("0004-grpc.md", "# 4. gRPC を使う\n\nステータス: 提案\n最終更新日: 2023年1月15日\n\n## 決定\n\ngRPC。\n",
     ("gRPC を使う", "proposed", "2023-01-15", 4), set()),
    # A Y-statement with its status and date on one line below it.
    ("0001-use-python.md", "# Use Python for tooling\n\nIn the context of scripts, we decided for Python.\n\n"
     "Status: accepted | Date: 2021-11-11\n", ("Use Python for tooling", "accepted", "2021-11-11", 1), set()),
    ("0002-ci.md", "# 2. CI\n\n> [!NOTE]\n> Status: **Accepted** on 2022-02-02\n\n## Context\n\nSlow.\n",
     ("CI", "accepted", "2022-02-02", 2), set()),
    ("0005-vue.md", "# 5. Choisir Vue.js\n\nDate : 15 janvier 2022\n\n## Statut\n\nAccepté\n",
     ("Choisir Vue.js", "accepted", "2022-01-15", 5), set()),
    ("0001-bus.md", "# 1. 이벤트 버스 도입\n\n날짜: 2022-04-01\n\n## 상태\n\n승인\n",
     ("이벤트 버스 도입", "accepted", "2022-04-01", 1), set()),
    ("0002-search.md", "# 2. Использовать Elasticsearch\n\nДата: 12.05.2022\n\n## Статус\n\nПринято\n",
     ("Использовать Elasticsearch", "accepted", "2022-05-12", 2), set()),
    ("0006-mobile.md", "# 6. Native apps\n\n## Status\n\n~~Proposed~~ Rejected\n",
     ("Native apps", "rejected", None, 6), set()),
    ("0007-pay.md", "# 7. Payments\n\n## Status: Accepted\n\n## Context\n\nMoney.\n",
     ("Payments", "accepted", None, 7), set()),
    ("0009-flags.md", "---\ntitle: Feature flags\nstate: approved\ndecision-date: 2021-01-20\n---\n\n## Context\n",
     ("Feature flags", "accepted", "2021-01-20", 9), set()),
    # Status and date sections below a quoted note (AutoKanban, a folder no test had seen); a
    # section beside the status that names no date is none (cometbft's `Proposed Implementation`).
    ("0004-raw-sql.md", "# ADR-0004: Raw SQL\n\n> **注**: 継続しています。\n\n## ステータス\n\n採用 (Accepted)\n\n"
     "## 日付\n\n2026-02-28\n\n## コンテキスト\n\n文字。\n", ("Raw SQL", "accepted", "2026-02-28", 4), set()),
    ("0014-secp.md", "# ADR 014: Secp\n\n## Context\n\nWhy.\n\n## Proposed Implementation\n\nFork btcd, 2 "
     "functions.\n\n## Status\n\nAccepted\n", ("Secp", "accepted", None, 14), set()),
    # A site generator's page: the series glued to the number, a colon in the unquoted title.
    ("adr007-use-msw.md", "---\nid: adrs-adr007\ntitle: ADR007: Use MSW to mock requests\n---\n\n## Decision\n\nMSW.\n",
     ("Use MSW to mock requests", "unknown", None, 7), set()),
])
def test_metadata_as_people_write_it(tmp_path: Path, name: str, text: str,
                                     facts: tuple[str, str, str | None, int | None],
                                     links: set[tuple[str, bool, str]]) -> None:
    record = read_one(tmp_path, name, text)
    assert (record.title, record.status, record.date, record.number) == facts
    assert {(link.type.value, link.outgoing, link.href) for link in record.links} == links
    assert not [w for w in record.warnings if "date" in w]


def test_front_matter_yaml_refuses_is_read_line_by_line_and_said_so(tmp_path: Path) -> None:
    text = ("---\nid: adrs-adr002\ntitle: ADR002: Default catalog format\nstatus: accepted\ndate: 2020-03-04\n"
            "# a comment\ntags: [catalog, yaml]\n---\n\n## Background\n\nWhy.\n")
    record = read_one(tmp_path, "adr002-catalog-format.md", text)
    assert (record.title, record.number, record.status, record.date) == ("Default catalog format", 2, "accepted",
                                                                         "2020-03-04")
    assert record.tags == ["catalog", "yaml"] and record.fields["id"] == "adrs-adr002"
    assert any("not valid YAML" in w and "plain `key: value` lines" in w for w in record.warnings)
    # Nested values, and values broken otherwise than by a colon, are not guessed at: the front
    # matter stays unread, as before.
    oversized = "".join(f"k{n}: a: b\n" for n in range(30_000))  # over the front matter's size cap
    for name, front in (("0003-x.md", "title: A: B\nowners:\n  - a\n"), ("0004-x.md", "title: A: B\nstatus: [open\n"),
                        ("0005-x.md", oversized)):
        unread = read_one(tmp_path / name, name, f"---\n{front}---\n\n# {name[3]}. X\n")
        assert unread.title == "X" and unread.status == "unknown" and "owners" not in unread.fields
        assert any("front matter not read" in w for w in unread.warnings)


def test_a_list_yaml_refuses_for_a_hash_in_it_keeps_its_text_and_the_rest_is_read(tmp_path: Path) -> None:
    """neicnordic's decisions (a folder no test had seen): a ` #` in a flow list starts a YAML
    comment, the list is left open and the whole front matter was not read, its status and date
    lost with it."""
    text = ('---\nstatus: proposed\ndate: "2026-05-06"\ndecision-makers: [Jonas Hagberg]\n'
            "consulted: [Karl (author of feature/database_interface PR #2389)]\n---\n\n# Stay on lib/pq\n")
    record = read_one(tmp_path, "0006-postgres-driver.md", text)
    assert (record.title, record.status, record.date) == ("Stay on lib/pq", "proposed", "2026-05-06")
    assert record.fields["deciders"] == ["Jonas Hagberg"]
    assert record.fields["consulted"] == "[Karl (author of feature/database_interface PR #2389)]"
    assert any("plain `key: value` lines" in w for w in record.warnings)
    assert not any("not read" in w for w in record.warnings)


def test_front_matter_glued_to_its_colon_is_read_and_a_tag_is_one_tag(tmp_path: Path) -> None:
    """Ensembl's decisions (a folder no test had seen): `tag:Web Client` is one YAML string, not a
    key; every file said "front matter not read" and lost its tag. The status "Depreciated." is
    the English misspelling of deprecated, read as such and said so."""
    text = ("---\ntag:Web Client\n---\n\n# 14. Breakpoints\n\nDate: 2018-11-02\n\n## Status\n\n"
            "Depreciated.\n\n## Context\n\nWhy.\n")
    record = read_one(tmp_path, "0014-breakpoints.md", text)
    assert (record.title, record.status, record.date, record.tags) == ("Breakpoints", "deprecated", "2018-11-02",
                                                                      ["web-client"])
    assert "tag" not in record.fields and record.status_note == "read as deprecated from 'Depreciated.'"
    assert any("no space after a key's colon" in w for w in record.warnings)
    assert not any("not read" in w for w in record.warnings)
    # A tag named in a line of the header is one tag too; `tags` still lists several.
    header = read_one(tmp_path / "h", "0002-x.md", "# 2. X\n\n* Status: accepted\n* Tag: Genome Browser\n")
    assert header.tags == ["genome-browser"]
    listed = read_one(tmp_path / "l", "0003-x.md", "---\ntags: security networking\n---\n\n# 3. X\n")
    assert listed.tags == ["networking", "security"]
    # What only looks like a key glued to its colon stays unread: a URL, a line of prose.
    for name, front in (("0004-x.md", "https://example.com/adr"), ("0005-x.md", "tag:x\nsome words")):
        unread = read_one(tmp_path / name, name, f"---\n{front}\n---\n\n# {name[3]}. X\n")
        assert unread.tags == [] and any("front matter not read" in w for w in unread.warnings)


def test_a_template_blank_left_in_a_header_line_is_no_value(tmp_path: Path) -> None:
    """SSW's decisions keep `Deciders: {{ TBC }}` from their template: it was kept as the deciders."""
    text = ("# Use DDD\n\n- Status: accepted\n- Deciders: {{ TBC }} <!-- optional -->\n- Owner: N/A\n"
            "- Informed: Alice | Bob\n- Consulted: [Platform team](https://example.com/team)\n"
            "- Reviewers: TBD\n- Ticket: [description | ticket/issue URL]\n- Story: [Error handling report]\n\n"
            "Technical Story: {{ TECH STORY }}\n\n## Context\n\nWhy.\n")
    record = read_one(tmp_path, "20240404-use-ddd.md", text)
    for blank in ("deciders", "technical_story", "owner", "ticket"):
        assert blank not in record.fields, blank
    assert record.fields["informed"] == "Alice | Bob"  # a bar between names is not a template's choices
    assert "Platform team" in str(record.fields["consulted"])
    # Not known yet is a statement, and a title kept in brackets is the author's (identus ADR 19).
    assert record.fields["reviewers"] == "TBD" and record.fields["story"] == "[Error handling report]"


def test_an_option_wrapped_over_two_lines_is_one_option(tmp_path: Path) -> None:
    """python-tuf's ADR 7: two options that differ only on their second line were read as the
    same first line twice."""
    text = ("# Validation\n\n* Status: proposed\n\n## Considered Options\n1. Usage of a `ValidationMixin`.\n"
            "2. Combined option including `typeguard`, and\nusage of python descriptors.\n"
            "3. Combined option including `typeguard`, and\nusage of `ValidationMixin`\n\n"
            "## Decision Outcome\n\nTODO\n")
    record = read_one(tmp_path, "0007-validation.md", text)
    assert record.fields["options"] == [
        "Usage of a ValidationMixin.", "Combined option including typeguard, and usage of python descriptors.",
        "Combined option including typeguard, and usage of ValidationMixin"]
    loose = read_one(tmp_path / "loose", "0008-x.md", "# 8. X\n\n## Considered Options\n\n* Redis\n\n"
                     "  Fast, and we know it.\n\n* Memcached\n")
    assert loose.fields["options"] == ["Redis", "Memcached"]  # an item's second paragraph is not an option
    # python-tuf's ADR 6: the outcome was cut at its first line, mid-sentence.
    wrapped = read_one(tmp_path / "outcome", "0006-x.md", "# 6. X\n\n## Decision Outcome\n\nChosen option: "
                       "\"Compromise 2\", because implementing\ndict conversion as methods is idiomatic.\n\n"
                       "More reasons.\n")
    assert wrapped.fields["outcome"] == ('Chosen option: "Compromise 2", because implementing dict conversion as '
                                         "methods is idiomatic.")


def test_one_decision_per_folder_and_a_link_that_tells_the_truth(tmp_path: Path) -> None:
    folder = tmp_path / "decisions"
    write(folder, "README.md", "# Decisions\n\n- [Use Kafka](use-kafka/index.md)\n")
    write(folder, "use-kafka/index.md", "# Use Kafka for events\n\n## Status\n\nAccepted\n\n"
          "## Decision\n\nKafka.\n")
    os.symlink("index.md", folder / "use-kafka" / "README.md")
    write(folder, "2024-02-03_pick-a-cache/README.md", "## Context\n\nSlow.\n\n## Decision\n\nRedis.\n")
    result = scan_folder(folder)
    records = {r.path: r for r in result.records}
    assert set(records) == {"use-kafka/index.md", "2024-02-03_pick-a-cache/README.md"}
    assert records["use-kafka/index.md"].title == "Use Kafka for events"
    cache = records["2024-02-03_pick-a-cache/README.md"]
    assert (cache.title, cache.date, cache.date_note, cache.status) == (
        "Pick a cache", "2024-02-03", "from the folder name", "unknown")
    skipped = {s.path: s.reason for s in result.skipped}
    assert "README" in skipped["README.md"]
    assert skipped["use-kafka/README.md"] == (
        "symbolic link to use-kafka/index.md, which is imported (not imported twice)")


def test_templates_by_content_never_by_a_word_in_the_name(tmp_path: Path) -> None:
    folder = tmp_path / "adr"
    write(folder, "0012-use-jinja-as-template-engine.md", "# 12. Use Jinja as template engine\n\n"
          "## Status\n\nAccepted\n")
    write(folder, "0013-templates-for-emails.md", "# 13. Templates for e-mails\n\n* Status: proposed\n")
    write(folder, "adr-template.md", "# {short title of solved problem}\n\n* Status: {proposed | accepted}\n")
    write(folder, "0000-template.md", "# 0. Title\n\n## Status\n\n[Proposed | Accepted]\n\n"
          "## Context\n\n[Describe the context and problem statement]\n")
    write(folder, "template.md", "# Decide the release train\n\n* Status: accepted\n* Date: 2024-01-01\n")
    result = scan_folder(folder)
    records = {r.path for r in result.records}
    skipped = {s.path: s.reason for s in result.skipped}
    assert records == {"0012-use-jinja-as-template-engine.md", "0013-templates-for-emails.md",
                       "template.md"}  # a filled-in file called template.md is a decision
    assert "template" in skipped["adr-template.md"] and "template" in skipped["0000-template.md"]


def test_readme_index_and_licence_files_are_skipped_with_their_reason(tmp_path: Path) -> None:
    root = tmp_path / "shipped"
    write(root, "_license/project.LICENSE.md", "MIT License\n\nPermission is hereby granted, free of "
          "charge ...\n\nTHE SOFTWARE IS PROVIDED \"AS IS\" ...\n")
    write(root, "LICENSE-docs.md", "# Attribution 4.0 International\n\nCreative Commons ...\n")
    write(root, "docs/adr/0001-record-decisions.md", "# 1. Record decisions\n\n## Status\n\nAccepted\n")
    write(root, "docs/adr/0002-use-mit-license.md", "# 2. Use the MIT license\n\n## Status\n\nAccepted\n")
    write(root, "docs/adr/index.md", "# Index\n\n- [1](0001-record-decisions.md)\n")
    result = scan_folder(root)
    skipped = {s.path: s.reason for s in result.skipped}
    assert "licence" in skipped["_license/project.LICENSE.md"]
    assert "licence" in skipped["LICENSE-docs.md"]
    assert "index" in skipped["docs/adr/index.md"]
    assert {r.path: r.key_hint for r in result.records} == {
        "docs/adr/0001-record-decisions.md": "ADR-0001", "docs/adr/0002-use-mit-license.md": "ADR-0002"}


def test_links_by_path_first_and_a_disagreement_is_a_warning(kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "adr"
    write(folder, "0018-old-cache.md", "# 18. Old cache\n\n## Status\n\nSuperseded by "
          "[ADR-0019](0020-new-cache.md)\n")
    write(folder, "0019-unrelated.md", "# 19. Unrelated\n\n## Status\n\nAccepted\n")
    write(folder, "0020-new-cache.md", "# 20. New cache\n\n## Status\n\nAccepted\n")
    report = import_folder(kb, folder)
    assert [(link.label, link.key) for link in kb.links.of("ADR-0018")] == [("superseded by", "ADR-0020")]
    assert kb.links.of("ADR-0019") == []
    assert any("names number 19" in w.message and "linked by the path" in w.message
               for w in report.warnings if w.path == "0018-old-cache.md")


def test_a_heading_can_be_the_verb_of_the_links_listed_under_it(kb: KnowledgeBase, tmp_path: Path) -> None:
    """As Ensembl's decisions write it: `## Consequence of` over a list of the decisions it follows."""
    folder = tmp_path / "adr"
    write(folder, "0008-use-wasm.md", "# 8. Use WASM\n\nDate: 2018-08-31\n\n## Status\n\nAccepted\n")
    write(folder, "0009-use-rust.md", "# 9. Use Rust\n\nDate: 2018-08-31\n\n## Status\n\nAccepted\n\n"
          "## Consequence of\n\n* [0008-use-wasm](0008-use-wasm.md)\n\n## Context\n\n"
          "See [the WASM spec](https://webassembly.org).\n")
    write(folder, "0010-old.md", "# 10. Old\n\n## Status\n\nAccepted\n\n## Superseded by\n\n"
          "- [9. Use Rust](0009-use-rust.md)\n")
    import_folder(kb, folder)
    assert {(lk.label, lk.key) for lk in kb.links.of("ADR-0009")} >= {("consequence of", "ADR-0008")}
    assert ("superseded by", "ADR-0009") in {(lk.label, lk.key) for lk in kb.links.of("ADR-0010")}
    assert not any("webassembly" in lk.key for lk in kb.links.of("ADR-0009"))


def test_a_decision_listed_under_links_with_no_verb_is_related_and_nothing_else_is(
        kb: KnowledgeBase, tmp_path: Path) -> None:
    """sva-studio's `## Verwandte ADRs` and python-tuf's `## Links` list decisions with no verb: 46
    relations of the corpus were not kept. What such a list also names that is no decision (a
    spec, a guide, another project's decision at an address) makes no link, dangling or not; a
    decision kept beside the folder is a dangling link, as an ADR's own file states one; and a
    decision already linked with a verb is not related a second time."""
    folder = tmp_path / "adr"
    write(folder, "0001-use-a.md", "# 1. Use A\n\n## Status\n\nAccepted\n")
    write(folder, "0002-use-b.md", "# 2. Use B\n\n## Status\n\nSuperseded by [3. Use C](0003-use-c.md)\n")
    write(folder, "0003-use-c.md", "# 3. Use C\n\n## Status\n\nAccepted\n\n## Links\n\n"
          "* [ADR1: Use A (decision driver)](0001-use-a.md)\n"
          "* [The spec](../spec/abci.md)\n* [Guide](https://example.com/guide.md)\n"
          "* [ADR-002](../architecture/decisions/ADR-002-plugins.md)\n"
          "* [ADR 002: DID-Linked Resources](https://docs.cheqd.io/adr-list/adr-002-did-linked-resources)\n")
    write(folder, "0004-use-d.md", "# 4. Use D\n\n## Status\n\nAccepted\n\n## Links\n\n"
          "* [Use C](0003-use-c.md)\n* See [Use C](0003-use-c.md) for the rest\n")
    report = import_folder(kb, folder)
    assert {(lk.label, lk.key) for lk in kb.links.of("ADR-0003")} == {
        ("relates to", "ADR-0001"), ("supersedes", "ADR-0002"), ("see this", "ADR-0004"),
        ("relates to", "ADR-002")}  # a decision kept in another folder: dangling, as stated
    assert [(lk.label, lk.key) for lk in kb.links.of("ADR-0004")] == [("see", "ADR-0003")]  # once, as stated
    assert [link.target_ref for link in kb.links.dangling()] == ["ADR-002"]  # not the spec, not the guide
    assert not [w for w in report.warnings if "spec" in w.message]


def test_verbs_of_their_own_are_kept_and_written_back(kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "adr"
    write(folder, "0005-api.md", "# 5. API\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n")
    write(folder, "0007-api-errors.md", "# 7. API errors\n\nDate: 2020-02-01\n\n## Status\n\nAccepted\n\n"
          "Clarifies [5. API](0005-api.md)\n\nContradicts [6. Old](0006-old.md)\n")
    write(folder, "0006-old.md", "# 6. Old\n\nDate: 2019-01-01\n\n## Status\n\nAccepted\n\n"
          "Extends [5. API](0005-api.md)\n")
    import_folder(kb, folder)
    seven = {(lk.label, lk.key, lk.type.value) for lk in kb.links.of("ADR-0007")}
    assert seven == {("clarifies", "ADR-0005", "relates-to"), ("contradicts", "ADR-0006", "relates-to")}
    assert ("clarifies this", "ADR-0007") in {(lk.label, lk.key) for lk in kb.links.of("ADR-0005")}
    assert ("extends", "ADR-0005") in {(lk.label, lk.key) for lk in kb.links.of("ADR-0006")}
    out = tmp_path / "out"
    export_kb(kb, out, "adr-tools")
    written = (out / "0007-api-errors.md").read_text(encoding="utf-8")
    assert "Clarifies [" in written and "Contradicts [" in written
    native = tmp_path / "native"
    export_kb(kb, native, "native")
    assert (native / "0007-api-errors.md").read_bytes() == (folder / "0007-api-errors.md").read_bytes()


def test_a_status_set_here_survives_a_reimport_of_a_file_that_states_none(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    folder = tmp_path / "adr"
    path = write(folder, "0001-x.md", "# 1. X\n\n## Context\n\nA.\n\n## Decision\n\nB.\n")
    import_folder(kb, folder)
    assert kb.get("ADR-0001").status == "unknown"
    kb.set_status("ADR-0001", "accepted")
    path.write_text(path.read_text() + "\nMore context.\n", encoding="utf-8")
    report = import_folder(kb, folder)
    assert report.updated == 1
    assert kb.get("ADR-0001").status == "accepted"  # the file still says nothing: kept
    path.write_text(path.read_text().replace("## Context", "## Status\n\nRejected\n\n## Context"),
                    encoding="utf-8")
    import_folder(kb, folder)
    assert kb.get("ADR-0001").status == "rejected"  # the file now says something: it wins


def test_unknown_is_a_status_of_every_kind_with_statuses(kb: KnowledgeBase) -> None:
    from kbridge.model import KIND_STATUSES, Kind

    for kind, statuses in KIND_STATUSES.items():
        assert ("unknown" in statuses) == bool(statuses)
        if statuses:
            key = kb.create(kind, f"A {kind.value}", status="unknown").uid
            assert kb.get(key).status == "unknown"
    hits = kb.search("status:unknown")
    assert hits.total == sum(1 for kind in Kind if kind.statuses)
