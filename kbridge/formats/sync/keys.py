"""Team-safe numbers: two people who each create "the next" decision both make ADR-0027. The one
already in the shared folder keeps the number; the other is renumbered (the next number free on
both sides) with a note, and every link to it follows, since links point at records, not keys."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from kbridge.formats.sync.files import FileEntry, FolderFiles, canonical_path
from kbridge.model import Record

_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def next_free_key(key: str, taken: set[str]) -> str:
    """The next key after the highest of `key`'s series in `taken` (lower-case keys):
    ADR-0027 -> ADR-0028 (or past the highest ADR taken); SYS-payments -> SYS-payments-2."""
    match = _NUMBERED.match(key)
    if match is None:
        number = 2
        while f"{key}-{number}".lower() in taken:
            number += 1
        return f"{key}-{number}"
    prefix, digits = match.groups()
    low = prefix.lower()
    numbers = [int(item[len(low):]) for item in taken if item.startswith(low) and item[len(low):].isdigit()]
    number = max([int(digits), *numbers]) + 1
    candidate = f"{prefix}{number:0{len(digits)}d}"
    while candidate.lower() in taken:
        number += 1
        candidate = f"{prefix}{number:0{len(digits)}d}"
    return candidate


@dataclass
class Renumbering:
    records: dict[str, str] = field(default_factory=dict)  # uid in the knowledge base -> its new key
    files: dict[str, str] = field(default_factory=dict)  # path of a folder record -> its new key
    reasons: dict[str, str] = field(default_factory=dict)  # uid or path -> why


def plan_renumbering(records: dict[str, Record], files: FolderFiles, file_of: dict[str, FileEntry],
                     new_files: list[FileEntry]) -> Renumbering:
    """Which records get a new key so that every key is held by one record on both sides.

    A record of this knowledge base whose key a folder file of another record states is
    renumbered, unless its own file states that key too (both published: the file named after
    the key keeps it, the other is renumbered in the folder)."""
    plan = Renumbering()
    holders: dict[str, list[FileEntry]] = defaultdict(list)
    for entry in files.entries.values():
        if entry.error is None and entry.key:
            holders[entry.key.lower()].append(entry)
    taken = {record.key.lower() for record in records.values()} | set(holders)
    for uid, record in sorted(records.items(), key=lambda item: item[1].key):
        others = [entry for entry in holders.get(record.key.lower(), [])
                  if entry.uid != uid and entry is not file_of.get(uid)]
        if not others:
            continue
        own = file_of.get(uid)
        published = own is not None and own.key.lower() == record.key.lower()
        if published and own is not None and own.path.lower() == canonical_path(record.kind.value, record.key).lower():
            for entry in others:  # the other file's record is the newcomer in the folder
                if entry.path not in plan.files:
                    new = next_free_key(record.key, taken)
                    taken.add(new.lower())
                    plan.files[entry.path] = new
                    plan.reasons[entry.path] = f"{record.key} is {record.title!r} in the shared folder"
            continue
        new = next_free_key(record.key, taken)
        taken.add(new.lower())
        plan.records[uid] = new
        holder = others[0]
        plan.reasons[uid] = f"{record.key} is taken in the shared folder ({holder.path})"
    _same_key_new_files(new_files, plan, taken)
    return plan


def _same_key_new_files(new_files: list[FileEntry], plan: Renumbering, taken: set[str]) -> None:
    """New folder files that state the same key as each other (two people pushed one number):
    the one named after the key keeps it."""
    by_key: dict[str, list[FileEntry]] = defaultdict(list)
    for entry in new_files:
        if entry.key and entry.path not in plan.files:
            by_key[entry.key.lower()].append(entry)
    for key, group in by_key.items():
        group.sort(key=lambda entry: (entry.path.rsplit("/", 1)[-1].lower() != f"{key}.md", entry.path))
        for entry in group[1:]:
            new = next_free_key(entry.key, taken)
            taken.add(new.lower())
            plan.files[entry.path] = new
            plan.reasons[entry.path] = f"{entry.key} is {group[0].path} in the shared folder"
