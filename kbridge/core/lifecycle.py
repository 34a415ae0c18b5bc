"""The rules of a record's lifecycle, as plain functions: what superseding means, when a status
contradicts the links, what a control's rationale is. The facade (`lifecycle_api`) applies them to
every change, and `check` reports records that break them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kbridge.core.graph import strongly_connected
from kbridge.model import Kind, LinkedRecord, LinkType, Record, ValidationError

SUPERSEDED = "superseded"
# A successor in one of these states does not replace anything.
NOT_IN_FORCE = frozenset({"rejected"})

# "in part supersedes", "partly superseded by", "supersedes some aspects of": the older record
# stays in force where the newer one did not replace it.
_PARTIAL = re.compile(r"\b(?:in\s+part|partly|partially|partial|some\s+aspects?|aspects?\s+of)\b", re.I)


def is_partial(note: str) -> bool:
    return bool(_PARTIAL.search(note or ""))


def kept_link(link_type: LinkType, note: str) -> tuple[LinkType, str]:
    """The link kept for a stated one: a partial supersede is an `amends` link that keeps its
    words ("supersedes in part"), so that the older record keeps its status."""
    if link_type is not LinkType.SUPERSEDES or not is_partial(note):
        return link_type, note
    words = " ".join(note.split())
    return LinkType.AMENDS, words if "supersed" in words.lower() else f"supersedes {words}"


def has_superseded_status(kind: Kind) -> bool:
    return SUPERSEDED in kind.statuses


def in_force(link: LinkedRecord) -> bool:
    """Whether a successor (the record at the other end of a "superseded by") replaces anything."""
    return link.uid is not None and not link.deleted and link.status not in NOT_IN_FORCE


def successors(links: Iterable[LinkedRecord]) -> list[LinkedRecord]:
    """The records that supersede a record, from its links both ways."""
    return [link for link in links if link.type is LinkType.SUPERSEDES and link.direction == "in"]


def outside_successor(links: Iterable[LinkedRecord]) -> LinkedRecord | None:
    """A successor that is not in the knowledge base: an imported "Superseded by X" whose X was
    not in the folder is kept as a dangling `relates-to` link noting those words."""
    for link in links:
        if link.direction == "out" and link.dangling and link.note.lower().startswith(("superseded", "superceded")):
            return link
    return None


def supersede_path(supersedes_of: Callable[[str], Iterable[str]], start: str, goal: str) -> list[str] | None:
    """The ids of a chain from `start` to `goal` (both included) following `supersedes_of` (what
    a record supersedes, or what supersedes it, to walk the other way), or None."""
    previous: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        uid = queue.pop(0)
        if uid == goal:
            path = [uid]
            while (before := previous[path[-1]]) is not None:
                path.append(before)
            return path[::-1]
        for older in supersedes_of(uid):
            if older not in previous:
                previous[older] = uid
                queue.append(older)
    return None


def supersede_cycles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """One cycle of supersede links (`newer`, `older` pairs of ids) per tangle of them, as the ids
    on it, starting from the smallest."""
    graph: dict[str, list[str]] = {}
    for newer, older in edges:
        graph.setdefault(newer, []).append(older)
        graph.setdefault(older, [])
    cycles = []
    for component in strongly_connected(graph):
        if len(component) < 2:
            continue
        members = set(component)

        def within(uid: str, members: set[str] = members) -> list[str]:
            return [older for older in graph.get(uid, []) if older in members]

        start = min(component)
        for first in within(start):
            back = supersede_path(within, first, start)
            if back is not None:
                cycles.append([start, *back[:-1]])
                break
    return cycles


# --- what a status must agree with -----------------------------------------------------------


@dataclass(frozen=True)
class StatusConflict:
    """A status that contradicts the record's supersede links, said in a sentence."""

    status: str
    message: str


def status_conflict(record: Record, status: str, links: list[LinkedRecord]) -> StatusConflict | None:
    """Whether `status` (the record's, or one about to be restored) contradicts its links now."""
    if not has_superseded_status(record.kind):
        return None
    newer = [link for link in successors(links) if in_force(link)]
    if newer and status != SUPERSEDED:
        keys = ", ".join(link.key for link in newer)
        return StatusConflict(
            status, f"{record.key} is superseded by {keys}, which contradicts the status {status or '(none)'}"
        )
    if status == SUPERSEDED and not newer and outside_successor(links) is None:
        return StatusConflict(
            status, f"nothing in force supersedes {record.key}, which contradicts the status superseded"
        )
    return None


def consistent_status(record: Record, wanted: str, links: list[LinkedRecord], before: str | None) -> str:
    """The status closest to `wanted` that agrees with the links: superseded while something in
    force supersedes the record; otherwise `wanted`, or (for a `wanted` of superseded) the status
    the record had before it was superseded."""
    if status_conflict(record, wanted, links) is None:
        return wanted
    if wanted != SUPERSEDED:
        return SUPERSEDED
    if record.status != SUPERSEDED:
        return record.status
    return before or wanted


# --- a control's rationale ---------------------------------------------------------------------

_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RATIONALE_HEADING = re.compile(r"^(?:the\s+)?rationale\b", re.I)


def has_rationale(fields: dict[str, object], body: str) -> bool:
    """A control states why it exists: a `rationale` field, or a Rationale section with words."""
    value = fields.get("rationale")
    if isinstance(value, list):
        value = " ".join(str(item) for item in value)
    if str(value or "").strip():
        return True
    return bool(rationale_section(body).strip())


def rationale_section(body: str) -> str:
    """The text under a `## Rationale` heading (any level) up to the next heading as high."""
    level = 0
    fence = ""
    taken: list[str] = []
    for line in (body or "").splitlines():
        opening = _FENCE.match(line)
        if opening and (not fence or opening.group(1)[0] == fence[0]):
            fence = "" if fence else opening.group(1)
        heading = None if fence or opening else _HEADING.match(line)
        if heading and level and len(heading.group(1)) <= level:
            break
        if level:
            taken.append(line)
        elif heading and _RATIONALE_HEADING.match(heading.group(2)):
            level = len(heading.group(1))
    return "\n".join(taken)


RATIONALE_REQUIRED = (
    "a control needs its rationale, the reason it exists: give a rationale "
    "(kbridge new control --rationale TEXT), or a body with a Rationale section"
)


def check_change(before: dict[str, Any] | None, record: Record, links: Callable[[], list[LinkedRecord]]) -> None:
    """The rules of a change a person makes (`before`: the record's snapshot, None for a new
    one; `links`: its links, read only when needed): a control states its rationale (one that had
    none, imported so, may still be changed otherwise), and a status of superseded comes only with
    a successor (`supersede`)."""
    had_rationale = before is None or has_rationale(before.get("fields") or {}, before.get("body") or "")
    if record.kind is Kind.CONTROL and had_rationale and not has_rationale(record.fields, record.body):
        raise ValidationError(RATIONALE_REQUIRED)
    became_superseded = record.status == SUPERSEDED and (before or {}).get("status") != record.status
    if became_superseded and before is not None:
        if status_conflict(record, record.status, links()) is not None:
            raise ValidationError(
                f"nothing supersedes {record.key}: record what replaces it (kbridge supersede "
                f"{record.key} NEW, or Supersede… in the window) and it is marked superseded"
            )
    elif became_superseded:
        raise ValidationError("a new record cannot start superseded: create it, then record what supersedes it")
