"""Templates: the built-in ones (adr-tools' own wording among them), the knowledge base's own
(records of kind template), and a Markdown file given by path."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbridge import paths
from kbridge.core import KnowledgeBase
from kbridge.core.templates import available_templates, find_template, first_decision, split_header
from kbridge.model import Kind, RecordResult, ValidationError


def _new(kb: KnowledgeBase, created: RecordResult) -> str:
    return created.key


def test_the_built_in_templates_are_there_from_the_start(kb: KnowledgeBase) -> None:
    assert [(t.name, t.label, t.origin) for t in available_templates(kb)] == [
        ("madr", "MADR 4", "built-in"), ("nygard", "Nygard", "built-in"), ("adr-tools", "adr-tools", "built-in"),
        ("ai-initiative", "AI initiative", "built-in")]
    assert available_templates(kb, Kind.CONTROL) == []


def test_the_adr_tools_template_is_adr_tools_wording_and_its_header_is_the_records(kb: KnowledgeBase) -> None:
    text = paths.resource("templates", "adr-tools.md").read_text(encoding="utf-8")
    assert text.startswith("# NUMBER. TITLE\n\nDate: DATE\n\n## Status\n\nSTATUS\n\n## Context\n\n")
    assert "The issue motivating this decision, and any context that influences or constrains the decision." in text
    key = _new(kb, kb.create("decision", "Use Kafka", template="adr-tools", status="accepted"))
    body = kb.get(key).body
    assert body.startswith("## Context\n\nThe issue motivating this decision")
    assert "NUMBER" not in body and "## Status" not in body and "Date:" not in body
    assert body.endswith("will need to be mitigated.\n")


def test_first_decision_is_adr_tools_record_architecture_decisions() -> None:
    title, status, body = first_decision()
    assert (title, status) == ("Record architecture decisions", "accepted")
    assert body.startswith("## Context\n\nWe need to record the architectural decisions made on this project.\n")
    assert "[described by Michael Nygard](http://thinkrelevance.com/blog/2011/11/15/documenting-architecture" in body


def test_a_template_record_is_used_by_key_or_title_and_copied_raw_into_a_new_template(kb: KnowledgeBase) -> None:
    text = "# $title\n\n## Context\n\nFor $key, decided $date.\n\n## Threat model\n\nWhat could go wrong?\n"
    template = _new(kb, kb.create("template", "Security decision", body=text))
    assert template == "TPL-001"
    by_key = kb.get(_new(kb, kb.create("decision", "Rotate keys", template="TPL-001", date="2024-05-01")))
    by_title = kb.get(_new(kb, kb.create("decision", "Pin TLS", template="security decision", date="2024-05-02")))
    assert by_key.body == "## Context\n\nFor ADR-0001, decided 2024-05-01.\n\n## Threat model\n\nWhat could go wrong?\n"
    assert by_title.body.startswith("## Context\n\nFor ADR-0002, decided 2024-05-02.")
    copy = kb.get(_new(kb, kb.create("template", "Our MADR", template="madr")))
    assert copy.body == find_template(kb, "madr").text
    kb.update(template, fields={"for_kind": "control"})
    assert [t.name for t in available_templates(kb, Kind.CONTROL)] == ["TPL-001"]
    assert "TPL-001" not in [t.name for t in available_templates(kb, Kind.DECISION)]


def test_a_file_is_a_template_in_adr_tools_or_madr_form(kb: KnowledgeBase, tmp_path: Path) -> None:
    ours = tmp_path / "template.md"
    ours.write_text("# NUMBER. TITLE\n\nDate: DATE\n\n## Status\n\nSTATUS\n\n## Context\n\nTITLE (NUMBER) is "
                    "STATUS since DATE. TITLES and NUMBERS stay.\n")
    key = _new(kb, kb.create("decision", "Use Vault", template=str(ours), date="2024-01-02", status="accepted"))
    assert kb.get(key).body == "## Context\n\nUse Vault (1) is Accepted since 2024-01-02. TITLES and NUMBERS stay.\n"
    madr = tmp_path / "adr-template.md"
    madr.write_text('---\nstatus: "{proposed | accepted}"\ndate: "{YYYY-MM-DD}"\n---\n\n'
                    "# {short title of solved problem and solution}\n\n## Context and Problem Statement\n\n"
                    "{Describe the context} costs $5.\n")
    body = kb.get(_new(kb, kb.create("decision", "Use S3", template=str(madr)))).body
    assert body == "## Context and Problem Statement\n\n{Describe the context} costs $5.\n"


def test_an_unknown_template_says_which_there_are(kb: KnowledgeBase, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="unknown template 'arc42'; templates are: madr, nygard, adr-tools"):
        kb.create("decision", "C", template="arc42")
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * (300 * 1024))
    with pytest.raises(ValidationError, match="too big for a template"):
        kb.create("decision", "D", template=str(big))
    assert kb.list_records() == []


def test_split_header_leaves_a_body_without_header_alone() -> None:
    header, body = split_header("## Context\n\nNo H1 here.\n")
    assert (header.title, header.status, body) == ("", "", "## Context\n\nNo H1 here.")
