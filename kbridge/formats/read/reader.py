"""Reading one ADR file (adr-tools/Nygard, MADR 2/3/4, log4brains) into a ParsedRecord."""

from __future__ import annotations

import posixpath
import re
from typing import Any
from urllib.parse import unquote

from kbridge.formats.markdown_doc import Block, Document, parse, strip_comments
from kbridge.formats.read import extract
from kbridge.formats.read.dates import date_key_rank, parse_date
from kbridge.formats.read.facts import front_line, read_date, read_status
from kbridge.formats.read.header import FIELD_ALIASES, Header, MetaEntry, read_header
from kbridge.formats.read.links import find_links, front_matter_links, states_links
from kbridge.formats.read.parsed import ParsedRecord
from kbridge.formats.read.statuses import is_placeholder, is_placeholder_title, is_status_key, is_unfilled, plain_text
from kbridge.formats.text import DecodedText, strip_line_end

# Front-matter keys the reader turns into record attributes; every other key is kept as a field.
# (`links`, `kbridge-uid` and `review-by` are what kbridge's MADR export writes: see `_own_keys`.)
_FRONT_MATTER_ATTRIBUTES = {"status", "date", "tags"}
_REVIEW_KEYS = ("review-by", "review_by")
_FIELD_KEYS = {"deciders", "consulted", "informed"}
# `Title: x` lines, for a file with no H1 and no front-matter title.
_TITLE_KEYS = ("title", "titel", "titre", "título", "titulo", "titolo", "标题", "タイトル", "제목")
UID_KEY = "kbridge-uid"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
# Fields a body's MADR sections give: reading a body again gives them again.
SECTION_FIELDS = ("drivers", "options", "outcome")
_MADR_SECTIONS = {
    "decision drivers": "drivers", "considered options": "options", "decision outcome": "outcome",
}


def read_adr(
    decoded: DecodedText, path: str, fmt: str, doc: Document | None = None, *,
    named_by_folder: bool = False,
) -> ParsedRecord:
    """A ParsedRecord for the Markdown ADR at `path` (relative, "/"-separated). With
    `named_by_folder` (a `<slug>/README.md` that is its folder's decision) the folder's name gives
    what a file name would: the number, the date and the fallback title."""
    doc = doc or parse(decoded.text)
    if named_by_folder and "/" in path:
        stem, named = posixpath.basename(posixpath.dirname(path)), "folder name"
    else:
        stem, named = posixpath.splitext(posixpath.basename(path))[0], "file name"
    name = extract.parse_filename(stem)
    header = read_header(doc)
    front = doc.front_matter.data if doc.front_matter else None
    record = ParsedRecord(path=path, format=fmt, title="", number=name.number)
    record.warnings.extend(decoded.warnings)
    if doc.front_matter and doc.front_matter.error:
        record.warnings.append(f"{doc.front_matter.error}; body kept, front matter not read")
    elif doc.front_matter and doc.front_matter.note:
        record.warnings.append(doc.front_matter.note)
    decoration = _read_title(record, header, front, name, named)
    record.links = find_links(doc, header, front, decoration)
    read_status(record, doc, header, front)
    read_date(record, doc, header, front, name.date, named)
    _read_fields(record, doc, header, front)
    _own_keys(record, front)
    if front and isinstance(front.get("slug"), (str, int)):
        record.slug = str(front["slug"]).strip().strip("/")
    record.images = local_images(doc, path, record)
    body_lines = doc.lines[header.body_start :]
    record.body = "".join(strip_line_end(line) + "\n" for line in body_lines).rstrip("\n")
    record.body = record.body + "\n" if record.body else ""
    record.layout = _layout(doc, header, record, fmt)
    return record


def _read_title(record: ParsedRecord, header: Header, front: dict[str, Any] | None,
                name: extract.NameInfo, named: str) -> str:
    decoration = ""
    if header.h1 is not None:
        info = extract.clean_title(strip_comments(header.h1.text), name.number)
        decoration = info.decoration
        title = extract.strip_generic_prefix(info.title)
        if is_placeholder_title(info.title):
            # Only a decision whose other parts are filled gets here (`detect.template_reason`).
            record.warnings.append(f"the title is the template's placeholder ({info.title!r}): "
                                   f"titled from the front matter, a title line or the {named}")
        elif title and not extract.is_section_title(title):
            _take_title(record, title, "h1", info.number, named)
            return decoration
    front_title = front.get("title") if front else None
    if isinstance(front_title, str) and front_title.strip():
        info = extract.clean_title(" ".join(front_title.split()), name.number)
        if info.title and not extract.is_section_title(info.title):
            _take_title(record, info.title, "front_matter", info.number, named)
            return decoration
    entry = header.get(*_TITLE_KEYS)
    if entry is not None and plain_text(entry.value):
        info = extract.clean_title(plain_text(entry.value), name.number)
        if info.title:
            _take_title(record, info.title, "line", info.number, named)
            record.layout["title_line"] = entry.line
            return decoration
    record.title = extract.title_from_slug(name.slug) or name.slug or record.path
    record.layout["title_from"] = "filename"
    return decoration


def _take_title(record: ParsedRecord, title: str, where: str, stated: int | None,
                named: str) -> None:
    record.title = title
    record.layout["title_from"] = where
    if stated is None:
        return
    if record.number is None:
        record.number = stated  # the only number the file gives
    elif stated != record.number:
        record.warnings.append(f"the title says number {stated}, the {named} {record.number}: "
                               f"numbered {record.number}, as the {named} says")


def _read_fields(record: ParsedRecord, doc: Document, header: Header,
                 front: dict[str, Any] | None) -> None:
    fields: dict[str, Any] = {}
    if front:
        # `tag: Web Client` (one tag) is read as tags are, when the file states no `tags`.
        tag_key = "tags" if "tags" in front else "tag" if "tag" in front else None
        for key, value in front.items():
            if key.lower() in _FRONT_MATTER_ATTRIBUTES or key == tag_key or is_status_key(key) or (
                    date_key_rank(key) is not None and parse_date(str(value))):
                continue
            normal = FIELD_ALIASES.get(key.lower().replace("-", "_"), key)
            fields[normal if normal in _FIELD_KEYS else key] = value
        record.tags = _tags(front.get(tag_key), one=tag_key == "tag") if tag_key else []
    for entry in header.entries:
        if entry.key in ("status", "date", *_TITLE_KEYS) or entry.date_rank is not None:
            continue
        if states_links(entry.raw_key, entry.value):
            continue
        if entry.key in ("tags", "tag"):
            record.tags = record.tags or _tags(entry.value, one=entry.key == "tag")
            continue
        if FIELD_ALIASES.get(entry.key, entry.key) == "review_by" and parse_date(plain_text(entry.value)):
            record.review_by = record.review_by or parse_date(plain_text(entry.value))
            continue
        if is_unfilled(plain_text(entry.value)):
            continue  # `Deciders: {{ TBC }}`: a template's blank is no value (SSW's decisions)
        fields.setdefault(FIELD_ALIASES.get(entry.key, entry.key), _entry_value(entry))
    for field_name, value in section_fields(doc).items():
        fields.setdefault(field_name, value)
    if record.number is not None:
        fields["number"] = record.number
    record.fields = fields


def _own_keys(record: ParsedRecord, front: dict[str, Any] | None) -> None:
    """The keys kbridge's MADR export adds to the front matter, read back: the uid (a UUID only),
    the review date and the links (which `find_links` read) are attributes, not fields."""
    if not front:
        return
    uid = front.get(UID_KEY)
    if isinstance(uid, str) and _UUID.match(uid.strip()):
        record.uid = uid.strip().lower()
        record.fields.pop(UID_KEY, None)
    for key in _REVIEW_KEYS:
        review = parse_date(str(front.get(key) or ""))
        if review:
            record.review_by = review
            record.fields.pop(key, None)
    if front_matter_links(front.get("links")):
        record.fields.pop("links", None)


def section_fields(doc: Document) -> dict[str, Any]:
    """The fields MADR's sections give: drivers, options (their list items), outcome."""
    fields: dict[str, Any] = {}
    for heading in doc.headings():
        field_name = _MADR_SECTIONS.get(strip_comments(heading.text).strip(" :").lower())
        if field_name and heading.level >= 2 and field_name not in fields:
            value = _section_value(doc.section(heading), field_name)
            if value:
                fields[field_name] = value
    return fields


def _entry_value(entry: MetaEntry) -> str:
    return plain_text(entry.value) if entry.value.count("](") == 0 else entry.value


def _section_value(blocks: list[Block], field_name: str) -> str | list[str]:
    if field_name == "outcome":
        for block in blocks:
            if block.kind == "paragraph":
                return plain_text(_statement(block.text))
        return ""
    items: dict[int, Block] = {}  # an item's first paragraph (a loose item's next ones are not options)
    for block in blocks:
        if block.kind == "item" and block.depth == 1:
            items.setdefault(block.item_start, block)
    return [plain_text(_statement(b.text)) for b in items.values() if not is_placeholder(b.text)]


# The end of a sentence, maybe closed by a quote, a parenthesis or emphasis.
_SENTENCE_END = re.compile(r"[.!?][)\]\"'”’*_`]*$")


def _statement(text: str) -> str:
    """A paragraph's first statement as one line: its lines while a sentence runs on. An option
    or an outcome wrapped over lines was cut at its first line ("Chosen option:", python-tuf's
    "... called `typeguard`, and" twice, for two options that differ on the next line); once its
    first sentence ends, what follows is its description (`* Store the key on /boot.` then `This
    is security theatre ...`), and a line opening with a list marker glued to its text
    (`-Monitoring ...`) is not a continuation."""
    lines = [line.strip() for line in text.split("\n")]
    taken = lines[:1]
    for line in lines[1:]:
        if not line or _SENTENCE_END.search(taken[-1]) or line[0] in "-*+•":
            break
        taken.append(line)
    return " ".join(taken)


def _tags(value: Any, *, one: bool = False) -> list[str]:
    """Tags as the knowledge base keeps them. A text is split at commas or semicolons, else at
    spaces, unless it is `one` tag (a `tag:` key names one: `tag: Web Client` is `web-client`)."""
    if isinstance(value, list):
        items = [str(item) for item in value if str(item).strip()]
    elif isinstance(value, str) and value.strip() and not is_placeholder(value):
        text = plain_text(value)
        items = extract.split_list(text) if ("," in text or ";" in text) else [text] if one else text.split()
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
    lines = [entry.line for entry in header.entries if entry.block.kind != "table"]
    if lines:
        layout["meta_lines"] = [lines[0], lines[-1] + 1]
    stated = int((record.layout.get("date") or {}).get("line", -1))
    layout["date_line"] = stated if stated >= 0 else _date_line(doc, header)
    layout["format"] = fmt
    return layout


def _date_line(doc: Document, header: Header) -> int:
    entry = header.get("date")
    if entry is not None:
        return entry.line
    if doc.front_matter is not None:
        return front_line(doc, "date")
    return -1
