"""Writing a record as a new file in MADR 4, adr-tools/Nygard or log4brains layout."""

from __future__ import annotations

import re
from typing import Any

import yaml

from kbridge.formats.patch import LinkLine
from kbridge.model import LinkType, Record

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(title: str, limit: int = 60) -> str:
    text = _SLUG.sub("-", title.lower()).strip("-")
    return text[:limit].rstrip("-") or "untitled"


def record_number(record: Record) -> int | None:
    number = record.fields.get("number")
    if isinstance(number, int):
        return number
    match = re.search(r"(\d+)$", record.key)
    return int(match.group(1)) if match else None


def file_name(record: Record, fmt: str) -> str:
    """The name a format gives a record's file: `0007-title.md` or `20240101-title.md`."""
    if fmt == "log4brains":
        date = (record.date or record.created_at[:10] or "").replace("-", "")
        return f"{date or '00000000'}-{slug(record.title)}.md"
    number = record_number(record)
    prefix = f"{number:04d}-" if number is not None else f"{record.key.lower()}-"
    return f"{prefix}{slug(record.title)}.md"


def _people(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _body(record: Record) -> str:
    body = record.body.strip("\n")
    return body + "\n" if body else ""


def _status_words(record: Record, links: list[LinkLine]) -> str:
    status = record.status or "proposed"
    superseded_by = [link for link in links if link.type is LinkType.SUPERSEDES and not link.outgoing]
    if status == "superseded" and superseded_by:
        link = superseded_by[0]
        return f"superseded by [{link.text}]({link.href})"
    return status


def madr(record: Record, links: list[LinkLine]) -> str:
    """MADR 4: YAML front matter with status, date and the people, then the H1 and the body."""
    front: dict[str, Any] = {"status": _status_words(record, links)}
    if record.date:
        front["date"] = record.date
    for name, key in (("deciders", "decision-makers"), ("consulted", "consulted"),
                      ("informed", "informed")):
        if record.fields.get(name):
            front[key] = _people(record.fields[name])
    if record.tags:
        front["tags"] = list(record.tags)
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)
    text += f"---\n\n# {record.title}\n\n{_body(record)}"
    return text + _links_section(links, "*", skip_superseded_by=True)


def adr_tools(record: Record, links: list[LinkLine]) -> str:
    """adr-tools/Nygard: `# N. Title`, a Date line, a Status section with its link paragraphs."""
    number = record_number(record)
    heading = f"# {number}. {record.title}" if number is not None else f"# {record.title}"
    lines = [heading, "", f"Date: {record.date or record.created_at[:10]}", "", "## Status", ""]
    status = record.status or "proposed"
    superseded_by = [link for link in links if link.type is LinkType.SUPERSEDES and not link.outgoing]
    if status == "superseded" and superseded_by:
        status_lines = [link.render() for link in superseded_by]
        rest = [link for link in links if link not in superseded_by]
    else:
        status_lines = [status[:1].upper() + status[1:]]
        rest = links
    for index, line in enumerate(status_lines + [link.render() for link in rest]):
        lines += ([""] if index else []) + [line]
    return "\n".join(lines) + "\n\n" + _body(record)


def log4brains(record: Record, links: list[LinkLine]) -> str:
    """log4brains (MADR 2 with its patch): the metadata list under the H1, links at the end."""
    lines = [f"# {record.title}", "", f"- Status: {_status_words(record, links)}"]
    if record.fields.get("deciders"):
        lines.append(f"- Deciders: {_people(record.fields['deciders'])}")
    if record.date:
        lines.append(f"- Date: {record.date}")
    if record.tags:
        lines.append(f"- Tags: {', '.join(record.tags)}")
    text = "\n".join(lines) + "\n\n" + _body(record)
    return text + _links_section(links, "-", skip_superseded_by=True)


def _links_section(links: list[LinkLine], marker: str, *, skip_superseded_by: bool) -> str:
    shown = [
        link for link in links
        if not (skip_superseded_by and link.type is LinkType.SUPERSEDES and not link.outgoing)
    ]
    if not shown:
        return ""
    items = "\n".join(f"{marker} {link.render()}" for link in shown)
    return f"\n## Links\n\n{items}\n"


WRITERS = {"madr": madr, "adr-tools": adr_tools, "log4brains": log4brains}
