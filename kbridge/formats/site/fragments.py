"""HTML fragments of the static site: why-trees, system timelines, the recovery table, links in
record bodies. Every text that comes from the knowledge base is escaped here."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from kbridge.core.recovery import Person, RecoveryPlan
from kbridge.core.timeline import Timeline, TimelineEntry
from kbridge.core.trails import Trail, TrailNode
from kbridge.escaping import escape_html

# Statuses by meaning, as the desktop reader colours them: green settled, blue in progress,
# grey ended, red attention.
STATUS_COLOURS = {
    "accepted": "#1a7f37", "implemented": "#1a7f37", "active": "#1a7f37", "resolved": "#1a7f37",
    "mitigated": "#1a7f37", "closed": "#57606a",
    "proposed": "#0969da", "draft": "#0969da", "planned": "#0969da", "partial": "#9a6700",
    "open": "#cf222e", "rejected": "#cf222e",
    "superseded": "#8250df", "deprecated": "#9a6700", "retired": "#57606a",
    "decommissioned": "#57606a", "withdrawn": "#57606a", "departed": "#57606a",
}

Href = Callable[[str], str | None]  # a record key -> the page that shows it (None: not exported)


def status_hex(status: str) -> str:
    return STATUS_COLOURS.get(status, "#57606a")


def chip(status: str) -> str:
    if not status:
        return ""
    return f'<span class="chip status-{escape_html(status)}">{escape_html(status)}</span>'


def record_anchor(key: str, uid: str | None, href: Href) -> str:
    """A link to the record's page; plain text for a dangling link or a record not exported."""
    target = href(key) if uid else None
    if target is None:
        return f'<span class="key missing">{escape_html(key)}</span>'
    return f'<a class="key" href="{escape_html(target)}">{escape_html(key)}</a>'


# --- why-trees -------------------------------------------------------------------------------


def trail_html(trail: Trail, href: Href, empty: str) -> str:
    if not trail.root.children:
        return f'<p class="empty">{escape_html(empty)}</p>'
    return _tree(trail.root.children, href)


def _tree(nodes: list[TrailNode], href: Href) -> str:
    items = []
    for node in nodes:
        kind = node.kind.value if node.kind else "missing"
        marks = []
        if node.dangling:
            marks.append("not in the knowledge base")
        if node.superseded_by:
            marks.append("superseded by " + ", ".join(node.superseded_by))
        if node.cycle:
            marks.append("cycle: already on this path")
        if node.repeated:
            marks.append("see above")
        mark = "".join(f' <span class="mark">({escape_html(text)})</span>' for text in marks)
        more = f'<li class="more">… {node.more} more reasons on its own page</li>' if node.more else ""
        children = _tree(node.children, href) if node.children else ""
        if more:
            children = children.replace("</ul>", more + "</ul>") if children else f'<ul class="trail">{more}</ul>'
        items.append(
            f'<li class="kind-{kind}"><span class="via">{escape_html(node.via)}</span> '
            f"{record_anchor(node.key, node.uid, href)} {escape_html(node.title)} {chip(node.status)}{mark}"
            f"{children}</li>"
        )
    return f'<ul class="trail">{"".join(items)}</ul>'


# --- timelines -------------------------------------------------------------------------------


def timeline_html(timeline: Timeline, href: Href) -> str:
    entries = timeline.entries + timeline.undated
    if not entries:
        return '<p class="empty">Nothing dated is linked to this system.</p>'
    kinds = sorted({entry.filter_kind for entry in entries})
    boxes = "".join(
        f'<label><input type="checkbox" checked data-filter-kind="{escape_html(kind)}"> '
        f'<span class="swatch kind-{escape_html(kind)}"></span>{escape_html(kind.replace("-", " "))}</label>'
        for kind in kinds
    )
    rows = []
    year = ""
    for entry in timeline.entries:
        if entry.date[:4] != year:
            year = entry.date[:4]
            rows.append(f'<li class="tl-year">{escape_html(year)}</li>')
        rows.append(_timeline_row(entry.date, entry, href))
    for entry in timeline.undated:
        if year != "undated":
            year = "undated"
            rows.append('<li class="tl-year">Undated</li>')
        rows.append(_timeline_row("", entry, href))
    return (
        f'<div class="filters" data-filter-group="timeline">Show: {boxes}</div>'
        f'<ol class="timeline">{"".join(rows)}</ol>'
    )


def _timeline_row(date: str, entry: TimelineEntry, href: Href) -> str:
    kind = entry.filter_kind
    what = escape_html(entry.title)
    if entry.change:
        before, after = escape_html(entry.change[0] or "-"), escape_html(entry.change[1])
        what = f'<span class="change">{before} → {after}</span> {what}'
    kind_class, kind_words = escape_html(kind), escape_html(kind.replace("-", " "))
    return (
        f'<li class="tl-entry kind-{kind_class}" data-kind="{kind_class}">'
        f'<time>{escape_html(date)}</time><span class="badge kind-{kind_class}">{kind_words}</span> '
        f"{record_anchor(entry.key, entry.uid, href)} {what} "
        f'<span class="via">{escape_html(entry.via if entry.via != "self" else "this system")}</span></li>'
    )


# --- recovery --------------------------------------------------------------------------------


def recovery_html(plan: RecoveryPlan, href: Href) -> str:
    if not plan.steps:
        return '<p class="empty">No running systems.</p>'
    head = "".join(f"<th>{name}</th>" for name in (
        "#", "Wave", "System", "Criticality", "RTO", "RPO", "Needs", "Owner", "Approver", "Governed by", "Gaps"))
    rows = []
    for step in plan.steps:
        needs = ", ".join(escape_html(key) for key in step.depends_on)
        governing = ", ".join(record_anchor(g.key, g.key, href) for g in step.governing)
        gaps = "".join(f"<li>{escape_html(gap)}</li>" for gap in step.gaps)
        cls = ' class="gap"' if step.gaps else ""
        rows.append(
            f"<tr{cls}><td>{step.position}</td><td>{step.wave}</td>"
            f"<td>{record_anchor(step.key, step.record.uid, href)} {escape_html(step.record.title)}</td>"
            f"<td>{escape_html(step.criticality or '?')}</td><td>{escape_html(step.rto or '?')}</td>"
            f"<td>{escape_html(step.rpo or '?')}</td><td>{needs}</td>"
            f"<td>{_person(step.owner)}</td><td>{_person(step.approver)}</td>"
            f"<td>{governing}</td><td><ul class=\"gaps\">{gaps}</ul></td></tr>"
        )
    cycles = "".join(
        f'<p class="warning">Dependency cycle: {escape_html(" → ".join([*cycle, cycle[0]]))}</p>'
        for cycle in plan.cycles
    )
    return f'{cycles}<table class="recovery"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _person(person: Person | None) -> str:
    if person is None:
        return '<span class="missing">none</span>'
    left = ' <span class="mark">(has left)</span>' if person.departed else ""
    return f"{escape_html(person.name)}{left}"


# --- links inside rendered bodies -------------------------------------------------------------

_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.DOTALL)
_HREF = re.compile(r'\shref="([^"]*)"')
_IMAGE = re.compile(r'<img ([^>]*)>')
_ALT = re.compile(r'alt="([^"]*)"')


def rewrite_links(html: str, resolve: Callable[[str], str | None]) -> str:
    """Point relative links of sanitised HTML at exported pages. A link to a record is resolved by
    `resolve` (key or source path -> page); one that leads nowhere loses its link and keeps its
    text, so the site has no broken link. Images never load: the site carries no attachments."""

    def anchor(match: re.Match[str]) -> str:
        attributes, text = match.group(1), match.group(2)
        found = _HREF.search(attributes)
        if found is None:
            return match.group(0)
        href = unescape(found.group(1))
        parts = urlsplit(href)
        if parts.scheme or href.startswith("#"):
            return match.group(0)
        target = resolve(unquote(parts.path))
        if target is None:
            return f'<span class="unresolved" title="{escape_html(href)}">{text}</span>'
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        rest = attributes[: found.start()] + f' href="{escape_html(target + fragment)}"' + attributes[found.end():]
        return f"<a{rest}>{text}</a>"

    def image(match: re.Match[str]) -> str:
        alt = _ALT.search(match.group(1))
        text = escape_html(unescape(alt.group(1))) if alt else ""
        return f'<span class="image-placeholder">[image: {text}]</span>'

    return _IMAGE.sub(image, _ANCHOR.sub(anchor, html))


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "li", "br", "tr", "h1", "h2", "h3", "h4", "pre", "td", "th"):
            self.parts.append(" ")


def plain_text(html: str) -> str:
    """The words of an HTML fragment, whitespace collapsed (what the site's search reads)."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return " ".join("".join(collector.parts).split())
