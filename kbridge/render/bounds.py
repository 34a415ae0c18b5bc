"""Bounds on rendering Markdown a hostile record may carry.

The parser (markdown-it-py) is linear in the text; what is bounded here is what grows with
nesting and with what a record asks for:

- nesting: markdown-it recurses once per nested block and drops whatever lies deeper than its
  `maxNesting`; lines nested deeper than MAX_DEPTH (indentation, quote markers, runs of list
  markers) are flattened to that depth first, with a notice, so nothing is dropped and the
  recursion stays shallow (a 400-level list raised RecursionError in Python-Markdown);
- inline nesting: each `[` costs time in proportion to the inline nesting limit, so it is low;
- raw HTML: the sanitiser's parser slows with the square of the nesting depth (100,000 nested
  `<div>`: 50 s), so elements deeper than a limit are unwrapped before it runs;
- highlighting: Pygments' time grows with the code it reads, so it reads at most so much.

Whatever still fails is shown as plain text (`plain_fallback`), for that record, never an
exception."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from kbridge.escaping import escape_html

MAX_DEPTH = 24
# markdown-it's limits: blocks (a nested list takes two levels a step) and inline markup.
BLOCK_NESTING = 128
INLINE_NESTING = 20
HIGHLIGHT_BLOCK_CHARS = 20_000
HIGHLIGHT_TOTAL_CHARS = 200_000
# Columns of indentation a line may have: a list nested MAX_DEPTH deep (4 columns a level).
_MAX_INDENT = 4 * MAX_DEPTH
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INDENT = re.compile(r"^[ \t]+")
# A run of container markers (`> > >`, `>>>`, `- - 1. >`) opening a line, after its indentation.
_MARKER = r"(?:(?:[-+*]|\d{1,9}[.)])[ \t]+|>[ \t]*)"
_MARKERS = re.compile(rf"^{_MARKER}{{{MAX_DEPTH + 1},}}")
_KEPT_MARKERS = re.compile(rf"^{_MARKER}{{{MAX_DEPTH}}}")


def cap_nesting(text: str) -> tuple[str, int]:
    """`text` with indentation and runs of list and quote markers beyond MAX_DEPTH levels cut
    back to it (lines inside fenced code are left alone); the number of lines changed."""
    lines = text.split("\n")
    fence: str | None = None
    changed = 0
    for number, line in enumerate(lines):
        match = _FENCE.match(line)
        if match and (fence is None or (match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence))):
            fence = None if fence else match.group(1)
            continue
        if fence:
            continue
        capped = _cap_line(line)
        if capped is not line:
            lines[number] = capped
            changed += 1
    return ("\n".join(lines) if changed else text), changed


def _cap_line(line: str) -> str:
    indent = _INDENT.match(line)
    if indent is not None and len(indent.group(0).expandtabs(4)) > _MAX_INDENT:
        line = " " * _MAX_INDENT + line[indent.end():]
    rest = line.lstrip(" \t")
    markers = _MARKERS.match(rest)
    kept = _KEPT_MARKERS.match(rest) if markers is not None else None
    if markers is not None and kept is not None:
        line = line[: len(line) - len(rest)] + kept.group(0) + rest[markers.end():]
    return line


# --- nested HTML ------------------------------------------------------------------------------

_VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"))
_TAG = re.compile(r"<[A-Za-z]")


def cap_html_depth(html: str, max_depth: int = 4 * MAX_DEPTH) -> str:
    """HTML with elements nested deeper than `max_depth` unwrapped (their text kept). Only
    re-written when it has that many tags at all; the sanitiser runs on the result."""
    if len(_TAG.findall(html, 0, len(html))) <= max_depth:
        return html
    flattener = _Flattener(max_depth)
    flattener.feed(html)
    flattener.close()
    return flattener.result() if flattener.dropped else html


class _Flattener(HTMLParser):
    def __init__(self, max_depth: int) -> None:
        super().__init__(convert_charrefs=True)
        self.max_depth = max_depth
        self.open: list[str] = []
        self.unwrapped: dict[str, int] = {}
        self.parts: list[str] = []
        self.dropped = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self.parts.append(self._tag(tag, attrs))
            return
        if len(self.open) >= self.max_depth:
            self.unwrapped[tag] = self.unwrapped.get(tag, 0) + 1
            self.dropped += 1
            return
        self.open.append(tag)
        self.parts.append(self._tag(tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(self._tag(tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if self.unwrapped.get(tag):
            self.unwrapped[tag] -= 1
            return
        if tag in self.open:
            while self.open:
                closed = self.open.pop()
                self.parts.append(f"</{closed}>")
                if closed == tag:
                    break

    def handle_data(self, data: str) -> None:
        self.parts.append(escape_html(data))

    @staticmethod
    def _tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
        rendered = "".join(f' {name}="{escape_html(value or "")}"' for name, value in attrs)
        return f"<{tag}{rendered}>"

    def result(self) -> str:
        return "".join(self.parts) + "".join(f"</{tag}>" for tag in reversed(self.open))


def plain_fallback(text: str, why: str) -> str:
    """The text as it is, in a preformatted block, with a notice saying why it is not laid out."""
    return (f'<p class="notice">This text could not be laid out ({escape_html(why)}); '
            f"it is shown as plain text.</p><pre>{escape_html(text)}</pre>")
