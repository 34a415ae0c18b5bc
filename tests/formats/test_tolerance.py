"""Files as people really leave them: every quirk is read, or skipped with a reason, and one bad
file never stops the folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.markdown_doc import parse
from kbridge.formats.read.importer import import_folder
from kbridge.formats.read.scan import MAX_MARKDOWN_BYTES
from kbridge.formats.write.export import export_kb


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "adr"
    path.mkdir()
    return path


def imported(kb: KnowledgeBase, folder: Path) -> dict[str, object]:
    report = import_folder(kb, folder)
    return {
        "report": report,
        "by_path": {r.source["path"]: r for r in kb.list_records() if r.source},
        "skipped": {s.path: s.reason for s in report.skipped},
        "warnings": [(w.path, w.message) for w in report.warnings],
    }


def test_encodings_and_line_ends_survive_the_round_trip(
    kb: KnowledgeBase, folder: Path, tmp_path: Path
) -> None:
    write(folder, "0001-crlf.md", "\ufeff# 1. Use CRLF\r\n\r\nDate: 2021-03-04\r\n\r\n"
          "## Status\r\n\r\nAccepted\r\n\r\n## Context\r\n\r\nWindows.\r\n")
    write(folder, "0002-latin.md", "# Décision en latin-1\n\n* Status: approved\n".encode("cp1252"))
    write(folder, "0003-broken.md", "# Café ünïcode\n\n* Status: rejected\n\nbad \xff byte\n"
          .encode().replace(b"\xc3\xbf", b"\xff"))
    result = imported(kb, folder)
    by_path = result["by_path"]
    assert (by_path["0001-crlf.md"].title, by_path["0001-crlf.md"].status) == ("Use CRLF", "accepted")
    assert by_path["0001-crlf.md"].date == "2021-03-04"
    assert (by_path["0002-latin.md"].title, by_path["0002-latin.md"].status) == (
        "Décision en latin-1", "accepted")
    assert by_path["0003-broken.md"].status == "rejected"
    messages = dict(result["warnings"])
    assert "cp1252" in messages["0002-latin.md"]
    assert "replaced" in messages["0003-broken.md"]
    out = tmp_path / "out"
    export_kb(kb, out, "native")
    for name in ("0001-crlf.md", "0002-latin.md", "0003-broken.md"):
        assert (out / name).read_bytes() == (folder / name).read_bytes(), name


def test_bad_files_are_skipped_with_reasons_and_do_not_stop_the_others(
    kb: KnowledgeBase, folder: Path, tmp_path: Path
) -> None:
    write(folder, "0001-empty.md", "")
    write(folder, "0002-huge.md", "# Huge\n" + "x" * (MAX_MARKDOWN_BYTES + 10))
    write(folder, "0003-yaml.md", "---\nstatus: [unclosed\n---\n# Broken front matter\n\nBody.\n")
    write(folder, "0004-good.md", "# Good\n\n- Status: accepted\n")
    write(folder, "template.md", "# {short title of solved problem}\n")
    write(folder, "0005-not-filled-in.md", "# [short title of solved problem and solution]\n")
    write(folder, "notes.txt", "not markdown")
    write(folder, "0007-kafka.adoc", "= Kafka\n\n== Status\n\nAccepted\n")
    outside = write(tmp_path, "outside.md", "# Secret outside the folder\n")
    os.symlink(outside, folder / "0006-link-out.md")
    result = imported(kb, folder)
    skipped = result["skipped"]
    assert "empty" in skipped["0001-empty.md"]
    assert "size cap" in skipped["0002-huge.md"]
    assert "template" in skipped["template.md"]
    assert "unfilled template" in skipped["0005-not-filled-in.md"]
    assert "not a Markdown file" in skipped["notes.txt"]
    assert skipped["0007-kafka.adoc"] == ("AsciiDoc, not Markdown: kbridge reads Markdown and reStructuredText "
                                          "files only")
    assert "outside the imported folder" in skipped["0006-link-out.md"]
    assert set(result["by_path"]) == {"0003-yaml.md", "0004-good.md"}
    assert result["by_path"]["0003-yaml.md"].body == "Body.\n"
    assert any("broken YAML" in m for p, m in result["warnings"] if p == "0003-yaml.md")
    assert not any("Secret" in r.title for r in kb.list_records())


def test_a_decision_that_kept_only_the_template_s_title_is_imported_titled_from_its_name(
    kb: KnowledgeBase, folder: Path
) -> None:
    """json-schema-spec's `2024-11-2-assertion-format.md` (a folder no test had seen): its status,
    deciders, date and text written, its title left as MADR's placeholder. It was skipped as an
    unfilled template; the folder's template, its fields still blanks, still is."""
    title = "# [short title of solved problem and solution]\n\n"
    write(folder, "2024-11-2-assertion-format.md", title + "* Status: proposed\n* Deciders: @greg @jason\n"
          "* Date: 2024-11-02\n\n## Context and Problem Statement\n\nA long history around format.\n")
    write(folder, "template.md", title + "* Status: [proposed | rejected | accepted | deprecated]\n"
          "* Deciders: [list everyone involved in the decision]\n* Date: [YYYY-MM-DD when the decision was "
          "last updated]\n\n## Context and Problem Statement\n\n[Describe the context]\n")
    write(folder, "0002-blank.md", title + "* Status: [proposed | accepted]\n\n## Context\n\n[Describe it]\n")
    result = imported(kb, folder)
    record = result["by_path"]["2024-11-2-assertion-format.md"]
    assert (record.title, record.status, record.date) == ("Assertion format", "proposed", "2024-11-02")
    assert any("the title is the template's placeholder" in m for p, m in result["warnings"]
               if p == "2024-11-2-assertion-format.md")
    assert set(result["skipped"]) == {"template.md", "0002-blank.md"}
    assert all("template" in reason for reason in result["skipped"].values())


def test_structure_not_lines(kb: KnowledgeBase, folder: Path) -> None:
    write(folder, "0001-fenced.md", "# Real title\n\n```yaml\nstatus: rejected\n# not a title\n```\n"
          "\n~~~\n- Status: deprecated\n~~~\n")
    by_path = imported(kb, folder)["by_path"]
    # The only statuses are examples in code blocks: the file states none.
    assert (by_path["0001-fenced.md"].title, by_path["0001-fenced.md"].status) == (
        "Real title", "unknown")


@pytest.mark.parametrize(("text", "title", "status", "date"), [
    ("# ADR-0001: Use X\n\n**Status:** Decided\n\n**Date:** Oct 21, 2022\n", "Use X", "accepted",
     "2022-10-21"),
    ("# Architecture Decision Record: Use Y\n\n* Status: ✅ Agreed\n* Date: 21/10/2022\n",
     "Use Y", "accepted", "2022-10-21"),
    ("# 7. Use Z\n\n![Status](https://img.shields.io/badge/status-rejected-red.svg)\n\n"
     "Date: 21.10.2022\n", "Use Z", "rejected", "2022-10-21"),
    ("---\nstatus: 'superseded by ADR-0009'\ndate: 2024-07-08\n---\n# ✅ Use W\n", "Use W",
     "superseded", "2024-07-08"),
    # A dated history: its latest entry is the status, and that entry's date the decision's.
    ("# Use V\n\n## Status\n\n* 2020-01-01 proposed\n* 2020-03-01 accepted\n* 2020-02-01 "
     "rejected\n", "Use V", "accepted", "2020-03-01"),
    ("# Use U\n\n- Status: [Pending](https://example.org/pr/1)\n- Date: July 8 2024\n", "Use U",
     "proposed", "2024-07-08"),
    ("## Context\n\nNo H1 here.\n", "Plain name", "unknown", None),
])
def test_titles_statuses_and_dates_wherever_they_are(
    kb: KnowledgeBase, folder: Path, text: str, title: str, status: str, date: str | None
) -> None:
    write(folder, "0001-plain-name.md", text)
    record = imported(kb, folder)["by_path"]["0001-plain-name.md"]
    assert (record.title, record.status, record.date) == (title, status, date)
    assert record.source["status_text"] is not None or status == "unknown"


def test_links_by_path_url_number_and_dangling(kb: KnowledgeBase, folder: Path) -> None:
    write(folder, "0001-a.md", "# 1. A\n\nDate: 2020-01-01\n\n## Status\n\nSuperceded by "
          "[2. B](https://github.com/o/r/blob/main/docs/adr/0002-b.md)\n")
    write(folder, "0002-b.md", "# 2. B\n\nDate: 2020-01-02\n\n## Status\n\nAccepted\n\n"
          "Supersedes [1. A](0001-a.md)\n\nClarifies ADR-0003\n")
    write(folder, "0003-c.md", "# 3. C\n\n* Status: superseded by [ADR-0099](0099-gone.md)\n")
    write(folder, "0004-d.md", "# 4. D\n\n* Status: accepted\n* Supersedes: [ADR-0098](0098-x.md)\n")
    write(folder, "0005-d.md", "# 5. D again\n\n* Status: accepted\n")
    write(folder, "0005-e.md", "# 5. E, same number\n\n* Status: accepted\n")
    result = imported(kb, folder)
    by_path = result["by_path"]
    a, b, c, d = (by_path[f"000{n}-{x}.md"] for n, x in ((1, "a"), (2, "b"), (3, "c"), (4, "d")))
    assert a.status == "superseded" and c.status == "superseded"
    assert [(lk.label, lk.key) for lk in kb.links.of(a.key)] == [("superseded by", b.key)]
    # "Clarifies": a verb kbridge has no link type for, kept as written on a relates-to link.
    assert ("relates-to", "out", c.key, "Clarifies", "clarifies") in {
        (lk.type.value, lk.direction, lk.key, lk.note, lk.label) for lk in kb.links.of(b.key)}
    dangling = {(kb.get(lk.source_uid).key, lk.type.value, lk.target_ref, lk.note)
                for lk in kb.links.dangling()}
    assert (d.key, "supersedes", "ADR-0098", "") in dangling
    assert (c.key, "relates-to", "ADR-0099", "Superseded by ADR-0099") in {
        (k, t, r, n[:1].upper() + n[1:]) for k, t, r, n in dangling}
    assert {by_path["0005-d.md"].fields["number"], by_path["0005-e.md"].fields["number"]} == {5}
    # Keys follow the files: the second 0005 is ADR-0005-2, and no later key shifts.
    assert (by_path["0005-d.md"].key, by_path["0005-e.md"].key) == ("ADR-0005", "ADR-0005-2")
    assert (a.key, b.key, c.key, d.key) == ("ADR-0001", "ADR-0002", "ADR-0003", "ADR-0004")
    assert sum("number 5 is also used by" in m for _, m in result["warnings"]) == 2


def test_a_pasted_data_image_is_kept_as_written_and_links_beside_it_still_found(
        kb: KnowledgeBase, folder: Path) -> None:
    """A `data:` image is no file of the folder: its destination is not percent-encoded (200 kB
    of it took 0.2 s), while a link beside it is read as before."""
    image = "data:image/png;base64," + "iVBORw0KGgo" * 20_000 + "%zz"  # markdown-it would write %25zz
    write(folder, "0001-a.md", "# 1. A\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n")
    # As a document editor exports one: a reference the text shows, defined at the end.
    write(folder, "0002-b.md", "# 2. B\n\nDate: 2020-01-02\n\n## Status\n\nAccepted\n\n## Context\n\n"
          f"![diagram][image1]\n\nAmends [1. A](<0001-a.md>)\n\n[image1]: <{image}>\n")
    doc = parse((folder / "0002-b.md").read_text(encoding="utf-8"))
    assert [src for block in doc.blocks for _, src in block.images] == [image]
    result = imported(kb, folder)
    b = result["by_path"]["0002-b.md"]
    assert [(lk.label, lk.key) for lk in kb.links.of(b.key)] == [("amends", "ADR-0001")]
    assert image in kb.get(b.key).body and not result["skipped"]


def test_progress_and_cancel(kb: KnowledgeBase, folder: Path) -> None:
    for number in range(1, 60):
        write(folder, f"{number:04d}-n.md", f"# {number}. Decision {number}\n\n* Status: accepted\n")
    calls: list[tuple[int, int]] = []
    import_folder(kb, folder, progress=lambda done, total, message: calls.append((done, total)))
    assert calls[-1] == (1000, 1000)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    other = KnowledgeBase.init(folder.parent / "other.kbridge")
    seen = []
    report = import_folder(other, folder, cancel=lambda: len(seen) > 0,
                           progress=lambda *args: seen.append(args))
    assert report.cancelled and other.list_records() == []
