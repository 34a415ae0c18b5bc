"""The lifecycle on the command line: supersede, link and unlink, restore, a control's rationale,
templates, init --first-decision, toc and graph; and `--json` on every command that reports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.cli.conftest import Run, as_json


def _decisions(run: Run, *titles: str) -> None:
    for title in titles:
        assert run("new", "decision", "--title", title, "--status", "accepted").exit_code == 0


def test_supersede_command_and_its_refusals(run: Run) -> None:
    _decisions(run, "Old", "New")
    result = run("supersede", "ADR-0001", "ADR-0002")
    assert result.exit_code == 0 and "ADR-0001 is now superseded by ADR-0002" in result.stderr
    cycle = run("supersede", "ADR-0002", "ADR-0001")
    assert cycle.exit_code == 1
    assert cycle.stderr == ("kbridge: ADR-0001 cannot supersede ADR-0002: ADR-0002 supersedes ADR-0001 already, "
                            "so that would be a cycle\n")
    again = run("link", "ADR-0002", "supersedes", "ADR-0001")
    assert again.exit_code == 1 and "already supersedes" in again.stderr


def test_new_supersedes_repeated_marks_each(run: Run) -> None:
    _decisions(run, "One", "Two")
    new = as_json(run("new", "decision", "--title", "Both", "--supersedes", "1", "--supersedes", "ADR-0002", "--json"))
    assert [(link["label"], link["key"]) for link in new["links"]] == [("supersedes", "ADR-0001"),
                                                                       ("supersedes", "ADR-0002")]
    assert [r["status"] for r in as_json(run("list", "--json"))][:2] == ["superseded", "superseded"]


def test_link_supersedes_reports_what_it_changed_in_json(run: Run) -> None:
    _decisions(run, "Old", "New", "Partly new")
    data = as_json(run("link", "ADR-0002", "supersedes", "ADR-0001", "--json"))
    assert data["link"] == {"source": "ADR-0002", "type": "supersedes", "target": "ADR-0001", "note": "",
                            "dangling": False}
    assert [(r["key"], r["status"]) for r in data["changed"]] == [("ADR-0001", "superseded"),
                                                                 ("ADR-0002", "accepted")]
    partial = run("link", "ADR-0003", "supersedes", "ADR-0002", "--note", "in part")
    assert partial.exit_code == 0 and "kept as ADR-0003 amends ADR-0002" in partial.stderr
    assert as_json(run("show", "ADR-0002", "--json"))["status"] == "accepted"
    data = as_json(run("supersede", "ADR-0001", "ADR-0003", "--partial", "--note", "the queue part", "--json"))
    assert data["link"]["note"] == "supersedes in part; the queue part" and data["link"]["type"] == "amends"


def test_unlink_says_how_to_give_the_status_back_or_does_it(run: Run) -> None:
    _decisions(run, "Old", "New")
    run("supersede", "1", "2")
    result = run("unlink", "ADR-0002", "supersedes", "ADR-0001")
    assert result.exit_code == 0
    assert ("ADR-0001 is still marked superseded, though nothing supersedes it now; it was accepted before: "
            "kbridge set ADR-0001 --status accepted (or unlink with --restore-status)") in result.stderr
    run("supersede", "1", "2")
    data = as_json(run("unlink", "ADR-0002", "supersedes", "ADR-0001", "--restore-status", "--json"))
    assert [(r["key"], r["status"]) for r in data["changed"]] == [("ADR-0001", "accepted"), ("ADR-0002", "accepted")]
    assert data["restorable_status"] is None


def test_restore_says_when_the_status_contradicts_the_links(run: Run) -> None:
    _decisions(run, "Old", "New")
    run("edit", "1", "--body-file", "-", input="First words.\n")
    run("supersede", "1", "2")
    run("edit", "1", "--body-file", "-", input="Later words.\n")
    result = run("restore", "ADR-0001", "2")
    assert result.exit_code == 0
    assert ("warning: ADR-0001 is superseded by ADR-0002, which contradicts the status accepted (kbridge check "
            "reports it; kbridge restore ADR-0001 2 --keep-status keeps the status the links imply)") in result.stderr
    assert run("check").exit_code == 1
    data = as_json(run("restore", "ADR-0001", "3", "--json"))  # the superseded one: consistent
    assert (data["status"], data["conflict"], data["rev"]) == ("superseded", None, 6)
    run("edit", "1", "--body-file", "-", input="Later words.\n")
    data = as_json(run("restore", "ADR-0001", "2", "--keep-status", "--json"))
    assert (data["status"], data["status_kept"]) == ("superseded", True)
    assert as_json(run("show", "1", "--json"))["body"] == "First words.\n"


def test_a_control_needs_its_rationale_on_the_command_line(run: Run, tmp_path: Path) -> None:
    missing = run("new", "control", "--title", "MFA")
    assert missing.exit_code == 1 and "a control needs its rationale" in missing.stderr
    assert as_json(run("list", "--json")) == []
    assert run("new", "control", "--title", "MFA", "--rationale", "Phishing").stdout == "CTL-001\n"
    body = tmp_path / "waf.md"
    body.write_text("## Rationale\n\nPCI DSS 6.4 asks for it.\n")
    assert run("new", "control", "--title", "WAF", "--body-file", str(body)).stdout == "CTL-002\n"
    cleared = run("set", "CTL-001", "--field", "rationale=")
    assert cleared.exit_code == 1 and "a control needs its rationale" in cleared.stderr
    assert as_json(run("show", "CTL-001", "--json"))["fields"] == {"rationale": "Phishing"}
    superseded = run("set", "CTL-001", "--status", "retired")
    assert superseded.exit_code == 0


def test_set_status_superseded_needs_a_successor(run: Run) -> None:
    _decisions(run, "Old")
    result = run("set", "ADR-0001", "--status", "superseded")
    assert result.exit_code == 1 and "nothing supersedes ADR-0001" in result.stderr
    assert as_json(run("show", "1", "--json"))["status"] == "accepted"


def test_templates_list_and_new_from_a_template_record_or_a_file(run: Run, tmp_path: Path) -> None:
    body = tmp_path / "security.md"
    body.write_text("## Context\n\n## Threat model\n")
    assert run("new", "template", "--title", "Security decision", "--body-file", str(body)).stdout == "TPL-001\n"
    listed = as_json(run("templates", "--json"))
    assert [(t["name"], t["origin"]) for t in listed] == [
        ("madr", "built-in"), ("nygard", "built-in"), ("adr-tools", "built-in"), ("ai-initiative", "built-in"),
        ("TPL-001", "record")]
    assert "TPL-001" in run("templates").stdout
    made = as_json(run("new", "decision", "--title", "X", "--template", "TPL-001", "--json"))
    assert "## Threat model" in made["body"]
    file = tmp_path / "template.md"
    file.write_text("# NUMBER. TITLE\n\nDate: DATE\n\n## Status\n\nSTATUS\n\n## Why TITLE\n")
    assert as_json(run("new", "decision", "--title", "Y", "--template", str(file), "--json"))["body"] == "## Why Y\n"
    unknown = run("new", "decision", "--title", "Z", "--template", "arc42")
    assert unknown.exit_code == 1 and "templates are: madr, nygard, adr-tools, ai-initiative, TPL-001" in unknown.stderr


def test_init_first_decision(tmp_path: Path, run: Run) -> None:
    path = tmp_path / "team.kbridge"
    data = as_json(run("init", str(path), "--first-decision", "--json"))
    assert data == {"path": str(path), "first_decision": "ADR-0001"}
    record = as_json(run("show", "ADR-0001", "--json", kb=path))
    assert (record["title"], record["status"]) == ("Record architecture decisions", "accepted")
    assert again_refused(run, path)


def again_refused(run: Run, path: Path) -> bool:
    result = run("init", str(path), "--first-decision")
    return result.exit_code == 1 and "already exists" in result.stderr


def test_toc_links_imported_records_to_their_own_files(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "doc" / "adr"
    folder.mkdir(parents=True)
    (folder / "0001-use-x.md").write_text("# 1. Use X\n\nDate: 2020-02-02\n\n## Status\n\nAccepted\n")
    (folder / "0002-use-y instead.md").write_text(
        "# 2. Use Y\n\nDate: 2021-03-03\n\n## Status\n\nAccepted\n\nSupersedes [1. Use X](0001-use-x.md)\n")
    assert run("import", str(tmp_path / "doc")).exit_code == 0
    text = run("toc", "--prefix", "https://example.org/").stdout
    assert "* [1. Use X](https://example.org/adr/0001-use-x.md): Superseded by [2. Use Y](https://example.org/adr/" \
           "0002-use-y%20instead.md), 2020-02-02" in text


def test_graph_files_escape_what_they_draw(run: Run, tmp_path: Path) -> None:
    run("new", "decision", "--title", 'Use "quotes" & <script>alert(1)</script> \\ #1', "--status", "accepted")
    run("new", "decision", "--title", "Next", "--supersedes", "1")
    svg = tmp_path / "g.svg"
    data = as_json(run("graph", "ADR-0001", "--format", "svg", str(svg), "--json"))
    assert (data["nodes"], data["edges"], data["format"]) == (2, 1, "svg")
    tree = ET.parse(svg)  # well-formed XML: every title escaped
    texts = " ".join(element.text or "" for element in tree.iter() if element.tag.endswith("text"))
    written = svg.read_text()
    assert "<script" not in written and "&lt;script&gt;alert(1)&lt;/script&gt;" in written
    assert "supersedes" in texts
    dot = run("graph", "--format", "dot", "-").stdout
    assert '"ADR-0001" [label="ADR-0001\\nUse \\"quotes\\" & <script>alert(1)</script> \\\\ #1"' in dot
    mermaid = run("graph", "--format", "mermaid", "-").stdout
    assert 'n0["ADR-0001: Use #quot;quotes#quot; #amp; #lt;script#gt;alert(1)#lt;/script#gt; \\ #35;1' in mermaid
    assert "n1 -->|supersedes| n0" in mermaid
    assert run("graph", "--format", "svg", "-", "--json").exit_code == 2
    assert run("graph", "a", "b", "c", "--format", "dot").exit_code == 2


def test_every_reporting_command_speaks_json(run: Run, tmp_path: Path) -> None:
    _decisions(run, "A")
    run("new", "person", "--title", "Ann")
    run("new", "person", "--title", "Bob")
    run("set", "ADR-0001", "--owner", "PER-001")
    run("edit", "1", "--body-file", "-", input="Words.\n")
    diff = as_json(run("diff", "ADR-0001", "2", "3", "--json"))
    assert diff["changed"] == ["body"] and diff["from"]["rev"] == 2 and "+Words." in diff["diff"]
    assert as_json(run("edit", "1", "--body-file", "-", "--json", input="More.\n"))["body"] == "More.\n"
    moved = as_json(run("reassign", "PER-001", "PER-002", "--json"))
    assert (moved["from"], moved["to"], [r["key"] for r in moved["records"]]) == ("PER-001", "PER-002", ["ADR-0001"])
    assert as_json(run("delete", "ADR-0001", "--json"))["changed"][0]["deleted"] is True
    assert as_json(run("undelete", "ADR-0001", "--json"))["changed"][0]["deleted"] is False
    backup = as_json(run("backup", str(tmp_path / "b.kbridge"), "--json"))
    assert backup["path"] == str(tmp_path / "b.kbridge") and backup["size_bytes"] > 0
    restored = as_json(run("restore-backup", str(tmp_path / "b.kbridge"), "--json"))
    assert restored["restored"] == str(tmp_path / "b.kbridge") and restored["updated"] == 3
    assert json.loads(run("toc", "--format", "json").stdout) == as_json(run("toc", "--json"))
