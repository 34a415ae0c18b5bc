"""Reading values the way people write them: titles, numbers, dates, statuses and link phrases."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

from kbridge.model import LinkType

# --- file names -------------------------------------------------------------------------------

_DATE_PREFIX = re.compile(r"^(?P<y>(?:19|20)\d\d)-?(?P<m>\d\d)-?(?P<d>\d\d)(?:[-_ .]|$)")
_NUMBER_PREFIX = re.compile(
    r"^(?:(?:adr|ADR|Adr)[-_ ]?(?P<a>\d{1,5})|(?P<n>\d{3,5}))(?=[-_ .]|$)[-_ .]?"
)


@dataclass(frozen=True)
class NameInfo:
    number: int | None
    date: str | None
    slug: str  # the name without its number or date prefix and without the extension


def parse_filename(stem: str) -> NameInfo:
    """`0001-use-x` -> 1; `adr_001_x` -> 1; `20210308-x` and `2023-07-20-x` are dates."""
    date_match = _DATE_PREFIX.match(stem)
    if date_match:
        date = _valid_date(int(date_match["y"]), int(date_match["m"]), int(date_match["d"]))
        if date:
            return NameInfo(None, date, stem[date_match.end() :])
    number_match = _NUMBER_PREFIX.match(stem)
    if number_match:
        digits = number_match["a"] or number_match["n"]
        return NameInfo(int(digits), None, stem[number_match.end() :])
    return NameInfo(None, None, stem)


def title_from_slug(slug: str) -> str:
    words = re.sub(r"[-_]+", " ", slug).strip()
    return words[:1].upper() + words[1:] if words else ""


# --- titles -----------------------------------------------------------------------------------

_TITLE_PREFIXES = [
    re.compile(r"^(?:architecture|architectural)\s+decision\s+record\s*[:\-–—]\s*", re.I),
    re.compile(r"^ADR\s*[-_#]?\s*\d+\s*[:.\-–—)]?\s*", re.I),
    re.compile(r"^ADR\s*[:\-–—]\s*", re.I),
    re.compile(r"^#?\d+(?:\.\d+)*\s*[.:)\-–—]\s*"),
]
_STATUS_DECORATION = re.compile(
    r"^\s*[\[(](?P<inner>(?:superseded|superceded|deprecated|rejected|obsolete|replaced|draft|"
    r"proposed|accepted|amended)\b[^\[\]]*(?:\[[^\]]*\]\([^)]*\)[^\[\]]*)*)[\])]\s*[:\-–—]?\s*",
    re.I,
)
_TRAILING_DECORATION = re.compile(
    r"\s*[\[(](?:superseded|superceded|deprecated|rejected|obsolete|draft)[^\])]*[\])]\s*$", re.I
)
# H1s that name a section or a page rather than a decision.
_SECTION_TITLES = {
    "context", "context and problem statement", "status", "decision", "decisions",
    "decision outcome", "consequences", "problem statement", "summary", "adr", "adr template",
    "template", "title", "architecture decision record", "architectural decision record",
    "architecture decision records", "architectural decision records", "decision record",
    "architectural decision log", "architecture decision log", "decision log",
    "architecture knowledge base", "introduction", "overview", "index", "readme",
}


@dataclass(frozen=True)
class TitleInfo:
    title: str
    decoration: str  # a status decoration removed from the title ("Superseded by [ADR-0019](..)")


def clean_title(raw: str) -> TitleInfo:
    """The decision's title from an H1: no number prefix, no status decoration, no emoji."""
    text = raw.strip()
    decoration = ""
    match = _STATUS_DECORATION.match(text)
    if match:
        decoration = match["inner"].strip()
        text = text[match.end() :]
    text = strip_leading_symbols(text)
    for pattern in _TITLE_PREFIXES:
        stripped = pattern.sub("", text, count=1)
        if stripped != text and stripped.strip():
            text = stripped
    trailing = _TRAILING_DECORATION.search(text)
    if trailing and trailing.start() > 0:
        decoration = decoration or trailing.group(0).strip(" []()")
        text = text[: trailing.start()]
    return TitleInfo(text.strip(), decoration)


def is_section_title(title: str) -> bool:
    return title.strip().strip(":").lower() in _SECTION_TITLES


def strip_leading_symbols(text: str) -> str:
    """Drop leading emoji and symbols ("✅ Accepted" -> "Accepted"), keeping brackets and digits."""
    index = 0
    while index < len(text):
        char = text[index]
        category = unicodedata.category(char)
        if char.isspace() or category in ("So", "Sk", "Cf", "Mn") or char in "\ufe0f\u200d":
            index += 1
            continue
        break
    return text[index:]


# --- dates ------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)(?!\d)")
_DMY = re.compile(r"(?<!\d)(?P<a>\d{1,2})[./](?P<b>\d{1,2})[./](?P<y>\d{4})(?!\d)")
_YMD_SLASH = re.compile(r"(?<!\d)(?P<y>\d{4})[./](?P<m>\d{1,2})[./](?P<d>\d{1,2})(?!\d)")
_MONTH_FIRST = re.compile(
    r"\b(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b"
)
_DAY_FIRST = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})\b"
)


def parse_date(text: str) -> str | None:
    """An ISO date from the ways people write one; None when there is none (or a placeholder)."""
    value = unquote(text or "").strip().strip("[]()*_` ")
    if not value:
        return None
    for pattern in (_ISO, _YMD_SLASH):
        match = pattern.search(value)
        if match:
            return _valid_date(int(match["y"]), int(match["m"]), int(match["d"]))
    match = _DMY.search(value)
    if match:
        first, second, year = int(match["a"]), int(match["b"]), int(match["y"])
        # Day first (dd/mm/yyyy, dd.mm.yyyy) unless that cannot be a date (then mm/dd/yyyy).
        return _valid_date(year, second, first) or _valid_date(year, first, second)
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        match = pattern.search(value)
        if match and match["mon"].lower() in _MONTHS:
            return _valid_date(int(match["y"]), _MONTHS[match["mon"].lower()], int(match["d"]))
    match = _COMPACT.search(value)
    if match:
        return _valid_date(int(match["y"]), int(match["m"]), int(match["d"]))
    return None


def _valid_date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


# --- statuses ---------------------------------------------------------------------------------

# Earliest keyword in the text wins, except the overrides below; each maps to a decision status.
_STATUS_WORDS: list[tuple[str, str]] = [
    (r"not\s+accepted|declined|refused|won'?t\s+do|abandoned|withdrawn|rejected", "rejected"),
    (r"superseded|superceded|supersceded|replaced", "superseded"),
    (r"deprecated|obsolete|retired|no\s+longer\s+valid", "deprecated"),
    (r"accepted|approved|decided|agreed|active|adopted|implemented|in\s+effect|done|"
     r"final|planned|ratified|valid|confirmed", "accepted"),
    (r"proposed|proposal|pending|under\s+review|in\s+review|for\s+review|open|suggested|"
     r"in\s+discussion|under\s+discussion|on\s+hold|deferred|postponed|rfc", "proposed"),
    (r"draft|wip|work\s+in\s+progress|in\s+progress|todo|to\s+do|idea", "draft"),
]
_STATUS_PATTERNS = [
    (re.compile(rf"\b(?:{words})\b", re.I), status) for words, status in _STATUS_WORDS
]
_PARTLY = re.compile(r"\b(?:partly|partially|in\s+part)\s+(?:superseded|superceded)\b", re.I)
_SUPERSEDED_BY = re.compile(r"\b(?:superseded|superceded|supersceded|replaced)\s+by\b", re.I)
_PLACEHOLDER = re.compile(r"\||\{[^{}]*\}|\bxxx\b|YYYY|\[(?:short title|list |describe)", re.I)
_BRACKETED = re.compile(r"^\s*\[[^\]]*\]\s*$")
# Brackets and parentheses are excluded inside: with `[^\]]*`, each of a million `[` scanned to the end
# of the text (quadratic: over 120 s on 1 MB of `[` under `## Status`).
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")
_MD_REF_LINK = re.compile(r"\[([^\[\]]*)\]\[[^\[\]]*\]")
_DECORATION_CHARS = "*_`~[]()<>:;,.!\"' \t"


def plain_text(markdown: str) -> str:
    """Inline Markdown as its visible text (links and emphasis unwrapped)."""
    text = _MD_LINK.sub(r"\1", markdown)
    text = _MD_REF_LINK.sub(r"\1", text)
    return re.sub(r"[*_`~]+", "", text).strip()


def is_placeholder(text: str) -> bool:
    """A template's unfilled value: `[proposed | accepted]`, `{YYYY-MM-DD ...}`, `[xxx](...)`."""
    value = text or ""
    return bool(_PLACEHOLDER.search(value) or _BRACKETED.match(value))


def map_status(text: str) -> str | None:
    """The kbridge decision status a written status means, or None when it names none."""
    value = strip_leading_symbols(plain_text(text or "")).strip(_DECORATION_CHARS)
    if not value:
        return None
    if _PARTLY.search(value):
        return "accepted"  # still in force where not replaced; the link carries the rest
    if _SUPERSEDED_BY.search(value):
        return "superseded"
    best: tuple[int, str] | None = None
    for pattern, status in _STATUS_PATTERNS:
        match = pattern.search(value)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), status)
    return best[1] if best else None


# --- link phrases -----------------------------------------------------------------------------

# (pattern, link type, the file holding the phrase is the link's source)
_LINK_VERBS: list[tuple[str, LinkType, bool, str]] = [
    (r"(?:partly|partially|in\s+part)\s+supersedes", LinkType.SUPERSEDES, True, "in part"),
    (r"(?:partly|partially|in\s+part)\s+(?:superseded|superceded)\s+by", LinkType.SUPERSEDES,
     False, "in part"),
    (r"(?:is\s+|was\s+|been\s+)?(?:superseded|superceded|supersceded|replaced)\s+by",
     LinkType.SUPERSEDES, False, ""),
    (r"supersedes|supercedes|replaces|supersede", LinkType.SUPERSEDES, True, ""),
    (r"amended\s+by", LinkType.AMENDS, False, ""),
    (r"amends", LinkType.AMENDS, True, ""),
    (r"(?:clarified|extended|refined)\s+by", LinkType.AMENDS, False, ""),
    (r"clarifies|extends|refines", LinkType.AMENDS, True, ""),
    (r"depends\s+on", LinkType.DEPENDS_ON, True, ""),
    (r"(?:dependency\s+of|required\s+by)", LinkType.DEPENDS_ON, False, ""),
    (r"relates\s+to|related\s+to|related|see\s+also", LinkType.RELATES_TO, True, ""),
]
_VERB_PATTERNS = [
    (re.compile(rf"^[^\w\[]*(?:this\s+(?:adr|document|decision|record)\s+)?(?:{p})\b\s*:?\s*",
                re.I),
     t, out, note)
    for p, t, out, note in _LINK_VERBS
]
_PROSE_VERB = re.compile(
    r"\bthis\s+(?:adr|document|decision|record)\s+(?:(?:is|was|has\s+been)\s+)?(?:in\s+part\s+|"
    r"partly\s+|partially\s+)?(?:supersedes|supersede|superseded\s+by|superceded\s+by|amends|"
    r"amended\s+by)\b",
    re.I,
)


@dataclass(frozen=True)
class LinkPhrase:
    type: LinkType
    outgoing: bool  # True: this file is the source ("Supersedes X"); False: "Superseded by X"
    rest: str  # the text after the verb (targets)
    verb: str  # the verb as written
    note: str = ""


def link_phrase(text: str) -> LinkPhrase | None:
    """`Superseded by [X](x.md)` -> a phrase; None when the text does not start with a link verb."""
    value = strip_leading_symbols(text.strip())
    for pattern, link_type, outgoing, note in _VERB_PATTERNS:
        match = pattern.match(value)
        if match:
            verb = match.group(0).strip(" :\t")
            return LinkPhrase(link_type, outgoing, value[match.end() :], verb, note)
    return None


def generic_verb(text: str) -> str | None:
    """An `adr link` verb we do not know ("Inspired by [X](x.md)"): the words before the link."""
    match = re.match(r"^\s*([A-Za-z][A-Za-z ]{1,30}?)\s*:?\s*\[", text)
    return match.group(1).strip() if match else None


def prose_link_phrase(text: str) -> LinkPhrase | None:
    """`This ADR in part supersedes [0003](0003-x.md).` in running text."""
    match = _PROSE_VERB.search(text)
    if not match:
        return None
    phrase = link_phrase(match.group(0))
    if phrase is None:
        return None
    return LinkPhrase(phrase.type, phrase.outgoing, text[match.end() :], phrase.verb, phrase.note)


# --- references to other decisions -------------------------------------------------------------

_NUMBER_REF = re.compile(r"^\W*(?:adr|ADR|Adr)?\s*[-#_ ]?\s*0*(?P<n>\d{1,5})\b")


def number_in(text: str) -> int | None:
    """`ADR-0019`, `#0033`, `17. Terraform Data Structure`, `0003` -> the number."""
    match = _NUMBER_REF.match(plain_text(text))
    return int(match["n"]) if match else None


def slugify_tag(tag: str) -> str:
    return re.sub(r"\s+", "-", str(tag).strip().lstrip("#").lower())


def split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", value) if part.strip()]
