"""How much of a very large record an interactive view renders.

Qt's rich-text engine lays out a 50,000-item list in about a minute and a 5 MB page in seconds,
on the GUI thread. The reader and the editor preview therefore show the first part of such a
record with a notice saying so; the editor, the exports and the static site keep all of it.
Measured on a 2-core machine: 2,000 list lines render in ~0.2 s, 5,000 in ~1 s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kbridge.escaping import escape_html

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class Budget:
    lines: int = 2_000
    chars: int = 200_000
    links: int = 300


# What the desktop views render at most.
VIEW_BUDGET = Budget()


@dataclass(frozen=True)
class Shortened:
    text: str
    shown_lines: int
    total_lines: int
    cut: bool
    total_chars: int


def shorten_markdown(text: str, budget: Budget) -> Shortened:
    """The first part of `text` within `budget`, cut at a paragraph break where one is near and
    with any code fence it cut through closed, so the part renders as it would in the whole."""
    total = text.count("\n") + 1
    if total <= budget.lines and len(text) <= budget.chars:
        return Shortened(text, total, total, False, len(text))
    lines = text[: budget.chars].split("\n")
    if len(lines) > budget.lines:
        lines = lines[: budget.lines]
    elif len(lines) > 1 and len(text) > budget.chars and text[budget.chars] != "\n":
        lines.pop()  # the characters ran out inside this line
    paragraph_end = max((i for i, line in enumerate(lines) if not line.strip()), default=-1)
    if paragraph_end > len(lines) // 2:
        lines = lines[:paragraph_end]
    fence = None
    for line in lines:
        match = _FENCE.match(line)
        if match and (fence is None or (match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence))):
            fence = None if fence else match.group(1)
    if fence:
        lines.append(fence)
    return Shortened("\n".join(lines), len(lines), total, True, len(text))


def shortened_notice(part: Shortened, where: str = "The editor and every export have all of it.") -> str:
    """An HTML notice for a cut record body ('' when nothing was cut)."""
    if not part.cut:
        return ""
    if part.shown_lines < part.total_lines:
        shown = f"its first {part.shown_lines:,} of {part.total_lines:,} lines"
    else:
        shown = f"its first {len(part.text):,} of {part.total_chars:,} characters"
    return f'<p class="notice">This record is long: shown here are {shown}. {escape_html(where)}</p>'


def links_notice(hidden: int) -> str:
    if hidden <= 0:
        return ""
    return (
        f'<p class="notice">… and {hidden:,} more link{"s" if hidden > 1 else ""}: '
        "the Links dialog, the graph and every export have all of them.</p>"
    )
