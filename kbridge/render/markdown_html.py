"""Markdown to sanitised HTML: a pure function the viewer, the editor preview and the site share."""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

import markdown
import nh3
from pygments.formatters import HtmlFormatter

_EXTENSIONS = ["extra", "sane_lists", "codehilite", "toc"]
_EXTENSION_CONFIG = {
    # css_class "codehilite" + Pygments' short class names: styled by pygments_css(), no inline styles.
    "codehilite": {"guess_lang": False, "css_class": "codehilite"},
    "toc": {"permalink": False},
}

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
# the viewer's own kbridge: scheme.
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
        return value if scheme in _IMAGE_SCHEMES and not as_read.startswith("//") else None
    return value if not scheme or scheme in _LINK_SCHEMES else None


def sanitise_html(html: str) -> str:
    """Only harmless markup survives: no script, handlers, styles, frames or remote images."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_LINK_SCHEMES,
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown -> sanitised HTML fragment (no <html> wrapper)."""
    converter = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIG)
    return sanitise_html(converter.convert(text or ""))


@functools.cache
def pygments_css(style: str = "default") -> str:
    """CSS for highlighted code blocks produced by render_markdown."""
    return HtmlFormatter(style=style).get_style_defs(".codehilite")
