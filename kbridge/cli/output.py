"""The shapes the command line prints: JSON of the contract (DESIGN.md) and plain text for people.

Text from records, files and repositories is printed through `kbridge.escaping.terminal_text`:
an escape sequence in a title (cursor moves, hidden text, the window title, OSC 52 clipboard
writes) or a right-to-left override shows as characters, never acts on the terminal. Styling
(bold, colours) is added after, by kbridge itself."""

from __future__ import annotations

import json
import shutil
from typing import Any

import click

from kbridge.core import KnowledgeBase
from kbridge.escaping import BIDI_CONTROLS, terminal_text
from kbridge.model import Changes, Link, LinkedRecord, Record, Revision

# JSON escapes C0 controls itself; these it would print raw (C1 controls, bidi overrides, line
# separators), so they are written as \uXXXX: the same JSON value, inert on a terminal.
_JSON_INERT = {code: f"\\u{code:04x}" for code in (*range(0x7F, 0xA0), *map(ord, BIDI_CONTROLS),
                                                   0x2028, 0x2029)}


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False).translate(_JSON_INERT))


def say(text: object, *, err: bool = False) -> None:
    """One line of text from a record, a file or a repository, made inert for the terminal."""
    click.echo(terminal_text(text), err=err)


def record_summary(record: Record) -> dict[str, Any]:
    """The `list` shape."""
    return {
        "uid": record.uid,
        "key": record.key,
        "kind": record.kind.value,
        "title": record.title,
        "status": record.status,
        "date": record.date,
        "tags": list(record.tags),
        "owner": record.owner_key,
    }


def link_dict(link: LinkedRecord) -> dict[str, Any]:
    return {
        "type": link.type.value,
        "label": link.label,
        "direction": link.direction,
        "key": link.key,
        "title": link.title,
        "dangling": link.dangling,
    }


def record_detail(kb: KnowledgeBase, record: Record) -> dict[str, Any]:
    """The `show` shape: the summary plus body, fields, review date, source and links both ways."""
    source = record.source or None
    data = record_summary(record)
    data.update(
        {
            "body": record.body,
            "fields": record.fields,
            "review_by": record.review_by,
            "source": {"path": source.get("path"), "format": source.get("format")} if source else None,
            "links": [link_dict(link) for link in kb.links.of(record.uid)],
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "deleted": record.deleted,
        }
    )
    return data


def changed_records(kb: KnowledgeBase, changes: Changes) -> list[dict[str, Any]]:
    """The records a change touched, each as `list` shows it (with `deleted`), by key."""
    records = sorted((kb.get(uid) for uid in changes.records), key=lambda record: record.key)
    return [{**record_summary(record), "deleted": record.deleted} for record in records]


def stored_link(kb: KnowledgeBase, link: Link) -> dict[str, Any]:
    """A link as it was added or removed: `{source, type, target, note, dangling}`."""
    target = kb.find(link.target_uid) if link.target_uid else None
    return {
        "source": kb.get(link.source_uid).key,
        "type": link.type.value,
        "target": target.key if target else link.target_ref,
        "note": link.note,
        "dangling": target is None,
    }


def revision_dict(revision: Revision) -> dict[str, Any]:
    return {
        "rev": revision.rev,
        "author": revision.author,
        "at": revision.at,
        "reason": revision.reason,
        "title": revision.title,
        "status": revision.status,
    }


def print_table(rows: list[list[str]], headers: list[str]) -> None:
    """Columns sized to their content; the last column is cut to the terminal width."""
    if not rows:
        return
    table = [headers, *([terminal_text(cell) for cell in row] for row in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers) - 1)]
    width = shutil.get_terminal_size((120, 24)).columns
    room = max(20, width - sum(widths) - 2 * len(widths))
    for index, row in enumerate(table):
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        last = row[-1] if len(row[-1]) <= room else row[-1][: room - 1] + "…"
        line = "  ".join([*cells, last]).rstrip()
        click.echo(click.style(line, bold=True) if index == 0 else line)


def print_record(kb: KnowledgeBase, record: Record) -> None:
    state = "  [in the trash]" if record.deleted else ""
    click.echo(click.style(terminal_text(f"{record.key}  {record.title}"), bold=True) + state)
    facts = [
        ("kind", record.kind.value),
        ("status", record.status),
        ("date", record.date or ""),
        ("owner", f"{record.owner_key} ({record.owner_name})" if record.owner_key else ""),
        ("review by", record.review_by or ""),
        ("tags", ", ".join(record.tags)),
    ]
    facts += [(name, _field_text(value)) for name, value in sorted(record.fields.items())]
    if record.source:
        facts.append(("source", f"{record.source.get('path')} ({record.source.get('format')})"))
    for name, value in facts:
        if value:
            say(f"  {name + ':':<12} {value}")
    links = kb.links.of(record.uid)
    if links:
        click.echo("")
        for link in links:
            marks = " (not in the knowledge base)" if link.dangling else ""
            marks += " (in the trash)" if link.deleted else ""
            say(f"  {link.label} {link.key}  {link.title}{marks}".rstrip())
    if record.body.strip():
        click.echo("")
        click.echo(terminal_text(record.body.rstrip(), multiline=True))


def _field_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
