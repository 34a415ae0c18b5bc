"""Text helpers shared by the engines: words as the analyzers see them, edit distance, plain text.

The engines analyse text as: split on anything that is not a letter or digit, lower-case, fold
accents. `words()` does the same in Python, to find the matching words of a snippet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

WORD = re.compile(r"[^\W_]+")
MAX_WORD_LENGTH = 40  # longer tokens are dropped by both engines (hashes, base64...)

# Letters that Unicode decomposition does not fold but the engines' ASCII folding does.
_EXTRA_FOLDS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l"})


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """A word as the index stores it: lower-case, accents removed."""
    lowered = word.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered.translate(_EXTRA_FOLDS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """Each word of `text` as (folded word, start, end)."""
    for match in WORD.finditer(text):
        if match.end() - match.start() <= MAX_WORD_LENGTH:
            yield fold(match.group()), match.start(), match.end()


def within_distance(a: str, b: str, limit: int) -> bool:
    """Whether `a` and `b` are at most `limit` edits apart (insert, delete, substitute, swap)."""
    return edit_distance(a, b, limit) <= limit


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """The optimal-string-alignment distance of `a` and `b`, or `limit + 1` when above `limit`."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    # A common beginning and end cost nothing: compare only what differs.
    shortest = min(len(a), len(b))
    head = 0
    while head < shortest and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < shortest - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a, b = a[head : len(a) - tail], b[head : len(b) - tail]
    if not a or not b:
        return min(max(len(a), len(b)), limit + 1)
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        best = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[len(b)], limit + 1)


_FOLDED: dict[int, str] = {}  # character -> its folded form, for every character seen so far


def fold_text(text: str) -> str:
    """`text` with accents folded (as `fold` does to a word), fast for long texts: ASCII text is
    returned as it is, and other text goes through one translation table."""
    if text.isascii():
        return text
    for char in set(text):
        code = ord(char)
        if code > 127 and code not in _FOLDED:
            _FOLDED[code] = fold(char) if char.isalpha() else char
    return text.translate(_FOLDED)
