"""Reading one ADR file (adr-tools/Nygard, MADR 2/3/4, log4brains) into a ParsedRecord."""

from __future__ import annotations

import posixpath
import re
from typing import Any
from urllib.parse import unquote, urlparse

from kbridge.formats import extract
from kbridge.formats.header import (
    FIELD_ALIASES,
    Header,
    MetaEntry,
    find_status_section,
    read_header,
)
from kbridge.formats.links import find_links
from kbridge.formats.markdown_doc import Block, Document, parse, strip_comments
from kbridge.formats.parsed import ParsedRecord
from kbridge.formats.text import DecodedText, strip_line_end
from kbridge.model import LinkType

# Front-matter keys the reader turns into record attributes; every other key is kept as a field.
_FRONT_MATTER_ATTRIBUTES = {"status", "date", "tags"}
_FIELD_KEYS = {"deciders", "consulted", "informed"}
_MADR_SECTIONS = {
    "decision drivers": "drivers", "considered options": "options", "decision outcome": "outcome",
}


class NotADecisionError(Exception):
    """The file is not a decision record (README, index, template); the message says why."""


def read_adr(
    decoded: DecodedText, path: str, fmt: str, doc: Document | None = None
) -> ParsedRecord:
    """A ParsedRecord for the Markdown ADR at `path` (relative, "/"-separated)."""
    doc = doc or parse(decoded.text)
    stem = posixpath.splitext(posixpath.basename(path))[0]
    name = extract.parse_filename(stem)
    header = read_header(doc)
    front = doc.front_matter.data if doc.front_matter else None
    record = ParsedRecord(path=path, format=fmt, title="", number=name.number)
    record.warnings.extend(decoded.warnings)
    if doc.front_matter and doc.front_matter.error:
        record.warnings.append(f"{doc.front_matter.error}; body kept, front matter not read")
    decoration = _read_title(record, header, front, name.slug)
    _read_status(record, doc, header, front)
    _read_date(record, header, front, name.date)
    _read_fields(record, doc, header, front)
    record.links = find_links(doc, header, front, decoration)
    if record.status_text is None and any(
        link.type is LinkType.SUPERSEDES and not link.outgoing and not link.note
        for link in record.links
    ):
        record.status = "superseded"  # no status line, but the file says it was superseded
    record.images = local_images(doc, path, record)
    body_lines = doc.lines[header.body_start :]
    record.body = "".join(strip_line_end(line) + "\n" for line in body_lines).rstrip("\n")
    record.body = record.body + "\n" if record.body else ""
    record.layout = _layout(doc, header, record, fmt)
    return record


def _read_title(record: ParsedRecord, header: Header, front: dict[str, Any] | None,
                slug: str) -> str:
    decoration = ""
    if header.h1 is not None:
        info = extract.clean_title(strip_comments(header.h1.text))
        decoration = info.decoration
        if info.title and not extract.is_section_title(info.title):
            record.title = info.title
            record.layout["title_from"] = "h1"
            _check_placeholder_title(info.title)
            return decoration
        _check_placeholder_title(info.title)
    front_title = front.get("title") if front else None
    if isinstance(front_title, str) and front_title.strip() and header.h1 is None:
        record.title = front_title.strip()
        record.layout["title_from"] = "front_matter"
        return decoration
    record.title = extract.title_from_slug(slug) or slug or record.path
    record.layout["title_from"] = "filename"
    return decoration


def _check_placeholder_title(title: str) -> None:
    lowered = title.lower()
    if lowered.startswith(("[short title", "{short title", "short title of solved", "{title",
                           "[title", "title of the decision")) or lowered in ("adr template",
                                                                              "template"):
        raise NotADecisionError("unfilled template (the title is a placeholder)")


def _read_status(record: ParsedRecord, doc: Document, header: Header,
                 front: dict[str, Any] | None) -> None:
    candidates: list[tuple[str, str, int]] = []  # (text, where, line)
    if front and front.get("status") not in (None, ""):
        candidates.append((str(front["status"]), "front_matter", _front_line(doc, "status")))
    entry = header.get("status")
    if entry is not None:
        candidates.append((entry.value, "list" if entry.block.kind == "item" else "line",
                           entry.line))
    section = header.status_section or find_status_section(doc)
    if section is not None:
        text, line = _status_from_section(section[1])
        if text:
            candidates.append((text, "section", line))
    for alt, src in header.badges:
        badge = _badge_status(alt, src)
        if badge:
            candidates.append((badge, "badge", header.h1.start if header.h1 else 0))
    for text, where, line in candidates:
        if extract.is_placeholder(text):
            record.warnings.append(f"status is an unfilled template placeholder: {text.strip()!r}")
            record.status = "draft"
            record.status_text = text
            record.layout["status"] = {"where": where, "line": line}
            return
        status = extract.map_status(text)
        if status:
            record.status, record.status_text = status, text
            record.layout["status"] = {"where": where, "line": line}
            return
        record.warnings.append(f"status {text.strip()!r} not understood; kept as written")
        record.status_text = text
        record.layout["status"] = {"where": where, "line": line}
    if not record.status:
        # A status written but not understood: not yet decided. No status anywhere: a decision
        # committed without one is taken as in force (MADR and log4brains make it optional).
        record.status = "proposed" if record.status_text else "accepted"


def _status_from_section(blocks: list[Block]) -> tuple[str, int]:
    """The status of a `## Status` section; for a dated history, the latest entry."""
    lines: list[tuple[str, int]] = []
    for block in blocks:
        if block.kind not in ("paragraph", "item"):
            continue
        for offset, line in enumerate(block.text.split("\n")):
            text = strip_comments(line)
            if text:
                lines.append((text, block.start + offset))
    dated = [(extract.parse_date(text), text, line) for text, line in lines]
    with_dates = [(date, text, line) for date, text, line in dated if date]
    if len(with_dates) >= 2:
        _date, text, line = max(with_dates, key=lambda item: item[0] or "")
        return _strip_date(text), line
    stated = [(text, line) for text, line in lines if not extract.link_phrase(text)]
    superseded = [(text, line) for text, line in lines
                  if extract.map_status(text) == "superseded" and extract.link_phrase(text)]
    for text, line in stated + superseded:
        if extract.map_status(text) or extract.is_placeholder(text):
            return text, line
    return stated[0] if stated else ("", -1)


def _strip_date(text: str) -> str:
    return re.sub(r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4}", "", text).strip(" :-–()")


def _badge_status(alt: str, src: str) -> str | None:
    url = urlparse(src)
    if "shields.io" in url.netloc and "/badge/" in url.path:
        spec = unquote(url.path.split("/badge/", 1)[1]).rsplit(".", 1)[0]
        parts = re.split(r"(?<!-)-(?!-)", spec)
        if len(parts) >= 2 and parts[0].lower().replace("__", "_") == "status":
            return parts[1].replace("--", "-").replace("__", "\0").replace("_", " ")
    if alt and extract.map_status(alt) and len(alt) < 60:
        return alt
    return None


def _read_date(record: ParsedRecord, header: Header, front: dict[str, Any] | None,
               name_date: str | None) -> None:
    candidates: list[tuple[str, str]] = []
    if front and front.get("date") not in (None, ""):
        candidates.append((str(front["date"]), "front_matter"))
    entry = header.get("date")
    if entry is not None:
        candidates.append((entry.value, "list" if entry.block.kind == "item" else "line"))
    if header.date_section:
        texts = [b.text for b in header.date_section[1] if b.kind in ("paragraph", "item")]
        if texts:
            candidates.append((texts[0], "section"))
    for text, where in candidates:
        date = extract.parse_date(text)
        if date is None and extract.is_placeholder(text):
            record.warnings.append(f"date is an unfilled template placeholder: {text.strip()!r}")
            continue
        record.date_text = text
        record.layout["date"] = {"where": where}
        if date:
            record.date = date
            return
        record.warnings.append(f"date {text.strip()!r} not understood; kept as written")
    if name_date:
        record.date = name_date
        record.layout.setdefault("date", {"where": "filename"})


def _read_fields(record: ParsedRecord, doc: Document, header: Header,
                 front: dict[str, Any] | None) -> None:
    fields: dict[str, Any] = {}
    if front:
        for key, value in front.items():
            if key.lower() in _FRONT_MATTER_ATTRIBUTES:
                continue
            normal = FIELD_ALIASES.get(key.lower().replace("-", "_"), key)
            fields[normal if normal in _FIELD_KEYS else key] = value
        record.tags = _tags(front.get("tags"))
    for entry in header.entries:
        if entry.key in ("status", "date"):
            continue
        if entry.key in ("tags", "tag"):
            record.tags = record.tags or _tags(entry.value)
            continue
        fields.setdefault(FIELD_ALIASES.get(entry.key, entry.key), _entry_value(entry))
    for heading in doc.headings():
        field_name = _MADR_SECTIONS.get(strip_comments(heading.text).strip(" :").lower())
        if field_name and heading.level >= 2 and field_name not in fields:
            value = _section_value(doc.section(heading), field_name)
            if value:
                fields[field_name] = value
    if record.number is not None:
        fields["number"] = record.number
    record.fields = fields


def _entry_value(entry: MetaEntry) -> str:
    return extract.plain_text(entry.value) if entry.value.count("](") == 0 else entry.value


def _section_value(blocks: list[Block], field_name: str) -> str | list[str]:
    if field_name == "outcome":
        for block in blocks:
            if block.kind == "paragraph":
                return extract.plain_text(block.text.split("\n")[0])
        return ""
    return [extract.plain_text(b.text.split("\n")[0]) for b in blocks
            if b.kind == "item" and b.depth == 1 and not extract.is_placeholder(b.text)]


def _tags(value: Any) -> list[str]:
    if isinstance(value, list):
        items = [str(item) for item in value if str(item).strip()]
    elif isinstance(value, str) and value.strip() and not extract.is_placeholder(value):
        text = extract.plain_text(value)
        items = extract.split_list(text) if ("," in text or ";" in text) else text.split()
    else:
        return []
    return sorted({extract.slugify_tag(item) for item in items if extract.slugify_tag(item)})


def local_images(doc: Document, path: str, record: ParsedRecord) -> list[str]:
    """Images in the folder that the file shows (relative paths); a warning for each outside."""
    folder = posixpath.dirname(path)
    found: list[str] = []
    for block in doc.blocks:
        sources = [src for _, src in block.images]
        if block.kind == "html":
            sources += re.findall(r"<img[^>]+src=[\"']([^\"']+)", block.text, re.I)
        for src in sources:
            target = unquote(src.split("#")[0].split("?")[0]).strip()
            external = re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I)
            if not target or external or target.startswith("/"):
                continue
            resolved = posixpath.normpath(posixpath.join(folder, target))
            if resolved.startswith("../") or resolved == "..":
                record.warnings.append(
                    f"image {src} is outside the imported folder: kept as a reference only")
                continue
            if resolved not in found:
                found.append(resolved)
    return found


def _front_line(doc: Document, key: str) -> int:
    if doc.front_matter is None:
        return -1
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:", re.I)
    for index in range(doc.front_matter.start + 1, doc.front_matter.end - 1):
        if pattern.match(doc.line(index)):
            return index
    return -1


def _layout(doc: Document, header: Header, record: ParsedRecord, fmt: str) -> dict[str, Any]:
    layout = dict(record.layout)
    layout["body_start"] = header.body_start
    layout["h1_line"] = header.h1.start if header.h1 is not None else -1
    layout["front_matter"] = (
        [doc.front_matter.start, doc.front_matter.end] if doc.front_matter is not None else None
    )
    layout["list_marker"] = header.list_marker
    if header.status_section is not None:
        heading, blocks = header.status_section
        end = blocks[-1].end if blocks else heading.end
        layout["status_section"] = [heading.start, end]
    if header.entries:
        layout["meta_lines"] = [header.entries[0].line, header.entries[-1].line + 1]
    layout["date_line"] = _date_line(doc, header)
    layout["format"] = fmt
    return layout


def _date_line(doc: Document, header: Header) -> int:
    entry = header.get("date")
    if entry is not None:
        return entry.line
    if doc.front_matter is not None:
        return _front_line(doc, "date")
    return -1
