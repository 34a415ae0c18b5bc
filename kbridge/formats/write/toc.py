"""`kbridge toc`: a table of contents of the decisions (or any kind), as `adr generate toc` writes
one: number, title, status and date, each linking to the file `export --format native` writes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

from kbridge.core import KnowledgeBase
from kbridge.formats.write.generate import file_name, record_number
from kbridge.model import Kind, LinkType, Record

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")  # what would end or restyle link text


@dataclass(frozen=True)
class TocEntry:
    number: int | None
    key: str
    title: str
    status: str
    date: str | None
    path: str
    superseded_by: list[TocEntry] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}" if self.number is not None else f"{self.key} {self.title}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number, "key": self.key, "title": self.title, "status": self.status,
            "date": self.date, "path": self.path, "superseded_by": [entry.key for entry in self.superseded_by],
        }


def toc_entries(kb: KnowledgeBase, kind: Kind = Kind.DECISION, prefix: str = "") -> list[TocEntry]:
    """The live records of `kind`, by number, with their successors."""
    records = sorted(kb.list_records(kind=kind), key=_order)
    plain = {record.uid: _entry(record, prefix) for record in records}
    successors: dict[str, list[TocEntry]] = {}
    for link in kb.links.all():
        if link.type is LinkType.SUPERSEDES and link.source_uid in plain and link.target_uid in plain:
            successors.setdefault(link.target_uid, []).append(plain[link.source_uid])
    return [
        replace(plain[record.uid], superseded_by=sorted(successors.get(record.uid, []), key=_entry_order))
        for record in records
    ]


def toc_markdown(entries: list[TocEntry], heading: str = "Architecture Decision Records") -> str:
    lines = [f"# {heading}", ""]
    for entry in entries:
        status = entry.status.capitalize()
        if entry.status == "superseded" and entry.superseded_by:
            status = "Superseded by " + ", ".join(_link(newer) for newer in entry.superseded_by)
        facts = ", ".join(part for part in (status, entry.date or "") if part)
        lines.append(f"* {_link(entry)}" + (f": {facts}" if facts else ""))
    return "\n".join(lines) + "\n"


def _link(entry: TocEntry) -> str:
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", entry.heading)
    return f"[{text}]({quote(entry.path, safe='/:#')})"


def _entry(record: Record, prefix: str) -> TocEntry:
    path = str((record.source or {}).get("path") or file_name(record, "madr"))
    return TocEntry(record_number(record), record.key, record.title, record.status, record.date, prefix + path)


def _order(record: Record) -> tuple[int, int, str]:
    number = record_number(record)
    return (0, number, record.key) if number is not None else (1, 0, record.key)


def _entry_order(entry: TocEntry) -> tuple[int, int, str]:
    return (0, entry.number, entry.key) if entry.number is not None else (1, 0, entry.key)
