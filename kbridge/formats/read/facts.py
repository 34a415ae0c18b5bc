"""A decision's status and date, from wherever its file states them — and only from there.

A file that states no status gets `unknown`; a file that states no date gets none (or the date
in its file or folder name, marked as taken from the name). Where kbridge had to interpret (a
word that is not the status's own name, a date from a name), the record says so in
`status_note` / `date_note`, which the reader shows.
"""

from __future__ import annotations

import re
from typing import Any

from kbridge.formats.markdown_doc import Block, Document, strip_comments
from kbridge.formats.read import dates
from kbridge.formats.read.extract import generic_verb, link_phrase
from kbridge.formats.read.header import Header, find_date_section, find_status_section
from kbridge.formats.read.parsed import ParsedRecord
from kbridge.formats.read.statuses import (
    is_placeholder,
    is_status_key,
    plain_text,
    status_words_first,
)
from kbridge.formats.read.statuses import (
    read_status as read_status_words,
)
from kbridge.model import UNKNOWN_STATUS, LinkType

_NOTE_LIMIT = 60


def _shown(text: str) -> str:
    value = " ".join(plain_text(text).split())
    return value if len(value) <= _NOTE_LIMIT else value[: _NOTE_LIMIT - 1] + "…"


# --- status -----------------------------------------------------------------------------------


def read_status(record: ParsedRecord, doc: Document, header: Header,
                front: dict[str, Any] | None) -> None:
    candidates: list[tuple[str, str, int]] = []  # (text, where, line)
    for key, value in (front or {}).items():
        if is_status_key(str(key)) and value not in (None, "") and not isinstance(value, (dict, list)):
            candidates.append((str(value), "front_matter", front_line(doc, str(key))))
    entry = header.get("status")
    if entry is not None:
        where = {"item": "list", "table": "table"}.get(entry.block.kind, "line")
        candidates.append((entry.value, where, entry.line))
    section = header.status_section or find_status_section(doc)
    if section is not None:
        text, line = status_from_section(section[1])
        if text:
            candidates.append((text, "section", line))
    for alt, src in header.badges:
        badge = _badge_status(alt, src)
        if badge:
            candidates.append((badge, "badge", header.h1.start if header.h1 else 0))
    tags = (front or {}).get("tags")
    if isinstance(tags, list) and len(tags) == 1 and isinstance(tags[0], str):
        candidates.append((tags[0], "tags", -1))  # Docusaurus: `tags: [Accepted]`
    unread: list[str] = []
    for text, where, line in candidates:
        if where == "tags" and not (read_status_words(text) and status_words_first(text, 1)):
            continue
        if is_placeholder(text):
            record.warnings.append(f"status is an unfilled template placeholder: {text.strip()!r}")
            record.layout.setdefault("status", {"where": where, "line": line})
            continue
        reading = read_status_words(text)
        if reading is not None:
            record.status, record.status_text = reading.status, text
            record.layout["status"] = {"where": where, "line": line}
            if not reading.exact:
                record.status_note = f"read as {reading.status} from '{_shown(text)}'"
            return
        unread.append(text)
        record.warnings.append(f"status {text.strip()!r} not understood; kept as written")
        record.status_text = record.status_text or text
        record.layout.setdefault("status", {"where": where, "line": line})
    superseded = [link for link in record.links if link.type is LinkType.SUPERSEDES
                  and not link.outgoing and not link.note]
    if superseded and not unread:
        # No status line, but the file says it was superseded.
        record.status = "superseded"
        record.status_note = f"read as superseded from '{_shown(superseded[0].verb or 'superseded by')} …'"
        return
    record.status = UNKNOWN_STATUS
    record.status_note = (f"the file's status '{_shown(unread[0])}' names none kbridge knows" if unread
                          else "no status stated in the file")


def status_from_section(blocks: list[Block]) -> tuple[str, int]:
    """The status of a `## Status` section. Its status lines are those a status word opens
    (`Accepted`, `✅ Akzeptiert, 2026-04-19`, `Superseded by [X](x.md)`); of several, the latest
    dated one, else the last (a history ends with the current status). A line stating a link
    from this record (`Supersedes X`, `Clarifies Y`) is not a status."""
    lines: list[tuple[str, int]] = []
    for block in blocks:
        if block.kind not in ("paragraph", "item") or block.quoted:
            continue
        for offset, raw in enumerate(block.text.split("\n")):
            text = strip_comments(raw)
            if text:
                lines.append((text, block.start + offset))
    stating = [(_without_key(text), line) for text, line in lines
               if not _states_a_link_from_here(text)]
    status_lines = [(text, line) for text, line in stating if status_words_first(text, 1)]
    dated = [(found, text, line) for text, line in status_lines if (found := dates.parse_date(text))]
    if len(dated) >= 2:
        _date, text, line = max(dated, key=lambda item: item[0])
        return text, line
    if status_lines:
        return status_lines[-1]
    for text, line in stating:
        if read_status_words(text) or is_placeholder(text):
            return text, line
    return stating[0] if stating else ("", -1)


def _without_key(text: str) -> str:
    """`**Status:** Accepted` -> `Accepted`."""
    key, colon, value = text.partition(":")
    return value.strip(" *_") if colon and is_status_key(plain_text(key)) else text


def _states_a_link_from_here(text: str) -> bool:
    phrase = link_phrase(text)
    if phrase is not None:
        return phrase.outgoing or phrase.type is not LinkType.SUPERSEDES
    verb = generic_verb(text)
    return bool(verb and "](" in text and not read_status_words(verb))


def _badge_status(alt: str, src: str) -> str | None:
    from urllib.parse import unquote, urlparse

    url = urlparse(src)
    if "shields.io" in url.netloc and "/badge/" in url.path:
        spec = unquote(url.path.split("/badge/", 1)[1]).rsplit(".", 1)[0]
        parts = re.split(r"(?<!-)-(?!-)", spec)
        if len(parts) >= 2 and is_status_key(parts[0].replace("__", "_")):
            return parts[1].replace("--", "-").replace("__", "\0").replace("_", " ")
    if alt and read_status_words(alt) and len(alt) < 60:
        return alt
    return None


# --- date -------------------------------------------------------------------------------------


def read_date(record: ParsedRecord, doc: Document, header: Header, front: dict[str, Any] | None,
              name_date: str | None, named: str) -> None:
    candidates: list[tuple[int, str, str, int]] = []  # (rank, text, where, line)
    for key, value in (front or {}).items():
        rank = dates.date_key_rank(str(key))
        if rank is not None and value not in (None, "") and not isinstance(value, (dict, list)):
            candidates.append((rank, str(value), "front_matter", front_line(doc, str(key))))
    for entry in header.dates():
        where = {"item": "list", "table": "table"}.get(entry.block.kind, "line")
        candidates.append((entry.date_rank or dates.PLAIN_DATE, entry.value, where, entry.line))
    section = header.date_section or (find_date_section(doc) if header.status_section is None else None)
    if section:
        texts = [b for b in section[1] if b.kind in ("paragraph", "item")]
        if texts:
            candidates.append((dates.PLAIN_DATE, texts[0].text, "section", texts[0].start))
    if record.status_text and dates.find_dates(record.status_text):
        candidates.append((dates.STATUS_DATE, record.status_text, "status", -1))
    history = _history(doc)
    if history:
        candidates.append((dates.HISTORY_DATE, history, "history", -1))
    for _rank, text, where, line in sorted(candidates, key=lambda item: item[0]):
        date = dates.parse_date(text)
        if date is None:
            if dates.is_date_placeholder(text) or is_placeholder(text):
                record.warnings.append(f"date is an unfilled template placeholder: {text.strip()!r}")
            elif dates.month_only(text):
                record.warnings.append(f"date {text.strip()!r} names no day: no date kept")
            elif re.search(r"\d", text):
                record.warnings.append(f"date {text.strip()!r} not understood; kept as written")
            record.date_text = record.date_text or text
            continue
        record.date, record.date_text = date, text
        record.layout["date"] = {"where": where, "line": line}
        if where == "history":
            record.date_note = "from the first entry of its history"
        return
    if name_date:
        record.date = name_date
        record.date_note = f"from the {named}"
        record.layout.setdefault("date", {"where": "filename"})


def _history(doc: Document) -> str | None:
    """The date a `## Changelog` (or history) section gives, as ISO text."""
    for heading in doc.headings():
        if heading.level >= 2 and dates.is_history_heading(strip_comments(heading.text)):
            entries: list[str] = []
            for block in doc.section(heading):
                if block.kind in ("paragraph", "item", "heading") and not block.quoted:
                    entries.extend(line for line in block.text.split("\n") if line.strip())
            found = dates.history_date(entries)
            if found:
                return found
    return None


def front_line(doc: Document, key: str) -> int:
    if doc.front_matter is None:
        return -1
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:", re.I)
    for index in range(doc.front_matter.start + 1, doc.front_matter.end - 1):
        if pattern.match(doc.line(index)):
            return index
    return -1
