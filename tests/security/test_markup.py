"""Every payload, in every field of a record, through every place it becomes HTML: the reader's
page and the static site (written by kbridge, or imported from a hostile MADR folder first).
Inert means: no element that runs or loads, no handler, no style, no URL of another scheme, and
the payload still shown as text."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.escaping import escape_html
from kbridge.formats.site import export_site
from kbridge.render import VIEW_BUDGET, record_page_html, render_markdown
from tests.security.inert import html_problems, page_problems
from tests.security.payloads import PAYLOADS, Payload

IDS = [payload.name for payload in PAYLOADS]


def _page(kb: KnowledgeBase, uid: str) -> str:
    record = kb.get(uid)
    return record_page_html(record, kb.links.of(uid), status_hex=lambda _: "#123456", budget=VIEW_BUDGET)


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_the_readers_page_is_inert_in_every_field(hostile_kb: KnowledgeBase, hostile_uids: dict[str, str],
                                                  payload: Payload) -> None:
    uid = hostile_uids[payload.name]
    page = _page(hostile_kb, uid)
    assert page_problems(page) == [], page[:2000]
    record = hostile_kb.get(uid)
    # Shown as text where it stands: the title, the field's name (the hole of issue 14) and value.
    assert escape_html(record.title) in page
    name = next(name for name in record.fields if name != "plain")
    assert escape_html(name.replace("_", " ").capitalize()) in page
    owner = hostile_kb.get(record.owner_key or "")
    assert page_problems(_page(hostile_kb, owner.uid)) == []


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_a_body_renders_inert_and_keeps_what_follows(payload: Payload) -> None:
    rendered = render_markdown(f"Before\n\n{payload.text}\n\nAfter the payload.")
    assert html_problems(rendered) == [], rendered[:2000]
    assert "Before" in rendered and "After the payload." in rendered


def test_field_names_are_escaped_in_the_facts_table(kb: KnowledgeBase) -> None:
    """The critical hole: a front-matter key became markup in the facts table."""
    key = '<script src="../../tools/helper.js"></script><meta http-equiv=refresh content="0;url=x">'
    uid = kb.create("decision", "Keys", fields={key: "value"}).uid
    page = _page(kb, uid)
    assert "<script" not in page and "<meta" not in page
    assert escape_html(key.capitalize()) in page
    assert page_problems(page) == []


def _site_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_the_static_site_of_hostile_records_is_inert(hostile_kb: KnowledgeBase, tmp_path: Path) -> None:
    out = tmp_path / "site"
    export_site(hostile_kb, out)
    pages = _site_pages(out)
    assert len(pages) >= 2 * len(PAYLOADS)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert page_problems(text) == [], (page.name, page_problems(text)[:3])
    index = (out / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "</script" not in index.lower() and "<" not in index
    entries = json.loads(index.removeprefix("window.KBRIDGE_SEARCH = ").rstrip().rstrip(";"))
    titles = {entry["t"] for entry in entries}
    assert any("<script>" in title for title in titles)  # the titles are there, as data


def test_a_hostile_madr_folder_imported_then_exported_is_inert(imported_kb: KnowledgeBase, tmp_path: Path) -> None:
    """Front-matter keys and values, titles, status words and bodies from a hostile repository."""
    records = imported_kb.list_records()
    assert len(records) >= len(PAYLOADS) * 9 // 10
    assert any(any("<script" in str(name) for name in record.fields) for record in records)
    for record in records:
        assert page_problems(_page(imported_kb, record.uid)) == [], record.key
    out = tmp_path / "site"
    export_site(imported_kb, out)
    for page in _site_pages(out):
        assert page_problems(page.read_text(encoding="utf-8")) == [], page.name


def test_payload_text_survives_escaping_unchanged() -> None:
    """Escaping shows the text, it does not drop it: what the browser reads back is the payload
    (NUL and other characters HTML forbids become U+FFFD)."""
    for payload in PAYLOADS:
        read_back = html.unescape(escape_html(payload.text))
        expected = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd", payload.text)
        assert read_back == expected, payload.name
