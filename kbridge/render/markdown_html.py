"""Markdown to sanitised HTML: a pure function the viewer, the editor preview and the site share.

The parser is markdown-it-py (CommonMark, as GitHub renders the ADRs kbridge reads, plus GitHub's
tables and strikethrough): it runs in time linear in the text, where Python-Markdown took
minutes on a few kilobytes of hostile brackets, abbreviations or headings. Its bounds (nesting,
highlighting) are in `kbridge.render.bounds`."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from kbridge.escaping import escape_html
from kbridge.render.bounds import (
    BLOCK_NESTING,
    HIGHLIGHT_BLOCK_CHARS,
    HIGHLIGHT_TOTAL_CHARS,
    INLINE_NESTING,
    MAX_DEPTH,
    cap_html_depth,
    cap_nesting,
    plain_fallback,
)

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "s", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "ol": {"start"},
}
# Links may leave the knowledge base only through these; the viewer still asks before opening them.
_LINK_SCHEMES = {"http", "https", "mailto", "kbridge"}
# Images never load from the network or the file system: only relative paths (attachments) and
# the viewer's own kbridge: scheme; no absolute path (`/dev/zero`, a FIFO).
_IMAGE_SCHEMES = {"", "kbridge"}


# Browsers ignore ASCII whitespace and control characters inside a URL, so "java\tscript:" runs
# as "javascript:"; judge the scheme on the URL as a browser would read it.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute not in ("href", "src"):
        return value
    as_read = _URL_NOISE.sub("", value)
    scheme = urlsplit(as_read).scheme.lower()
    if attribute == "src":
        return value if scheme in _IMAGE_SCHEMES and not as_read.startswith(("/", "\\")) else None
    return value if not scheme or scheme in _LINK_SCHEMES else None


def sanitise_html(html: str) -> str:
    """Only harmless markup survives: no script, handlers, styles, frames or remote images."""
    return nh3.clean(
        cap_html_depth(html),
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_LINK_SCHEMES,
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown -> sanitised HTML fragment (no <html> wrapper). Never raises: text nested deeper
    than it can be laid out is flattened, with a notice, and text that cannot be laid out at all
    is shown as it is, for this text only."""
    source, flattened = cap_nesting(text or "")
    try:
        html = sanitise_html(_parser().render(source, {"highlighted": 0}))
    except Exception as error:  # RecursionError, MemoryError, a parser bug: this text only
        return plain_fallback(text or "", type(error).__name__)
    if flattened:
        lines = f"{flattened:,} line{'s' if flattened > 1 else ''}"
        return (f'<p class="notice">{lines} nested more than {MAX_DEPTH} levels deep '
                f"{'are' if flattened > 1 else 'is'} shown at that depth.</p>{html}")
    return html


def _parser() -> MarkdownIt:
    """A parser per call (0.1 ms): its options change between the block and inline phases."""
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": BLOCK_NESTING})
    md.enable(["table", "strikethrough"])
    md.core.ruler.before("inline", "kbridge_inline_nesting", _inline_nesting)
    md.core.ruler.after("inline", "kbridge_heading_ids", _heading_ids)
    md.add_render_rule("fence", _fence)
    return md


def _inline_nesting(state: StateCore) -> None:
    # Blocks keep the deep limit (past it markdown-it drops the rest of the text); inline markup
    # past INLINE_NESTING stays text, and each `[` costs time in proportion to this limit.
    state.md.options["maxNesting"] = INLINE_NESTING


_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_SPACE = re.compile(r"[-\s]+")


def _heading_ids(state: StateCore) -> None:
    """`id`s for headings, as Python-Markdown's toc made them (`#context`, `#context_1`), so
    in-page links keep working."""
    used: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or index + 1 >= len(tokens):
            continue
        words = "".join(child.content for child in tokens[index + 1].children or []
                        if child.type in ("text", "code_inline"))
        ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode("ascii")
        slug = _SLUG_SPACE.sub("-", _SLUG_DROP.sub("", ascii_words).strip().lower()) or "section"
        count = used.get(slug, 0)
        used[slug] = count + 1
        token.attrSet("id", slug if count == 0 else f"{slug}_{count}")


def _fence(renderer: Any, tokens: Any, index: int, options: Any, env: dict[str, Any]) -> str:
    """A fenced block with a known language is highlighted by Pygments, within a budget per block
    and per text (a lexer's time grows with what it reads)."""
    token = tokens[index]
    language = (token.info or "").strip().split(maxsplit=1)[0] if token.info else ""
    code = token.content
    spent = env.get("highlighted", 0)
    if language and len(code) <= HIGHLIGHT_BLOCK_CHARS and spent + len(code) <= HIGHLIGHT_TOTAL_CHARS:
        try:
            lexer = get_lexer_by_name(language)
        except ClassNotFound:
            lexer = None
        if lexer is not None:
            env["highlighted"] = spent + len(code)
            body = highlight(code, lexer, HtmlFormatter(nowrap=True))
            return f'<pre class="codehilite"><code>{body}</code></pre>\n'
    return f'<pre class="codehilite"><code>{escape_html(code)}</code></pre>\n'


@functools.cache
def pygments_css(style: str = "default") -> str:
    """CSS for highlighted code blocks produced by render_markdown."""
    return str(HtmlFormatter(style=style).get_style_defs(".codehilite"))
