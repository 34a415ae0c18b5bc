"""Statuses as people write them, in the common languages: which word means which kbridge status,
and which keys and headings hold a status."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kbridge.formats.read.dates import strip_dates
from kbridge.formats.text import fold_accents

# Words (lower case, accents removed) for each decision status. The earliest word in a text wins,
# so "Accepted, superseded by X" is settled by the overrides below, not by this order.
_WORDS: dict[str, list[str]] = {
    "rejected": [
        "rejected", "not accepted", "declined", "refused", "won't do", "wont do", "abandoned",
        "withdrawn", "dismissed", "discarded", "cancelled", "canceled", "abgelehnt", "verworfen",
        "zuruckgewiesen", "rejete", "rejetee", "refuse", "refusee", "rechazado", "rechazada",
        "descartado", "descartada", "rejeitado", "rejeitada", "recusado", "recusada", "rifiutato",
        "rifiutata", "respinto", "respinta", "scartato", "afgewezen", "verworpen", "geweigerd",
        "odrzucony", "odrzucona", "отклонено", "отклонен", "已拒绝", "拒绝", "已驳回", "驳回", "否决",
        "不采纳", "却下", "不採用", "棄却", "거부", "기각",
    ],
    "superseded": [
        "superseded", "superceded", "supersceded", "replaced", "ersetzt", "abgelost",
        "remplace", "remplacee", "reemplazado", "reemplazada", "sustituido", "sustituida",
        "substituido", "substituida", "sostituito", "sostituita", "vervangen", "zastapiony",
        "заменено", "已取代", "被取代", "已被取代", "已替代", "被替代", "取代", "置き換え", "置換",
        "대체됨",
    ],
    "deprecated": [
        # "Depreciated": the English misspelling (Ensembl's decisions), shown as read from it.
        "deprecated", "depreciated", "obsolete", "retired", "no longer valid", "revoked", "reverted", "sunset",
        "veraltet", "obsolet", "uberholt", "abgekundigt", "zuruckgenommen", "deprecie",
        "depreciee", "perime", "caduc", "obsoleto", "obsoleta", "desaprobado", "en desuso",
        "descontinuado", "descontinuada", "deprecado", "depreciado", "deprecato", "dismesso",
        "verouderd", "afgeschaft", "已弃用", "弃用", "已废弃", "废弃", "已过时", "过时", "非推奨",
        "廃止", "사용 중단", "폐기",
    ],
    "accepted": [
        "accepted", "approved", "decided", "agreed", "active", "adopted", "implemented",
        "in effect", "done", "final", "planned", "ratified", "valid", "confirmed", "completed",
        # "Provisional": Open edX's status (OEP-1) for a decision in force that may be revised.
        "established", "in force", "provisional", "provisionally accepted", "akzeptiert", "angenommen",
        "genehmigt", "beschlossen",
        "entschieden", "freigegeben", "gultig", "umgesetzt", "verabschiedet", "accepte",
        "acceptee", "approuve", "approuvee", "adopte", "adoptee", "valide", "validee", "decide",
        "decidee", "aceptado", "aceptada", "aprobado", "aprobada", "decidido", "decidida",
        "adoptado", "adoptada", "vigente", "implementado", "implementada", "aceito", "aceita",
        "aprovado", "aprovada", "adotado", "adotada", "accettato", "accettata", "approvato",
        "approvata", "adottato", "deciso", "geaccepteerd", "goedgekeurd", "aanvaard",
        "aangenomen", "vastgesteld", "zaakceptowany", "принято", "принят", "утверждено",
        "已接受", "接受", "已采纳", "采纳", "已通过", "通过", "已批准", "批准", "已决定", "已实施",
        "生效", "採用", "承認", "決定", "採択", "승인", "채택", "수락",
    ],
    "proposed": [
        "proposed", "proposal", "pending", "under review", "in review", "for review", "review",
        "open", "suggested", "in discussion", "under discussion", "on hold", "deferred",
        "postponed", "rfc", "under consideration", "vorgeschlagen", "vorschlag", "in prufung",
        "offen", "zur diskussion", "in diskussion", "propose", "proposee", "en discussion",
        "en revue", "en attente", "propuesto", "propuesta", "en revision", "pendiente",
        "en discusion", "proposto", "proposta", "em analise", "em revisao", "em discussao",
        "pendente", "in revisione", "in discussione", "in attesa", "voorgesteld",
        "in behandeling", "zaproponowany", "предложено", "提议", "提议中", "已提议", "建议", "提案",
        "待定", "待审", "审核中", "讨论中", "審議中", "検討中", "レビュー中", "제안",
    ],
    "draft": [
        "draft", "wip", "work in progress", "in progress", "todo", "to do", "idea", "entwurf",
        "in arbeit", "brouillon", "ebauche", "en cours", "borrador", "en progreso", "rascunho",
        "em andamento", "bozza", "in corso", "concept", "ontwerp", "szkic", "черновик", "草稿",
        "草案", "起草中", "下書き", "초안",
    ],
}
# A status written as a symbol only; read with a note, as any guess is.
_SYMBOLS = {
    "✅": "accepted", "✔": "accepted", "☑": "accepted", "🟢": "accepted", "👍": "accepted",
    "❌": "rejected", "✖": "rejected", "🚫": "rejected", "⛔": "rejected", "👎": "rejected",
    "🟡": "proposed", "🟠": "proposed", "⏳": "proposed", "🤔": "proposed", "💬": "proposed",
    "📝": "draft", "✏": "draft", "🚧": "draft", "⚠": "deprecated", "🗑": "deprecated",
    "🪦": "deprecated", "🔄": "superseded", "♻": "superseded",
}


def _is_cjk(word: str) -> bool:
    return any(ord(char) > 0x2E80 for char in word)


def _pattern(words: list[str]) -> re.Pattern[str]:
    latin = sorted((w for w in words if not _is_cjk(w)), key=len, reverse=True)
    cjk = sorted((w for w in words if _is_cjk(w)), key=len, reverse=True)
    parts = [r"(?<![^\W_])(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in latin)
             + r")(?![^\W_])"]
    if cjk:
        parts.append("|".join(re.escape(w) for w in cjk))
    return re.compile("|".join(parts), re.I)


_PATTERNS = [(_pattern(words), status) for status, words in _WORDS.items()]
_PARTLY = re.compile(r"\b(?:partly|partially|in\s+part|teilweise|partiellement|parcialmente|"
                     r"parzialmente|gedeeltelijk)\s+(?:superseded|superceded|replaced|ersetzt|"
                     r"remplac[ée]e?|substitu[ií]d[oa]|reemplazad[oa]|sostituit[oa]|vervangen)\b", re.I)
_SUPERSEDED_BY = re.compile(
    r"\b(?:superseded|superceded|supersceded|replaced)\b[^.\n]{0,40}?\b(?:by|durch)\b|"
    r"\b(?:ersetzt|abgel[oö]st)\s+durch\b|\bremplac[ée]e?\s+par\b|\b(?:reemplazad|sustituid|"
    r"substitu[ií]d)[oa]\s+por\b|\bsostituit[oa]\s+da\b|\bvervangen\s+door\b", re.I
)
_PLACEHOLDER = re.compile(
    r"\||\{[^{}]*\}|\bxxx\b|YYYY|\[(?:short title|list |describe)|^\W*(?:tbd|tbc|n/?a|todo|\?+)\W*$", re.I
)
_BRACKETED = re.compile(r"^\s*\[[^\]]*\]\s*$")
# `~~Proposed~~ Rejected`; a struck word is short (unbounded, each of 70,000 `<s>` rescanned the line).
_STRUCK = re.compile(r"~~[^~]+~~|<(?:del|s|strike)>.{0,200}?</(?:del|s|strike)>", re.I)
# Brackets and parentheses are excluded inside: with `[^\]]*`, each of a million `[` scanned to the end
# of the text (quadratic: over 120 s on 1 MB of `[` under `## Status`).
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")
_MD_REF_LINK = re.compile(r"\[([^\[\]]*)\]\[[^\[\]]*\]")


def plain_text(markdown: str) -> str:
    """Inline Markdown as its visible text (links and emphasis unwrapped)."""
    text = _MD_LINK.sub(r"\1", markdown)
    text = _MD_REF_LINK.sub(r"\1", text)
    return re.sub(r"[*_`~]+", "", text).strip()


def _fold(text: str) -> str:
    return fold_accents(text)


# A value that is a template's blank and nothing else: `{{ TBC }}`, `{list of deciders}`, MADR's
# `[description | ticket/issue URL]` and `[list everyone involved in the decision]`, or a word for
# nothing (`N/A`, `-`). Narrower than `is_placeholder`: a bar between names (`Alice | Bob`), a title
# an author kept in brackets (`[Error handling report]`) and `TBD` (a statement: not known yet)
# are values.
_UNFILLED = re.compile(
    r"^\s*(?:\{\{?[^{}]*\}\}?|\[[^\]|]*\|[^\]]*\]"
    r"|\[\s*(?:list|describe|description|e\.g\.|yyyy|add|insert|short|name of)\b[^\]]*\]"
    r"|n/?a|\?+|-+|—)\s*$", re.I)


def is_unfilled(text: str) -> bool:
    """A field's value that is only a template's blank (the field is then not kept)."""
    return bool(_UNFILLED.match(text or ""))


def is_placeholder(text: str) -> bool:
    """A template's unfilled value: `[proposed | accepted]`, `{YYYY-MM-DD ...}`, `TBD`."""
    value = text or ""
    return bool(_PLACEHOLDER.search(value) or _BRACKETED.match(value))


@dataclass(frozen=True)
class StatusReading:
    status: str
    word: str  # the word or symbol that decided it, as found (accents removed)
    position: int  # where in the text it was found
    qualified: bool = False  # words before it (`Partially Accepted`)

    @property
    def exact(self) -> bool:
        """True when the text names the status itself (`Accepted`), not a word taken for it."""
        return self.word.lower() == self.status and not self.qualified


@functools.lru_cache(maxsize=4096)
def read_status(text: str) -> StatusReading | None:
    """The kbridge decision status a written status means, or None when it names none."""
    value = _fold(plain_text(strip_dates(_STRUCK.sub(" ", text or ""))))
    if not value.strip():
        return None
    partly = _PARTLY.search(value)
    if partly:  # still in force where not replaced; the link carries the rest
        return StatusReading("accepted", partly.group(0), partly.start())
    superseded = _SUPERSEDED_BY.search(value)
    if superseded:
        return StatusReading("superseded", superseded.group(0).split()[0], superseded.start())
    best: StatusReading | None = None
    for pattern, status in _PATTERNS:
        match = pattern.search(value)
        if match and (best is None or match.start() < best.position):
            best = StatusReading(status, match.group(0), match.start())
    if best is not None:
        qualified = bool(re.search(r"[^\W\d_]", value[: best.position]))
        return StatusReading(best.status, best.word, best.position, qualified)
    for symbol, status in _SYMBOLS.items():
        position = value.find(symbol)
        if position >= 0 and (best is None or position < best.position):
            best = StatusReading(status, symbol, position)
    return best


def status_words_first(text: str, within: int = 3) -> bool:
    """True when a status word opens the text (`Accepted`, `✅ Akzeptiert, 2026-04-19`), rather
    than appearing in a sentence about something else."""
    reading = read_status(text)
    if reading is None:
        return False
    before = _fold(plain_text(strip_dates(text)))[: reading.position]
    return len(re.findall(r"[^\W_]+", before)) < within


# Keys and headings that hold a status, normalised (lower case, accents removed, words joined
# by single spaces).
STATUS_KEYS = {
    "status", "statuses", "statut", "estado", "estatus", "stato", "zustand", "etat", "situacao",
    "state", "decision state", "adr state",
    "status history", "decision status", "adr status", "current status", "status der entscheidung",
    "estado da decisao", "estado de la decision", "statut de la decision", "stato della decisione",
    "状态", "狀態", "状態", "ステータス", "상태", "статус", "состояние",
}


def normalise_key(key: str) -> str:
    value = _fold(key.lower())
    return " ".join(word for word in re.split(r"[\W_]+", value) if word)


@functools.lru_cache(maxsize=4096)
def is_status_key(key: str) -> bool:
    return normalise_key(key) in STATUS_KEYS


def is_placeholder_title(title: str) -> bool:
    """A template's title left as it was: `[short title of solved problem]`, `{titre court}`,
    `ADR-[Nummer]: [Kurzer Titel]`, `NNNN. Title`."""
    text = title.strip()
    return bool(
        re.fullmatch(r"[\[{<].*[\]}>]", text)
        or re.search(r"\{[^}]*\}|\[(?:short title|title|kurzer titel|titre|titulo|nummer|number|"
                     r"nnnn|adr-?number)[^\]]*\]", text, re.I)
        or re.fullmatch(r"(?:\d+|NNNN|XXXX)\.\s*(?:title|\[title\]|\{title\})", text, re.I)
        or re.match(r"(?:short title of solved problem|title of the decision|titre court|"
                    r"kurzer titel|t[íi]tulo corto|t[íi]tulo curto)", text, re.I)
    )
