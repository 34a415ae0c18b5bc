"""The structure of a reStructuredText file, as the blocks a Markdown file gives (`markdown_doc`).

Decisions are written in reStructuredText too: Open edX keeps those of its hundreds of
repositories so (`docs/decisions/0003-x.rst`, OEP-19). This reads what a decision's reader needs
(`kbridge.formats.read.reader`): section titles (an underline, or an overline and an underline, of
one punctuation character; their levels in the order the styles first appear), paragraphs, list
items, field lists (`:Status: Accepted`, read as `Status: Accepted` lines), literal blocks and code
directives (content, never metadata), tables, transitions, comments and other directives, with
each block's line range, so that what a reader finds is where the file has it.

Inline markup is given as its Markdown equivalent (`` `text <url>`_ `` and `` :doc:`x` `` as
`[text](url)`, ``` ``code`` ``` as `` `code` ``), so the readers' inline rules apply unchanged;
the links are listed on each block. Named references (`` `Kafka`_ ``) take the address of their
`.. _Kafka: url` target, wherever in the file it is.

Not docutils: a reader of a few constructs, linear in the file's length (files are capped before
they get here), that never runs a directive and never fails on a file it does not understand (an
unknown construct is a paragraph).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kbridge.formats.markdown_doc import MAX_INLINE_CHARS, Block, Document
from kbridge.formats.text import split_lines, strip_line_end
from kbridge.model import Record

RST_SUFFIXES = (".rst", ".rest")
RST_FORMAT = "rst"

# A line of one punctuation character repeated (a section adornment or a transition).
_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1*[ \t]*$")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+•‣⁃])(?:[ \t]+(?P<text>.*))?$")
_ENUMERATED = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>\(?(?:\d{1,9}|#|[a-zA-Z]|[ivxlcdm]{1,7})[.)])[ \t]+(?P<text>.*)$")
_FIELD = re.compile(r"^:(?P<name>[^:`\s][^:`]{0,60}):(?:[ \t]+(?P<value>.*))?$")
_EXPLICIT = re.compile(r"^\.\.(?:[ \t]+(?P<rest>.*))?$")
_DIRECTIVE = re.compile(r"^(?P<name>[\w.+-]+)::(?:[ \t]*(?P<argument>.*))?$")
_TARGET = re.compile(r"^_(?P<name>`[^`]+`|[^:]+):(?:[ \t]+(?P<url>\S.*))?$")
_ANONYMOUS_TARGET = re.compile(r"^__[ \t]+(?P<url>\S.*)$")
_TABLE_BORDER = re.compile(r"^[ \t]*(?:\+[-=+]+\+|=+(?:[ \t]+=+)+)[ \t]*$")
_CODE_DIRECTIVES = {"code", "code-block", "sourcecode", "literalinclude", "highlight", "math", "raw", "csv-table",
                    "list-table", "graphviz", "mermaid", "uml", "plantuml"}
_IMAGE_DIRECTIVES = {"image", "figure"}
# Nesting (lists, quotes, directives) read as such; deeper, a region is one paragraph: each level
# is a call, and a hostile file of a thousand levels would exhaust the interpreter's stack.
MAX_DEPTH = 40
_ADMONITIONS = {"note", "warning", "important", "tip", "attention", "caution", "danger", "error", "hint",
                "seealso", "admonition", "topic", "sidebar", "rubric", "epigraph", "highlights", "pull-quote"}

# Inline markup: a hyperlink with its address, a role, a named reference, inline literals.
_EMBEDDED_LINK = re.compile(r"`(?P<text>[^`<>]*?)[ \t]*<(?P<url>[^`<>]+)>`__?")
_ROLE = re.compile(r":(?P<role>[\w.+-]+):`(?P<body>[^`]+)`")
# A reference word is short: unbounded, each part of `a.a.a.a...` would be tried to the line's end.
_NAMED_REFERENCE = re.compile(
    r"`(?P<phrase>[^`<>]+)`__?(?![\w])|(?<![\w`])(?P<word>[A-Za-z0-9][\w.-]{0,80}[A-Za-z0-9])__?(?![\w])")
_LITERAL = re.compile(r"``(?P<code>[^`]+?)``")
_ROLE_TEXT_AND_TARGET = re.compile(r"^(?P<text>.*?)[ \t]*<(?P<target>[^<>]+)>$")


@dataclass
class _Lines:
    """The file's lines without their ends, and what the explicit targets name."""

    plain: list[str]
    targets: dict[str, str] = field(default_factory=dict)  # lower-case name -> address


def is_rst(path: str) -> bool:
    return path.lower().endswith(RST_SUFFIXES)


def parse(text: str) -> Document:
    lines = split_lines(text)
    source = _Lines([strip_line_end(line).expandtabs(8) for line in lines])
    source.targets = _targets(source.plain)
    parser = _Parser(source)
    parser.run(0, len(source.plain), indent=0, depth=0, quoted=False)
    return Document(lines, None, parser.blocks, parser.unscanned)


def _targets(plain: list[str]) -> dict[str, str]:
    targets: dict[str, str] = {}
    for line in plain:
        explicit = _EXPLICIT.match(line.strip())
        if explicit is None or not explicit["rest"]:
            continue
        target = _TARGET.match(explicit["rest"])
        if target is not None and target["url"]:
            name = target["name"].strip("`").strip().lower()
            targets.setdefault(" ".join(name.split()), target["url"].strip())
    return targets


class _Parser:
    def __init__(self, source: _Lines) -> None:
        self.plain = source.plain
        self.targets = source.targets
        self.blocks: list[Block] = []
        self.unscanned: list[int] = []  # blocks too long to scan for links (first lines)
        self.nesting = 0  # calls of `run` under way
        self.styles: list[tuple[str, bool]] = []  # section adornment styles in the order first seen

    def run(self, start: int, end: int, *, indent: int, depth: int, quoted: bool, item_start: int = -1) -> None:
        """The blocks of lines start..end, whose text starts at column `indent` (deeper: a quote)."""
        if depth + quoted > MAX_DEPTH or self.nesting > MAX_DEPTH:
            self._add_paragraph(start, end, [line.strip() for line in self.plain[start:end]], depth, quoted,
                                item_start, kind="item" if item_start >= 0 else "paragraph")
            return
        self.nesting += 1
        try:
            self._run(start, end, indent, depth, quoted, item_start)
        finally:
            self.nesting -= 1

    def _run(self, start: int, end: int, indent: int, depth: int, quoted: bool, item_start: int) -> None:
        index = start
        while index < end:
            line = self.plain[index]
            if not line.strip():
                index += 1
                continue
            column = _indent_of(line)
            if column > indent and item_start < 0:
                stop = self._indented_end(index, end, indent + 1)
                self.run(index, stop, indent=column, depth=depth, quoted=True)
                index = stop
                continue
            index = self._block(index, end, column, depth, quoted, item_start)

    def _block(self, index: int, end: int, column: int, depth: int, quoted: bool, item_start: int) -> int:
        line = self.plain[index].strip()
        heading = self._heading(index, end) if column == 0 and not quoted else None
        if heading is not None:
            return heading
        if _ADORNMENT.match(line) and len(line) >= 4 and self._blank(index - 1) and self._blank(index + 1):
            self.blocks.append(Block("hr", index, index + 1, depth=depth))
            return index + 1
        explicit = _EXPLICIT.match(line)
        if explicit is not None:
            return self._explicit(index, end, column, explicit["rest"] or "", depth)
        if _TABLE_BORDER.match(self.plain[index]):
            stop = index + 1
            while stop < end and self.plain[stop].strip():
                stop += 1
            self.blocks.append(Block("table", index, stop, depth=depth))
            return stop
        if _FIELD.match(line):
            return self._fields(index, end, column, depth, quoted)
        item = _list_item(self.plain[index])
        if item is not None and (item["text"] or "").strip():
            return self._item(index, end, item, depth, quoted)
        return self._paragraph(index, end, column, depth, quoted, item_start)

    def _heading(self, index: int, end: int) -> int | None:
        """A section title at `index` (over- and underlined, or underlined): the line after it."""
        line = self.plain[index]
        over = _ADORNMENT.match(line)
        if over is not None and index + 2 < end:
            title, under = self.plain[index + 1], self.plain[index + 2].strip()
            if title.strip() and not _ADORNMENT.match(title.strip()) and under[:1] == over.group(1) \
                    and _ADORNMENT.match(under):
                self._add_heading(index, index + 3, title.strip(), (over.group(1), True))
                return index + 3
        if over is None and index + 1 < end and line.strip():
            under = self.plain[index + 1]
            match = _ADORNMENT.match(under)
            if match is not None and not under.startswith((" ", "\t")) \
                    and len(under.strip()) >= min(3, len(line.strip())) and self._blank(index - 1):
                self._add_heading(index, index + 2, line.strip(), (match.group(1), False))
                return index + 2
        return None

    def _add_heading(self, start: int, end: int, title: str, style: tuple[str, bool]) -> None:
        if style not in self.styles:
            self.styles.append(style)
        block = Block("heading", start, end, level=min(self.styles.index(style) + 1, 6))
        block.text = self._inline(title, block)
        self.blocks.append(block)

    def _explicit(self, index: int, end: int, column: int, rest: str, depth: int) -> int:
        """A comment, a hyperlink target or a directive, with its indented content."""
        stop = self._indented_end(index + 1, end, column + 1)
        directive = _DIRECTIVE.match(rest)
        name = directive["name"].lower() if directive is not None else ""
        if name in _IMAGE_DIRECTIVES:
            block = Block("html", index, stop, text=self.plain[index].strip(), depth=depth)
            block.images.append(("", (directive["argument"] or "").strip() if directive else ""))
            self.blocks.append(block)
        elif name in _ADMONITIONS:
            first = len(self.blocks)
            if directive is not None and (directive["argument"] or "").strip():
                self._add_paragraph(index, index + 1, [directive["argument"] or ""], depth, True, -1)
            inner = self._after_options(index + 1, stop)
            self.run(inner, stop, indent=_content_indent(self.plain, inner, stop, column + 1), depth=depth,
                     quoted=True)
            for block in self.blocks[first:]:
                block.quoted = True
        elif name in _CODE_DIRECTIVES:
            inner = self._after_options(index + 1, stop)
            self.blocks.append(Block("fence", index, stop, text="\n".join(self.plain[inner:stop]).strip("\n"),
                                     depth=depth))
        else:
            self.blocks.append(Block("html", index, stop, text="\n".join(self.plain[index:stop]), depth=depth))
        return stop

    def _after_options(self, index: int, stop: int) -> int:
        """The first line of a directive's content, after its options (`:linenos:`)."""
        while index < stop and _FIELD.match(self.plain[index].strip()):
            index += 1
        return index

    def _fields(self, index: int, end: int, column: int, depth: int, quoted: bool) -> int:
        """A field list: one paragraph of `Name: value` lines, as a header of metadata reads."""
        texts: list[str] = []
        stop = index
        while stop < end and self.plain[stop].strip():
            line = self.plain[stop]
            match = _FIELD.match(line.strip()) if _indent_of(line) == column else None
            if match is not None:
                texts.append(f"{match['name'].strip()}: {(match['value'] or '').strip()}")
            elif _indent_of(line) > column and texts:
                texts[-1] += " " + line.strip()  # a value continued on indented lines
            else:
                break
            stop += 1
        self._add_paragraph(index, stop, texts, depth, quoted, -1)
        return stop

    def _item(self, index: int, end: int, item: re.Match[str], depth: int, quoted: bool) -> int:
        content = len(item["indent"]) + len(item["marker"]) + 1
        while content < len(self.plain[index]) and self.plain[index][content] in " \t":
            content += 1
        stop = self._indented_end(index + 1, end, content)
        # The item's first paragraph: its first line and the lines after it up to a blank or a list.
        first_end = index + 1
        while first_end < stop and self.plain[first_end].strip() and not _list_item(self.plain[first_end]):
            first_end += 1
        texts = [item["text"] or ""] + [self.plain[n].strip() for n in range(index + 1, first_end)]
        self._add_paragraph(index, first_end, texts, depth + 1, quoted, index, kind="item")
        if first_end < stop:
            self.run(first_end, stop, indent=content, depth=depth + 1, quoted=quoted, item_start=index)
        return stop

    def _paragraph(self, index: int, end: int, column: int, depth: int, quoted: bool, item_start: int) -> int:
        stop = index
        while stop < end and self.plain[stop].strip() and _indent_of(self.plain[stop]) >= column:
            if stop > index and (_EXPLICIT.match(self.plain[stop].strip()) or _FIELD.match(self.plain[stop].strip())):
                break
            if stop > index and _list_item(self.plain[stop]) and _indent_of(self.plain[stop]) == column:
                break
            stop += 1
        texts = [self.plain[n].strip() for n in range(index, stop)]
        literal = texts[-1].endswith("::")
        if literal:
            texts[-1] = texts[-1][:-2].rstrip() + (":" if texts[-1][:-2].strip() else "")
        if any(texts):
            self._add_paragraph(index, stop, texts, depth, quoted, item_start,
                                kind="item" if item_start >= 0 else "paragraph")
        if literal:  # `::`: the indented block after it is literal text (code, a sample file)
            after = stop
            while after < end and not self.plain[after].strip():
                after += 1
            literal_end = self._indented_end(after, end, column + 1) if after < end and \
                _indent_of(self.plain[after]) > column else after
            if literal_end > after:
                self.blocks.append(Block("fence", after, literal_end, text="\n".join(self.plain[after:literal_end]),
                                         depth=depth))
                return literal_end
        return stop

    def _add_paragraph(self, start: int, end: int, texts: list[str], depth: int, quoted: bool, item_start: int,
                       *, kind: str = "paragraph") -> None:
        block = Block(kind, start, end, depth=depth, item_start=item_start, quoted=quoted)
        block.text = "\n".join(self._inline(text, block) for text in texts if text)
        if block.text:
            self.blocks.append(block)

    def _indented_end(self, index: int, end: int, minimum: int) -> int:
        """The line after the block of lines from `index` indented at least `minimum` (blank
        lines inside it included, those after it not)."""
        last = index
        stop = index
        while stop < end:
            line = self.plain[stop]
            if line.strip():
                if _indent_of(line) < minimum:
                    break
                last = stop + 1
            stop += 1
        return last

    def _blank(self, index: int) -> bool:
        return index < 0 or index >= len(self.plain) or not self.plain[index].strip()

    def _inline(self, text: str, block: Block) -> str:
        """`text` with its inline markup as Markdown's; its links listed on `block`. A text of
        over `MAX_INLINE_CHARS` is kept as it is (as `markdown_doc` keeps such a paragraph)."""
        if len(text) > MAX_INLINE_CHARS:
            if block.start not in self.unscanned:
                self.unscanned.append(block.start)
            return text

        def embedded(match: re.Match[str]) -> str:
            url = match["url"].strip()
            label = match["text"].strip() or url
            if url.endswith("_") and not url.startswith(("http:", "https:")):  # `text <name_>`_: a reference
                url = self.targets.get(url[:-1].strip("`").lower(), "")
            if not url:
                return label
            block.links.append((label, url))
            return f"[{label}]({url})"

        def role(match: re.Match[str]) -> str:
            body = match["body"].strip()
            if match["role"] not in ("doc", "download"):
                return body if match["role"] not in ("code", "literal", "file", "samp") else f"`{body}`"
            parts = _ROLE_TEXT_AND_TARGET.match(body)
            label, target = (parts["text"] or parts["target"], parts["target"]) if parts else (body, body)
            if match["role"] == "doc" and not re.search(r"\.\w{1,8}$", target):
                target += ".rst"  # a document is named without its extension
            block.links.append((label, target))
            return f"[{label}]({target})"

        def named(match: re.Match[str]) -> str:
            name = match["phrase"] or match["word"]
            url = self.targets.get(" ".join(name.lower().split()))
            if url is None:
                return name if match["phrase"] else match.group(0)
            block.links.append((name, url))
            return f"[{name}]({url})"

        literals: list[str] = []

        def literal(match: re.Match[str]) -> str:
            literals.append(match["code"])
            return f"\x00{len(literals) - 1}\x00"

        text = _LITERAL.sub(literal, text)  # nothing inside a literal is markup
        text = _EMBEDDED_LINK.sub(embedded, text)
        text = _ROLE.sub(role, text)
        text = _NAMED_REFERENCE.sub(named, text)
        return re.sub(r"\x00(\d+)\x00", lambda m: f"`{literals[int(m.group(1))]}`", text)


def _list_item(line: str) -> re.Match[str] | None:
    return _BULLET.match(line) or _ENUMERATED.match(line)


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _content_indent(plain: list[str], start: int, end: int, minimum: int) -> int:
    for line in plain[start:end]:
        if line.strip():
            return max(minimum, _indent_of(line))
    return minimum


def to_markdown(text: str) -> str:
    """A reStructuredText body as Markdown, to be shown (the record keeps its text as written):
    sections one level below the record's title, list items, literal blocks and tables as code,
    images; comments, link targets and other directives left out."""
    doc = parse(text)
    plain = [strip_line_end(line) for line in doc.lines]
    parts: list[str] = []
    for block in doc.blocks:
        if block.kind == "heading":
            parts.append(f"{'#' * min(block.level + 1, 6)} {block.text}")
        elif block.kind in ("paragraph", "item"):
            lines = block.text.split("\n")
            if block.kind == "item":
                indent = "  " * max(block.depth - 1, 0)
                first = block.start == block.item_start
                lines = [f"{indent}{'- ' if first else '  '}{lines[0]}", *(f"{indent}  {line}" for line in lines[1:])]
            if block.quoted:
                lines = [f"> {line}" for line in lines]
            parts.append("\n".join(lines))
        elif block.kind in ("fence", "table"):
            body = block.text.split("\n") if block.kind == "fence" else plain[block.start:block.end]
            margin = min((_indent_of(line) for line in body if line.strip()), default=0)
            parts.append("```\n" + "\n".join(line[margin:] for line in body) + "\n```")
        elif block.kind == "hr":
            parts.append("---")
        elif block.images:
            parts.extend(f"![{alt}]({src})" for alt, src in block.images if src)
    return "\n\n".join(parts) + "\n"


def body_markup(record: Record) -> Callable[[str], str] | None:
    """How the body of `record` becomes Markdown to be shown (`record_page_html`'s `to_markdown`):
    `to_markdown` when it was imported from reStructuredText, None for a Markdown body."""
    return to_markdown if (record.source or {}).get("format") == RST_FORMAT else None
