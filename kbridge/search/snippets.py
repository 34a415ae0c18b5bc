"""Snippets: the passage of a record's text that best shows why it matched, with words marked.

Engine-neutral on purpose: both engines show the same passage for the same record and query.
Bodies are Markdown as written; the passage is cleaned of its markup after it is chosen.

Speed matters here (ten snippets per search): matching words are located with `str.find` on a
lower-cased copy rather than with regular expressions, which scan character by character.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA
from rapidfuzz.process import extract

from kbridge.search.query import Fuzzy, Node, Phrase, Prefix, Term, positive_leaves
from kbridge.search.results import Snippet
from kbridge.search.text import ASCII_SEPARATORS, WORD, fold, words

SNIPPET_WIDTH = 220
_LEAD = 50  # characters of context shown before the first matching word
ELLIPSIS = "…"
_HIGHLIGHTED_FIELDS = (None, "body", "title")
_MOST_MATCHES = 40  # of each word: enough to find the best passage of a long record
_WORD_REST = re.compile(r"[^\W_]*")
_SEPARATOR = re.compile(r"[\W_]")
_FIRST_PIECE = 1000  # characters of a text first split into words, looking for a near word
# Characters of one page of hits split into words looking for near words, at most (a few
# records' worth): past it, a passage is chosen among the near words already found. Bounds the
# cost of a page of long records that hold no near word (matched by their titles).
_LOOK_BUDGET = 16_000
# Markup that disappears from a passage (characters), and whole tokens that are line markers.
_MARKUP_CHARS = (("*", ""), ("`", ""), ("[", ""), ("]", ""), ("|", " "), ("~", ""))
_LINE_MARKERS = frozenset(["#", "##", "###", "####", "#####", "######", ">", "-", "+", "!"])
_LINK_ADDRESS = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"\n]*\")?\)")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_NUMBERED = re.compile(r"\d+[.)]")
_RULE = re.compile(r":?-{3,}:?|[*_]{3,}")  # horizontal rules and table lines
_RULE_STARTS = "-:*_"


@dataclass(frozen=True)
class Highlighter:
    """Decides which words of a text match a query, and cuts the best passage around them."""

    exact: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    fuzzy: tuple[tuple[str, int], ...] = ()

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
        near = _NearWords(self.fuzzy)
        near.compare(_fold_text(word).lower())
        return bool(self._find(_lowered(word), near.found))

    def snippet(self, text: str, width: int = SNIPPET_WIDTH) -> Snippet:
        """The passage of about `width` characters with the most distinct matching words."""
        return self.snippets([text], width)[0]

    def snippets(self, texts: Sequence[str], width: int = SNIPPET_WIDTH) -> list[Snippet]:
        """`snippet` of each text.

        A fuzzy word is the costly case: the words near it are found by comparing words, and
        splitting a text into words costs more than the comparing. One page of hits shares
        most of its words, so a near word found in one text is looked for in the others with
        `str.find`, and a text is split only as far as it takes to find a near word (or to its
        end, when it has none; and no more than `_LOOK_BUDGET` characters for the whole page);
        that is enough to choose its passage. The passages shown are then compared word by
        word, all at once, so that no near word in them goes unmarked."""
        near = _NearWords(self.fuzzy)
        shown = [self._passage(text, width, near) for text in texts]
        if self.fuzzy:
            near.compare(_fold_text(" ".join(passage for _, passage, _ in shown)).lower())
        return [self._marked(before, passage, after, near.found) for before, passage, after in shown]

    def _passage(self, text: str, width: int, near: _NearWords) -> tuple[str, str, str]:
        """The passage of `text` shown: about `width` characters around its best window of
        matches, cleaned of markup, as (ellipsis or "", passage, ellipsis or "")."""
        low = _lowered(text)
        if self.fuzzy:
            near.look_through(low)
        found = self._find(low, near.found)
        start = _best_start(found, width) if found else 0
        if start:
            start = _word_start(text, max(0, start - _LEAD), start)
        # Markup takes room that the cleaned passage will not: take more, cut after cleaning.
        stop = min(len(text), start + 2 * width)
        more_after = stop < len(text) and bool(text[stop:].strip())
        return _cut(_clean(text[start:stop]), width, more_before=start > 0, more_after=more_after)

    def _find(self, low: str, near: set[str]) -> list[tuple[int, int, str]]:
        """(start, end, lower-case word) of the matching words of a `_lowered` text, in order;
        `near`: the words found near a fuzzy word."""
        found: list[tuple[int, int, str]] = []
        for word in self.exact.union(near) if near else self.exact:
            found.extend(_occurrences(low, word, whole=True))
        for prefix in self.prefixes:
            found.extend(_occurrences(low, prefix, whole=False))
        # A word found both whole and by a prefix (`rotation rot*`) is one match, marked once.
        return sorted(set(found))

    def _marked(self, before: str, passage: str, after: str, near: set[str]) -> Snippet:
        """The snippet of a passage with its matching words marked (`near`: the words found
        near a fuzzy word)."""
        shift = len(before)
        highlights = tuple((start + shift, end + shift) for start, end, _ in self._find(_lowered(passage), near))
        return Snippet(before + passage + after, highlights)


def _cut(text: str, width: int, *, more_before: bool, more_after: bool) -> tuple[str, str, str]:
    """The first `width` characters of a cleaned passage, cut between words, with ellipses
    where the record goes on: (ellipsis or "", passage, ellipsis or "")."""
    end = len(text)
    if end > width:
        space = text.rfind(" ", width // 2, width)
        end = space if space > 0 else width
        more_after = True
    passage = text[:end].rstrip()
    return (ELLIPSIS if more_before else ""), passage, (ELLIPSIS if more_after and passage else "")


class _NearWords:
    """The words near a fuzzy word of the query, found as the texts of one page of hits are read.

    Words are compared in C++ by rapidfuzz, which is quicker than sorting out the distinct ones
    first; what costs is splitting a text into words, so a text is split only as far as needed
    (`look_through`)."""

    def __init__(self, fuzzy: tuple[tuple[str, int], ...]) -> None:
        self._fuzzy = fuzzy
        self._of: dict[tuple[str, int], set[str]] = {target: set() for target in fuzzy}
        self.found: set[str] = set()
        self._budget = _LOOK_BUDGET

    def compare(self, text: str) -> set[tuple[str, int]]:
        """Compare the words of `text` (folded, lower-case); the fuzzy words it holds a word
        near to."""
        # In ASCII text, words are what is left between separators turned to spaces.
        split = text.translate(ASCII_SEPARATORS).split() if text.isascii() else WORD.findall(text)
        held: set[tuple[str, int]] = set()
        for target in self._fuzzy:
            word, limit = target
            found = extract(word, split, scorer=OSA.distance, score_cutoff=limit, limit=None)
            near = [choice for choice, _, _ in found]
            if near:
                self._of[target].update(near)
                self.found.update(near)
                held.add(target)
        return held

    def look_through(self, text: str) -> None:
        """Compare the words of `text` (folded, lower-case) from its start, in growing pieces,
        until it holds a word near each fuzzy word (or to its end): the words found in other
        texts are looked for first, with `str.find`."""
        missing = {target for target, near in self._of.items() if not any(_holds(text, word) for word in near)}
        start, size = 0, _FIRST_PIECE
        while missing and start < len(text) and self._budget > 0:
            stop = start + min(size, self._budget)
            separator = _SEPARATOR.search(text, stop) if stop < len(text) else None
            stop = separator.start() if separator else len(text)
            missing -= self.compare(text[start:stop])
            self._budget -= stop - start
            start, size = stop, size * 2


def _holds(text: str, word: str) -> bool:
    """Whether `word` is a whole word of `text`."""
    return bool(_occurrences(text, word, whole=True, most=1))


def _occurrences(text: str, word: str, *, whole: bool, most: int = _MOST_MATCHES) -> list[tuple[int, int, str]]:
    """Where `word` starts a word of `text` (the first `most` times): the whole word, or
    (whole=False) as a prefix."""
    found: list[tuple[int, int, str]] = []
    if not word:
        return found
    position = text.find(word)
    while position >= 0 and len(found) < most:
        end = position + len(word)
        if position == 0 or not text[position - 1].isalnum():
            if not whole:
                match = _WORD_REST.match(text, end)
                end = match.end() if match else end
            if not whole or end == len(text) or not text[end].isalnum():
                found.append((position, end, text[position:end]))
        position = text.find(word, end)
    return found


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


def _clean(text: str) -> str:
    """A passage of Markdown as plain words: no emphasis, code or link marks, no link
    addresses or HTML tags, no list, quote or heading markers, one space between words."""
    if "](" in text:
        text = _LINK_ADDRESS.sub("", text)
    if "<" in text:
        text = _HTML_TAG.sub(" ", text)
    for mark in ("__", "!["):
        if mark in text:
            text = text.replace(mark, "" if mark == "__" else "[")
    for mark, replacement in _MARKUP_CHARS:
        if mark in text:
            text = text.replace(mark, replacement)
    may_hold_rules = any(mark in text for mark in _RULE_STARTS)
    kept: list[str] = []
    for line in text.splitlines():
        tokens = line.split()
        first = 0
        while first < len(tokens) and (tokens[first] in _LINE_MARKERS or _NUMBERED.fullmatch(tokens[first])):
            first += 1
        if may_hold_rules:
            tokens = [t for t in tokens[first:] if t[0] not in _RULE_STARTS or not _RULE.fullmatch(t)]
            first = 0
        kept.extend(tokens[first:] if first else tokens)
    return " ".join(kept)


def _lowered(text: str) -> str:
    """`text` folded and in lower case, one character for one (matches are found in it)."""
    low = _fold_text(text).lower()
    if len(low) != len(text):  # a letter whose lower case is longer: match as written
        low = _fold_text(text)
    return low


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
