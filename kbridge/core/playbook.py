"""A system's recovery playbook, read from its body: ordered recovery steps and the criteria that must
hold before it is safe to bring back (the guard against reinfection).

The playbook lives in the system's own Markdown, under a heading that names it:

    ## Recovery playbook

    ### Steps
    1. Build the nodes from the golden image ([ADR-0014](ADR-0014)).
    2. Restore the last snapshot taken before the first indicator of compromise.

    ### Safe to restore when
    - Root and unseal credentials rotated ([CTL-001](CTL-001))
    - Indicators of compromise cleared by the SOC

Kept in the body, it is read, edited, diffed, exported and revisioned with the system like the rest
of what is known about it. It is read structurally (markdown-it tokens, never lines matched by
patterns), so a list inside a code fence or under another heading is not a step. Each item names the
records it comes from by linking to them (or by writing their key): a criterion's control or
decision, a step's runbook note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

STEPS = "step"
CRITERIA = "criterion"
# Bounds: a playbook is a page of prose. A larger body is read up to here; longer items are cut.
MAX_BODY_CHARS = 200_000
MAX_ITEM_CHARS = 2_000
MAX_ITEMS = 200

_BLOCKS = MarkdownIt("commonmark").disable("inline")
_INLINE = MarkdownIt("commonmark")
_KEY = re.compile(r"\b([A-Z][A-Z0-9]{1,15}-\d{1,6})\b")
_HREF_KEY = re.compile(r"([A-Za-z][A-Za-z0-9]{1,15}-\d{1,6})(?:\.(?:md|html?))?(?:[#?].*)?$")
_TASK_BOX = re.compile(r"^\[[ xX]\]\s+")


@dataclass(frozen=True)
class PlaybookItem:
    text: str  # plain text of the item's first paragraph (Markdown syntax removed)
    detail: str = ""  # what the item's further paragraphs and nested lists say
    refs: tuple[str, ...] = ()  # keys the item links to or names, in order, upper case
    linked: tuple[str, ...] = ()  # those of `refs` it links to (the rest are keys written in its text)


@dataclass
class Playbook:
    steps: list[PlaybookItem] = field(default_factory=list)
    criteria: list[PlaybookItem] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.steps or self.criteria)


def section_of(heading: str) -> str | None:
    """What a heading introduces: the steps, the criteria, the playbook as a whole ("playbook"),
    or None for anything else."""
    text = " ".join(heading.lower().replace("-", " ").split())
    if "safe to restore" in text or "safe to bring back" in text or "criteria" in text or "reinfection" in text:
        return CRITERIA
    if "step" in text or "runbook" in text or "procedure" in text:
        return STEPS
    if "recovery" in text or "playbook" in text or "restore" in text:
        return "playbook"
    return None


def parse_playbook(body: str) -> Playbook:
    """The playbook of a system body; an empty one when the body has none."""
    tokens = _BLOCKS.parse((body or "")[:MAX_BODY_CHARS])
    playbook = Playbook()
    region_level: int | None = None  # heading level of the playbook region we are in
    section: str | None = None
    depth = 0  # list nesting
    item: list[str] | None = None  # the current top-level item's paragraphs
    for position, token in enumerate(tokens):
        if token.type == "heading_open":
            level, text = int(token.tag[1:]), tokens[position + 1].content
            kind = section_of(text)
            if region_level is not None and level <= region_level and not _names_recovery(text):
                region_level, section = None, None  # a heading beside the playbook's ends it
            if kind == "playbook":
                region_level, section = level, None
            elif kind is not None and (region_level is not None or _names_recovery(text)):
                region_level = level if region_level is None else region_level
                section = kind
            elif region_level is not None:
                section = None
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open" and depth == 1 and section is not None:
            item = []
        elif token.type == "list_item_close" and depth == 1 and item is not None:
            _add(playbook, section, item)
            item = None
        elif token.type == "inline" and item is not None:
            item.append(token.content)
    return playbook


def _names_recovery(heading: str) -> bool:
    """A criteria or steps heading outside a playbook region counts only when it says it is about
    recovery ("Recovery steps", "Safe to restore when"), not any "## Steps" of a design."""
    text = heading.lower()
    return any(word in text for word in ("recover", "restore", "safe to", "reinfection", "playbook"))


def _add(playbook: Playbook, section: str | None, paragraphs: list[str]) -> None:
    target = playbook.steps if section == STEPS else playbook.criteria
    if not paragraphs or len(target) >= MAX_ITEMS:
        return
    linked: list[str] = []
    named: list[str] = []
    texts = [_plain(paragraph, linked, named) for paragraph in paragraphs]
    first = _plain(_TASK_BOX.sub("", paragraphs[0].strip()), [], [])
    if not first:
        return
    refs = linked + [key for key in named if key not in linked]
    target.append(PlaybookItem(first, " ".join(text for text in texts[1:] if text), tuple(refs), tuple(linked)))


def _plain(markdown: str, linked: list[str], named: list[str]) -> str:
    """The text a person reads in an inline Markdown fragment; the keys it links to are added to
    `linked`, the keys written in its text to `named`."""
    parts: list[str] = []
    for block in _INLINE.parseInline(markdown[:MAX_ITEM_CHARS]):
        for child in block.children or []:
            _collect(child, parts, linked)
    text = " ".join("".join(parts).split())
    named.extend(key for key in _KEY.findall(text) if key not in named)
    return text


def _collect(token: Token, parts: list[str], refs: list[str]) -> None:
    if token.type in ("text", "code_inline"):
        parts.append(token.content)
    elif token.type in ("softbreak", "hardbreak"):
        parts.append(" ")
    elif token.type == "link_open":
        match = _HREF_KEY.search(str(token.attrGet("href") or "").rsplit("/", 1)[-1])
        if match and match.group(1).upper() not in refs:
            refs.append(match.group(1).upper())
    elif token.type == "image":
        parts.append(token.content)
