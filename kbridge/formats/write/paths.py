"""Where an export writes each record and attachment: native keeps the imported path (renumbered
when the key changed), kbridge Markdown `decisions/ADR-0007.md`, the ADR formats the format's own
name in the folder of the record's ADR log (so that numbers keep their logs). Names are unique
within an export; what is already in the export folder is read, never followed."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from kbridge import safe_files
from kbridge.core import KnowledgeBase
from kbridge.formats.kbridge_markdown import KIND_FOLDERS
from kbridge.formats.write import generate
from kbridge.model import Kind, Record

FILE_FORMATS = ("native", "madr", "adr-tools", "log4brains", "kbridge")


def target(record: Record, fmt: str) -> tuple[str, str] | None:
    """(path in the export, how it is written: "original", "kbridge" or a writer's format), or
    None when `fmt` has no form for the record's kind."""
    source = record.source or {}
    own = source.get("format")
    if own and (fmt == "native" or fmt == own) and source.get("path"):
        return native_path(record), "original"
    if fmt == "kbridge" or (fmt == "native" and record.kind is not Kind.DECISION):
        return f"{KIND_FOLDERS[record.kind]}/{record.key}.md", "kbridge"
    if record.kind is not Kind.DECISION:
        return None
    writer = "madr" if fmt == "native" else fmt
    return posixpath.join(log_folder(record), generate.file_name(record, writer)), writer


def log_folder(record: Record) -> str:
    """The folder of the ADR log a record was imported into (none for kbridge's own records)."""
    source = record.source or {}
    path = str(source.get("path") or "")
    if not path or source.get("format") == "kbridge" or not safe_files.is_inside(path):
        return ""
    folder = posixpath.dirname(path)
    return posixpath.dirname(folder) if (source.get("layout") or {}).get("named_by_folder") else folder


def native_path(record: Record) -> str:
    """The imported path; with the number of the record's key when that changed since."""
    source = record.source or {}
    path = str(source["path"])
    old, new = source.get("number"), generate.record_number(record)
    if not isinstance(old, int) or new is None or new == old or (source.get("layout") or {}).get("named_by_folder"):
        return path
    folder, name = posixpath.split(path)
    match = re.match(rf"^(\D*?)(0*{old})(?=\D|$)", name)
    if match is None:
        return path
    digits = f"{new:0{len(match.group(2))}d}"
    return posixpath.join(folder, name[: match.start(2)] + digits + name[match.end(2):])


def unique(path: str, taken: set[str]) -> str:
    """`path`, or `stem-2.md`, `stem-3.md`, ... when another file of the export has its name."""
    if path.lower() not in taken:
        return path
    stem, extension = posixpath.splitext(path)
    index = 2
    while f"{stem}-{index}{extension}".lower() in taken:
        index += 1
    return f"{stem}-{index}{extension}"


def keep_key_order(records: list[Record], paths: dict[str, str], ways: dict[str, str]) -> dict[str, str]:
    """New names for new files that share their number in one folder (ADR-0020, ADR-0020-2):
    an import keys them in the order of their names, so the names get the order of the keys
    (`0020-1-x.md`, `0020-2-y.md`) when theirs would not."""
    groups: dict[tuple[str, int], list[Record]] = {}
    for record in records:
        number = generate.record_number(record)
        if record.uid in paths and ways[record.uid] in generate.WRITERS and number is not None:
            groups.setdefault((posixpath.dirname(paths[record.uid]), number), []).append(record)
    renamed: dict[str, str] = {}
    for (folder, number), group in groups.items():
        by_key = sorted(group, key=lambda r: (_duplicate_index(r.key), r.key))
        if len(group) < 2 or sorted(group, key=lambda r: paths[r.uid]) == by_key:
            continue
        for index, record in enumerate(by_key, start=1):
            name = posixpath.basename(paths[record.uid])
            renamed[record.uid] = posixpath.join(folder, f"{number:04d}-{index}-{name.split('-', 1)[1]}")
    return renamed


def _duplicate_index(key: str) -> int:
    match = re.search(r"-\d+-(\d+)$", key)
    return int(match.group(1)) if match else 1


def moved_files(kb: KnowledgeBase, records: list[Record], paths: dict[str, str],
                ways: dict[str, str]) -> dict[str, dict[str, str]]:
    """Per imported folder (root): path there -> path in the export, for what the export names
    differently (records, a `<slug>/README.md` record's folder, attachments)."""
    moved: dict[str, dict[str, str]] = {}
    for record in records:
        source = record.source or {}
        if record.uid not in paths or not source.get("path"):
            continue
        root, old, new = str(source.get("root")), str(source["path"]), paths[record.uid]
        names = moved.setdefault(root, {})
        if new != old:
            names[old] = new
            if (source.get("layout") or {}).get("named_by_folder"):
                names[posixpath.dirname(old)] = new
        for item in kb.files.of(record.uid):
            place = attachment_place(str(item["name"]), record, new, ways[record.uid])
            if item["role"] == "attachment" and place is not None and place != item["name"]:
                names[str(item["name"])] = place
    return {root: names for root, names in moved.items() if names}


def attachment_place(name: str, record: Record, path: str, way: str) -> str | None:
    """Where an attachment goes. A new file (whose links are rewritten) finds it at its own path
    in the imported folder; an original or a kbridge file (whose links are not) where its links
    expect it, unless that is above the export folder. None for a name outside the folder."""
    if not safe_files.is_inside(name):
        return None
    if way in generate.WRITERS:
        return posixpath.normpath(name)
    source_dir = posixpath.dirname(str((record.source or {}).get("path") or path))
    where = posixpath.normpath(posixpath.join(posixpath.dirname(path), posixpath.relpath(name, source_dir or ".")))
    return where if safe_files.is_inside(where) else posixpath.normpath(name)


def present(root: Path, relative: str, size: int) -> bytes | None:
    """The bytes already at root/relative (None when nothing is there); a file larger than `size`
    differs whatever it holds. A link or a special file there is refused (UnsafePathError)."""
    full = root.joinpath(*safe_files.inside(relative))
    if not full.exists() and not full.is_symlink():
        return None
    try:
        return safe_files.read_file(root, relative, max_bytes=size)
    except safe_files.FileTooLargeError:
        return b"\0(larger)"
