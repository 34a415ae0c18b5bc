"""Text helpers shared by the engines: words as the analyzers see them, edit distance, plain text.

The engines analyse text as: split on anything that is not a letter or digit, lower-case, fold
accents. `words()` does the same in Python, to find the matching words of a snippet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from rapidfuzz.distance import OSA

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


# ASCII characters that are not letters or digits (what separates words), to be turned to spaces.
ASCII_SEPARATORS = str.maketrans({code: " " for code in range(128) if not chr(code).isalnum()})


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """The optimal-string-alignment distance of `a` and `b` (a swap of two neighbouring
    letters is one edit, as in the engines' fuzzy queries), or `limit + 1` when above `limit`.
    rapidfuzz computes it in C++: snippets of a fuzzy query compare hundreds of words."""
    return OSA.distance(a, b, score_cutoff=limit)


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
