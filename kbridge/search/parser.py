"""The one user-facing query syntax, parsed into the engine-neutral query of `kbridge.search.query`.

    vault rotation            both words (AND is implied)
    "key rotation"~2          a phrase (optionally with slop)
    rot*   vualt~  vualt~2    prefix, fuzzy (edit distance 1, or 2 for words of 6+ letters)
    a OR b, a AND b, NOT a, -a, ( ... )
    kind:control status:accepted tag:pci owner:alice key:ADR-0007 title:vault body:"hsm"
    date:>2023-01-01  date:<=2022  date:2021..2022  date:2023-05

The parser never raises: whatever it cannot understand (an unbalanced quote or parenthesis, an
unknown field, a dangling operator, a bad date) is ignored or searched as plain words, and a
warning says so. It is bounded: parentheses nested deeper than MAX_NESTING are read as if they
were not there, and a run of NOTs is read as one NOT or none (so 250 `(` or 3,000 `NOT` cost
neither recursion nor time).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from kbridge.model import KIND_STATUSES, Kind, ValidationError, format_key
from kbridge.search.query import (
    EXACT_FIELDS,
    QUERY_FIELDS,
    And,
    DateRange,
    Exact,
    Fuzzy,
    KeyBoost,
    MatchAll,
    Node,
    Not,
    Or,
    ParsedQuery,
    Phrase,
    Prefix,
    Term,
)

_WORD_END = frozenset(' \t\r\n()"')
_FIELD_WORD = re.compile(r"^([A-Za-z_]+):(.*)$", re.DOTALL)
_FUZZY = re.compile(r"^(.*[^~])~(\d?)$")
_ALL_STATUSES = frozenset(status for statuses in KIND_STATUSES.values() for status in statuses)
MAX_NESTING = 32
# Words and phrases a query may hold: past it, whoosh recursed out of its stack (2,000 fuzzy
# words) and spent seconds on what no person types.
MAX_TERMS = 64


@dataclass(frozen=True)
class _Token:
    type: str  # WORD PHRASE FIELD LP RP AND OR NOT MINUS PLUS
    text: str = ""
    slop: int = 0


def parse_query(text: str) -> ParsedQuery:
    """The query `text` means, with a warning for everything that had to be ignored."""
    warnings: list[str] = []
    tokens = _at_most_terms(_lex(text, warnings), warnings)
    root = _Parser(tokens, warnings).parse()
    keys = key_candidates(text)
    if keys:
        root = Or((KeyBoost(keys), root))
    return ParsedQuery(text=text, root=root, warnings=tuple(dict.fromkeys(warnings)))


# --- key lookups ----------------------------------------------------------------------------

_PREFIX_NUMBER = re.compile(r"^\s*([A-Za-z]{2,8})[\s_-]*(\d{1,6})\s*$")
_KEY_LIKE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]*[-_.][A-Za-z0-9][A-Za-z0-9._-]*)\s*$")
_KINDS_BY_PREFIX = {kind.key_prefix.lower(): kind for kind in Kind}


def key_candidates(text: str) -> tuple[str, ...]:
    """The record keys (lower-case) a query such as `ADR-0007`, `adr 7` or `SYS-payments` names."""
    match = _PREFIX_NUMBER.match(text)
    if match:
        prefix, digits = match.group(1).lower(), match.group(2)
        candidates = [f"{prefix}-{digits}"]
        kind = _KINDS_BY_PREFIX.get(prefix)
        if kind is not None:
            candidates.insert(0, format_key(kind, int(digits)).lower())
        return tuple(dict.fromkeys(candidates))
    match = _KEY_LIKE.match(text)
    if match:
        return (match.group(1).lower(),)
    return ()


# --- lexer ----------------------------------------------------------------------------------


def _lex(text: str, warnings: list[str]) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    depth = 0  # parentheses open; those past MAX_NESTING (and their partners) are left out
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char == "(":
            depth += 1
            if depth <= MAX_NESTING:
                tokens.append(_Token("LP"))
            elif depth == MAX_NESTING + 1:
                warnings.append(f"read parentheses nested deeper than {MAX_NESTING} levels as if they were not there")
            i += 1
        elif char == ")":
            if depth <= MAX_NESTING:
                tokens.append(_Token("RP"))
            depth = max(depth - 1, 0)
            i += 1
        elif char == '"':
            i = _lex_phrase(text, i, tokens, warnings)
        elif char in "-+" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "-+)":
            tokens.append(_Token("MINUS" if char == "-" else "PLUS"))
            i += 1
        else:
            start = i
            while i < n and text[i] not in _WORD_END:
                i += 1
            word = text[start:i]
            if word in ("AND", "OR", "NOT"):
                tokens.append(_Token(word))
                continue
            if word in ("&&", "||"):
                tokens.append(_Token("AND" if word == "&&" else "OR"))
                continue
            match = _FIELD_WORD.match(word)
            if match:
                tokens.append(_Token("FIELD", match.group(1).lower()))
                if match.group(2):
                    tokens.append(_Token("WORD", match.group(2)))
                elif i >= n or text[i] not in '"(':
                    tokens.append(_Token("WORD", ""))
            elif word.strip("-+"):
                tokens.append(_Token("WORD", word))
    return tokens


def _at_most_terms(tokens: list[_Token], warnings: list[str]) -> list[_Token]:
    terms = 0
    for index, token in enumerate(tokens):
        terms += token.type in ("WORD", "PHRASE")
        if terms > MAX_TERMS:
            warnings.append(f"searched the first {MAX_TERMS} words of the query; the rest was ignored")
            kept = tokens[:index]
            return kept[:-1] if kept and kept[-1].type == "FIELD" else kept
    return tokens


def _lex_phrase(text: str, i: int, tokens: list[_Token], warnings: list[str]) -> int:
    end = text.find('"', i + 1)
    if end < 0:
        warnings.append('ignored an unbalanced quote (")')
        return i + 1
    slop, after = 0, end + 1
    match = re.match(r"~(\d{1,2})", text[after:])
    if match:
        slop, after = int(match.group(1)), after + match.end()
    tokens.append(_Token("PHRASE", text[i + 1 : end], slop))
    return after


# --- parser ---------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[_Token], warnings: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.warnings = warnings

    def _peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _next(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node:
        parts: list[Node] = []
        while True:
            node = self._or(None)
            if node is not None:
                parts.append(node)
            if self._peek() is None:
                break
            self._next()  # only an unmatched ")" stops _or before the end
            self.warnings.append("ignored an unmatched ')'")
        if not parts:
            return MatchAll()
        return _all(parts)

    def _or(self, field: str | None) -> Node | None:
        options: list[Node] = []
        node = self._and(field)
        if node is not None:
            options.append(node)
        while (token := self._peek()) is not None and token.type == "OR":
            self._next()
            node = self._and(field)
            if node is None:
                self.warnings.append("ignored an OR with nothing after it")
            else:
                options.append(node)
        if not options:
            return None
        return options[0] if len(options) == 1 else Or(tuple(options))

    def _and(self, field: str | None) -> Node | None:
        parts: list[Node] = []
        while (token := self._peek()) is not None and token.type not in ("RP", "OR"):
            if token.type == "AND":
                self._next()
                following = self._peek()
                if not parts or following is None or following.type in ("RP", "OR", "AND"):
                    self.warnings.append("ignored an AND without words on both sides")
                continue
            node = self._unary(field)
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return _all(parts)

    def _unary(self, field: str | None) -> Node | None:
        token = self._next()
        negations = 0
        while token.type in ("NOT", "MINUS", "PLUS"):  # a loop, not recursion: 3,000 NOTs in a row
            following = self._peek()
            if following is None or following.type in ("RP", "OR", "AND"):
                if token.type != "PLUS":
                    self.warnings.append("ignored a NOT with nothing after it")
                return None
            negations += token.type != "PLUS"
            token = self._next()
        if negations > 1:
            self.warnings.append(f"read {negations} NOTs in a row as {'one NOT' if negations % 2 else 'none'}")
        child = self._primary(token, field)
        return Not(child) if child is not None and negations % 2 else child

    def _primary(self, token: _Token, field: str | None) -> Node | None:
        if token.type == "LP":
            node = self._or(field)
            closing = self._peek()
            if closing is not None and closing.type == "RP":
                self._next()
            else:
                self.warnings.append("added a missing ')'")
            return node
        if token.type == "FIELD":
            return self._field(token.text)
        if token.type == "PHRASE":
            return _phrase_node(token.text, token.slop, field, self.warnings)
        return _word_node(token.text, field, self.warnings)

    def _field(self, name: str) -> Node | None:
        value = self._peek()
        if value is None or value.type not in ("WORD", "PHRASE", "LP"):
            self.warnings.append(f"ignored '{name}:' without a value")
            return None
        if value.type == "WORD" and value.text == "":
            self._next()
            self.warnings.append(f"ignored '{name}:' without a value")
            return None
        if name not in QUERY_FIELDS:
            self.warnings.append(
                f"unknown field '{name}:' searched as words; fields are: "
                + ", ".join(f"{known}:" for known in QUERY_FIELDS)
            )
            rest = self._primary(self._next(), None)
            word = Term(name)
            return word if rest is None else And((word, rest))
        if name == "date":
            token = self._next()
            if token.type == "LP":  # date:( ... ) is not a range: read it as plain words
                self.warnings.append("ignored 'date:' before '(': use date:2021..2022")
                return self._primary(token, None)
            return _date_node(token.text, self.warnings)
        return self._primary(self._next(), name)


def _all(parts: list[Node]) -> Node:
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def _word_node(text: str, field: str | None, warnings: list[str]) -> Node | None:
    if field in EXACT_FIELDS:
        return _exact_node(field, text, warnings)
    if text == "*":
        return MatchAll() if field is None else Prefix("", field)
    if text.startswith("*") or "*" in text[:-1] or "?" in text:
        warnings.append(f"a '*' works only at the end of a word: searched {text!r} as words")
        text = text.replace("*", " ").replace("?", " ").strip()
        return Term(text, field) if text else None
    if text.endswith("*"):
        return Prefix(text[:-1], field)
    match = _FUZZY.match(text)
    if match:
        word = match.group(1)
        distance = int(match.group(2)) if match.group(2) else (2 if len(word) >= 6 else 1)
        if distance > 2:
            warnings.append(f"fuzzy distance {distance} lowered to 2 (the most supported)")
        distance = min(distance, 2)
        return Fuzzy(word, field, distance) if distance else Term(word, field)
    return Term(text, field)


def _phrase_node(text: str, slop: int, field: str | None, warnings: list[str]) -> Node | None:
    if not text.strip():
        warnings.append('ignored an empty phrase ("")')
        return None
    if field in EXACT_FIELDS:
        return _exact_node(field, text, warnings)
    return Phrase(text, field, slop)


def _exact_node(field: str, text: str, warnings: list[str]) -> Node | None:
    value = text.strip().lower()
    if value.endswith("*"):
        return Prefix(value[:-1], field)
    if field == "kind":
        try:
            value = Kind.parse(value).value
        except ValidationError as error:
            try:  # "adrs", "ctls"
                value = Kind.parse(value.removesuffix("s")).value
            except ValidationError:
                warnings.append(f"ignored 'kind:{text}': {error}")
                return None
    elif field == "status" and value not in _ALL_STATUSES:
        warnings.append(f"ignored 'status:{text}': no kind has that status")
        return None
    elif field == "tag":
        value = value.lstrip("#")
    elif field == "key":
        keys = key_candidates(value) or (value,)
        if len(keys) > 1:
            return Or(tuple(Exact(field, key) for key in keys))
        value = keys[0]
    return Exact(field, value)


# --- dates ----------------------------------------------------------------------------------

_DATE_PART = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
_DATE_HELP = "use date:>2023-01-01, date:<=2022, date:2021..2022 or date:2023-05"


def _date_node(text: str, warnings: list[str]) -> Node | None:
    value = text.strip()
    try:
        if ".." in value:
            low, _, high = value.partition("..")
            start = _period(low)[0] if low else None
            end = _period(high)[1] if high else None
            if start is None and end is None:
                raise ValueError(value)
        elif value.startswith((">=", "<=")):
            first, last = _period(value[2:])
            start, end = (first, None) if value[0] == ">" else (None, last)
        elif value.startswith(">"):
            start, end = _period(value[1:])[1] + dt.timedelta(days=1), None
        elif value.startswith("<"):
            start, end = None, _period(value[1:])[0] - dt.timedelta(days=1)
        else:
            start, end = _period(value)
    except (ValueError, OverflowError):
        warnings.append(f"ignored 'date:{text}': {_DATE_HELP}")
        return None
    if start is not None and end is not None and start > end:
        warnings.append(f"ignored 'date:{text}': the range ends before it starts")
        return None
    return DateRange(start, end)


def _period(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a year, a month or a day written YYYY, YYYY-MM or YYYY-MM-DD."""
    match = _DATE_PART.match(text.strip())
    if not match:
        raise ValueError(text)
    year = int(match.group(1))
    if match.group(2) is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(match.group(2))
    if match.group(3) is None:
        last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        return dt.date(year, month, 1), dt.date(year, month, last)
    day = dt.date(year, month, int(match.group(3)))
    return day, day
