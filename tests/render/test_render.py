from __future__ import annotations

import pytest

from kbridge.model import Kind, LinkedRecord, LinkType, Record
from kbridge.render import record_page_html, render_markdown
from tests.security.inert import html_problems


def test_markdown_structure_and_highlighting_survive() -> None:
    html = render_markdown("## Context\n\n* one\n* two\n\n```python\nx = 1\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<h2" in html and "<li>one</li>" in html and "<table>" in html
    assert 'class="codehilite"' in html and '<span class="n">x</span>' in html


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "onerror"),
        ("[x](javascript:alert(1))", "javascript:"),
        ("[x](vbscript:msgbox)", "vbscript:"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("![x](https://evil.example/t.png)", "evil.example"),
        ("![x](//evil.example/t.png)", "evil.example"),
        ("![x](file:///etc/passwd)", "file:"),
        ('<a href="data:text/html,<script>">x</a>', "data:"),
        ("<p style='background:url(https://evil.example)'>x</p>", "evil.example"),
        ("<svg onload=alert(1)></svg>", "onload"),
    ],
)
def test_hostile_markup_is_removed(markdown: str, forbidden: str) -> None:
    html = render_markdown(markdown)
    assert html_problems(html) == [], html
    if forbidden.startswith("<") or forbidden.startswith("on") or "." in forbidden:
        assert forbidden not in html.lower()


def test_safe_links_are_kept() -> None:
    html = render_markdown("[site](https://example.com) [mail](mailto:a@example.com) [adr](ADR-0003)")
    assert 'href="https://example.com"' in html and 'href="mailto:a@example.com"' in html
    assert 'href="ADR-0003"' in html


def test_record_page_shows_facts_links_and_marks_dangling_and_overdue() -> None:
    record = Record(kind=Kind.CONTROL, title="MFA <everywhere>", key="CTL-001", uid="u1", status="implemented",
                    review_by="2020-01-01", fields={"rationale": "Phishing"}, body="Body **text**")
    links = [
        LinkedRecord(LinkType.MITIGATES, "out", "RSK-001", "Takeover", "u2", Kind.RISK, "open"),
        LinkedRecord(LinkType.SUPERSEDES, "in", "CTL-009", "Newer", "u3", Kind.CONTROL, "planned"),
        LinkedRecord(LinkType.IMPLEMENTS, "out", "REQ-404", "", None, None, ""),
    ]
    html = record_page_html(record, links, status_hex=lambda s: "#123456", record_href=lambda uid: f"#{uid}")
    assert "MFA &lt;everywhere&gt;" in html
    assert "(overdue)" in html and "Phishing" in html
    assert '<a href="#u2">RSK-001</a>' in html
    assert "Superseded by" in html and '<a href="#u3">CTL-009</a>' in html
    assert "REQ-404 (not in the knowledge base)" in html
    assert "<strong>text</strong>" in html


def test_what_an_import_could_not_read_is_shown_as_the_file_wrote_it_never_as_a_fact() -> None:
    """Ensembl's `Date: 2018-11` names no day: no date is kept (none is invented), and the page
    says what the file wrote, escaped, until the record's date or status is set here."""
    source = {"status_text": "<b>Maybe</b> later", "date_text": "2018-11",
              "baseline": {"status": "unknown", "date": None}}
    record = Record(kind=Kind.DECISION, title="Breakpoints", key="ADR-0014", uid="u1", status="unknown", source=source)
    html = record_page_html(record, [], status_hex=lambda s: "#123456", record_href=lambda uid: f"#{uid}")
    assert "<td>none (the file says &#x27;2018-11&#x27;)</td>" in html
    assert "unknown (the file says &#x27;&lt;b&gt;Maybe&lt;/b&gt; later&#x27;)" in html and "<b>Maybe" not in html
    dated = Record(kind=Kind.DECISION, title="Breakpoints", key="ADR-0014", uid="u1", status="accepted",
                   date="2018-11-30", source=source)
    html = record_page_html(dated, [], status_hex=lambda s: "#123456", record_href=lambda uid: f"#{uid}")
    assert "the file says" not in html  # set here since: the record's own values stand
    long = Record(kind=Kind.DECISION, title="X", key="ADR-0001", uid="u2", status="unknown",
                  source={"date_text": "Decided " + "long ago " * 40, "baseline": {"date": None}})
    html = record_page_html(long, [], status_hex=lambda s: "#123456", record_href=lambda uid: f"#{uid}")
    assert "…" in html and "long ago " * 10 not in html
