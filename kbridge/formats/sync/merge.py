"""Three-way merge of two versions of a record against the version both started from.

Each scalar (key, title, status, date, review date, owner, kind), each field, each tag and each
link merges on its own: a change on one side is taken, the same change on both sides is taken
once, and only different changes of the same thing are a conflict. The body merges by lines
(`merge_lines`): changes to different lines both stay; only overlapping changes conflict.

A conflict never picks a winner silently: the merge gives two complete versions, `mine` and
`theirs`, equal everywhere but in the conflicting parts, each holding one side's words there."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from kbridge.formats.sync.versions import SCALARS, LinkValue, Version, sorted_links

# Bodies longer than this (in lines) are compared whole: the line diff is quadratic at worst.
MAX_MERGE_LINES = 20_000
_MISSING: Any = object()


@dataclass
class Merged:
    mine: Version  # the merge, with this side's words where the two sides conflict
    theirs: Version  # the merge, with the other side's words there
    conflicts: list[str] = field(default_factory=list)  # what conflicts: "title", "fields.rto", "body"

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge_versions(base: Version | None, mine: Version, theirs: Version) -> Merged:
    """Merge `mine` and `theirs` against `base` (None: no common version is known, so every
    difference is a conflict)."""
    conflicts: list[str] = []
    ours: dict[str, Any] = {}
    other: dict[str, Any] = {}
    for name in SCALARS:
        ours[name], other[name], conflicted = _pick(
            getattr(base, name) if base else _MISSING, getattr(mine, name), getattr(theirs, name))
        if conflicted:
            conflicts.append(name)
    ours["tags"] = other["tags"] = _merge_tags(base, mine, theirs, conflicts)
    ours["fields"], other["fields"] = _merge_fields(base, mine, theirs, conflicts)
    ours["links"], other["links"] = _merge_links(base, mine, theirs, conflicts)
    base_body = base.body if base else None
    ours["body"], other["body"], body_conflict = merge_lines(base_body, mine.body, theirs.body)
    if body_conflict:
        conflicts.append("body")
    uid = mine.uid or theirs.uid
    return Merged(mine.with_values(uid=uid, **ours), theirs.with_values(uid=uid, **other), conflicts)


def _pick(base: Any, mine: Any, theirs: Any) -> tuple[Any, Any, bool]:
    """(mine's result, theirs' result, conflicted) for one value."""
    if mine == theirs:
        return mine, mine, False
    if base is not _MISSING and mine == base:
        return theirs, theirs, False
    if base is not _MISSING and theirs == base:
        return mine, mine, False
    return mine, theirs, True


def _merge_tags(base: Version | None, mine: Version, theirs: Version, conflicts: list[str]) -> tuple[str, ...]:
    """Tags are a set: what either side added is added, what either removed is removed. With no
    base a tag on one side only cannot be told apart from one removed on the other: all are kept."""
    if base is None:
        return tuple(sorted(set(mine.tags) | set(theirs.tags)))
    was, ours, other = set(base.tags), set(mine.tags), set(theirs.tags)
    kept = (was & ours & other) | (ours - was) | (other - was)
    return tuple(sorted(kept))


def _merge_fields(base: Version | None, mine: Version, theirs: Version,
                  conflicts: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    names = list(dict.fromkeys([*mine.fields, *theirs.fields, *(base.fields if base else {})]))
    ours: dict[str, Any] = {}
    other: dict[str, Any] = {}
    for name in names:
        was = base.fields.get(name) if base else _MISSING
        mine_value, theirs_value, conflicted = _pick(was, mine.fields.get(name), theirs.fields.get(name))
        if conflicted:
            conflicts.append(f"fields.{name}")
        if mine_value is not None:
            ours[name] = mine_value
        if theirs_value is not None:
            other[name] = theirs_value
    return ours, other


def _merge_links(base: Version | None, mine: Version, theirs: Version,
                 conflicts: list[str]) -> tuple[tuple[LinkValue, ...], tuple[LinkValue, ...]]:
    """A link is there or not (by type and target), and has a note; both merge three-way. A link
    one side removed while the other changed its note stays (the change is a word kept)."""
    was = {link.identity: link for link in base.links} if base else None
    ours_by = {link.identity: link for link in mine.links}
    other_by = {link.identity: link for link in theirs.links}
    ours: list[LinkValue] = []
    other: list[LinkValue] = []
    for identity in dict.fromkeys([*ours_by, *other_by]):
        mine_link, theirs_link = ours_by.get(identity), other_by.get(identity)
        old = was.get(identity) if was is not None else _MISSING
        if mine_link is None or theirs_link is None:
            present = mine_link or theirs_link
            if present is None:
                continue  # cannot happen: the identity came from one side or the other
            if old is not _MISSING and old is not None and present == old:
                continue  # one side removed it and the other left it as it was
            ours.append(present)
            other.append(present)
            continue
        old_note = old.note if old not in (_MISSING, None) else _MISSING
        mine_note, theirs_note, conflicted = _pick(old_note, mine_link.note, theirs_link.note)
        if conflicted:
            conflicts.append(f"link {identity[0]} {mine_link.target}")
        ours.append(LinkValue(mine_link.type, mine_link.target, mine_note))
        other.append(LinkValue(theirs_link.type, theirs_link.target, theirs_note))
    return sorted_links(ours), sorted_links(other)


# --- bodies, line by line -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    start: int  # the base lines [start, end) are replaced by `lines`
    end: int
    lines: tuple[str, ...]


def merge_lines(base: str | None, mine: str, theirs: str) -> tuple[str, str, bool]:
    """(mine's result, theirs' result, conflicted) for two texts changed from `base`: changes to
    different lines are both applied; where changes overlap, each result keeps its own side's."""
    if base is None or mine == theirs or base in (mine, theirs):
        return _pick(_MISSING if base is None else base, mine, theirs)
    old, ours, other = (text.splitlines(keepends=True) for text in (base, mine, theirs))
    if max(len(old), len(ours), len(other)) > MAX_MERGE_LINES:
        return mine, theirs, True
    mine_changes, theirs_changes = _changes(old, ours), _changes(old, other)
    result_mine: list[str] = []
    result_theirs: list[str] = []
    conflicted = False
    position = 0
    for group_mine, group_theirs in _groups(mine_changes, theirs_changes):
        start = min(change.start for change in (*group_mine, *group_theirs))
        end = max(change.end for change in (*group_mine, *group_theirs))
        result_mine += old[position:start]
        result_theirs += old[position:start]
        mine_text = _apply(old, start, end, group_mine)
        theirs_text = _apply(old, start, end, group_theirs)
        if not group_theirs or mine_text == theirs_text:
            result_mine += mine_text
            result_theirs += mine_text
        elif not group_mine:
            result_mine += theirs_text
            result_theirs += theirs_text
        else:
            conflicted = True
            result_mine += mine_text
            result_theirs += theirs_text
        position = end
    result_mine += old[position:]
    result_theirs += old[position:]
    return "".join(result_mine), "".join(result_theirs), conflicted


def _changes(old: list[str], new: list[str]) -> list[_Change]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [_Change(i1, i2, tuple(new[j1:j2])) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _touch(a: _Change, b: _Change) -> bool:
    """Whether two changes (from different sides) meet: overlapping lines, or insertions at the
    same place, or an insertion inside the other's lines."""
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def _groups(mine: list[_Change], theirs: list[_Change]) -> list[tuple[list[_Change], list[_Change]]]:
    """The changes of both sides in base order, those that touch (directly or through a chain)
    in one group."""
    tagged = sorted([(c.start, c.end, 0, c) for c in mine] + [(c.start, c.end, 1, c) for c in theirs],
                    key=lambda item: (item[0], item[1]))
    groups: list[tuple[list[_Change], list[_Change]]] = []
    for _start, _end, side, change in tagged:
        if groups:
            last_mine, last_theirs = groups[-1]
            others = last_theirs if side == 0 else last_mine
            same = last_mine if side == 0 else last_theirs
            if any(_touch(change, other) for other in others) or any(
                    change.start < item.end and item.start < change.end for item in same):
                (last_mine if side == 0 else last_theirs).append(change)
                continue
        groups.append(([change], []) if side == 0 else ([], [change]))
    return groups


def _apply(old: list[str], start: int, end: int, changes: list[_Change]) -> list[str]:
    """The base lines [start, end) with one side's changes applied."""
    result: list[str] = []
    position = start
    for change in sorted(changes, key=lambda c: (c.start, c.end)):
        result += old[position:change.start]
        result += change.lines
        position = max(position, change.end)
    result += old[position:end]
    return result
