"""Finding supersede / amend / `adr link` links wherever a file states them: the status line or
section, metadata lines and tables, a `## Links` list, the H1's decoration, and sentences such as
"This ADR supersedes ADRs 60 and 61" or "We supersede [ADR 18](/adr/18)". A verb kbridge has no
link type for (`Clarifies`, `Contradicts`, `Refines`) makes a relates-to link labelled with it."""

from __future__ import annotations

import re
from typing import Any

from kbridge.formats.markdown_doc import Block, Document, strip_comments
from kbridge.formats.read.extract import (
    LinkPhrase,
    generic_verb,
    link_phrase,
    prose_link_phrase,
)
from kbridge.formats.read.header import KNOWN_KEYS, Header, find_status_section, normalise_key
from kbridge.formats.read.parsed import ParsedLink
from kbridge.formats.read.statuses import is_placeholder, plain_text, read_status
from kbridge.model import KbridgeError, LinkType

_LINKS_HEADINGS = {"links", "related", "related decisions", "related adrs", "references",
                   "more information", "see also", "verwandte adrs", "verwandte entscheidungen",
                   "liens", "adr liees", "enlaces", "ligacoes", "collegamenti"}
# Linear: no `[` inside a nested pair, parentheses in a target only in balanced pairs, none in a
# title (with `[^)]*`, each `[a](` of a hostile line rescanned the rest of it: quadratic).
_MD_LINK_IN_TEXT = re.compile(
    r"\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\((?P<href>(?:[^()\s]|\([^()\s]*\))*)[^()]*\)")
# A decision named right after a verb, maybe after an article or a preposition ("Reemplaza a
# [ADR-007](...)", "Remplace l'ADR 7").
_ADR_REFERENCE = re.compile(
    r"^\s*(?:[^\W\d_]{1,3}['’]?\s*){0,2}(?:\[[^\]]+\]\((?:[^).]|\.(?!md|rst))+\.(?:md|rst)[^)]*\)"
    r"|ADR[\s#-]*\d+(?:-[\w-]+)?)",
    re.I)  # `[^).]` before `.md`: with `[^)]+`, each `.md` of a long target was tried against the rest
_HEADING_PREPOSITIONS = {"of", "by", "to", "on", "from", "with", "upon", "von", "auf", "de", "par", "da"}
_NONE_TARGETS = {"n/a", "na", "none", "-", "—", "–", "tbd", "tbc", "nil", "null", "keine",
                 "aucun", "aucune", "ninguno", "nenhum", "nessuno", "geen", "无", "なし"}
_FRONT_MATTER_LINK_KEYS = {
    "superseded-by": (LinkType.SUPERSEDES, False), "superseded_by": (LinkType.SUPERSEDES, False),
    "supersededby": (LinkType.SUPERSEDES, False), "supersedes": (LinkType.SUPERSEDES, True),
    "amends": (LinkType.AMENDS, True), "amended-by": (LinkType.AMENDS, False),
    "amended_by": (LinkType.AMENDS, False), "depends-on": (LinkType.DEPENDS_ON, True),
    "related": (LinkType.RELATES_TO, True), "relates-to": (LinkType.RELATES_TO, True),
}
# Sentences that state a supersede link: "This ADR supersedes X", "We (decided to) supersede X",
# "X has been superseded by Y", "[X], durch diese ADR superseded" (superseded by this one).
_ACTIVE = re.compile(r"\b(?:supersedes?|supercedes?|replaces)\b", re.I)
_PASSIVE = re.compile(r"\b(?:superseded|superceded|replaced)(?:\s*\([^)]{0,60}\))?\s+by\b", re.I)
_SELF_SUBJECT = re.compile(
    r"(?:\bthis\s+(?:adr|document|decision|record|proposal)|\bthe\s+(?:current|present)\s+adr|"
    r"\bwe)(?:\s+[\w-]+){0,3}\s*$", re.I)
_BY_THIS = re.compile(
    r"\b(?:by|durch|par|por|da|door)\s+(?:this|diese[sr]?|cet(?:te)?|est[ae]|questo|questa|deze)\s+"
    r"(?:adr|document|dokument|decision|entscheidung|record|décision|decisão|decisión)\b", re.I)
_SUPERSEDE_WORD = re.compile(r"\b(?:superseded|superceded|replaced|ersetzt|abgel[öo]st|remplac[ée]e?|"
                             r"substitu[íi]d[oa]|reemplazad[oa]|sostituit[oa]|vervangen)\b", re.I)
_NEGATION = re.compile(r"\b(?:not|never|nicht|kein\w*|pas|nunca|non|niet)\b|n't\b", re.I)
_ADR_NUMBERS = re.compile(
    r"\bADRs?\s*[-#]?\s*0*(\d{1,5})((?:\s*(?:,|and|&|und|et|y|e|or)\s*(?:ADR\s*[-#]?\s*)?0*\d{1,5}\b)*)", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[])")


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
    if not target or len(target) > 200 or target.lower() in _NONE_TARGETS or is_placeholder(target):
        return []
    return [ParsedLink(phrase.type, phrase.outgoing, target, "", phrase.note, phrase.verb)]


def _custom_verb_phrase(text: str) -> LinkPhrase | None:
    """`Clarifies [X](x.md)`: a verb kbridge has no type for, kept as written on a relates-to."""
    verb = generic_verb(text)
    if not verb or verb.lower() in ("status", "date") or read_status(verb):
        return None
    start = text.index(verb) + len(verb)
    return LinkPhrase(LinkType.RELATES_TO, True, text[start:], verb, verb)


def _block_phrase_links(block: Block, generic: bool) -> list[ParsedLink]:
    text = strip_comments(block.text)
    phrase = link_phrase(text) or (link_phrase(_after_status_word(text)) if generic else None)
    if phrase is None and generic:
        phrase = _custom_verb_phrase(text)
        if phrase is not None and not block.links:
            reference = _ADR_REFERENCE.match(phrase.rest)
            return [ParsedLink(phrase.type, True, reference.group(0).strip(), "", phrase.note,
                               phrase.verb)] if reference else []
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
    for entry in header.entries + header.late_entries:
        if entry.key == "status":
            if is_placeholder(entry.value):
                continue
            phrase = link_phrase(_after_status_word(entry.value))
            if phrase:
                found.extend(links_from_phrase(phrase, entry.block.links))
            continue
        phrase = link_phrase(f"{entry.raw_key} {entry.value}")
        if phrase:
            found.extend(links_from_phrase(phrase, _links_in(entry.value) or entry.block.links))
        elif _only_decision_links(entry.value) and normalise_key(entry.raw_key) not in KNOWN_KEYS:
            # `- Clarifies: [X](x.md)`: a verb of its own over links to decisions.
            custom = _custom_verb_phrase(f"{entry.raw_key} {entry.value}")
            if custom is not None:
                found.extend(links_from_phrase(custom, _links_in(entry.value)))
    section = header.status_section or find_status_section(doc)
    if section:
        for block in section[1]:
            if block.kind in ("paragraph", "item") and not block.quoted:
                for line in block.text.split("\n"):
                    sub = Block(block.kind, block.start, block.end, line, links=block.links)
                    found.extend(_block_phrase_links(sub, generic=True))
    for heading in doc.headings():
        name = strip_comments(heading.text).strip(" :").lower()
        verb = _heading_verb(heading.text) if heading.level >= 2 and name not in _LINKS_HEADINGS else None
        if verb is not None:
            for block in doc.section(heading):
                if block.kind == "item":
                    found.extend(
                        ParsedLink(verb.type, verb.outgoing, plain_text(text) or href, href, verb.note, verb.verb)
                        for text, href in block.links if _looks_like_decision(text, href)
                    )
        if heading.level >= 2 and name in _LINKS_HEADINGS:
            for block in doc.section(heading):
                if block.kind == "item":
                    local = [(t, h) for t, h in block.links if _looks_like_decision(t, h)]
                    if local or not block.links:
                        sub = Block(block.kind, block.start, block.end, block.text, links=local)
                        stated = _block_phrase_links(sub, generic=bool(local))
                        if not stated and local and _starts_with_link(block.text):
                            # `* [ADR 4: Add classes (decision driver)](0004-x.md)`: listed under
                            # Links with no verb, a decision is related, and no more is claimed.
                            stated = [ParsedLink(LinkType.RELATES_TO, True, plain_text(text) or href, href, listed=True)
                                      for text, href in local]
                        found.extend(stated)
    for block in doc.blocks[header.end_block:]:
        if block.kind in ("paragraph", "item") and not block.quoted:
            found.extend(_prose_links(block))
    return dedupe(found)


def _starts_with_link(text: str) -> bool:
    """An item that is a link (then maybe a remark), not a sentence that mentions one."""
    return strip_comments(text).lstrip().startswith("[")


def _heading_verb(text: str) -> LinkPhrase | None:
    """A heading that is itself the verb of the links listed under it: `## Superseded by`,
    `## Consequence of`, `## Depends on`. A known verb gives its link type; a short phrase ending
    in a preposition gives a relates-to link labelled as written."""
    name = strip_comments(text).strip(" :")
    known = link_phrase(f"{name} [x](x.md)")
    if known is not None and known.rest.strip() == "[x](x.md)":
        return known
    words = name.split()
    if 2 <= len(words) <= 4 and words[-1].lower() in _HEADING_PREPOSITIONS and name.replace(" ", "").isalpha():
        return LinkPhrase(LinkType.RELATES_TO, True, "", name, name)
    return None


def states_links(raw_key: str, value: str) -> bool:
    """A metadata line that states links (`Supersedes: [X](x.md)`, `Relates to: ADR-0099`, a
    verb of its own over links to decisions: `Clarifies: [Y](y.md)`): links, not a field."""
    phrase = link_phrase(f"{raw_key} {value}")
    if phrase is not None:
        return bool(links_from_phrase(phrase, _links_in(value)))
    return (_only_decision_links(value) and normalise_key(raw_key) not in KNOWN_KEYS
            and _custom_verb_phrase(f"{raw_key} {value}") is not None)


def _only_decision_links(text: str) -> bool:
    links = _links_in(text)
    rest = _MD_LINK_IN_TEXT.sub("", text).strip(" ,;")
    return bool(links) and not rest and all(_looks_like_decision(t, h) for t, h in links)


def _links_in(text: str) -> list[tuple[str, str]]:
    return [(m["text"], m["href"]) for m in _MD_LINK_IN_TEXT.finditer(text)]


# Stems without which a paragraph states no supersede link (most paragraphs: skipped cheaply).
_SUPERSEDE_STEM = re.compile("supersed|superced|replac|ersetz|abgel|remplac|reemplaz|sustitu|substitu|"
                             "sostitu|vervang|deprecated by|obsoleted by|amend")


def _prose_links(block: Block) -> list[ParsedLink]:
    """Links stated in running text, sentence by sentence."""
    text = strip_comments(block.text)
    if _SUPERSEDE_STEM.search(text.lower()):
        phrase = prose_link_phrase(text)
        if phrase:
            local = [(t, h) for t, h in block.links if _looks_like_decision(t, h)]
            if local:
                return links_from_phrase(phrase, local)
        found: list[ParsedLink] = []
        for sentence in _SENTENCE.split(text):
            found.extend(_sentence_links(sentence, block))
        if found:
            return found
    phrase = link_phrase(text) if block.kind == "paragraph" else None
    if phrase is None and block.kind == "paragraph":
        phrase = _opening_verb(text)
    if phrase is None:
        return []
    reference = _ADR_REFERENCE.match(phrase.rest)
    if reference is None:
        return []
    if "](" in reference.group(0):
        local = [(t, h) for t, h in block.links if _looks_like_decision(t, h)]
        return links_from_phrase(phrase, local[:1])
    named = re.search(r"ADR[\s#-]*\d+(?:-[\w-]+)?", reference.group(0), re.I)
    return [ParsedLink(phrase.type, phrase.outgoing, named.group(0) if named else reference.group(0).strip(),
                       "", phrase.note, phrase.verb)]


def _opening_verb(text: str) -> LinkPhrase | None:
    """`Refines ADR 0003-SFS on the object state machine.`: a verb of its own, then a decision."""
    match = re.match(r"^([A-Z][a-z]+s(?:\s+by)?|[A-Z][a-z]+ed\s+by)\s+(?=ADR[\s#-]*\d|\[)", text)
    if not match or read_status(match.group(1)):
        return None
    verb = match.group(1)
    return LinkPhrase(LinkType.RELATES_TO, True, text[match.end():], verb, verb)


def _sentence_links(sentence: str, block: Block) -> list[ParsedLink]:
    local = [(t, h) for t, h in block.links if _looks_like_decision(t, h) and f"[{t}]" in sentence]
    by_this = _BY_THIS.search(sentence)
    if by_this and _SUPERSEDE_WORD.search(sentence) and not _NEGATION.search(sentence[: by_this.start()]):
        before = sentence[: by_this.start()]
        return _targets(LinkType.SUPERSEDES, True, "superseded by this",
                        [(t, h) for t, h in local if f"[{t}]" in before], before)
    passive = _PASSIVE.search(sentence)
    if passive:
        before, after = sentence[: passive.start()], sentence[passive.end():]
        if _NEGATION.search(before) or _links_in(before) or _ADR_NUMBERS.search(before):
            return []
        return _targets(LinkType.SUPERSEDES, False, passive.group(0),
                        [(t, h) for t, h in local if f"[{t}]" in after], after)
    active = _ACTIVE.search(sentence)
    if active:
        before, after = sentence[: active.start()], sentence[active.end():]
        if _NEGATION.search(before) or not _SELF_SUBJECT.search(before):
            return []
        return _targets(LinkType.SUPERSEDES, True, active.group(0),
                        [(t, h) for t, h in local if f"[{t}]" in after], after)
    return []


def _targets(link_type: LinkType, outgoing: bool, verb: str, links: list[tuple[str, str]],
             text: str) -> list[ParsedLink]:
    if links:
        return [ParsedLink(link_type, outgoing, plain_text(t) or h, h, "", verb) for t, h in links]
    match = _ADR_NUMBERS.search(text)
    if not match:
        return []
    numbers = [match.group(1), *re.findall(r"\d{1,5}", match.group(2) or "")]
    return [ParsedLink(link_type, outgoing, f"ADR {int(n)}", "", "", verb) for n in numbers]


def _after_status_word(value: str) -> str:
    """`superseded by [ADR-0019](..)` stays; `Accepted, superseded by X` -> `superseded by X`;
    `Accepted — supersedes [ADR 3](..)` -> `supersedes [ADR 3](..)`."""
    match = re.search(r"\b(?:superseded|superceded|supersceded|replaced|amended|deprecated|obsoleted)"
                      r"(?:\s*\([^)]*\))?\s+(?:by|durch|par|por)\b", value, re.I)
    if match:
        return value[match.start():]
    after = re.search(r"[,;—–]\s*|\s-\s+", value)
    if after and link_phrase(value[after.end():]) is not None:
        return value[after.end():]
    return value


def front_matter_links(value: Any) -> list[ParsedLink]:
    """A `links:` list as kbridge writes it in MADR front matter (`- type: supersedes`,
    `target: 0003-x.md`, `note: ...`); [] for anything else under that name (kept as a field)."""
    if not isinstance(value, list) or not value:
        return []
    found = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("target"), (str, int)):
            return []
        try:
            link_type = LinkType.parse(str(item.get("type")))
        except KbridgeError:
            return []
        target, note = str(item["target"]).strip(), str(item.get("note") or "")
        href = target if target.lower().endswith((".md", ".markdown")) else ""
        found.append(ParsedLink(link_type, True, target, href, note, note or link_type.label))
    return found


def _front_matter_links(data: dict[str, Any]) -> list[ParsedLink]:
    found: list[ParsedLink] = front_matter_links(data.get("links"))
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
            if isinstance(item, str) and item.strip() and item.strip().lower() not in _NONE_TARGETS:
                target = plain_text(item)
                match = _MD_LINK_IN_TEXT.search(item)
                href = match["href"] if match else (item.strip() if item.endswith(".md") else "")
                found.append(ParsedLink(spec[0], spec[1], target, href, "", str(key)))
    return found


def _looks_like_decision(text: str, href: str) -> bool:
    target = href.split("#")[0].split("?")[0]
    return (target.endswith((".md", ".markdown", ".rst")) or bool(re.match(r"^\W*adr\W*\d", text, re.I))
            or bool(re.match(r"^/?(?:[\w-]+/)*(?:adrs?|decisions?)/[\w-]+/?$", target, re.I)))


def dedupe(links: list[ParsedLink]) -> list[ParsedLink]:
    """Each link once; one listed with no verb only when no other link names its target."""
    seen: set[tuple[LinkType, bool, str]] = set()
    unique: list[ParsedLink] = []
    named = {link.href or link.target.lower() for link in links if not link.listed}
    for link in links:
        if link.listed and (link.href or link.target.lower()) in named:
            continue
        marker = (link.type, link.outgoing, link.href or link.target.lower())
        if marker not in seen:
            seen.add(marker)
            unique.append(link)
    return unique
