"""Snippets: the passage of a record's text that best shows why it matched, with words marked.

Engine-neutral on purpose: both engines show the same passage for the same record and query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kbridge.search.query import Fuzzy, Node, Phrase, Prefix, Term, positive_leaves
from kbridge.search.results import Snippet
from kbridge.search.text import fold, within_distance, words

SNIPPET_WIDTH = 220
_LEAD = 50  # characters of context shown before the first matching word
ELLIPSIS = "…"
_HIGHLIGHTED_FIELDS = (None, "body", "title")
_BEFORE, _AFTER = r"(?<![^\W_])", r"(?![^\W_])"  # word boundaries that treat "_" as a gap


@dataclass
class Highlighter:
    """Decides which words of a text match a query, and cuts the best passage around them.

    Exact words and prefixes are found with one regular expression over the text (fast even
    for long bodies); only fuzzy words are compared one by one, and each distinct word once.
    """

    exact: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    fuzzy: tuple[tuple[str, int], ...] = ()
    _seen: dict[str, bool] = field(default_factory=dict, repr=False)
    _terms: re.Pattern[str] | None = field(default=None, repr=False)
    _candidates: re.Pattern[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        alternatives = [re.escape(word) for word in sorted(self.exact, key=len, reverse=True)]
        alternatives += [re.escape(prefix) + r"[^\W_]*" for prefix in self.prefixes]
        if alternatives:
            self._terms = re.compile(rf"{_BEFORE}(?:{'|'.join(alternatives)}){_AFTER}", re.I)
        if self.fuzzy:
            shortest = max(1, min(len(word) - distance for word, distance in self.fuzzy))
            longest = max(len(word) + distance for word, distance in self.fuzzy)
            self._candidates = re.compile(rf"{_BEFORE}[^\W_]{{{shortest},{longest}}}{_AFTER}")

    @classmethod
    def for_query(cls, root: Node) -> Highlighter:
        exact: set[str] = set()
        prefixes: list[str] = []
        fuzzy: list[tuple[str, int]] = []
        for leaf in positive_leaves(root):
            if isinstance(leaf, (Term, Phrase)) and leaf.field in _HIGHLIGHTED_FIELDS:
                exact.update(word for word, _, _ in words(leaf.text))
            elif isinstance(leaf, Prefix) and leaf.field in _HIGHLIGHTED_FIELDS:
                parts = [word for word, _, _ in words(leaf.text)]
                if parts:
                    exact.update(parts[:-1])
                    prefixes.append(parts[-1])
            elif isinstance(leaf, Fuzzy) and leaf.field in _HIGHLIGHTED_FIELDS:
                fuzzy.extend((word, leaf.distance) for word, _, _ in words(leaf.text))
        return cls(frozenset(exact), tuple(dict.fromkeys(prefixes)), tuple(dict.fromkeys(fuzzy)))

    def __bool__(self) -> bool:
        return bool(self.exact or self.prefixes or self.fuzzy)

    def matches(self, word: str) -> bool:
        """Whether one word (as written) matches the query."""
        return bool(self._find(word))

    def _find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, folded word) of every matching word of `text`, in order."""
        folded = _fold_text(text)
        found: list[tuple[int, int, str]] = []
        if self._terms is not None:
            found = [(m.start(), m.end(), m.group().lower()) for m in self._terms.finditer(folded)]
        if self._candidates is not None:
            taken = {start for start, _, _ in found}
            for match in self._candidates.finditer(folded):
                word = match.group().lower()
                if match.start() not in taken and self._near(word):
                    found.append((match.start(), match.end(), word))
            found.sort()
        return found

    def _near(self, word: str) -> bool:
        known = self._seen.get(word)
        if known is None:
            known = any(within_distance(word, target, limit) for target, limit in self.fuzzy)
            self._seen[word] = known
        return known

    def snippet(self, text: str, width: int = SNIPPET_WIDTH) -> Snippet:
        """The passage of about `width` characters with the most distinct matching words, its
        Markdown markup removed."""
        found = self._find(text)
        start = _best_start(found, width) if found else 0
        if start:
            start = _word_start(text, max(0, start - _LEAD), start)
        # Markup takes room that the cleaned passage will not: take more, cut after cleaning.
        stop = min(len(text), start + 2 * width)
        inside = [(s - start, e - start) for s, e, _ in found if start <= s and e <= stop]
        clean, highlights = _clean(text[start:stop], inside)
        more_after = bool(text[stop:].strip())
        return _cut(clean, highlights, width, more_before=start > 0, more_after=more_after)


def _best_start(found: list[tuple[int, int, str]], width: int) -> int:
    """Where the window with the most distinct matching words (then the most matches) starts."""
    best, best_score = 0, (-1, -1)
    right = 0
    for left in range(len(found)):
        limit = found[left][0] + width - _LEAD
        right = max(right, left)
        while right + 1 < len(found) and found[right + 1][1] <= limit:
            right += 1
        window = found[left : right + 1]
        score = (len({word for _, _, word in window}), len(window))
        if score > best_score:
            best, best_score = left, score
    return found[best][0]


def _word_start(text: str, start: int, limit: int) -> int:
    """`start` moved forward to the beginning of a word (never past `limit`)."""
    if start == 0 or text[start - 1].isspace():
        return start
    for index in range(start, limit):
        if text[index].isspace():
            return index + 1
    return start


# Markdown markup dropped from a passage (whitespace runs and table pipes become one space).
_MARKUP = re.compile(
    r"\]\([^)\s]*(?:\s+\"[^\"\n]*\")?\)"  # a link's target: ](url "title")
    r"|!?\[|\]"  # a link's brackets
    r"|(?m:^[ \t]*(?:#{1,6}|>|[-*+]|\d+[.)])(?=[ \t]))"  # heading, quote and list markers
    r"|</?[A-Za-z][^>\n]*>"  # HTML tags
    r"|\*\*|__|~~|`+|\*"  # emphasis and code marks
    r"|(?<![^\W_])-{3,}(?![^\W_])"  # rules and table lines
    r"|[\s|]+"  # whitespace and table pipes
)
_SPACE_LIKE = frozenset(" \t\r\n\f\v|")


def _clean(text: str, highlights: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """`text` without Markdown markup, and the highlights moved to where their words now are
    (a highlight inside removed markup, such as a link's address, is dropped)."""
    pieces: list[str] = []
    segments: list[tuple[int, int, int]] = []  # (start, end, shift) of the text kept as it was
    position = length = 0
    last = " "  # the last character written (a space at the start drops leading spaces)
    for match in _MARKUP.finditer(text):
        kept = text[position : match.start()]
        segments.append((position, match.start(), length - position))
        pieces.append(kept)
        length += len(kept)
        last = kept[-1] if kept else last
        if match.group()[0] in _SPACE_LIKE and last != " ":
            pieces.append(" ")
            length += 1
            last = " "
        position = match.end()
    segments.append((position, len(text), length - position))
    pieces.append(text[position:])
    moved = []
    for start, end in highlights:
        for first, last, shift in segments:
            if first <= start and end <= last:
                moved.append((start + shift, end + shift))
                break
    return "".join(pieces), moved


def _cut(text: str, highlights: list[tuple[int, int]], width: int, *, more_before: bool, more_after: bool) -> Snippet:
    """The first `width` characters of `text`, cut between words, with ellipses where the
    record's text goes on."""
    lead = len(text) - len(text.lstrip())
    end = min(len(text), lead + width)
    if end < len(text):
        space = text.rfind(" ", lead + width // 2, end)
        end = space if space > 0 else end
        more_after = True
    body = text[lead:end].rstrip()
    prefix = ELLIPSIS if more_before else ""
    suffix = ELLIPSIS if more_after and body else ""
    shift = len(prefix) - lead
    kept = tuple((s + shift, e + shift) for s, e in highlights if s >= lead and e <= lead + len(body))
    return Snippet(prefix + body + suffix, kept)


def _fold_text(text: str) -> str:
    """`text` with accented letters folded, one character for one, so offsets stay valid."""
    if text.isascii():
        return text
    table: dict[int, str] = {}
    for char in set(text):
        if not char.isascii():
            folded = fold(char)
            table[ord(char)] = folded if len(folded) == 1 else char
    return text.translate(table)
