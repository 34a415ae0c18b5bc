"""Whole pages of the static site: the shell every page shares, and one function per kind of page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kbridge.escaping import escape_html
from kbridge.model import Kind, Record

# No page may load or send anything beyond its own folder: scripts and styles from the site itself,
# no connections, no frames, no plugins. Images only from the site (it ships none) or data: URLs.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'none'; frame-src 'none'; object-src 'none'; base-uri 'none'"
)
SITE_KINDS = tuple(Kind)


@dataclass(frozen=True)
class Shell:
    """What every page shows around its content: the knowledge base's name and the kinds."""

    site_title: str
    exported_on: str
    kind_counts: dict[Kind, int]

    def page(self, title: str, body: str, *, root: str, scripts: Iterable[str] = ()) -> str:
        nav = "".join(
            f'<a href="{root}kinds/{kind.value}.html">{escape_html(kind.plural)}</a>'
            for kind in SITE_KINDS
            if self.kind_counts.get(kind)
        )
        script_tags = "".join(f'<script src="{root}assets/{name}"></script>' for name in (*scripts, "site.js"))
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<title>{escape_html(title)} — {escape_html(self.site_title)}</title>
<link rel="stylesheet" href="{root}assets/site.css">
</head>
<body data-root="{root}">
<header class="top">
<a class="brand" href="{root}index.html">{escape_html(self.site_title)}</a>
<nav>{nav}<a href="{root}recovery.html">Recovery order</a></nav>
<form class="search" action="{root}search.html" method="get" role="search">
<input type="search" name="q" placeholder="Search titles and text" aria-label="Search">
<button type="submit">Search</button>
</form>
</header>
<main>
{body}
</main>
<footer>Read-only export of {escape_html(self.site_title)}, made by kbridge on {escape_html(self.exported_on)}.</footer>
{script_tags}
</body>
</html>
"""


def breadcrumbs(root: str, record: Record) -> str:
    return (
        f'<p class="crumbs"><a href="{root}index.html">Home</a> › '
        f'<a href="{root}kinds/{record.kind.value}.html">{escape_html(record.kind.plural)}</a> › '
        f"{escape_html(record.key)}</p>"
    )


def record_body(record: Record, page_html: str, sections: list[tuple[str, str, str]], root: str) -> str:
    """A record page: the reader's page (header, facts, links both ways, body) then sections
    given as (id, heading, html)."""
    parts = [breadcrumbs(root, record), f'<article class="record">{page_html}</article>']
    for section_id, heading, html in sections:
        parts.append(f'<section id="{section_id}"><h2>{escape_html(heading)}</h2>{html}</section>')
    return "\n".join(parts)


def kind_index(kind: Kind, records: list[Record], href: dict[str, str]) -> str:
    statuses: dict[str, int] = {}
    for record in records:
        statuses[record.status or "none"] = statuses.get(record.status or "none", 0) + 1
    boxes = "".join(
        f'<label><input type="checkbox" checked data-filter-status="{escape_html(status)}"> '
        f"{escape_html(status)} ({count})</label>"
        for status, count in sorted(statuses.items())
    )
    filters = f'<div class="filters" data-filter-group="status">Status: {boxes}</div>' if len(statuses) > 1 else ""
    rows = "".join(
        f'<tr data-status="{escape_html(record.status or "none")}"><td><a href="{escape_html(href[record.key])}">'
        f"{escape_html(record.key)}</a></td><td>{escape_html(record.title)}</td>"
        f'<td><span class="chip status-{escape_html(record.status)}">{escape_html(record.status)}</span></td>'
        f"<td>{escape_html(record.date or '')}</td><td>{escape_html(record.owner_name or '')}</td></tr>"
        for record in records
    )
    return (
        f"<h1>{escape_html(kind.plural)} <small>({len(records)})</small></h1>{filters}"
        '<table class="index"><thead><tr><th>Key</th><th>Title</th><th>Status</th><th>Date</th>'
        f"<th>Owner</th></tr></thead><tbody>{rows}</tbody></table>"
        '<p class="filter-count" aria-live="polite"></p>'
    )


def home(shell: Shell, recent: list[Record], href: dict[str, str]) -> str:
    kinds = "".join(
        f'<li><a href="kinds/{kind.value}.html">{escape_html(kind.plural)}</a> <small>{count}</small></li>'
        for kind, count in shell.kind_counts.items()
        if count
    )
    latest = "".join(
        f'<li><time>{escape_html(r.date or "")}</time> <a href="{escape_html(href[r.key])}">{escape_html(r.key)}</a> '
        f'{escape_html(r.title)} <span class="chip status-{escape_html(r.status)}">{escape_html(r.status)}</span></li>'
        for r in recent
    )
    return (
        f"<h1>{escape_html(shell.site_title)}</h1>"
        "<p>Decisions, systems, controls and the reasons that link them, exported for reading. "
        "Every page works offline; search runs in your browser.</p>"
        f'<ul class="kinds">{kinds}</ul>'
        '<p><a href="recovery.html">Recovery order</a>: which systems to bring back first.</p>'
        f'<h2>Latest decisions</h2><ul class="latest">{latest}</ul>'
    )


def search_page() -> str:
    return (
        "<h1>Search</h1>"
        '<p class="hint">Every word must appear (in the title or the text); use "quotes" for a phrase.</p>'
        '<p id="search-status" aria-live="polite">Type words to search for.</p>'
        '<ol id="search-results" class="results"></ol>'
        '<noscript><p class="warning">Search needs JavaScript; every record is still reachable from '
        "the index pages.</p></noscript>"
    )
