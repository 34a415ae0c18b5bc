"""Writing a record as a new file in MADR 4, adr-tools/Nygard or log4brains layout.

Each writer states what its format can hold and nothing it does not know: no date line for a
record without a date, no status line for an unknown status, the record's number in the file
name. The body is written as given (its links already pointing at the exported files); the links
the body does not state go where the format keeps metadata (MADR's front matter, adr-tools'
Status section, log4brains' list under the title), never into the body, so that reading the
file back gives the same body. What a writer has no place for is returned in `left_out`."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from kbridge.formats.markdown_doc import parse
from kbridge.formats.read.extract import clean_title, parse_filename
from kbridge.formats.read.header import FIELD_ALIASES, KNOWN_KEYS, is_meta_key, normalise_key
from kbridge.formats.read.reader import SECTION_FIELDS, UID_KEY, section_fields
from kbridge.formats.write.patch import LinkLine
from kbridge.formats.write.patch import verb as patch_verb
from kbridge.model import UNKNOWN_STATUS, Record

_SLUG = re.compile(r"[^a-z0-9]+")
UNKNOWN_DATE = "unknown"
_OPENS_SECTION = re.compile(r"^ {0,3}#{1,2}\s")
# `ADR-0007`, `INFRA-0003`, `ADR-0020-2` (the second file numbered 20): the number is 7, 3, 20.
_NUMBERED_KEY = re.compile(r"^[A-Za-z][\w.-]*?-0*(\d{1,9})(?:-\d+)?$")
# Fields a file's own layout gives (the number is in its name) or that the reader takes from the
# body's sections (MADR's drivers, options and outcome): not written twice.
_IN_NAME = {"number"}


def slug(title: str, limit: int = 60) -> str:
    text = _SLUG.sub("-", title.lower()).strip("-")
    return text[:limit].rstrip("-") or "untitled"


def record_number(record: Record) -> int | None:
    """The number a record's files carry: its key's (a key changed with `set --new-key` renumbers
    it), else the number its file had."""
    match = _NUMBERED_KEY.match(record.key or "")
    if match:
        return int(match.group(1))
    number = record.fields.get("number")
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def file_name(record: Record, fmt: str) -> str:
    """The name a new file of the record gets: `0007-title.md`, the number first in every format
    (log4brains reads any name; a date first would hide the number order, and a record without a
    date would need one invented)."""
    number = record_number(record)
    prefix = f"{number:04d}-" if number is not None else f"{slug(record.key)}-"
    return f"{prefix}{_name_slug(record)}.md"


def _name_slug(record: Record) -> str:
    """The words of the name the record's file had (so that names stay recognisable and order as
    they did), or its title's when it has none or its title changed since."""
    source = record.source or {}
    path = str(source.get("path") or "")
    if path and source.get("format") not in ("kbridge", "json") and \
            (source.get("baseline") or {}).get("title") == record.title:
        layout = source.get("layout") or {}
        named = posixpath.dirname(path) if layout.get("named_by_folder") else path
        words = slug(parse_filename(posixpath.splitext(posixpath.basename(named))[0]).slug)
        if words != "untitled":
            return words
    return slug(record.title)


def heading(record: Record) -> str:
    """`# Title`, or `# 7. Title` when the title alone would not read back as itself (a title
    that starts like a number, an `ADR-5:` prefix or a `[superseded]` mark, which a reader takes
    away from a heading)."""
    number = record_number(record)
    if number is None or clean_title(record.title).title == record.title:
        return f"# {record.title}"
    return f"# {number}. {record.title}"


@dataclass
class Written:
    text: str
    left_out: list[str] = field(default_factory=list)  # the fields the format had no place for


def _people(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _body(body: str) -> str:
    body = body.strip("\n")
    return body + "\n" if body else ""


def _has_status(record: Record) -> bool:
    return bool(record.status) and record.status != UNKNOWN_STATUS


def status_words(record: Record, superseded_by: LinkLine | None) -> str:
    if record.status == "superseded" and superseded_by is not None:
        if not superseded_by.href:
            return f"superseded by {superseded_by.text}"
        return f"superseded by [{superseded_by.text}]({superseded_by.href})"
    return record.status


def _from_sections(record: Record, body: str) -> set[str]:
    """The fields the reader takes from the body's own sections with the values they have (so
    they need no line of their own)."""
    if not any(name in record.fields for name in SECTION_FIELDS):
        return set()
    derived = section_fields(parse(body))
    return {name for name in SECTION_FIELDS if name in record.fields and derived.get(name) == record.fields[name]}


def _extra_fields(record: Record, body: str, written: set[str]) -> dict[str, Any]:
    skip = _IN_NAME | written | _from_sections(record, body)
    return {name: value for name, value in record.fields.items() if name not in skip}


# --- MADR 4 -------------------------------------------------------------------------------------


def madr(record: Record, links: list[LinkLine], body: str, superseded_by: LinkLine | None = None) -> Written:
    """MADR 4: YAML front matter (status, date, the people, tags, every other field, the links the
    body does not state, the uid), then the H1 and the body."""
    front: dict[str, Any] = {}
    if _has_status(record):
        front["status"] = status_words(record, superseded_by)
    if record.date:
        front["date"] = _yaml_date(record.date)
    people = {"deciders": "decision-makers", "consulted": "consulted", "informed": "informed"}
    for name, key in people.items():
        if record.fields.get(name):
            front[key] = record.fields[name]
    if record.tags:
        front["tags"] = list(record.tags)
    if record.review_by:
        front["review-by"] = _yaml_date(record.review_by)
    left_out = []
    for name, value in _extra_fields(record, body, set(people)).items():
        if name in front or name in ("links", UID_KEY, "review-by", "review_by"):
            left_out.append(name)
            continue
        front[name] = value
    outgoing = [line for line in links if line.outgoing]
    if outgoing:
        front["links"] = [
            {"type": line.type.value, "target": line.href or line.text, **({"note": line.note} if line.note else {})}
            for line in outgoing
        ]
    front[UID_KEY] = record.uid
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)
    return Written(f"{text}---\n\n{heading(record)}\n\n{_body(body)}", left_out)


def _yaml_date(value: str) -> Any:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return value


# --- lines of metadata (adr-tools, log4brains) ---------------------------------------------------


def _line_value(value: Any) -> str | None:
    """A field's value as one line of text, or None when a line cannot hold it."""
    if isinstance(value, bool) or value is None or isinstance(value, dict):
        return None
    if isinstance(value, list):
        if not all(isinstance(item, (str, int, float)) and not isinstance(item, bool) for item in value):
            return None
        value = ", ".join(str(item) for item in value)
    text = str(value)
    return text if "\n" not in text and "\r" not in text and text == text.strip() else None


def _field_lines(record: Record, body: str, taken: set[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, value) of each field a `Name: value` line can carry; the names of those it cannot."""
    lines, left_out = [], []
    for name, value in _extra_fields(record, body, taken).items():
        text = _line_value(value)
        readable = normalise_key(name) in (name, *(k for k, v in FIELD_ALIASES.items() if v == name))
        if text is None or not readable or name in ("status", "date", "tags", "title") or (
                is_meta_key(name) and normalise_key(name) not in KNOWN_KEYS):
            left_out.append(name)
            continue
        lines.append((name, text))
    return lines, left_out


def _link_entry(line: LinkLine) -> tuple[str, str]:
    """(verb, target) of a link line: ("Supersedes", "[3. X](0003-x.md)"); a target outside the
    knowledge base as its name."""
    verb = line.label or patch_verb(line.type, line.outgoing)
    return verb, f"[{line.text}]({line.href})" if line.href else line.text


def _link_phrase(line: LinkLine) -> str:
    return " ".join(_link_entry(line))


def _anchored(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A run of `Key: value` lines is read as metadata when one of its keys is a known one: the
    known keys go first, and a record with none of them (no date, no status) says so in the
    format's own words (`Date: unknown`) rather than leave its fields to be read as body."""
    items = sorted(items, key=lambda item: not is_meta_key(item[0]))
    if items and not is_meta_key(items[0][0]):
        items.insert(0, ("Date", UNKNOWN_DATE))
    return items


# --- adr-tools ----------------------------------------------------------------------------------


def adr_tools(record: Record, links: list[LinkLine], body: str,
              superseded_by: LinkLine | None = None) -> Written:
    """adr-tools/Nygard: `# N. Title`, a Date line (none without a date) with the other fields
    beside it, a Status section holding the status and the link paragraphs, then the body. A body
    that does not open with a section of its own would be read as part of the Status section:
    the status and the links are then lines beside the date (`Status: Accepted`)."""
    number = record_number(record)
    heading = f"# {number}. {record.title}" if number is not None else f"# {record.title}"
    status = status_words(record, superseded_by) if _has_status(record) else ""
    status = status[:1].upper() + status[1:]
    stated = [_link_phrase(line) for line in links]
    meta = [("Date", record.date)] if record.date else []
    in_section = not body.strip() or bool(_OPENS_SECTION.match(body.lstrip("\n")))
    if not in_section:
        meta += [("Status", status)] if status else []
        meta += [_link_entry(line) for line in links]
    if record.tags:
        meta.append(("Tags", ", ".join(record.tags)))
    if record.review_by:
        meta.append(("Review by", record.review_by))
    fields, left_out = _field_lines(record, body, set())
    meta += [(name.capitalize() if name in ("deciders", "consulted", "informed") else name, value)
             for name, value in fields]
    meta = _anchored(meta)
    lines = [heading, ""]
    if meta:
        lines += [f"{name}: {value}" for name, value in meta] + [""]
    if in_section:
        lines += ["## Status", ""]
        for index, paragraph in enumerate(([status] if status else []) + stated):
            lines += ([""] if index else []) + [paragraph]
    text = "\n".join(lines).rstrip("\n") + "\n\n" + _body(body)
    return Written(text, left_out)


# --- log4brains ---------------------------------------------------------------------------------


def log4brains(record: Record, links: list[LinkLine], body: str,
               superseded_by: LinkLine | None = None) -> Written:
    """log4brains (MADR 2 with its patch): the metadata list under the H1 (status, deciders, date,
    tags, the other fields, the links the body does not state), then the body."""
    items: list[tuple[str, str]] = []
    if _has_status(record):
        items.append(("Status", status_words(record, superseded_by)))
    if record.fields.get("deciders"):
        items.append(("Deciders", _people(record.fields["deciders"])))
    if record.date:
        items.append(("Date", record.date))
    if record.tags:
        items.append(("Tags", ", ".join(record.tags)))
    if record.review_by:
        items.append(("Review by", record.review_by))
    fields, left_out = _field_lines(record, body, {"deciders"})
    items += fields
    items += [_link_entry(line) for line in links if line.outgoing]
    items = _anchored(items)
    lines = [heading(record), ""] + [f"- {name}: {value}" for name, value in items]
    text = "\n".join(lines).rstrip("\n") + "\n\n" + _body(body)
    return Written(text, left_out)


WRITERS = {"madr": madr, "adr-tools": adr_tools, "log4brains": log4brains}
