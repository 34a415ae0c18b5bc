"""Fifty injection payloads through the renderer and the desktop reader: nothing runs, nothing loads."""

from __future__ import annotations

import re

import pytest
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.render import render_markdown
from tests.fixtures.hostile_markdown import FORBIDDEN_MARKUP, PAYLOADS
from tests.security.inert import html_problems

HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
REMOTE_OR_FILE_SOURCE = re.compile(r"""\ssrc\s*=\s*["']?\s*(https?:|//|file:|data:)""", re.IGNORECASE)


def test_there_are_at_least_forty_payloads() -> None:
    assert len(PAYLOADS) >= 40
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_rendered_payload_is_inert(payload: str) -> None:
    html = render_markdown(f"Before\n\n{payload}\n\nAfter")
    lowered = html.lower()
    for forbidden in FORBIDDEN_MARKUP:  # as markup: a payload may still be shown as text
        if forbidden.startswith("<"):
            assert forbidden not in lowered, f"{forbidden!r} survived in {html!r}"
    assert html_problems(html) == [], html
    assert not HANDLER.search(html), html
    assert not REMOTE_OR_FILE_SOURCE.search(html), html
    assert "Before" in html and "After" in html  # the rest of the record still renders


def test_the_reader_requests_no_remote_or_file_resource(qtbot: QtBot, kb: KnowledgeBase) -> None:
    from kbridge.ui.views.reader import ReaderView

    body = "![attachment](diagram.png)\n\n" + "\n\n".join(PAYLOADS)
    uid = kb.create("note", "Hostile", body=body).uid
    reader = ReaderView(kb)
    qtbot.addWidget(reader)
    reader.resize(800, 3000)
    reader.show_record(kb.get(uid))
    reader.show()
    qtbot.waitExposed(reader)
    requested = reader.refused_resources
    assert "diagram.png" in requested  # the recorder sees requests: this proves it is listening
    for url in requested:
        assert not re.match(r"(https?:|//|file:|data:|ftp:)", url, re.IGNORECASE), url
    hrefs = _anchor_hrefs(reader)
    assert "https://example.com" in hrefs  # the one safe link is still a link
    for href in hrefs:
        scheme = re.sub(r"[\x00-\x20]", "", href).partition(":")[0].lower() if ":" in href else ""
        assert scheme in ("", "https", "http", "mailto", "kbridge"), href


def _anchor_hrefs(reader: object) -> list[str]:
    """Every link target in the reader's document, read from the text fragments Qt laid out."""
    hrefs = []
    block = reader.document().begin()  # type: ignore[attr-defined]
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.isValid() and fragment.charFormat().isAnchor():
                hrefs.append(fragment.charFormat().anchorHref())
            iterator += 1
        block = block.next()
    return hrefs
