"""The escape of the printed documents: every value that becomes markup goes through `escape`,
which is kbridge's one escape (`kbridge.escaping.escape_html`)."""

from __future__ import annotations

from kbridge.escaping import escape_html


def escape(value: object) -> str:
    return escape_html(value)
