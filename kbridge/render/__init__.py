"""Markdown -> sanitised HTML, a pure function."""

from __future__ import annotations

from kbridge.render.budget import VIEW_BUDGET, Budget, shorten_markdown, shortened_notice
from kbridge.render.markdown_html import pygments_css, render_markdown, sanitise_html
from kbridge.render.record_page import RECORD_SCHEME, record_page_html, viewer_href

__all__ = [
    "RECORD_SCHEME",
    "VIEW_BUDGET",
    "Budget",
    "pygments_css",
    "record_page_html",
    "render_markdown",
    "sanitise_html",
    "shorten_markdown",
    "shortened_notice",
    "viewer_href",
]
