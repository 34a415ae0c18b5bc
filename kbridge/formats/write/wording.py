"""Writing a changed status or date the way the file already writes it: in its language
(`Akzeptiert` -> `Abgelehnt`, `已接受` -> `已弃用`), its case, with its status emoji (`✅ Accepted`
-> `❌ Rejected`), its date format (`Oct 21, 2022`, `21.10.2022`), and in a shields.io badge."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import quote

from kbridge.formats.read.dates import find_dates
from kbridge.formats.read.statuses import read_status
from kbridge.formats.text import fold_accents

_STATUSES = ("accepted", "rejected", "superseded", "deprecated", "proposed", "draft")
# Each language's word for each status (as the language writes it), then "superseded by".
_LANGUAGES: dict[str, tuple[str, ...]] = {
    "en": ("accepted", "rejected", "superseded", "deprecated", "proposed", "draft", "superseded by"),
    "de": ("akzeptiert", "abgelehnt", "ersetzt", "veraltet", "vorgeschlagen", "Entwurf", "ersetzt durch"),
    "fr": ("accepté", "rejeté", "remplacé", "déprécié", "proposé", "brouillon", "remplacé par"),
    "es": ("aceptado", "rechazado", "reemplazado", "obsoleto", "propuesto", "borrador", "reemplazado por"),
    "pt": ("aceito", "rejeitado", "substituído", "obsoleto", "proposto", "rascunho", "substituído por"),
    "it": ("accettato", "rifiutato", "sostituito", "deprecato", "proposto", "bozza", "sostituito da"),
    "nl": ("geaccepteerd", "afgewezen", "vervangen", "verouderd", "voorgesteld", "concept", "vervangen door"),
    "zh": ("已接受", "已拒绝", "已取代", "已弃用", "提议", "草稿", "已被取代"),
    "ja": ("承認", "却下", "置き換え", "非推奨", "提案", "下書き", "置き換え"),
    "ko": ("승인", "거부", "대체됨", "폐기", "제안", "초안", "대체됨"),
}
# Other words people write, by language (accents removed), so that the file's language is known.
_MORE_WORDS = {
    "de": "angenommen genehmigt beschlossen entschieden freigegeben umgesetzt verworfen abgelost uberholt "
          "vorschlag offen entwurf",
    "fr": "approuve adopte valide decide refuse acceptee proposee remplacee obsolete perime",
    "es": "aprobado aceptada aprobada decidido vigente descartado propuesta pendiente",
    "pt": "aceita aprovado aprovada adotado recusado proposta",
    "it": "approvato accettata respinto proposta",
    "nl": "goedgekeurd aangenomen verworpen",
    "zh": "接受 已采纳 采纳 已通过 通过 已批准 批准 拒绝 已驳回 弃用 已废弃 废弃 被取代 已被取代 草案 建议 提案",
    "ja": "採用 決定 不採用 廃止 検討中",
    "ko": "채택 수락 기각 사용",
}
_LANGUAGE_OF = {fold_accents(word).lower(): language for language, words in _LANGUAGES.items() for word in words}
_LANGUAGE_OF.update({word: language for language, words in _MORE_WORDS.items() for word in words.split()})
_SYMBOL_OF = {"accepted": "✅", "rejected": "❌", "proposed": "🟡", "draft": "📝", "deprecated": "⚠️",
              "superseded": "🔄"}
_STATUS_SYMBOLS = "✅✔☑🟢👍❌✖🚫⛔👎🟡🟠⏳🤔💬📝✏🚧⚠🗑🪦🔄♻"
_BADGE_COLOURS = {"accepted": "green", "rejected": "red", "superseded": "lightgrey", "deprecated": "orange",
                  "proposed": "blue", "draft": "lightgrey"}


def _language(word: str) -> str:
    folded = fold_accents(word).lower().strip()
    if folded in _LANGUAGE_OF:
        return _LANGUAGE_OF[folded]
    if any("\u3040" <= char <= "\u30ff" for char in word):
        return "ja"
    if any("\uac00" <= char <= "\ud7af" for char in word):
        return "ko"
    if any(ord(char) > 0x2E80 for char in word):
        return "zh"
    return "en"


def _same_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    if like[:1].islower():
        return word.lower()
    return word


def _word_span(text: str, word: str) -> tuple[int, int] | None:
    """Where `word` (as `read_status` found it: lower case, accents removed) is in `text`."""
    folded = "".join(fold_accents(char)[:1] or char for char in text).lower()
    pattern = re.escape(word.lower()).replace(r"\ ", r"\s+")
    match = re.search(rf"(?<![^\W_]){pattern}(?![^\W_])" if word.isascii() else pattern, folded)
    return match.span() if match else None


def status_in_style(old: str | None, status: str, successor: tuple[str, str] | None = None) -> str:
    """The status `status` written as `old` writes its own: `old`'s word replaced by the same
    language's word, in the same case, its status emoji replaced; with `successor` ((text, href)
    of the record that supersedes it), "superseded by [text](href)" in that language."""
    reading = read_status(old) if old else None
    if old is None or reading is None or status not in _STATUSES:
        return _phrase("en", status, successor) if successor or status in _STATUSES else status
    span = _word_span(old, reading.word)
    if span is None:
        return _phrase("en", status, successor)
    start, end = span
    language = _language(old[start:end])
    if reading.status == "superseded":  # `Superseded by [X](x.md).`: the whole phrase goes
        link = re.match(r"(?:[^\[\n]{0,40}?\[[^\]\n]*\]\([^)\n]*\)|[^\n.,;]{0,60})", old[end:])
        end += link.end() if link else 0
    words = _same_case(_phrase(language, status, successor), old[start:end])
    rest = _gloss_in_style(old[end:], reading.status, status)
    before = old[:start]
    symbol = before.strip()
    if symbol and all(char in _STATUS_SYMBOLS or unicodedata.category(char) in ("Mn", "Cf") or char == "\ufe0f"
                      for char in symbol):
        before = before.replace(symbol, _SYMBOL_OF.get(status, symbol))
    return before + words + rest


def _gloss_in_style(rest: str, was: str, status: str) -> str:
    """The text after a status word, with a gloss of it in brackets changed alike: AutoKanban's
    `採用 (Accepted)` became `非推奨 (Accepted)`, two statuses at once."""
    gloss = re.match(r"\s*[(（]([^()（）\n]{1,40})[)）]", rest)
    reading = read_status(gloss.group(1)) if gloss else None
    if gloss is None or reading is None or reading.status != was:
        return rest
    inner = gloss.group(1)
    span = _word_span(inner, reading.word)
    if span is None:
        return rest
    word = _same_case(_phrase(_language(inner[span[0]:span[1]]), status, None), inner[span[0]:span[1]])
    return rest[:gloss.start(1)] + inner[:span[0]] + word + inner[span[1]:] + rest[gloss.end(1):]


def _phrase(language: str, status: str, successor: tuple[str, str] | None) -> str:
    words = _LANGUAGES[language]
    if status == "superseded" and successor is not None:
        text, href = successor
        target = f"[{text}]({href})" if href else text
        return f"{words[6]} {target}" if language not in ("zh", "ja", "ko") else f"{words[6]}（{target}）"
    return words[_STATUSES.index(status)] if status in _STATUSES else status


# --- badges -------------------------------------------------------------------------------------


def badge_in_style(line: str, status: str) -> str | None:
    """A line holding a shields.io status badge with `status` in it (value, alt text, colour);
    None when the line holds none."""
    match = re.search(r"(img\.shields\.io/badge/)([^)\s\"']+)", line)
    if match is None:
        return None
    spec = match.group(2)
    stem, dot, extension = spec.rpartition(".") if "." in spec.rsplit("/", 1)[-1] else (spec, "", "")
    parts = re.split(r"(?<!-)-(?!-)", stem)
    if len(parts) < 2:
        return None
    old = parts[1].replace("--", "-").replace("_", " ")
    new = _same_case(status, old)
    parts[1] = quote(new.replace(" ", "_"))
    if len(parts) > 2 and parts[2].lower() in _BADGE_COLOURS.values():
        parts[2] = _BADGE_COLOURS.get(status, parts[2])
    spec = "-".join(parts) + (dot + extension if dot else "")
    changed = line[: match.start(2)] + spec + line[match.end(2):]
    return re.sub(rf"(!\[[^\]]*?)\b{re.escape(old)}\b", lambda m: m.group(1) + new, changed, count=1, flags=re.I)


# --- dates --------------------------------------------------------------------------------------

_SHAPES = [  # (pattern of the old text, how to write a date that way)
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "%Y-%m-%d"),
    (re.compile(r"\b\d{4}/\d{2}/\d{2}\b"), "%Y/%m/%d"),
    (re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b"), "%d.%m.%Y"),
    (re.compile(r"\b[A-Z][a-z]{2} \d{1,2}, \d{4}\b"), "%b {day}, %Y"),
    (re.compile(r"\b[A-Z][a-z]{3,8} \d{1,2}, \d{4}\b"), "%B {day}, %Y"),
    (re.compile(r"\b\d{1,2} [A-Z][a-z]{3,8} \d{4}\b"), "{day} %B %Y"),
    (re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b"), "{day} %b %Y"),
]
_ENGLISH_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"]


def date_in_style(old: str | None, iso: str) -> str:
    """`iso` written as the date in `old` is (ISO when `old` is in a form not known here), the
    rest of `old` kept."""
    if not old:
        return iso
    found = find_dates(old)
    day = dt.date.fromisoformat(iso)
    for pattern, shape in _SHAPES:
        match = pattern.search(old)
        if match and found and _english(match.group(0)):
            written = _strftime(day, shape)
            return old[: match.start()] + written + old[match.end():]
    return iso


def _english(text: str) -> bool:
    names = re.findall(r"[A-Za-z]+", text)
    return all(any(month.startswith(name) for month in _ENGLISH_MONTHS) for name in names)


def _strftime(day: dt.date, shape: str) -> str:
    month = _ENGLISH_MONTHS[day.month - 1]
    return (shape.replace("%B", month).replace("%b", month[:3]).replace("%Y", f"{day.year:04d}")
            .replace("%m", f"{day.month:02d}").replace("%d", f"{day.day:02d}").replace("{day}", str(day.day)))
