"""Changing an imported file the way a person would: the status line, the H1, the date line, the
body, a link paragraph; every other line stays byte for byte as it was."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from kbridge.formats.read.dates import find_dates
from kbridge.formats.read.statuses import status_words_first
from kbridge.formats.text import line_end, split_lines, strip_line_end
from kbridge.formats.write.wording import badge_in_style, date_in_style, status_in_style
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


Insertion = tuple[int, int, list[str]]  # (at line, lines taken away there, lines put there)


def patch_text(text: str, fmt: str, source: dict[str, Any], record: Record, parts: set[str],
               added: list[LinkLine], removed: list[LinkLine], number: int | None = None) -> str:
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
    later: list[Insertion] = []  # lines added or taken away, done last, from the bottom up
    if "title" in parts:
        _patch_title(lines, layout, source["baseline"]["title"], record.title)
    if "number" in parts:
        _patch_number(lines, layout, source.get("number"), number)
    if "status" in parts:
        successor = (superseded_by.text, superseded_by.href) if superseded_by is not None else None
        written = status_in_style(source.get("status_text"), record.status, successor)
        _patch_status(lines, fmt, layout, source.get("status_text"), written, newline, later,
                      record)
    if "date" in parts:
        _patch_date(lines, fmt, layout, source.get("date_text"), record.date, newline, later)
    for index, taken, added_lines in sorted(later, key=lambda item: -item[0]):
        lines[index : index + taken] = added_lines
    result = "".join(lines)
    if trailing_missing and result.endswith(newline):
        result = result[: -len(newline)]
    return result


def _patch_title(lines: list[str], layout: dict[str, Any], old: str, new: str) -> None:
    """The title where the file states it: the H1 and a front-matter `title:` (kept in step)."""
    places = [int(layout.get("h1_line", -1))]
    front = layout.get("front_matter")
    if front:
        places += [i for i in range(int(front[0]) + 1, int(front[1]) - 1) if re.match(r"^title\s*:", lines[i])]
    if layout.get("title_line") is not None:
        places.append(int(layout["title_line"]))
    for index in places:
        _patch_value(lines, index, old, new)


def _patch_number(lines: list[str], layout: dict[str, Any], old: Any, new: int | None) -> None:
    """A record renumbered (its key changed): the number its H1 shows (`# 7. Title`)."""
    index = int(layout.get("h1_line", -1))
    if not isinstance(old, int) or new is None or not 0 <= index < len(lines):
        return
    lines[index] = re.sub(rf"^(#\s+(?:ADR[\s#-]*)?)0*{old}(?=\D)", lambda m: m.group(1) + str(new), lines[index],
                          count=1, flags=re.I)


def _patch_date(lines: list[str], fmt: str, layout: dict[str, Any], old: str | None, new: str | None,
                newline: str, later: list[Insertion]) -> None:
    """The date line as the file writes dates; added where the file keeps metadata when it has
    none; taken away (never left saying the old date) when the record has no date any more."""
    index = int(layout.get("date_line", -1))
    if 0 <= index < len(lines) and old:
        if new is None:
            later.append((index, 1, []))
        else:
            _patch_value(lines, index, old, date_in_style(old, new))
        return
    if new is None:
        return
    line = _metadata_line(layout, "Date", new, newline, first=False)
    if line is not None:
        later.append(line)
    elif fmt == "adr-tools" and int(layout.get("h1_line", -1)) >= 0:
        later.append((int(layout["h1_line"]) + 1, 0, [newline, f"Date: {new}{newline}"]))


def _metadata_line(layout: dict[str, Any], key: str, value: str, newline: str, *, first: bool) -> Insertion | None:
    """A line for a fact the file did not state, where it keeps the others: its front matter, or
    its run of `Key: value` lines (first or last in it); None when it has neither."""
    front = layout.get("front_matter")
    meta = layout.get("meta_lines")
    if front:
        return int(front[0]) + 1, 0, [f"{key.lower()}: {value}{newline}"]
    if meta:
        return int(meta[0] if first else meta[1]), 0, [f"{layout.get('list_marker') or ''}{key}: {value}{newline}"]
    return None


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


def _patch_status(lines: list[str], fmt: str, layout: dict[str, Any], old: str | None, new: str,
                  newline: str, later: list[Insertion], record: Record) -> None:
    where = layout.get("status") or {}
    line = int(where.get("line", -1))
    if where.get("where") == "badge":
        for index in range(max(int(layout.get("h1_line", 0)), 0), min(len(lines), int(layout.get("body_start", 40)))):
            badge = badge_in_style(lines[index], record.status)
            if badge is not None:
                lines[index] = badge
                return
    if where.get("where") == "section" and _history(lines, layout, line, old, new, record, later):
        return
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
    status_line = _metadata_line(layout, "Status", new, newline, first=True)
    if status_line is not None:
        later.append(status_line)
    elif fmt == "adr-tools":
        at = int(layout.get("body_start", len(lines)))
        later.append((at, 0, [f"## Status{newline}", newline, new[:1].upper() + new[1:] + newline, newline]))
    else:
        later.append((0, 0, [f"---{newline}", f"status: {new}{newline}", f"---{newline}"]))


def _history(lines: list[str], layout: dict[str, Any], current: int, old: str | None, new: str,
             record: Record, later: list[Insertion]) -> bool:
    """A Status section that keeps a history (one status line per change, the last or the latest
    dated one in force) gets a new entry like the current one, dated the day of the change,
    where the newest entries go; the old ones stay as they were."""
    section = layout.get("status_section")
    if not section or not old or not 0 <= current < len(lines):
        return False
    entries = [i for i in range(int(section[0]) + 1, min(int(section[1]), len(lines)))
               if status_words_first(strip_line_end(lines[i]).strip(" \t*-+>"))]
    if len(entries) < 2:
        return False
    entry = strip_line_end(lines[current])
    position = entry.find(old.strip())
    if position < 0:
        return False
    text = entry[:position] + new + entry[position + len(old.strip()):]
    dates = [found[0].iso for i in entries if (found := find_dates(strip_line_end(lines[i])))]
    if find_dates(text) and record.updated_at:
        text = date_in_style(text, record.updated_at[:10])
    newest_first = len(dates) >= 2 and dates[0] > dates[-1]
    added = text + line_end(lines[current])
    apart = entries[1] - entries[0] > 1  # each entry a paragraph of its own: a blank line between
    if newest_first:
        later.append((entries[0], 0, [added, line_end(lines[current]) or "\n"] if apart else [added]))
    else:
        later.append((entries[-1] + 1, 0, [line_end(lines[current]) or "\n", added] if apart else [added]))
    return True


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
