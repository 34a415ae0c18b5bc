"""Finding supersede / amend / `adr link` links wherever a file states them."""

from __future__ import annotations

import re
from typing import Any

from kbridge.formats.extract import (
    LinkPhrase,
    generic_verb,
    is_placeholder,
    link_phrase,
    plain_text,
    prose_link_phrase,
)
from kbridge.formats.header import Header
from kbridge.formats.markdown_doc import Block, Document, strip_comments
from kbridge.formats.parsed import ParsedLink
from kbridge.model import LinkType

_LINKS_HEADINGS = {"links", "related", "related decisions", "related adrs", "references",
                   "more information", "see also"}
# Linear: no `[` inside a nested pair, parentheses in a target only in balanced pairs, none in a
# title (with `[^)]*`, each `[a](` of a hostile line rescanned the rest of it: quadratic).
_MD_LINK_IN_TEXT = re.compile(
    r"\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\((?P<href>(?:[^()\s]|\([^()\s]*\))*)[^()]*\)")
# `[^).]` before `.md`: with `[^)]+`, every `.md` of a long target was tried against the rest of it.
_ADR_REFERENCE = re.compile(r"^\s*(?:\[[^\]]+\]\((?:[^).]|\.(?!md))+\.md[^)]*\)|ADR[\s#-]*\d+(?:-[\w-]+)?)", re.I)
_FRONT_MATTER_LINK_KEYS = {
    "superseded-by": (LinkType.SUPERSEDES, False), "superseded_by": (LinkType.SUPERSEDES, False),
    "supersededby": (LinkType.SUPERSEDES, False), "supersedes": (LinkType.SUPERSEDES, True),
    "amends": (LinkType.AMENDS, True), "amended-by": (LinkType.AMENDS, False),
    "amended_by": (LinkType.AMENDS, False), "depends-on": (LinkType.DEPENDS_ON, True),
    "related": (LinkType.RELATES_TO, True), "relates-to": (LinkType.RELATES_TO, True),
}


def links_from_phrase(phrase: LinkPhrase, block_links: list[tuple[str, str]]) -> list[ParsedLink]:
    """The links a phrase states: its Markdown links after the verb, else the plain text."""
    rest = phrase.rest
    targets = [(text, href) for text, href in block_links if f"[{text}]" in rest or href in rest]
    if not targets:
        targets = [(m["text"], m["href"]) for m in _MD_LINK_IN_TEXT.finditer(rest)]
    if targets:
        return [
            ParsedLink(phrase.type, phrase.outgoing, plain_text(text) or href, href, phrase.note,
                       phrase.verb)
            for text, href in targets
        ]
    target = plain_text(rest).strip(" .;,")
    if not target or len(target) > 200:
        return []
    return [ParsedLink(phrase.type, phrase.outgoing, target, "", phrase.note, phrase.verb)]


def _block_phrase_links(block: Block, generic: bool) -> list[ParsedLink]:
    text = strip_comments(block.text)
    phrase = link_phrase(text)
    if phrase is None and generic and block.links:
        verb = generic_verb(text)
        if verb and verb.lower() not in ("status", "date"):
            phrase = LinkPhrase(LinkType.RELATES_TO, True, text[len(verb):], verb, verb.lower())
    return links_from_phrase(phrase, block.links) if phrase else []


def find_links(doc: Document, header: Header, front_matter: dict[str, Any] | None,
               h1_decoration: str) -> list[ParsedLink]:
    found: list[ParsedLink] = []
    if front_matter:
        found.extend(_front_matter_links(front_matter))
    if h1_decoration:
        phrase = link_phrase(h1_decoration)
        if phrase:
            found.extend(links_from_phrase(phrase, []))
    for entry in header.entries:
        if entry.key == "status":
            if is_placeholder(entry.value):
                continue
            phrase = link_phrase(_after_status_word(entry.value))
            if phrase:
                found.extend(links_from_phrase(phrase, entry.block.links))
            continue
        phrase = link_phrase(f"{entry.raw_key} {entry.value}")
        if phrase:
            found.extend(links_from_phrase(phrase, entry.block.links))
    if header.status_section:
        for block in header.status_section[1]:
            if block.kind in ("paragraph", "item"):
                for line in block.text.split("\n"):
                    sub = Block(block.kind, block.start, block.end, line, links=block.links)
                    found.extend(_block_phrase_links(sub, generic=True))
    for heading in doc.headings():
        name = strip_comments(heading.text).strip(" :").lower()
        if heading.level >= 2 and name in _LINKS_HEADINGS:
            for block in doc.section(heading):
                if block.kind == "item":
                    local = [(t, h) for t, h in block.links if _looks_like_decision(t, h)]
                    if local or not block.links:
                        sub = Block(block.kind, block.start, block.end, block.text, links=local)
                        found.extend(_block_phrase_links(sub, generic=False))
    for block in doc.blocks[header.end_block:]:
        if block.kind in ("paragraph", "item"):
            found.extend(_prose_links(block))
    return dedupe(found)


def _prose_links(block: Block) -> list[ParsedLink]:
    """`This ADR in part supersedes [0003](..)`, or a paragraph opening `Refines ADR 0003-SFS`."""
    text = strip_comments(block.text)
    phrase = prose_link_phrase(text)
    if phrase:
        local = [(t, h) for t, h in block.links if _looks_like_decision(t, h)]
        return links_from_phrase(phrase, local) if local else []
    phrase = link_phrase(text) if block.kind == "paragraph" else None
    if phrase is None:
        return []
    reference = _ADR_REFERENCE.match(phrase.rest)
    if reference is None:
        return []
    if reference.group(0).startswith("["):
        local = [(t, h) for t, h in block.links if _looks_like_decision(t, h)]
        return links_from_phrase(phrase, local[:1])
    return [ParsedLink(phrase.type, phrase.outgoing, reference.group(0).strip(), "",
                       phrase.note or phrase.verb.lower(), phrase.verb)]


def _after_status_word(value: str) -> str:
    """`superseded by [ADR-0019](..)` stays; `Accepted, superseded by X` -> `superseded by X`."""
    match = re.search(r"\b(?:superseded|superceded|supersceded|replaced|amended)\s+by\b", value,
                      re.I)
    return value[match.start():] if match else value


def _front_matter_links(data: dict[str, Any]) -> list[ParsedLink]:
    found: list[ParsedLink] = []
    status = data.get("status")
    if isinstance(status, str) and not is_placeholder(status):
        phrase = link_phrase(_after_status_word(status))
        if phrase:
            found.extend(links_from_phrase(phrase, []))
    for key, value in data.items():
        spec = _FRONT_MATTER_LINK_KEYS.get(str(key).lower())
        if spec is None:
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str) and item.strip():
                target = plain_text(item)
                match = _MD_LINK_IN_TEXT.search(item)
                href = match["href"] if match else (item.strip() if item.endswith(".md") else "")
                found.append(ParsedLink(spec[0], spec[1], target, href, "", str(key)))
    return found


def _looks_like_decision(text: str, href: str) -> bool:
    target = href.split("#")[0].split("?")[0]
    return target.endswith(".md") or bool(re.match(r"^\W*adr\W*\d", text, re.I))


def dedupe(links: list[ParsedLink]) -> list[ParsedLink]:
    seen: set[tuple[LinkType, bool, str]] = set()
    unique: list[ParsedLink] = []
    for link in links:
        marker = (link.type, link.outgoing, link.href or link.target.lower())
        if marker not in seen:
            seen.add(marker)
            unique.append(link)
    return unique
