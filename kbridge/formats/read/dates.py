"""Dates as people write them, in the common languages: the formats, the month names, and which
keys mean "the date of this decision" (and how much each one should count)."""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from dataclasses import dataclass
from urllib.parse import unquote

from kbridge.formats.text import fold_accents

# --- month names (lower case, accents removed): English, German, French, Spanish, Portuguese,
# Italian, Dutch, with their usual abbreviations -------------------------------------------------

_MONTH_NAMES = [
    "jan january januar janvier janv enero ene janeiro gennaio gen januari",
    "feb february februar fevrier fevr febrero fevereiro fev febbraio februari",
    "mar march marz maerz mars marzo marco maart mrt",
    "apr april avril avr abril abr aprile",
    "may mai mayo maio maggio mag mei",
    "jun june juni juin junio junho giugno giu",
    "jul july juli juillet juil julio julho luglio lug",
    "aug august aout agosto ago augustus",
    "sep sept september septembre septiembre setiembre setembro set settembre",
    "oct october oktober okt octobre octubre outubro out ottobre ott",
    "nov november novembre noviembre novembro",
    "dec december dezember dez decembre diciembre dic dezembro dicembre",
]
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()}
_MONTH = r"(?P<mon>[^\W\d_]{3,10})\.?"
_ORDINAL = r"(?:st|nd|rd|th|er|e|º|°)?"

_ISO = re.compile(r"(?<![\d.])(?P<y>(?:1[89]|2\d)\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d])")
_COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")
_CJK = re.compile(r"(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]?")
_DMY = re.compile(r"(?<![\d.])(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y>\d{4})(?!\d)")
_DMY_SHORT = re.compile(r"(?<![\d.])(?P<a>\d{1,2})\.(?P<b>\d{1,2})\.(?P<y>\d{2})(?![\d.])")
_MONTH_FIRST = re.compile(rf"\b{_MONTH}[\s-]+(?P<d>\d{{1,2}}){_ORDINAL}\b,?\s*(?P<y>\d{{4}})\b")
_DAY_FIRST = re.compile(
    rf"(?<![\d.])(?P<d>\d{{1,2}}){_ORDINAL}\.?(?:\s+de)?[\s-]*{_MONTH}(?:\s+de)?[\s,-]*(?P<y>\d{{4}})\b"
)
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s*,?\s*(?:de\s+)?(?P<y>(?:19|20)\d\d)\b")
_PLACEHOLDER = re.compile(
    r"^\W*(?:yyyy|aaaa|jjjj|tbd|tbc|n/?a|none|todo|insert|\{|\[\s*\]|date\b|datum\b|-+$|\?+$)", re.I
)


def _plain(text: str) -> str:
    """Markup and entities away, accents off (for month names), one line."""
    value = html.unescape(unquote(text or ""))
    value = fold_accents(re.sub(r"<[^>]+>|[*_`~]", " ", value))
    return re.sub("[\u2010-\u2015\u2212]", "-", value)


def valid_date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


@dataclass(frozen=True)
class FoundDate:
    iso: str
    start: int
    end: int


def find_dates(text: str) -> list[FoundDate]:
    return list(_find_dates(text))


@functools.lru_cache(maxsize=4096)
def _find_dates(text: str) -> tuple[FoundDate, ...]:
    """Every full date in `text` (a day, a month and a year), in order of position."""
    value = _plain(text)
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def add(iso: str | None, match: re.Match[str]) -> None:
        span = match.span()
        if iso and not any(a < span[1] and span[0] < b for a, b in taken):
            found.append(FoundDate(iso, *span))
            taken.append(span)

    for match in _ISO.finditer(value):
        year, first, second = int(match["y"]), int(match["m"]), int(match["d"])
        # Y-M-D, or Y-D-M when that is the only reading (`2023-15-12`).
        add(valid_date(year, first, second) or valid_date(year, second, first), match)
    for match in _CJK.finditer(value):
        add(valid_date(int(match["y"]), int(match["m"]), int(match["d"])), match)
    for match in _DMY.finditer(value):
        first, second, year = int(match["a"]), int(match["b"]), int(match["y"])
        # Day first (dd.mm.yyyy, dd/mm/yyyy) unless that cannot be a date (then mm/dd/yyyy).
        add(valid_date(year, second, first) or valid_date(year, first, second), match)
    for match in _DMY_SHORT.finditer(value):
        year = int(match["y"])
        add(valid_date(year + (2000 if year < 70 else 1900), int(match["b"]), int(match["a"])), match)
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        for match in pattern.finditer(value):
            month = MONTHS.get(match["mon"].lower())
            if month:
                add(valid_date(int(match["y"]), month, int(match["d"])), match)
    for match in _COMPACT.finditer(value):
        add(valid_date(int(match["y"]), int(match["m"]), int(match["d"])), match)
    return tuple(sorted(found, key=lambda item: item.start))


def parse_date(text: str) -> str | None:
    """The first full date written in `text`, as YYYY-MM-DD; None when it holds none."""
    found = find_dates(text)
    return found[0].iso if found else None


def month_only(text: str) -> bool:
    """`May 2023`, `January , 2026`: a month and a year but no day (kbridge keeps no date then)."""
    value = _plain(text)
    match = _MONTH_YEAR.search(value)
    return bool(match and match["mon"].lower() in MONTHS) and not find_dates(text)


def is_date_placeholder(text: str) -> bool:
    """A template's empty date: `YYYY-MM-DD`, `{date}`, `insert date`, `TBD`, `[ ]`."""
    value = _plain(text).strip().strip("[]()*_` ")
    return not value or bool(_PLACEHOLDER.match(value))


def strip_dates(text: str) -> str:
    """`Akzeptiert, 2026-04-19` -> `Akzeptiert`."""
    value = _plain(text)
    for found in reversed(find_dates(text)):
        value = value[: found.start] + value[found.end :]
    return value.strip(" ,;:-–—()")


# --- which key means which date ----------------------------------------------------------------

# How much a key counts (lower wins): the decision's own date, then a plain date, then the date it
# was written, then when it was last changed. None: a date that is not the decision's (a review).
DECISION_DATE, PLAIN_DATE, STATUS_DATE, CREATED_DATE, HISTORY_DATE, UPDATED_DATE = 1, 2, 3, 4, 5, 6

_DATE_WORDS = {"date", "datum", "data", "fecha", "dato", "datering", "日期", "日付", "날짜", "дата",
               "päivämäärä", "paivamaara", "datums", "when"}
# Nouns that make a date key the decision's (`Decision date`, `Data da decisão`), and
# participles that are such a key on their own (`Decided: 2021-03-04`, `Accepted on`).
_DECISION_NOUNS = {"decision", "decisao", "decisione", "entscheidung", "beslis", "besluit",
                   "决策", "决定", "決定", "결정", "approval", "acceptance", "adoption"}
_DECISION_PARTICIPLES = {"decided", "approved", "accepted", "adopted", "ratified", "genehmigt",
                         "beschlossen", "entschieden", "decide", "decidee", "decidido", "decidida",
                         "deciso", "aprovado", "aprobado", "approuve"}
_DECISION_COMPOUNDS = {"entscheidungsdatum", "beslisdatum", "beschlussdatum", "決定日", "决定日期",
                       "决策日期", "결정일"}
_CREATED_WORDS = {"created", "creation", "introduced", "proposed", "written", "authored",
                  "submitted", "opened", "started", "start", "erstellt", "erstelldatum",
                  "erstellungsdatum", "angelegt", "cree", "creee", "creado", "creada",
                  "creacion", "criado", "criada", "criacao", "creato", "creata", "creazione",
                  "aangemaakt", "gemaakt", "创建", "创建日期", "创建时间", "作成", "作成日",
                  "생성", "작성", "создано", "redige", "drafted", "first"}
_UPDATED_WORDS = {"updated", "update", "modified", "modification", "revised", "revision",
                  "changed", "aktualisiert", "aktualisierung", "geandert", "anderung",
                  "anderungsdatum", "stand", "mise", "mis", "modifie", "modifiee", "actualizado",
                  "actualizada", "actualizacion", "atualizado", "atualizada", "atualizacao",
                  "aggiornato", "aggiornata", "aggiornamento", "bijgewerkt", "gewijzigd",
                  "更新", "更新日期", "更新时间", "最后更新", "更新日", "最終更新", "最終更新日",
                  "修改", "修订", "수정", "업데이트", "обновлено", "last"}
_NOT_DECISION_WORDS = {"review", "reviewed", "revisit", "due", "deadline", "expiry", "expires",
                       "expiration", "until", "end", "ends", "next", "target", "sunset",
                       "valid", "gultig", "bis", "fallig", "prochaine", "echeance", "vence",
                       "vencimento", "scadenza", "overprufung", "uberprufung"}


def _words(key: str) -> list[str]:
    value = fold_accents(key.lower())
    return [word for word in re.split(r"[\W_]+", value) if word]


@functools.lru_cache(maxsize=4096)
def says_date(key: str) -> bool:
    """Whether `key` names a date in so many words (`Date`, `日付`, `Decision date`), not only a
    moment (`Proposed`, `Accepted`)."""
    words = _words(key)
    return any(word in _DATE_WORDS for word in words) or " ".join(words) in _DATE_WORDS


def date_key_rank(key: str) -> int | None:
    """How much a `key: value` line counts as the decision's date, or None when the key is not a
    date of the decision (`Date`, `Datum`, `日期`, `Decision Date`, `Introduced`, `Last Modified`,
    `Atualização` all are; `Review date` is not)."""
    words = _words(key)
    if not words or len(words) > 5:
        return None
    joined = " ".join(words)
    has_date = any(word in _DATE_WORDS for word in words) or joined in _DATE_WORDS
    if any(word in _NOT_DECISION_WORDS for word in words):
        return None
    if any(word in _DECISION_COMPOUNDS for word in words):
        return DECISION_DATE
    if any(word in _DECISION_NOUNS for word in words) and has_date:
        return DECISION_DATE
    if any(word in _DECISION_PARTICIPLES for word in words) and (
            has_date or len(words) == 1 or words[-1] in ("on", "am", "le", "el", "em", "il")):
        return DECISION_DATE
    if any(word in _CREATED_WORDS for word in words) and (has_date or len(words) <= 2):
        return CREATED_DATE
    if any(word in _UPDATED_WORDS for word in words) and (has_date or len(words) <= 3):
        return UPDATED_DATE
    if has_date:
        return PLAIN_DATE
    return None


# Headings of a dated history whose first entry says when the record was written.
_HISTORY_HEADINGS = {
    "changelog", "change log", "changes", "history", "revision history", "document history",
    "version history", "record history", "anderungshistorie", "historie", "anderungen",
    "versionshistorie", "anderungsprotokoll", "historique", "journal des modifications",
    "historial", "historial de cambios", "registro de cambios", "historico", "historico de alteracoes",
    "registro de alteracoes", "cronologia", "storico", "storico delle modifiche", "versiegeschiedenis",
    "wijzigingen", "geschiedenis", "变更记录", "修订记录", "变更历史", "修订历史", "历史", "更新记录",
    "更新履歴", "変更履歴", "改訂履歴", "변경 이력", "변경 내역",
}
_FIRST_ENTRY = re.compile(
    r"\b(?:initial|first|created|creat|init|original|erstellt|erste|premi[eè]re|cr[ée]{2}|"
    r"inicial|primer|primeiro|criad|prima|eerste|draft)\w*", re.I
)


def is_history_heading(text: str) -> bool:
    return " ".join(_words(text)) in _HISTORY_HEADINGS


def history_date(entries: list[str]) -> str | None:
    """The date a dated history (changelog) gives the record: the entry that says it is the first
    ("Initial draft", "Created"), else the earliest."""
    dated = [(found[0].iso, text) for text in entries if (found := find_dates(text))]
    if not dated:
        return None
    first = [iso for iso, text in dated if _FIRST_ENTRY.search(strip_dates(text))]
    return min(first) if first else min(iso for iso, _ in dated)
