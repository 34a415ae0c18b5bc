"""Whether a file read from another folder (an export of this knowledge base, a copy) says what a
record already says: then importing it changes nothing. Relative links are compared by what they
name (the export renames files and rewrites the links to them), and a format is not held to what
it cannot write (a MADR file has no owner; an adr-tools line holds a list as text)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from kbridge.formats.read.parsed import ParsedRecord
from kbridge.formats.read.reader import SECTION_FIELDS
from kbridge.formats.write.relink import map_hrefs, split_suffix
from kbridge.model import UNKNOWN_STATUS, Record, normalise_date, normalise_tags

# Formats whose files keep a field's type (elsewhere, a metadata line gives a number back as text).
TYPED_FORMATS = {"kbridge", "json"}

Named = Callable[[str], str | None]  # a path in a folder -> what it is ("record:<uid>"), or None


def canonical_links(body: str, folder: str, named: Named) -> str:
    """`body` with every relative link to a record written as that record's identity."""

    def identity(href: str) -> str:
        path, _, _ = split_suffix(href.strip("<>"))
        return named(posixpath.normpath(posixpath.join(folder, unquote(path)))) or href

    return map_hrefs(body, identity)


def as_text(mine: Any, value: Any, fmt: str) -> bool:
    """Whether `value`, read from a file of `fmt`, is `mine` written as text (a metadata line
    holds `nav_order: 3` and `deciders: a, b` as text; YAML, kbridge Markdown and JSON keep types)."""
    return (fmt not in TYPED_FORMATS and mine is not None and isinstance(value, str)
            and not isinstance(mine, str) and field_text(mine) == value)


def field_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def same_content(record: Record, parsed: ParsedRecord, record_named: Named, file_named: Named) -> bool:
    """True when importing `parsed` over `record` would change none of its facts."""
    if " ".join(parsed.title.split()) != record.title:
        return False
    if (parsed.status or UNKNOWN_STATUS) != (record.status or UNKNOWN_STATUS) and parsed.status:
        return False
    if normalise_date(parsed.date) != record.date or normalise_tags(parsed.tags) != record.tags:
        return False
    if parsed.review_by is not None and normalise_date(parsed.review_by) != record.review_by:
        return False
    mine = _Side(posixpath.dirname(str((record.source or {}).get("path") or "")), record_named)
    theirs = _Side(posixpath.dirname(parsed.path), file_named)
    for name, value in parsed.fields.items():
        held = record.fields.get(name)
        if name == "number" or (name in SECTION_FIELDS and held is None):
            continue  # the file's name, and what its body's sections give, are not news
        if held != value and not as_text(held, value, parsed.format) and not (
                isinstance(held, str) and isinstance(value, str) and mine.links(held) == theirs.links(value)):
            return False
    if record.body.strip("\n") == parsed.body.strip("\n"):
        return True
    # A `## Status` section among the body's sections holds the status line: that line says
    # what the status says, compared above.
    statuses = {mine.links(str((record.source or {}).get("status_text") or "").strip()),
                theirs.links(str(parsed.status_text or "").strip())} - {""}
    return _without(mine.links(record.body), statuses) == _without(theirs.links(parsed.body), statuses)


class _Side:
    """A text's folder and what its links name, to compare texts by what they link to."""

    def __init__(self, folder: str, named: Named) -> None:
        self.folder, self.named = folder, named

    def links(self, text: str) -> str:
        return canonical_links(text, self.folder, self.named)


def _without(body: str, lines: set[str]) -> str:
    return "\n".join(line for line in body.strip("\n").split("\n") if line.strip() not in lines)
