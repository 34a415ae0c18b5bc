"""The incident pack and the brief as HTML: self-contained, escaped, written only inside their
folder, saying what the sample records in plain words (the PDFs: tests/ui/test_printing.py)."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.printable import standalone_html, write_inside
from kbridge.formats.printable.brief import brief_target, build_brief, in_words
from kbridge.formats.printable.pack import build_pack, write_pack_html
from kbridge.model import ValidationError

KEY = re.compile(r"\b[A-Z]{2,4}-\d{3,4}\b")


def visible_text(page: str) -> str:
    """What a reader sees: blocks apart, inline markup gone, no style sheet, no chart."""
    shown = re.sub(r"<(svg|style|title)\b.*?</\1>", " ", page, flags=re.S)
    shown = re.sub(r"</?(p|li|td|th|tr|h\d|br|ul|ol|table|div)\b[^>]*>", " ", shown)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", shown)).split())


def test_pack_holds_the_order_playbooks_approvers_and_reasons(sample_kb: KnowledgeBase, tmp_path: Path) -> None:
    path = write_pack_html(build_pack(sample_kb), tmp_path)
    page = path.read_text(encoding="utf-8")
    assert path.name == "incident-pack.html"
    assert "<script" not in page and "<link" not in page and not re.search(r'(src|href)="(?!#)', page)
    text = visible_text(page)
    order = [text.index(f"({key})", text.index("1. Restore order")) for key in ("SYS-003", "SYS-006", "SYS-002")]
    assert order == sorted(order)
    assert "Priya Raman (PER-003)" in text and "+44 20 7946 0103" in text and "priya.raman@example.com" in text
    assert "Daniel Achterberg (PER-004) — has left" in text  # Kafka's approver
    assert "Decide which Raft snapshot to trust" in text  # a step of Vault's playbook
    assert "Root token, recovery keys and every AppRole secret ID rotated" in text  # one of its criteria
    assert "From: CTL-001 Secrets are never stored in repositories" in text
    assert "overdue since" in text  # Vault's exercise
    why = text[text.index("4. Why each control exists"):]
    assert "Two incidents" in why or "CTL-001" in why
    assert "mitigates Secrets exposed through source control, CI logs or container images (RSK-001)" in why
    assert "No recovery steps are written down for this system." in text  # Kafka, the portal, the SIEM


def test_hostile_values_are_text_in_the_pack_and_the_brief(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.create("person", '<img src=x onerror="alert(1)">', fields={"phone": "<b>call</b>"})
    kb.create("system", "<script>alert('title')</script>", fields={"criticality": "critical", "rto": "1h",
              "approver": "PER-001"}, body="## Recovery steps\n\n1. <iframe src='http://evil'></iframe> restore\n")
    for document in (build_pack(kb), build_brief(kb, "SYS-001")):
        page = standalone_html(document)
        assert "<script>alert" not in page and "<img src=x" not in page and "<iframe" not in page
        assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in page
        assert "<b>call</b>" not in page


def test_files_are_written_only_inside_their_folder(tmp_path: Path) -> None:
    for name in ("../escape.html", "a/b.html", "..", ""):
        with pytest.raises(ValidationError):
            write_inside(tmp_path, name, b"x")
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_text("theirs")
    os.symlink(elsewhere, tmp_path / "pack.html")
    with pytest.raises(ValidationError, match="symbolic link"):
        write_inside(tmp_path, "pack.html", b"ours")
    assert elsewhere.read_text() == "theirs"
    os.symlink(tmp_path, tmp_path.parent / "linked-folder")
    with pytest.raises(ValidationError, match="symbolic link"):
        write_inside(tmp_path.parent / "linked-folder", "pack.html", b"ours")
    written = write_inside(tmp_path / "new", "pack.html", b"ours")
    assert written.read_bytes() == b"ours" and sorted(p.name for p in written.parent.iterdir()) == ["pack.html"]


def test_brief_of_the_estate_in_plain_words(sample_kb: KnowledgeBase) -> None:
    document = build_brief(sample_kb)
    page = standalone_html(document)
    assert page.count("<svg") == 4 == len(document.charts)  # one chart per section
    text = visible_text(page)
    for heading in ("What the business depends on", "Risks still open, and what protects against them",
                    "What went wrong since", "How ready we are to recover"):
        assert heading in text
    assert "8 systems are running; 4 of them are rated critical" in text
    assert "Ledger database (PostgreSQL) (SYS-002) critical 1 hour 5 minutes" in text
    assert "Kafka operations depend on the knowledge of a single engineer (RSK-010) — open" in text
    assert "3 of 4 critical systems were rehearsed within their review period" in text
    _keys_come_with_titles(sample_kb, text)


def test_brief_of_one_system(sample_kb: KnowledgeBase) -> None:
    document = build_brief(sample_kb, "SYS-006")
    text = visible_text(standalone_html(document))
    assert document.title == "Resilience brief: HashiCorp Vault"
    assert ("HashiCorp Vault (SYS-006) is rated critical. After an outage it must run again within 1 hour, and "
            "at most 1 hour of recent data may be lost.") in text
    assert "Payments API (SYS-001)" in text  # depends on Vault, so stops with it
    assert "It was last rehearsed on 2026-03-10 (test, partial) and took 95 minutes." in text
    assert [bar.label for bar in document.charts[-1].bars] == ["Objective", "2026-03-10 test"]
    assert len(document.charts) == 4
    _keys_come_with_titles(sample_kb, text)
    with pytest.raises(ValidationError, match="a brief is about a system"):
        build_brief(sample_kb, "CTL-001")


def _keys_come_with_titles(kb: KnowledgeBase, text: str) -> None:
    """No key stands alone: each is written after its record's title ("Title (KEY)")."""
    for key in set(KEY.findall(text)):
        record = kb.find(key)
        if record is not None:
            assert f"{record.title} ({record.key})" in text, key


def test_brief_target_and_durations_in_words(tmp_path: Path) -> None:
    assert brief_target(tmp_path, "pdf") == (tmp_path, "brief.pdf")
    assert brief_target(tmp_path / "vault.html", "html") == (tmp_path, "vault.html")
    with pytest.raises(ValidationError, match=r"does not end in \.pdf"):
        brief_target(tmp_path / "vault.html", "pdf")
    assert [in_words(text) for text in ("2h", "15m", "1d", "90m", "", "soon")] == [
        "2 hours", "15 minutes", "1 day", "90 minutes", "not agreed", "soon"]


def test_brief_of_a_knowledge_base_without_systems_says_so(kb: KnowledgeBase) -> None:
    kb.create("decision", "Use PostgreSQL")
    document = build_brief(kb)
    text = visible_text(standalone_html(document))
    assert "No running system is recorded" in text and "No running system is rated critical" in text
    assert "0 of 0" not in text and len(document.charts) == 4
