"""The head of an ADR file: its H1 and the metadata people put right under it.

A header is the run of blocks from the top of the file that a reader takes as metadata: the H1,
`* Status: accepted` / `- Date: 2020-01-01` lists, `**Status:** x` and `Date: x` lines (in any
common language: `**Entscheidungsdatum:**`, `statut:`, `日期：`), a metadata table
(`| Status | Approved |`), a date alone on its line, status badges, and a `## Status` (or
`## Date`) section directly after them. The body starts at the first block that is none of these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kbridge.formats.markdown_doc import Block, Document, is_comment_only, strip_comments
from kbridge.formats.read.dates import PLAIN_DATE, date_key_rank, find_dates, month_only, says_date, strip_dates
from kbridge.formats.read.statuses import is_status_key, plain_text, read_status

# Keys that make a `Key: value` line metadata, normalised (lower case, words joined by "_");
# status and date keys in any language count too (see `is_meta_key`).
KNOWN_KEYS = {
    "deciders", "decider", "decision_makers", "decision_maker", "decision_maker_s",
    "decision_makers_s", "consulted", "informed", "tags", "tag", "technical_story", "authors",
    "author", "owner", "owners", "category", "categories", "reviewers", "reviewed_by", "inputs",
    "supersedes", "superseded_by", "superceded_by", "amends", "amended_by", "related",
    "related_to", "relates_to", "deadline", "review_by", "review_date", "version", "issue",
    "ticket", "tickets", "jira", "story", "drivers", "components", "scope", "area", "priority",
    "entscheider", "entschieden_durch", "autor", "autoren", "decideurs", "auteurs", "decisores",
    "autores", "decisori", "autori", "kontext", "github_issue", "github_pr", "other_docs",
}
FIELD_ALIASES = {
    "decider": "deciders", "decision_makers": "deciders", "decision_maker": "deciders",
    "decision_maker_s": "deciders", "decision_makers_s": "deciders", "tag": "tags",
    "author": "authors", "categories": "category", "owners": "owner",
    "superceded_by": "superseded_by", "review_date": "review_by", "entscheider": "deciders",
    "entschieden_durch": "deciders", "decideurs": "deciders", "decisores": "deciders",
    "decisori": "deciders",
}
_KEY_VALUE = re.compile(
    r"^\s*(?:[*_]{1,2})?(?P<key>[^\W\d_][\w ()/'.’-]{0,40}?)(?:[*_]{1,2})?\s*[:：]\s*(?:[*_]{1,2}(?=\s|$))?"
    r"\s*(?P<value>.*?)\s*$"
)
# `(?<!\s)`: one try per run of spaces (each of 100,000 spaces started a scan of the rest: 40 s).
_PAIR_SEPARATOR = re.compile(r"(?<!\s)\s+[|·•]\s+(?=(?:[*_]{1,2})?[^\W\d_][\w ]{0,30}?(?:[*_]{1,2})?\s*[:：])")
_ADMONITION = re.compile(r"^\[!\w+\]$")  # GitHub's `> [!NOTE]` over a block quote
_KEY_DATE = re.compile(r"^\s*(?P<key>Date|Updated|Last updated)\s+(?P<value>\[?\d.*)$", re.I)


def normalise_key(key: str) -> str:
    return re.sub(r"[\W_]+", "_", key.strip().lower()).strip("_")


def is_meta_key(raw_key: str) -> bool:
    return (normalise_key(raw_key) in KNOWN_KEYS or is_status_key(raw_key)
            or date_key_rank(raw_key) is not None)


@dataclass
class MetaEntry:
    key: str  # normalised; "status" for any status key, "date" for a date alone on its line
    raw_key: str  # as written
    value: str  # inline Markdown as written, HTML comments removed
    line: int
    block: Block
    date_rank: int | None = None  # how much it counts as the decision's date (lower wins)


@dataclass
class Header:
    h1: Block | None
    entries: list[MetaEntry] = field(default_factory=list)
    status_section: tuple[Block, list[Block]] | None = None
    date_section: tuple[Block, list[Block]] | None = None
    badges: list[tuple[str, str]] = field(default_factory=list)
    # `Status: accepted | Date: ...` as a paragraph of its own further down (a file whose head
    # holds none): read, but not part of the head.
    late_entries: list[MetaEntry] = field(default_factory=list)
    body_start: int = 0  # first line of the body
    end_block: int = 0  # index of the first body block
    list_marker: str = ""  # "* " or "- " of a metadata list, for lines a writer adds

    def get(self, *keys: str) -> MetaEntry | None:
        """The entry for the first of `keys` found; for "date", the one that counts most."""
        every = self.entries + self.late_entries
        for key in keys:
            if key == "date":
                dated = [e for e in every if e.date_rank is not None]
                if dated:
                    return min(dated, key=lambda e: e.date_rank or 0)
                continue
            for entry in every:
                if entry.key == key or FIELD_ALIASES.get(entry.key) == key:
                    return entry
        return None

    def dates(self) -> list[MetaEntry]:
        return sorted((e for e in self.entries + self.late_entries if e.date_rank is not None),
                      key=lambda e: e.date_rank or 0)


def _entry(raw_key: str, value: str, line: int, block: Block) -> MetaEntry:
    raw_key = raw_key.strip()
    key = "status" if is_status_key(raw_key) else normalise_key(raw_key)
    rank = None if key == "status" else date_key_rank(raw_key)
    return MetaEntry(key, raw_key, value.strip(), line, block, rank)


def key_values(block: Block, doc: Document) -> list[MetaEntry] | None:
    """`Key: value` entries of a paragraph or list item, one per line; None if a line is not one."""
    entries: list[MetaEntry] = []
    for offset, line in enumerate(block.text.split("\n")):
        text = strip_comments(line)
        if not text or _ADMONITION.match(text):
            continue
        # `Status: accepted | Date: 2021-11-11`: several pairs on one line.
        for part in _PAIR_SEPARATOR.split(text):
            match = _KEY_VALUE.match(part) or _KEY_DATE.match(part)
            if not match:
                return None
            entries.append(_entry(match["key"], match["value"], block.start + offset, block))
    return entries or None


def _cells(line: str) -> list[str]:
    cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)]
    if cells and not cells[0]:
        cells = cells[1:]
    if cells and not cells[-1]:
        cells = cells[:-1]
    return cells


def table_entries(block: Block, doc: Document) -> list[MetaEntry]:
    """A metadata table: `| Key | Value |` rows whose key kbridge knows, or one row of values
    under a header of keys (`| Status | Decided on |` over `| Accepted | 2022-08-01 |`)."""
    rows = [(index, _cells(doc.line(index))) for index in range(block.start, block.end)]
    rows = [(index, cells) for index, cells in rows
            if cells and not re.fullmatch(r"[\s:|-]*", "".join(cells))]
    if len(rows) == 2:
        (_, keys), (line, values) = rows
        named = [plain_text(key).strip(" :") for key in keys]
        if len(values) == len(keys) and is_meta_key(named[0]) and sum(map(is_meta_key, named)) > 1:
            return [_entry(key, value, line, block)
                    for key, value in zip(named, values, strict=True) if is_meta_key(key)]
    entries: list[MetaEntry] = []
    for index, cells in rows:
        raw_key = plain_text(cells[0]).strip(" :") if len(cells) >= 2 else ""
        if raw_key and is_meta_key(raw_key):
            entries.append(_entry(raw_key, cells[1], index, block))
    return entries


def _date_line(block: Block) -> MetaEntry | None:
    """A date alone on its line under the H1 (`June 19, 2018`, `8th June 2023`, `May 2023`)."""
    text = strip_comments(block.text)
    if "\n" in text or len(text) > 40:
        return None
    if find_dates(text):
        alone = not re.search(r"[^\W\d_]{2,}", strip_dates(text))
    else:
        alone = month_only(text) and len(text.split()) <= 3
    return MetaEntry("date", "", text, block.start, block, PLAIN_DATE) if alone else None


def read_header(doc: Document) -> Header:
    cached = doc.derived.get("header")
    if cached is None:
        cached = doc.derived["header"] = _read_header(doc)
    return cached


def _read_header(doc: Document) -> Header:
    blocks = doc.blocks
    index = 0
    while index < len(blocks) and is_comment_only(blocks[index]):
        index += 1
    h1 = None
    if index < len(blocks) and blocks[index].kind == "heading" and blocks[index].level == 1:
        h1 = blocks[index]
        index += 1
    header = Header(h1)
    in_meta_list = False
    while index < len(blocks):
        block = blocks[index]
        if is_comment_only(block) or block.kind == "hr":
            index += 1
            continue
        if block.kind in ("paragraph", "item") and block.images and _only_images(block):
            header.badges.extend(block.images)
            index += 1
            continue
        if block.kind == "table":
            rows = table_entries(block, doc)
            if rows:
                header.entries.extend(rows)
                index += 1
                continue
            break
        entries = key_values(block, doc) if block.kind in ("paragraph", "item") else None
        if entries and (_has_known_key(entries) or (in_meta_list and block.kind == "item")):
            header.entries.extend(entries)
            if block.kind == "item" and not header.list_marker:
                header.list_marker = _marker(doc.line(block.item_start))
            in_meta_list = block.kind == "item"
            index += 1
            continue
        dated = _date_line(block) if block.kind == "paragraph" else None
        if dated is not None:
            header.entries.append(dated)
            index += 1
            continue
        if block.kind == "heading" and block.level >= 2:
            name = strip_comments(block.text).strip(" :*")
            stated = _heading_entry(block)
            if stated is not None and header.get("status") is None:
                header.entries.append(stated)  # `## Status: Accepted`
                index += 1
                continue
            if is_status_key(name) and header.status_section is None:
                section = doc.section(block)
                header.status_section = (block, section)
                index += 1 + len(section)
                continue
            if _is_date_heading(name) and header.date_section is None:
                section = doc.section(block)
                header.date_section = (block, section)
                index += 1 + len(section)
                continue
        break
    header.end_block = index
    header.body_start = blocks[index].start if index < len(blocks) else len(doc.lines)
    if header.get("status") is None and header.status_section is None and find_status_section(doc) is None:
        header.late_entries = _late_status(doc, index)
    return header


def _heading_entry(block: Block) -> MetaEntry | None:
    key, colon, value = strip_comments(block.text).partition(":")
    if colon and value.strip() and is_status_key(plain_text(key)):
        return MetaEntry("status", key.strip(" *_"), value.strip(" *_"), block.start, block)
    return None


def _late_status(doc: Document, start: int) -> list[MetaEntry]:
    """A paragraph made only of `Key: value` pairs, one of them a status (or a heading
    `## Status: Accepted`), below the head."""
    for block in doc.blocks[start:]:
        if block.kind == "heading" and (stated := _heading_entry(block)) is not None:
            return [stated]
        if block.kind != "paragraph" or len(block.text) > 300:
            continue
        entries = key_values(block, doc)
        if entries and any(e.key == "status" and read_status(e.value) for e in entries):
            return entries
    return []


def _is_date_heading(name: str) -> bool:
    return len(name) < 30 and date_key_rank(name) is not None


def find_status_section(doc: Document) -> tuple[Block, list[Block]] | None:
    """A `Status` heading anywhere (some teams put it at the end), in any common language."""
    for block in doc.headings():
        if block.level >= 2 and is_status_key(strip_comments(block.text).strip(" :*")):
            return block, doc.section(block)
    return None


def find_date_section(doc: Document) -> tuple[Block, list[Block]] | None:
    """A `Date` heading beside a `Status` heading found past the head (a note above them ended
    the head: AutoKanban's `## ステータス`, `## 日付` below a quoted note)."""
    status = find_status_section(doc)
    if status is None:
        return None
    headings = [block for block in doc.headings() if block.level == status[0].level]
    at = headings.index(status[0])
    for block in headings[max(at - 1, 0):at + 2]:
        name = strip_comments(block.text).strip(" :*")
        if block is not status[0] and _is_date_heading(name) and says_date(name):  # not `## Proposed Implementation`
            return block, doc.section(block)
    return None


def _has_known_key(entries: list[MetaEntry]) -> bool:
    return any(entry.key == "status" or entry.date_rank is not None or entry.key in KNOWN_KEYS
               for entry in entries)


def _only_images(block: Block) -> bool:
    text = re.sub(r"\[?!\[[^\]]*\]\([^)]*\)(?:\]\([^)]*\))?", "", block.text)
    return not strip_comments(text).strip()


def _marker(line: str) -> str:
    match = re.match(r"^(\s*[-*+]\s+)", line)
    return match.group(1) if match else "* "
