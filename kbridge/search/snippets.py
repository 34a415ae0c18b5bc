"""Snippets: the passage of a record's text that best shows why it matched, with words marked.

Engine-neutral on purpose: both engines show the same passage for the same record and query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kbridge.search.query import Fuzzy, Node, Phrase, Prefix, Term, positive_leaves
from kbridge.search.results import Snippet
from kbridge.search.text import fold, within_distance, words

SNIPPET_WIDTH = 220
_LEAD = 50  # characters of context shown before the first matching word
ELLIPSIS = "…"
_HIGHLIGHTED_FIELDS = (None, "body", "title")


@dataclass
class Highlighter:
    """Decides which words of a text match a query, and cuts the best passage around them."""

    exact: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    fuzzy: tuple[tuple[str, int], ...] = ()
    _seen: dict[str, bool] = field(default_factory=dict, repr=False)

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
        return cls(frozenset(exact), tuple(prefixes), tuple(fuzzy))

    def __bool__(self) -> bool:
        return bool(self.exact or self.prefixes or self.fuzzy)

    def matches(self, word: str) -> bool:
        word = fold(word)
        if word in self.exact:
            return True
        if not (self.prefixes or self.fuzzy):
            return False
        known = self._seen.get(word)
        if known is None:
            known = any(word.startswith(prefix) for prefix in self.prefixes) or any(
                within_distance(word, target, distance) for target, distance in self.fuzzy
            )
            self._seen[word] = known
        return known

    def snippet(self, text: str, width: int = SNIPPET_WIDTH) -> Snippet:
        """The passage of about `width` characters with the most distinct matching words."""
        text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
        found = [(start, end, word) for word, start, end in words(text) if self.matches(word)]
        if not found:
            return Snippet(_cut(text, 0, width)[0])
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
        start = max(0, found[best][0] - _LEAD)
        start = _word_start(text, start, found[best][0])
        passage, shift, end = _cut(text, start, width)
        highlights = tuple((s + shift, e + shift) for s, e, _ in found if s >= start and e <= end)
        return Snippet(passage, highlights)


def _word_start(text: str, start: int, limit: int) -> int:
    """`start` moved forward to the beginning of a word (never past `limit`)."""
    if start == 0 or text[start - 1].isspace():
        return start
    space = text.find(" ", start, limit)
    return space + 1 if space >= 0 else start


def _cut(text: str, start: int, width: int) -> tuple[str, int, int]:
    """The text from `start` for about `width` characters, cut between words, with ellipses;
    the shift from a position in `text` to the same position in the result; where it ends."""
    end = min(start + width, len(text))
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space > 0 else end
    while start < end and text[start] == " ":
        start += 1
    body = text[start:end].rstrip(" ")
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text.rstrip()) else ""
    return prefix + body + suffix, len(prefix) - start, start + len(body)
