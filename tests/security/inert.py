"""What "inert" means for HTML made from hostile text, checked on the parsed markup (not on
substrings: a payload shown as text, `[x](javascript:alert(1))` on the page, is what should
happen to it)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements that run, load, submit or restyle something; none may come from a record.
ACTIVE_TAGS = frozenset((
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "link", "meta",
    "base", "form", "input", "button", "textarea", "select", "svg", "math", "video", "audio",
    "source", "track", "template", "portal", "noscript", "marquee", "bgsound", "isindex", "xmp",
))
URL_ATTRIBUTES = frozenset(("href", "src", "action", "formaction", "xlink:href", "poster", "background",
                            "data", "codebase", "cite", "longdesc", "ping", "manifest", "lowsrc", "dynsrc"))
ALWAYS_FORBIDDEN_ATTRIBUTES = frozenset(("srcdoc", "srcset", "style", "http-equiv"))
LINK_SCHEMES = frozenset(("", "http", "https", "mailto", "kbridge"))
# Images load nothing from the network or disk: relative paths and the viewer's own scheme.
IMAGE_SCHEMES = frozenset(("", "kbridge"))
_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ACTIVE_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            text = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            elif name in ALWAYS_FORBIDDEN_ATTRIBUTES:
                self.problems.append(f"{name}= on <{tag}>")
            elif name in URL_ATTRIBUTES:
                squeezed = _NOISE.sub("", text)
                match = _SCHEME.match(squeezed)
                scheme = match.group(1).lower() if match else ""
                allowed = IMAGE_SCHEMES if name == "src" else LINK_SCHEMES
                if scheme not in allowed or (name == "src" and squeezed.startswith("//")):
                    self.problems.append(f"{name}={text!r} on <{tag}>")

    handle_startendtag = handle_starttag


def html_problems(html: str) -> list[str]:
    """Everything active in `html`: elements that run or load, handlers, styles, and URLs of a
    scheme a record may not use (a link: http, https, mailto, kbridge; an image: none)."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems


# --- whole pages of the static site -------------------------------------------------------------

_OWN_SCRIPT = re.compile(r"^(\.\./)?assets/(site|search-index)\.js$")
_OWN_COLOUR = re.compile(r"^background-color:#[0-9a-f]{6}$")
_OWN_SVG_ATTRIBUTES = frozenset(("xmlns", "viewbox", "width", "height", "role", "aria-label", "font-family", "class"))


def _own_site_element(tag: str, attrs: dict[str, str]) -> bool:
    """The site shell's own elements (kbridge.formats.site.pages): exactly these shapes."""
    if tag == "script":
        return set(attrs) == {"src"} and bool(_OWN_SCRIPT.match(attrs["src"]))
    if tag == "meta":
        own = ({"charset": "utf-8"}, {"name": "viewport", "content": "width=device-width, initial-scale=1"},
               {"name": "referrer", "content": "no-referrer"})
        policy = attrs.get("http-equiv") == "Content-Security-Policy"
        return attrs in own or (policy and attrs.get("content", "").startswith("default-src 'none'"))
    if tag == "link":
        return attrs.get("rel") == "stylesheet" and attrs.get("href", "").removeprefix("../") == "assets/site.css"
    if tag == "form":
        return attrs.get("class") == "search" and attrs.get("action", "").removeprefix("../") == "search.html"
    if tag == "input":
        return attrs.get("type") == "search" or (attrs.get("type") == "checkbox" and any(
            name.startswith("data-filter-") for name in attrs))
    if tag == "button":
        return attrs == {"type": "submit"}
    if tag == "span":
        return attrs.get("class") == "chip" and bool(_OWN_COLOUR.match(attrs.get("style", "")))
    if tag == "svg":  # a record's link graph, drawn by kbridge.formats.write.graph_files
        return attrs.get("class") == "kb-graph" and set(attrs) <= _OWN_SVG_ATTRIBUTES
    return tag == "noscript" and not attrs


class _PageCollector(_Collector):
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not _own_site_element(tag, {name: value or "" for name, value in attrs}):
            super().handle_starttag(tag, attrs)

    handle_startendtag = handle_starttag


def page_problems(html: str) -> list[str]:
    """`html_problems` for a page kbridge makes (the reader's, the site's), its own chip, scripts and form aside."""
    collector = _PageCollector()
    collector.feed(html)
    collector.close()
    return collector.problems
