"""The structure of a Markdown file: front matter, then blocks with their line ranges.

markdown-it-py gives a CommonMark token stream with line maps, so a `status:` line or a `# heading`
inside a code fence stays content, and every block knows the lines it came from (which the writers
need to change one line of a file and leave the rest alone).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from kbridge.formats.safe_yaml import load_yaml
from kbridge.formats.text import split_lines, strip_line_end

_FRONT_MATTER_OPEN = "---"
_FRONT_MATTER_CLOSE = ("---", "...")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# A link destination markdown-it would percent-encode one character at a time (`mdurl.encode`):
# a `data:` image of 200 kB pasted into a decision (three in one corpus folder) took 0.2 s, a
# third of that folder's reading. Such a destination never names a file of the folder; it is
# kept as written (the file's text keeps it anyway).
_LONG_DESTINATION = 16_384


class _Parser(MarkdownIt):
    def normalizeLink(self, url: str) -> str:
        if len(url) > _LONG_DESTINATION or url[:5].lower() == "data:":
            return url
        return super().normalizeLink(url)


# Structure comes from the block phase alone; inline parsing (links, images) runs per block, and
# only on blocks of a sane size: markdown-it's inline phase takes seconds on a hostile 400 kB
# paragraph of `*a*a*a...`, which must not stall an import.
_BLOCK_PARSER = _Parser("commonmark").enable("table").disable("inline")
_INLINE_PARSER = _Parser("commonmark")
MAX_INLINE_CHARS = 20_000
# Reading a paragraph's links costs a parse of its inline markup (a tenth of an import of
# 20,000 ADR files): skipped for one that cannot hold a link.
_MAY_LINK = re.compile(r"[\[<]")


@dataclass
class FrontMatter:
    start: int  # line of the opening ---
    end: int  # line after the closing ---
    raw: str  # the YAML between the fences
    data: dict[str, Any] | None  # None when the YAML is broken or not a mapping
    error: str = ""
    note: str = ""  # how broken YAML was read nonetheless (`_plain_lines`)


@dataclass
class Block:
    """One leaf block: a heading, a paragraph, a list item's paragraph, a fence, an HTML block."""

    kind: str  # "heading", "paragraph", "item", "fence", "html", "table", "hr", "quote"
    start: int  # first line (0-based)
    end: int  # line after the last
    text: str = ""  # inline Markdown source (headings, paragraphs, items)
    level: int = 0  # heading level
    depth: int = 0  # list nesting depth (0: not in a list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, href)
    images: list[tuple[str, str]] = field(default_factory=list)  # (alt, src)
    item_start: int = -1  # for items: the first line of the list item
    quoted: bool = False  # inside a block quote (a template's instructions, a citation)


@dataclass
class Document:
    lines: list[str]  # the file's lines with their own line ends
    front_matter: FrontMatter | None
    blocks: list[Block]
    # Blocks too long to scan for links and images (first line numbers, 0-based).
    unscanned: list[int] = field(default_factory=list)
    # What readers work out once from the blocks (the header), kept: a Document never changes.
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def line(self, index: int) -> str:
        return strip_line_end(self.lines[index]) if 0 <= index < len(self.lines) else ""

    def headings(self, level: int | None = None) -> list[Block]:
        return [
            b for b in self.blocks
            if b.kind == "heading" and (level is None or b.level == level)
        ]

    def section(self, heading: Block) -> list[Block]:
        """The blocks under `heading` up to the next heading of the same or a higher level."""
        index = self.blocks.index(heading)
        section: list[Block] = []
        for block in self.blocks[index + 1 :]:
            if block.kind == "heading" and block.level <= heading.level:
                break
            section.append(block)
        return section


def parse(text: str) -> Document:
    lines = split_lines(text)
    plain = [strip_line_end(line) for line in lines]
    front_matter = _front_matter(plain)
    if front_matter is not None:
        # Blank the front matter rather than cut it, so token line maps stay file line numbers.
        for index in range(front_matter.start, front_matter.end):
            plain[index] = ""
    env: dict[str, Any] = {}  # the block phase collects [reference]: definitions here
    tokens = _BLOCK_PARSER.parse("\n".join(plain), env)
    unscanned: list[int] = []
    return Document(lines, front_matter, _blocks(tokens, env, unscanned), unscanned)


def _front_matter(plain: list[str]) -> FrontMatter | None:
    if not plain or plain[0].rstrip() != _FRONT_MATTER_OPEN:
        return None
    for index in range(1, len(plain)):
        if plain[index].rstrip() in _FRONT_MATTER_CLOSE:
            raw = "\n".join(plain[1:index])
            return FrontMatter(0, index + 1, raw, *_load_yaml(raw))
    return None


# A key at the start of a line, a colon, and the rest of the line; or the rest glued to the
# colon (`tag:Web Client`), which YAML reads as one string, not as a key and its value. A `/`
# right after the colon is a URL's (`https://...`), not a value.
_PLAIN_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*):(?:[ \t]+(?P<value>.*?)|(?P<glued>[^\s/].*?))?[ \t]*$")


def _plain_lines(raw: str) -> dict[str, Any] | None:
    """Front matter of plain `key: value` lines that YAML refuses or reads as one string: a colon
    in an unquoted value (`title: ADR001: Use X`) is the commonest slip in front matter written by
    hand, and no space after the colon (`tag:Web Client`, every file of Ensembl's decisions) the
    next; site generators that read them that way let them stand. Each line is read as YAML where
    it can be, else its value is the text after the first colon, as written. None unless every
    line is such a line (or a comment): nested or listed values are not guessed at."""
    data: dict[str, Any] = {}
    for line in raw.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _PLAIN_LINE.match(line)
        if match is None or match["key"] in data:
            return None
        if match["glued"] is not None:
            data[match["key"]] = match["glued"]
            continue
        value = _plain_value(line, match["value"] or "")
        if value is _REFUSED:
            return None
        data[match["key"]] = value
    return data or None


_REFUSED = object()


def _plain_value(line: str, text: str) -> Any:
    """The value of one `key: value` line: as YAML reads the line, or else, when what breaks it is
    a colon in plain text, the text as written (`_REFUSED` for anything else that is broken: an
    unclosed `[` or quote is not a value to guess at)."""
    with contextlib.suppress(yaml.YAMLError, ValueError, RecursionError, OverflowError):
        loaded = load_yaml(line)
        if isinstance(loaded, dict) and len(loaded) == 1:
            return plain_value(next(iter(loaded.values())))
    if ": " in text and text[0] not in "[]{}\"'|>&*!%@`#,?-":
        return text
    if text.startswith("[") and text.endswith("]") and "\n" not in text:
        # A list closed on its line that YAML refuses: ` #` inside it opens a comment
        # (`consulted: [Karl (author of PR #2389)]`, neicnordic's decisions). Its items are not
        # guessed at: the value is the text as written.
        return text
    return _REFUSED


def _load_yaml(raw: str) -> tuple[dict[str, Any] | None, str, str]:
    """(data, why it is not read, how it was read nonetheless): the fields of a FrontMatter."""
    if not raw.strip():
        return {}, "", ""
    try:
        loaded = load_yaml(raw)
    except yaml.YAMLError as error:
        first = str(error).strip().splitlines()
        why = f"({first[0] if first else 'unreadable'})"
        lines = _plain_lines(raw)  # over the size cap or nested too deep is a ValueError: never here
        if lines is not None:
            return lines, "", f"front matter is not valid YAML {why}: read as plain `key: value` lines"
        return None, f"broken YAML front matter {why}", ""
    except (ValueError, RecursionError, OverflowError) as error:  # e.g. a date out of range
        return None, f"broken YAML front matter ({error})", ""
    if loaded is None:
        return {}, "", ""
    if isinstance(loaded, str) and (lines := _plain_lines(raw)) is not None:
        return lines, "", "front matter has no space after a key's colon (`key:value`): read as `key: value` lines"
    if not isinstance(loaded, dict):
        return None, f"front matter is a YAML {type(loaded).__name__}, not a mapping", ""
    return {str(key): plain_value(value) for key, value in loaded.items()}, "", ""


def plain_value(value: Any) -> Any:
    """A YAML value as JSON-safe data (dates become ISO strings)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain_value(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _blocks(tokens: list[Token], env: dict[str, Any], unscanned: list[int]) -> list[Block]:
    blocks: list[Block] = []
    depth = 0
    quotes = 0
    item_starts: list[int] = []
    pending: Block | None = None
    for token in tokens:
        start, end = token.map if token.map else (0, 0)
        if token.type in ("blockquote_open", "blockquote_close"):
            quotes += 1 if token.type == "blockquote_open" else -1
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open":
            item_starts.append(start)
        elif token.type == "list_item_close":
            item_starts.pop()
        elif token.type == "heading_open":
            pending = Block("heading", start, end, level=int(token.tag[1:]), depth=depth)
        elif token.type == "paragraph_open":
            kind = "item" if item_starts else "paragraph"
            first = item_starts[-1] if item_starts else -1
            pending = Block(kind, start, end, depth=depth, item_start=first, quoted=quotes > 0)
        elif token.type == "inline" and pending is not None:
            pending.text = token.content
            if len(token.content) > MAX_INLINE_CHARS:
                unscanned.append(pending.start)
            elif _MAY_LINK.search(token.content):  # a link needs a bracket or an autolink's "<"
                _collect_links(_INLINE_PARSER.parseInline(token.content, env)[0], pending)
            blocks.append(pending)
            pending = None
        elif token.type in ("fence", "code_block"):
            blocks.append(Block("fence", start, end, text=token.content, depth=depth))
        elif token.type == "html_block":
            blocks.append(Block("html", start, end, text=token.content, depth=depth))
        elif token.type == "table_open":
            blocks.append(Block("table", start, end, depth=depth))
        elif token.type == "hr":
            blocks.append(Block("hr", start, end, depth=depth))
    return blocks


def _collect_links(inline: Token, block: Block) -> None:
    children = inline.children or []
    for index, child in enumerate(children):
        if child.type == "link_open":
            text_parts: list[str] = []
            for after in children[index + 1 :]:
                if after.type == "link_close":
                    break
                text_parts.append(after.content)
            block.links.append(("".join(text_parts), str(child.attrs.get("href", ""))))
        elif child.type == "image":
            block.images.append((child.content, str(child.attrs.get("src", ""))))


def strip_comments(text: str) -> str:
    """Inline text without HTML comments (`<!-- optional -->` after a template's fields)."""
    return _HTML_COMMENT.sub("", text).strip()


def is_comment_only(block: Block) -> bool:
    return block.kind == "html" and not strip_comments(block.text)
