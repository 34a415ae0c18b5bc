"""A record as an HTML page body: header, facts, links grouped by label, rendered Markdown body.

Shared by the desktop reader and the static site; each says how a link to another record is
written (`record_href`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from kbridge.escaping import escape_html
from kbridge.model import KIND_FIELDS, LinkedRecord, Record
from kbridge.render.budget import Budget, links_notice, shorten_markdown, shortened_notice
from kbridge.render.markdown_html import render_markdown

RECORD_SCHEME = "kbridge"


def viewer_href(uid: str) -> str:
    """How the desktop reader addresses another record."""
    return f"{RECORD_SCHEME}:record/{uid}"


def record_page_html(
    record: Record,
    links: list[LinkedRecord],
    *,
    status_hex: Callable[[str], str],
    record_href: Callable[[str], str] = viewer_href,
    today: dt.date | None = None,
    budget: Budget | None = None,
    to_markdown: Callable[[str], str] | None = None,
) -> str:
    """The page; with a `budget` (the desktop views), a very long body or link list is cut, with
    a notice saying so. `to_markdown` turns a body written in another markup (an imported
    reStructuredText decision) into Markdown: only the part shown, after the cut."""
    convert = to_markdown or (lambda text: text)
    parts = [_header(record, status_hex, today or dt.date.today())]
    parts.append(_facts(record, today or dt.date.today()))
    if links:
        shown = links if budget is None else links[: budget.links]
        parts.append(_links(shown, record_href, hidden=len(links) - len(shown)))
    if budget is None:
        parts.append(f'<div class="body">{render_markdown(convert(record.body))}</div>')
    else:
        part = shorten_markdown(record.body, budget)
        notice = shortened_notice(part)
        parts.append(f'<div class="body">{notice}{render_markdown(convert(part.text))}{notice}</div>')
    return "\n".join(parts)


def _header(record: Record, status_hex: Callable[[str], str], today: dt.date) -> str:
    chip = ""
    if record.status:
        colour = status_hex(record.status)
        chip = (
            f'<span class="chip" style="background-color:{colour}">&nbsp;{escape_html(record.status)}&nbsp;</span>'
        )
    trash = ' <span class="trash">in the trash</span>' if record.deleted else ""
    return (
        f'<p><span class="key">{escape_html(record.key)}</span> &nbsp;{chip}{trash}'
        f' &nbsp;<span class="kind">{escape_html(record.kind.label)}</span></p>'
        f'<h1 class="title">{escape_html(record.title)}</h1>'
    )


def _facts(record: Record, today: dt.date) -> str:
    # (name, value) pairs, both escaped here: a field's name is a front-matter key of an imported
    # file, as hostile as its value.
    rows: list[tuple[str, str]] = []
    status_note, date_note = imported_notes(record)
    if status_note:
        rows.append(("Status", f"{escape_html(record.status)} ({escape_html(status_note)})"))
    if record.date:
        rows.append(("Date", escape_html(record.date) + (f" ({escape_html(date_note)})" if date_note else "")))
    elif date_note:
        rows.append(("Date", f"none ({escape_html(date_note)})"))
    if record.owner_key:
        rows.append(("Owner", escape_html(record.owner_name or record.owner_key)))
    if record.review_by:
        overdue = record.is_overdue(today)
        text = escape_html(record.review_by) + (" (overdue)" if overdue else "")
        rows.append(("Review by", f'<span class="overdue">{text}</span>' if overdue else text))
    if record.tags:
        rows.append(("Tags", escape_html(", ".join(record.tags))))
    ordered = [name for name in KIND_FIELDS[record.kind] if name in record.fields]
    ordered += sorted((name for name in record.fields if name not in ordered), key=str)
    for name in ordered:
        label = escape_html(str(name).replace("_", " ").capitalize())
        rows.append((label, escape_html(_field_text(record.fields[name]))))
    if record.source:
        rows.append(("Source", escape_html(f"{record.source.get('path')} ({record.source.get('format')})")))
    if not rows:
        return ""
    cells = "".join(f'<tr><td class="name">{name}</td><td>{value}</td></tr>' for name, value in rows)
    return f'<table class="facts">{cells}</table>'


def imported_notes(record: Record) -> tuple[str, str]:
    """How an import read the record's status and date, when it had to interpret ("read as
    accepted from 'Decidido'", "from the file name"), or what the file said when kbridge could not
    read it ("the file says '2018-11'": a month names no day, and no date is kept rather than one
    invented); shown while they are still as imported."""
    source = record.source or {}
    base = source.get("baseline") or {}
    status_note = date_note = ""
    if record.status == base.get("status"):
        status_note = str(source.get("status_note") or "")
        if not status_note and record.status == "unknown" and source.get("status_text"):
            status_note = f"the file says {_as_written(source['status_text'])}"
    if record.date and record.date == base.get("date"):
        date_note = str(source.get("date_note") or "")
    elif not record.date and "date" in base and not base["date"] and source.get("date_text"):
        date_note = f"the file says {_as_written(source['date_text'])}"
    return status_note, date_note


def _as_written(text: object, limit: int = 60) -> str:
    """A file's words on one line, quoted, cut to `limit` characters (a date section may be a
    paragraph)."""
    words = " ".join(str(text).split())
    return f"'{words if len(words) <= limit else words[: limit - 1] + '…'}'"


def _links(links: list[LinkedRecord], record_href: Callable[[str], str], hidden: int = 0) -> str:
    groups: dict[str, list[LinkedRecord]] = {}
    for link in links:
        groups.setdefault(link.label, []).append(link)
    items = []
    for label, members in groups.items():
        entries = []
        for link in members:
            if link.dangling:
                entries.append(
                    f'<span class="dangling">{escape_html(link.key)} (not in the knowledge base)</span>'
                )
                continue
            suffix = " (in the trash)" if link.deleted else ""
            entries.append(
                f'<a href="{escape_html(record_href(link.uid or ""))}">{escape_html(link.key)}</a> '
                f"{escape_html(link.title)}{suffix}"
            )
        rows = "".join(f"<li>{entry}</li>" for entry in entries)
        items.append(f'<p class="link-label"><b>{escape_html(label.capitalize())}</b></p><ul class="links">{rows}</ul>')
    return f'<div class="links"><p class="links-heading">Links</p>{"".join(items)}{links_notice(hidden)}</div>'


def _field_text(value: Any) -> str:
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return f"{len(value)} entries"  # structured (an incident's checklist): shown by its own view
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
