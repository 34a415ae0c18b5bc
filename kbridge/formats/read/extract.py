"""Reading values the way people write them: file names, titles, numbers and link phrases.
(Dates are read in `kbridge.formats.read.dates`, statuses in `kbridge.formats.read.statuses`.)"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kbridge.formats.read.dates import valid_date
from kbridge.formats.read.statuses import plain_text
from kbridge.model import LinkType

# --- file names -------------------------------------------------------------------------------

# `20210308-x`, `2023-07-20-x`, `2023-07-20_x`, `20240516132303-x` (a timestamp), each maybe
# followed by a number (`2021-06-05_001-x`).
_DATE_PREFIX = re.compile(
    r"^(?P<y>(?:19|20)\d\d)(?P<sep>-?)(?P<m>\d\d)(?P=sep)(?P<d>\d\d)(?:\d{4}(?:\d\d)?)?(?=[-_ .]|$)[-_ .]?"
)
# `2024-11-2-x`: a date whose month or day is written without its zero (json-schema-spec's).
_UNPADDED_DATE_PREFIX = re.compile(r"^(?P<y>(?:19|20)\d\d)-(?P<m>\d\d?)-(?P<d>\d\d?)(?=[-_ .]|$)[-_ .]?")
# `2026-01-x`: a year and a month, which is neither a number nor a date.
_YEAR_MONTH_PREFIX = re.compile(r"^(?:19|20)\d\d-[01]\d(?=[-_ .]|$)[-_ .]?")
# A number at the start of the name, after at most three words of series (`ADR-009-x`,
# `ODH-ADR-Operator-0001-x`, `adr_001_x`, `RFC 12 x`), or alone (`0001-x`, `34-x`).
_NUMBER_PREFIX = re.compile(
    r"^(?P<series>(?:[A-Za-z]{1,12}[-_ ]){0,3}?)(?P<n>\d{1,5})(?=[-_ .]|$)[-_ .]?"
)
# `adr001-x`, `ADR0012_x`: a series word and its number written as one.
_GLUED_NUMBER = re.compile(r"^(?P<series>adrs?|rfc|mdr)(?P<n>\d{1,5})(?=[-_ .]|$)[-_ .]?", re.I)
_SERIES_WORDS = re.compile(r"^(?:adr|adrs|dr|mdr|rfc|decision|decisions|record|ad|ard|add|"
                           r"[A-Z]{2,}[a-z]*|[A-Z][a-z]+)$")


@dataclass(frozen=True)
class NameInfo:
    number: int | None
    date: str | None
    slug: str  # the name without its number or date prefix and without the extension
    series: str = ""  # the words before the number (`ODH-ADR-Operator`), lower case


def parse_filename(stem: str) -> NameInfo:
    """`0001-use-x` -> 1; `adr_001_x` and `adr001-x` -> 1; `20210308-x`, `2023-07-20-x` and
    `2024-11-2-x` are dates; `2021-06-05_001-x` is both; `2026-01-x` is neither (a year and a
    month)."""
    date = None
    rest = stem
    date_match = _DATE_PREFIX.match(stem) or _UNPADDED_DATE_PREFIX.match(stem)
    if date_match:
        date = valid_date(int(date_match["y"]), int(date_match["m"]), int(date_match["d"]))
        if date:
            rest = stem[date_match.end() :]
    elif year_month := _YEAR_MONTH_PREFIX.match(stem):
        return NameInfo(None, None, stem[year_month.end() :])
    number_match = _NUMBER_PREFIX.match(rest) or (_GLUED_NUMBER.match(rest) if not date else None)
    if number_match and _series_ok(number_match["series"], bool(date)):
        slug = rest[number_match.end() :]
        series = number_match["series"].strip("-_ ").lower()
        return NameInfo(int(number_match["n"]), date, slug, series)
    return NameInfo(None, date, rest)


def _series_ok(series: str, after_date: bool) -> bool:
    words = [word for word in re.split(r"[-_ ]", series) if word]
    if not words:
        return True
    if after_date:
        return False
    return any(word.lower() in ("adr", "adrs", "dr", "rfc", "mdr") for word in words) or all(
        _SERIES_WORDS.match(word) and word[0].isupper() for word in words
    )


def title_from_slug(slug: str) -> str:
    words = re.sub(r"[-_]+", " ", slug).strip()
    return words[:1].upper() + words[1:] if words else ""


# --- titles -----------------------------------------------------------------------------------

_TITLE_PREFIXES = [
    re.compile(r"^(?:architecture|architectural)\s+decision\s+record\s*[:\-–—]\s*", re.I),
    re.compile(r"^ADR\s*[-_#]?\s*\d+\s*[:.\-–—)]?\s*", re.I),
    re.compile(r"^ADR\s*[:\-–—]\s*", re.I),
    # A record id of the folder's series: `ODH-ADR-DR-0001: `, `RFC-12 - `.
    re.compile(r"^[A-Z][A-Za-z]*(?:-[A-Za-z]+){0,3}-\d{1,5}\s*(?::|\s[-–—])\s*"),
    re.compile(r"^#?\d+(?:\.\d+)*\s*[.:)\-–—]\s*"),
]
_STATUS_DECORATION = re.compile(
    r"^\s*[\[(](?P<inner>(?:superseded|superceded|deprecated|rejected|obsolete|replaced|draft|"
    r"proposed|accepted|amended)\b[^\[\]]*(?:\[[^\]]*\]\([^)]*\)[^\[\]]*)*)[\])]\s*[:\-–—]?\s*",
    re.I,
)
# One try per run of spaces, a short decoration: linear on a hostile title (was 48 s on 100,000 spaces).
_TRAILING_DECORATION = re.compile(
    r"(?<!\s)\s*[\[(](?:superseded|superceded|deprecated|rejected|obsolete|draft)[^\])]{0,200}[\])]\s*$", re.I
)
# H1s that name a section or a page rather than a decision.
_SECTION_TITLES = {
    "context", "context and problem statement", "status", "decision", "decisions",
    "decision outcome", "consequences", "problem statement", "summary", "adr", "adr template",
    "template", "title", "architecture decision record", "architectural decision record",
    "architecture decision records", "architectural decision records", "decision record",
    "architectural decision log", "architecture decision log", "decision log",
    "architecture knowledge base", "introduction", "overview", "index", "readme",
    "architecture decision record template", "architectural decision record template",
    "decision record template", "kontext", "entscheidung", "contexte", "contexto",
}
_PROJECT_PREFIX = re.compile(r"^[^:\-–—]{1,40}\s[-–—]\s")


@dataclass(frozen=True)
class TitleInfo:
    title: str
    decoration: str  # a status decoration removed from the title ("Superseded by [ADR-0019](..)")
    number: int | None = None  # a number the title starts with (`3. Networking`, `ADR 58:`)


def clean_title(raw: str, number: int | None = None) -> TitleInfo:
    """The decision's title from an H1: no number prefix, no status decoration, no emoji. A bare
    number before the words (`34 EKS Fargate`) goes when it is the file's `number`."""
    text = raw.strip()
    decoration = ""
    match = _STATUS_DECORATION.match(text)
    if match:
        decoration = match["inner"].strip()
        text = text[match.end() :]
    text = strip_leading_symbols(text).strip()
    text = re.sub(r"^(\*\*|__)(.*)\1$", r"\2", text).strip()
    stated = _title_number(text)
    for pattern in _TITLE_PREFIXES:
        stripped = pattern.sub("", text, count=1)
        if stripped != text and stripped.strip():
            text = stripped
    bare = re.match(r"^0*(\d{1,5})\s+(?=\S)", text)
    if bare and number is not None and int(bare.group(1)) == number:
        text, stated = text[bare.end() :], number
    trailing = _TRAILING_DECORATION.search(text)
    if trailing and trailing.start() > 0:
        decoration = decoration or trailing.group(0).strip(" []()")
        text = text[: trailing.start()]
    return TitleInfo(text.strip(), decoration, stated)


def _title_number(text: str) -> int | None:
    match = re.match(r"^(?:ADR\s*[-_#]?\s*0*(\d{1,5})\b|#?0*(\d{1,5})(?:\.\s|\s*[:)]\s))", text, re.I)
    if not match:
        return None
    return int(match.group(1) or match.group(2))


def is_section_title(title: str) -> bool:
    """True for an H1 that names a section or a page (`Context`, `Open Data Hub - Architecture
    Decision Record template`) rather than a decision."""
    text = title.strip().strip(":").lower()
    if text in _SECTION_TITLES:
        return True
    rest = _PROJECT_PREFIX.sub("", text, count=1).strip().strip(":")
    return rest != text and rest in _SECTION_TITLES


def strip_generic_prefix(title: str) -> str:
    """`Open Data Hub - Architecture Decision Record: Metrics` -> `Metrics`."""
    match = re.match(r"^(?:[^:\-–—]{1,40}\s[-–—]\s)?(?:architecture|architectural)\s+decision\s+"
                     r"record\s*:\s*(?=\S)", title, re.I)
    return title[match.end() :] if match else title


def strip_leading_symbols(text: str) -> str:
    """Drop leading emoji and symbols ("✅ Accepted" -> "Accepted"), keeping brackets and digits."""
    index = 0
    while index < len(text):
        char = text[index]
        category = unicodedata.category(char)
        if char.isspace() or (category in ("So", "Sk", "Cf", "Mn") and char not in "`^") or char in "\ufe0f\u200d":
            index += 1
            continue
        break
    return text[index:]


# --- link phrases -----------------------------------------------------------------------------

_BY = r"(?:\s*\([^)]{0,60}\))?\s+(?:by|durch|par|por|da|door)"
_PARTLY = r"(?:partly|partially|in\s+part|teilweise|partiellement|parcialmente|parzialmente)\s+"
# (pattern, link type, the file holding the phrase is the link's source, note). Verbs kbridge
# has no type for are not here: they become relates-to links labelled with the verb as written.
_LINK_VERBS: list[tuple[str, LinkType, bool, str]] = [
    (rf"{_PARTLY}(?:supersedes|replaces|ersetzt|remplace)", LinkType.SUPERSEDES, True, "in part"),
    (rf"{_PARTLY}(?:superseded|superceded|replaced|ersetzt|remplac[ée]e?){_BY}",
     LinkType.SUPERSEDES, False, "in part"),
    (rf"(?:is\s+|was\s+|been\s+)?(?:superseded|superceded|supersceded|replaced|deprecated|"
     rf"obsoleted){_BY}", LinkType.SUPERSEDES, False, ""),
    (rf"(?:ersetzt|abgel[öo]st|remplac[ée]e?|reemplazad[oa]|sustituid[oa]|substitu[íi]d[oa]|"
     rf"sostituit[oa]|vervangen){_BY}", LinkType.SUPERSEDES, False, ""),
    (r"supersedes|supercedes|replaces|supersede|ersetzt|l[öo]st\s+ab|remplace|reemplaza|"
     r"substitui|sostituisce|vervangt", LinkType.SUPERSEDES, True, ""),
    (rf"(?:amended|ge[äa]ndert|modifi[ée]e?|modificad[oa]|alterad[oa]|modificat[oa]|gewijzigd){_BY}",
     LinkType.AMENDS, False, ""),
    (r"amends|[äa]ndert|modifie|modifica|altera|wijzigt", LinkType.AMENDS, True, ""),
    (r"depends\s+on|h[äa]ngt\s+ab\s+von|d[ée]pend\s+de|depende\s+de", LinkType.DEPENDS_ON, True, ""),
    (r"dependency\s+of|required\s+by", LinkType.DEPENDS_ON, False, ""),
    # kbridge's own link types, as its exports write them.
    (r"motivated\s+by", LinkType.MOTIVATED_BY, True, ""),
    (r"implements", LinkType.IMPLEMENTS, True, ""),
    (r"mitigates", LinkType.MITIGATES, True, ""),
    (r"applies\s+to", LinkType.APPLIES_TO, True, ""),
    (r"affects", LinkType.AFFECTS, True, ""),
    (r"owned\s+by", LinkType.OWNED_BY, True, ""),
    (r"relates\s+to|related\s+to|related|see\s+also|siehe\s+auch|voir\s+aussi|ver\s+tamb[ié]m|"
     r"verwandt\s+mit", LinkType.RELATES_TO, True, ""),
]
_VERB_PATTERNS = [
    (re.compile(rf"^[^\w\[]*(?:this\s+(?:adr|document|decision|record)\s+)?(?:{p})(?!\w)\s*:?\s*",
                re.I),
     t, out, note)
    for p, t, out, note in _LINK_VERBS
]
# Any of them: most text a file is read for starts with no link verb, and one search says so
# (each verb tried in turn was most of the regular expressions an import runs).
_ANY_VERB = re.compile(
    rf"^[^\w\[]*(?:this\s+(?:adr|document|decision|record)\s+)?(?:{'|'.join(p for p, *_ in _LINK_VERBS)})(?!\w)",
    re.I,
)
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
    if not _ANY_VERB.match(value):
        return None
    for pattern, link_type, outgoing, note in _VERB_PATTERNS:
        match = pattern.match(value)
        if match:
            verb = match.group(0).strip(" :\t")
            return LinkPhrase(link_type, outgoing, value[match.end() :], verb, note)
    return None


def generic_verb(text: str) -> str | None:
    """An `adr link` verb kbridge has no link type for (`Clarifies [X](x.md)`, `Inspired by`):
    the words before the link, as written."""
    match = re.match(r"^\s*([^\W\d_][^\W\d_ ]*(?: [^\W\d_]+){0,3}?)\s*:?\s*(?:\[|ADR[\s#-]*\d)", text)
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

_NUMBER_REF = re.compile(r"^\W*(?:adrs?|ADRs?|Adrs?)?\s*[-#_ ]?\s*0*(?P<n>\d{1,5})\b")


def number_in(text: str) -> int | None:
    """`ADR-0019`, `#0033`, `17. Terraform Data Structure`, `0003` -> the number."""
    match = _NUMBER_REF.match(plain_text(text))
    return int(match["n"]) if match else None


def slugify_tag(tag: str) -> str:
    return re.sub(r"\s+", "-", str(tag).strip().lstrip("#").lower())


def split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", value) if part.strip()]
