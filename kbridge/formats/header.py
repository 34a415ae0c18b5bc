"""The head of an ADR file: its H1 and the metadata people put right under it.

A header is the run of blocks from the top of the file that a reader takes as metadata: the H1,
`* Status: accepted` / `- Date: 2020-01-01` lists, `**Status:** x` and `Date: x` lines, status
badges, and a `## Status` (or `## Date`) section directly after them. The body starts at the first
block that is none of these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kbridge.formats.markdown_doc import Block, Document, is_comment_only, strip_comments

# Keys that make a `Key: value` line metadata, normalised (lower case, words joined by "_").
KNOWN_KEYS = {
    "status", "date", "deciders", "decider", "decision_makers", "decision_maker",
    "decision_maker_s", "decision_makers_s", "consulted", "informed", "tags", "tag",
    "technical_story", "authors", "author", "owner", "owners", "category", "categories",
    "revision_date", "last_updated", "updated", "reviewers", "reviewed_by", "inputs",
    "supersedes", "superseded_by", "superceded_by", "amends", "amended_by", "related",
    "related_to", "relates_to", "deadline", "review_by", "review_date", "version", "issue",
    "ticket", "jira", "story", "drivers", "components", "scope", "area", "priority",
}
FIELD_ALIASES = {
    "decider": "deciders", "decision_makers": "deciders", "decision_maker": "deciders",
    "decision_maker_s": "deciders", "decision_makers_s": "deciders", "tag": "tags",
    "author": "authors", "categories": "category", "owners": "owner",
    "superceded_by": "superseded_by", "review_date": "review_by",
}
_KEY_VALUE = re.compile(
    r"^\s*(?:\*\*|__)?(?P<key>[A-Za-z][A-Za-z0-9 ()/'_-]{0,40}?)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?"
    r"(?:\s*)(?P<value>.*?)\s*$"
)
_KEY_DATE = re.compile(r"^\s*(?P<key>Date|Updated|Last updated)\s+(?P<value>\[?\d.*)$", re.I)
_STATUS_HEADINGS = {"status", "statuses", "status history", "decision status"}
_DATE_HEADINGS = {"date", "dates"}


def normalise_key(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", key.strip().lower()).strip("_")


@dataclass
class MetaEntry:
    key: str  # normalised
    raw_key: str  # as written
    value: str  # inline Markdown as written, HTML comments removed
    line: int
    block: Block


@dataclass
class Header:
    h1: Block | None
    entries: list[MetaEntry] = field(default_factory=list)
    status_section: tuple[Block, list[Block]] | None = None
    date_section: tuple[Block, list[Block]] | None = None
    badges: list[tuple[str, str]] = field(default_factory=list)
    body_start: int = 0  # first line of the body
    end_block: int = 0  # index of the first body block
    list_marker: str = ""  # "* " or "- " of a metadata list, for lines a writer adds

    def get(self, *keys: str) -> MetaEntry | None:
        for entry in self.entries:
            if entry.key in keys or FIELD_ALIASES.get(entry.key) in keys:
                return entry
        return None


def key_values(block: Block, doc: Document) -> list[MetaEntry] | None:
    """`Key: value` entries of a paragraph or list item, one per line; None if a line is not one."""
    entries: list[MetaEntry] = []
    for offset, line in enumerate(block.text.split("\n")):
        text = strip_comments(line)
        if not text:
            continue
        match = _KEY_VALUE.match(text) or _KEY_DATE.match(text)
        if not match:
            return None
        raw_key = match["key"].strip()
        entries.append(MetaEntry(normalise_key(raw_key), raw_key, match["value"].strip(),
                                 block.start + offset, block))
    return entries or None


def read_header(doc: Document) -> Header:
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
        if is_comment_only(block):
            index += 1
            continue
        if block.kind in ("paragraph", "item") and block.images and _only_images(block):
            header.badges.extend(block.images)
            index += 1
            continue
        entries = key_values(block, doc) if block.kind in ("paragraph", "item") else None
        if entries and (_has_known_key(entries) or (in_meta_list and block.kind == "item")):
            header.entries.extend(entries)
            if block.kind == "item" and not header.list_marker:
                header.list_marker = _marker(doc.line(block.item_start))
            in_meta_list = block.kind == "item"
            index += 1
            continue
        if block.kind == "heading" and block.level >= 2:
            name = strip_comments(block.text).strip(" :*").lower()
            if name in _STATUS_HEADINGS and header.status_section is None:
                section = doc.section(block)
                header.status_section = (block, section)
                index += 1 + len(section)
                continue
            if name in _DATE_HEADINGS and header.date_section is None:
                section = doc.section(block)
                header.date_section = (block, section)
                index += 1 + len(section)
                continue
        break
    header.end_block = index
    header.body_start = blocks[index].start if index < len(blocks) else len(doc.lines)
    return header


def find_status_section(doc: Document) -> tuple[Block, list[Block]] | None:
    """A `Status` heading anywhere (some teams put it at the end)."""
    for block in doc.headings():
        if block.level >= 2 and strip_comments(block.text).strip(" :*").lower() in _STATUS_HEADINGS:
            return block, doc.section(block)
    return None


def _has_known_key(entries: list[MetaEntry]) -> bool:
    return any(entry.key in KNOWN_KEYS for entry in entries)


def _only_images(block: Block) -> bool:
    text = re.sub(r"\[?!\[[^\]]*\]\([^)]*\)(?:\]\([^)]*\))?", "", block.text)
    return not strip_comments(text).strip()


def _marker(line: str) -> str:
    match = re.match(r"^(\s*[-*+]\s+)", line)
    return match.group(1) if match else "* "
