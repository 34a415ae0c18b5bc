"""Revisions as readable text, and the differences between two of them."""

from __future__ import annotations

import difflib
from typing import Any

from kbridge.model import Revision

_HEADER_FIELDS = ("key", "kind", "title", "status", "date", "review_by", "owner", "tags")


def snapshot_lines(snapshot: dict[str, Any]) -> list[str]:
    """A snapshot as lines a person can read in a diff: header fields, fields, links, then body."""
    shown = dict(snapshot, owner=snapshot.get("owner_key") or snapshot.get("owner"))
    lines = [f"{name}: {_text(shown.get(name))}" for name in _HEADER_FIELDS if name in shown]
    for name, value in sorted((snapshot.get("fields") or {}).items()):
        lines.append(f"{name}: {_text(value)}")
    for link in snapshot.get("links") or []:
        lines.append(f"link: {link}")
    if snapshot.get("deleted"):
        lines.append("deleted: yes")
    lines.append("")
    lines.extend(str(snapshot.get("body") or "").splitlines())
    return lines


def diff_revisions(old: Revision, new: Revision) -> str:
    diff = difflib.unified_diff(
        snapshot_lines(old.snapshot),
        snapshot_lines(new.snapshot),
        fromfile=f"revision {old.rev} ({old.author}, {old.at})",
        tofile=f"revision {new.rev} ({new.author}, {new.at})",
        lineterm="",
    )
    return "\n".join(diff)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)
