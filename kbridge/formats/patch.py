"""Changing an imported file the way a person would: the status line, the H1, the date line, the
body, a link paragraph; every other line stays byte for byte as it was."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from kbridge.formats.text import line_end, split_lines, strip_line_end
from kbridge.model import LinkType, Record

_VERBS = {
    (LinkType.SUPERSEDES, True): "Supersedes", (LinkType.SUPERSEDES, False): "Superseded by",
    (LinkType.AMENDS, True): "Amends", (LinkType.AMENDS, False): "Amended by",
}


def verb(link_type: LinkType, outgoing: bool) -> str:
    if (link_type, outgoing) in _VERBS:
        return _VERBS[(link_type, outgoing)]
    label = link_type.label if outgoing else link_type.inverse_label
    return label[:1].upper() + label[1:]


@dataclass(frozen=True)
class LinkLine:
    """A link as one file shows it: `Superseded by [10. Title](0010-title.md)`."""

    type: LinkType
    outgoing: bool
    text: str  # link text
    href: str  # relative path from this file
    label: str = ""  # a relation's own verb as written ("Clarifies"), used instead of the type's
    note: str = ""  # the link's note in the knowledge base (MADR's front matter keeps it whole)

    def render(self) -> str:
        return f"{self.label or verb(self.type, self.outgoing)} [{self.text}]({self.href})"


def changed_parts(record: Record, base: dict[str, Any]) -> set[str]:
    parts = set()
    if record.title != base.get("title"):
        parts.add("title")
    if record.status != base.get("status"):
        parts.add("status")
    if record.date != base.get("date"):
        parts.add("date")
    body_hash = hashlib.sha256(record.body.encode("utf-8")).hexdigest()
    if body_hash != base.get("body_sha256"):
        parts.add("body")
    return parts


def patch_text(text: str, fmt: str, source: dict[str, Any], record: Record, parts: set[str],
               added: list[LinkLine], removed: list[LinkLine]) -> str:
    layout: dict[str, Any] = source.get("layout") or {}
    lines = split_lines(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
        trailing_missing = True
    else:
        trailing_missing = False
    body_start = int(layout.get("body_start", len(lines)))
    superseded_by = next((link for link in added if link.type is LinkType.SUPERSEDES
                          and not link.outgoing), None)
    if "body" in parts:
        body = [line + newline for line in record.body.split("\n")]
        if body and body[-1] == newline:
            body.pop()
        lines[body_start:] = body
    for link in removed:
        _remove_link_line(lines, link)
    link_lines = [link for link in added if not (link is superseded_by and "status" in parts)]
    if link_lines:
        _add_link_lines(lines, fmt, layout, link_lines, newline)
    if "date" in parts and record.date:
        _patch_value(lines, layout.get("date_line", -1), source.get("date_text"), record.date)
    if "status" in parts:
        written = _status_text(record.status, source.get("status_text"), superseded_by)
        _patch_status(lines, fmt, layout, source.get("status_text"), written, newline)
    if "title" in parts and layout.get("title_from") == "h1":
        _patch_value(lines, int(layout.get("h1_line", -1)), source["baseline"]["title"],
                     record.title)
    result = "".join(lines)
    if trailing_missing and result.endswith(newline):
        result = result[: -len(newline)]
    return result


def _status_text(status: str, old: str | None, superseded_by: LinkLine | None) -> str:
    word = status
    if status == "superseded" and superseded_by is not None:
        word = f"superseded by [{superseded_by.text}]({superseded_by.href})"
    if old and old.strip()[:1].isupper():
        word = word[:1].upper() + word[1:]
    return word


def _patch_value(lines: list[str], index: int, old: str | None, new: str) -> bool:
    """Replace `old` by `new` in line `index`; False when the line does not hold it."""
    if not (0 <= index < len(lines)) or not old:
        return False
    content, end = strip_line_end(lines[index]), line_end(lines[index])
    position = content.find(old.strip())
    if position < 0:
        return False
    lines[index] = content[:position] + new + content[position + len(old.strip()):] + end
    return True


def _patch_status(lines: list[str], fmt: str, layout: dict[str, Any], old: str | None,
                  new: str, newline: str) -> None:
    where = layout.get("status") or {}
    line = int(where.get("line", -1))
    if where and _patch_value(lines, line, old, new):
        return
    if where and 0 <= line < len(lines):
        content = strip_line_end(lines[line])
        if where.get("where") in ("list", "line", "front_matter"):
            key_end = content.find(":") + 1
            lines[line] = f"{content[:key_end]} {new}{newline}"
        else:
            lines[line] = new + newline
        return
    front = layout.get("front_matter")
    meta = layout.get("meta_lines")
    if front:
        lines.insert(int(front[0]) + 1, f"status: {new}{newline}")
    elif meta:
        marker = layout.get("list_marker") or "* "
        lines.insert(int(meta[0]), f"{marker}Status: {new}{newline}")
    elif fmt == "adr-tools":
        at = int(layout.get("body_start", len(lines)))
        lines[at:at] = [f"## Status{newline}", newline, new[:1].upper() + new[1:] + newline,
                        newline]
    else:
        lines[0:0] = [f"---{newline}", f"status: {new}{newline}", f"---{newline}"]


def _add_link_lines(lines: list[str], fmt: str, layout: dict[str, Any], links: list[LinkLine],
                    newline: str) -> None:
    section = layout.get("status_section")
    if fmt == "adr-tools" and section:
        end = int(section[1])
        while end > int(section[0]) and not strip_line_end(lines[end - 1]).strip():
            end -= 1
        new = []
        for link in links:
            new += [newline, link.render() + newline]
        lines[end:end] = new
        return
    marker = layout.get("list_marker") or "* "
    heading = _find_heading(lines, "links")
    items = [f"{marker}{link.render()}{newline}" for link in links]
    if heading is not None:
        end = heading + 1
        while end < len(lines) and not strip_line_end(lines[end]).startswith("#"):
            end += 1
        while end > heading + 1 and not strip_line_end(lines[end - 1]).strip():
            end -= 1
        if end == heading + 1:
            items = [newline, *items]
        lines[end:end] = items
        return
    if lines and strip_line_end(lines[-1]).strip():
        lines.append(newline)
    lines += [f"## Links{newline}", newline, *items]


def _find_heading(lines: list[str], name: str) -> int | None:
    pattern = re.compile(rf"^#{{2,6}}\s+{re.escape(name)}\b", re.I)
    fence = False
    for index, line in enumerate(lines):
        content = strip_line_end(line)
        if content.lstrip().startswith(("```", "~~~")):
            fence = not fence
        elif not fence and pattern.match(content):
            return index
    return None


def _remove_link_line(lines: list[str], link: LinkLine) -> None:
    target = f"]({link.href})"
    wanted = verb(link.type, link.outgoing).lower()
    for index, line in enumerate(lines):
        content = strip_line_end(line)
        if target in content and wanted in content.lower():
            del lines[index]
            if 0 < index <= len(lines) and not strip_line_end(lines[index - 1]).strip() and (
                index == len(lines) or not strip_line_end(lines[index]).strip()
            ):
                del lines[index - 1]
            return
