"""The static site export: complete, self-contained, offline, sanitised like the viewer."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from kbridge.cli.main import cli
from kbridge.core import KnowledgeBase
from kbridge.formats.site import export_site
from kbridge.formats.site.pages import CONTENT_SECURITY_POLICY
from kbridge.model import ConflictError
from tests.security.inert import html_problems


class _Refs(HTMLParser):
    """Every URL a page refers to, by (tag, attribute), and the CSP it declares."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.csp = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src", "action", "srcset", "poster", "data"):
            if values.get(name) is not None:
                self.refs.append((tag, name, values[name] or ""))
        if tag == "meta" and values.get("http-equiv") == "Content-Security-Policy":
            self.csp = values.get("content") or ""


def page_refs(path: Path) -> _Refs:
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture
def site(sample_kb: KnowledgeBase, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    report = export_site(sample_kb, out)
    assert not report.cancelled and report.records == len(sample_kb.list_records())
    return out


def test_every_record_has_a_page(site: Path, sample_kb: KnowledgeBase) -> None:
    for record in sample_kb.list_records():
        page = site / "records" / f"{record.key}.html"
        assert page.is_file(), record.key
        assert f"<title>{record.key} " in page.read_text(encoding="utf-8")
    assert len(list((site / "records").iterdir())) == len(sample_kb.list_records())
    for name in ("index.html", "search.html", "recovery.html", "kinds/decision.html", "kinds/system.html"):
        assert (site / name).is_file()


def test_every_internal_link_resolves_and_nothing_remote_is_referenced(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) > 100
    external_anchors = 0
    for page in pages:
        refs = page_refs(page)
        assert refs.csp == CONTENT_SECURITY_POLICY, page
        for tag, attribute, url in refs.refs:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto"):
                # A person may follow a link out; the page itself never loads from there.
                assert (tag, attribute) == ("a", "href"), f"{page.name} loads {url}"
                external_anchors += 1
                continue
            assert not parts.scheme and not url.startswith("//"), f"{page.name}: {url}"
            if not parts.path:  # "#section" on the same page
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(site)} links to missing {url}"
            assert site.resolve() in target.parents, f"{page.name} leaves the site: {url}"
    for asset in ("site.css", "site.js"):
        text = (site / "assets" / asset).read_text(encoding="utf-8")
        assert not re.search(r"https?:|//[a-z]|@import|fetch\(|XMLHttpRequest|WebSocket", text), asset


def test_record_page_has_links_both_ways_and_why_trace(site: Path) -> None:
    page = (site / "records" / "ADR-0008.html").read_text(encoding="utf-8")
    assert "Superseded by" in page and 'href="ADR-0017.html"' in page  # incoming link
    assert "Supersedes" in page and 'href="ADR-0002.html"' in page  # outgoing link
    ctl = (site / "records" / "CTL-001.html").read_text(encoding="utf-8")
    why = ctl[ctl.index('<section id="why">'):]
    for key in ("RSK-001", "REQ-004", "INC-001", "ADR-0017", "ADR-0008", "ADR-0002"):
        assert f'href="{key}.html"' in why
    assert "(superseded by ADR-0017)" in why
    # Links inside the body, written [ADR-0002](ADR-0002), point at the page of that record.
    body = ctl[ctl.index('<div class="body">'):ctl.index('<section id="why">')]
    assert 'href="ADR-0002.html"' in body


def test_system_pages_carry_their_timeline_and_recovery(site: Path) -> None:
    page = (site / "records" / "SYS-002.html").read_text(encoding="utf-8")
    timeline = page[page.index('<section id="timeline">'):page.index('<section id="recovery">')]
    order = re.findall(r'<time>(\d{4}-\d{2}-\d{2})</time>', timeline)
    assert order == sorted(order) and len(order) == 23
    assert timeline.index("EVT-002") < timeline.index("INC-003") < timeline.index("EVT-014")
    assert 'data-filter-kind="event"' in timeline
    recovery = (site / "recovery.html").read_text(encoding="utf-8")
    assert recovery.index(">SYS-003<") < recovery.index(">SYS-006<") < recovery.index(">SYS-001<")
    assert "no RTO" in recovery


def test_kind_index_has_status_filters(site: Path) -> None:
    page = (site / "kinds" / "decision.html").read_text(encoding="utf-8")
    statuses = set(re.findall(r'data-filter-status="([a-z]+)"', page))
    assert statuses == {"accepted", "deprecated", "draft", "proposed", "rejected", "superseded"}
    assert len(re.findall(r'<tr data-status=', page)) == 25


def test_search_index_holds_titles_and_bodies(site: Path) -> None:
    text = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert text.startswith("window.KBRIDGE_SEARCH = ")
    entries = json.loads(text.removeprefix("window.KBRIDGE_SEARCH = ").rstrip().rstrip(";"))
    ctl = next(entry for entry in entries if entry["k"] == "CTL-001")
    assert ctl["u"] == "records/CTL-001.html" and ctl["d"] == "control"
    assert "Vault Agent writes secrets to an in-memory volume" in ctl["b"]
    assert "**" not in ctl["b"] and "<" not in ctl["b"]


HOSTILE = """Hello <script>alert('body')</script> <iframe src="https://evil.example/"></iframe>
<img src="https://evil.example/pixel.png" onerror="alert(1)"> <img src="local.png" alt="diagram">
[click](javascript:alert(2)) [away](https://example.org/page) [gone](ADR-0404)
<a href="#" onclick="alert(3)">x</a> <a title="t" href="ADR-0404">titled</a> <a title="u" href="ADR-0001">self</a> <style>body{background:url(https://evil.example/x)}</style>
"""


def test_hostile_records_are_sanitised_like_the_viewer(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.create("decision", "<script>alert('title')</script> Use <b>bold</b>", body=HOSTILE)
    out = tmp_path / "site"
    export_site(kb, out)
    page = (out / "records" / "ADR-0001.html").read_text(encoding="utf-8")
    lowered = page.lower()
    assert "<script>alert" not in lowered and "&lt;script&gt;alert(&#x27;title&#x27;)" in page
    for forbidden in ("<iframe", "onerror", "onclick", "evil.example", "<style>body"):
        assert forbidden not in lowered, forbidden
    body = page[page.index('<div class="body">'):page.index("</article>")]
    assert html_problems(body) == []  # `[click](javascript:…)` is shown as text, never a link
    assert '<a href="https://example.org/page" rel="noopener noreferrer">away</a>' in page
    assert '<span class="unresolved" title="ADR-0404">gone</span>' in page  # no broken link
    assert '<span class="unresolved" title="ADR-0404">titled</span>' in page
    assert '<a title="u" href="ADR-0001.html" rel="noopener noreferrer">self</a>' in page
    assert "[image: diagram]" in page and "local.png" not in page  # the site ships no attachments
    index = (out / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "<" not in index and "\\u003cscript>alert" in index  # data only, escaped all the same


def test_export_refuses_a_folder_that_is_not_a_site(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.create("decision", "One")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(ConflictError, match="not empty"):
        export_site(kb, busy)
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]
    out = tmp_path / "site"
    export_site(kb, out)
    kb.create("decision", "Two")
    kb.delete("ADR-0001")
    export_site(kb, out)  # over an earlier site: replaced, with no stale page left
    assert sorted(p.name for p in (out / "records").iterdir()) == ["ADR-0002.html"]


def test_progress_and_cancel(sample_kb: KnowledgeBase, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    export_site(sample_kb, tmp_path / "a", progress=lambda done, total, _: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] and len(seen) >= 2
    report = export_site(sample_kb, tmp_path / "b", cancel=lambda: True)
    assert report.cancelled and report.records == 0


def test_cli_export_format_html(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli-site"
    result = CliRunner().invoke(cli, ["--kb", str(sample_path), "export", "--format", "html", str(out), "--json"])
    assert result.exit_code == 0, result.stderr
    written = json.loads(result.stdout)["written"]
    assert written == len(list(out.rglob("*.*"))) - 1  # every file but the site marker
    assert (out / "records" / "SYS-006.html").is_file() and (out / "index.html").is_file()
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "mine.txt").write_text("x")
    refused = CliRunner().invoke(cli, ["--kb", str(sample_path), "export", "--format", "html", str(tmp_path / "busy")])
    assert refused.exit_code == 1 and "not empty" in refused.stderr
