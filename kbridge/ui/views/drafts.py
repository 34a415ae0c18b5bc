"""Autosaved drafts of records being edited, so that a crash loses nothing typed.

One owner-only JSON file per record being edited, in `data_dir()/drafts/`, named after the
knowledge base and the record; removed when the edit is saved or discarded."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kbridge import paths, safe_files


@dataclass
class Draft:
    kb_uid: str
    record_uid: str
    key: str
    values: dict[str, Any]
    base_updated_at: str = ""  # the record's updated_at when editing began
    saved_at: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))


def drafts_dir() -> Path:
    return paths.data_dir() / "drafts"


def _path(kb_uid: str, record_uid: str) -> Path:
    safe = "".join(ch for ch in f"{kb_uid}--{record_uid}" if ch.isalnum() or ch in "-_")
    return drafts_dir() / f"{safe}.json"


def save_draft(draft: Draft) -> Path:
    # A draft is a record's text: owner-only, like the knowledge base.
    folder = safe_files.private_folder(drafts_dir())
    target = _path(draft.kb_uid, draft.record_uid)
    text = json.dumps(asdict(draft), ensure_ascii=False, indent=1)
    return safe_files.write_text(folder, target.name, text, mode=0o600)


def load_draft(kb_uid: str, record_uid: str) -> Draft | None:
    return _read(_path(kb_uid, record_uid))


def drafts_for(kb_uid: str) -> list[Draft]:
    """Drafts left behind for this knowledge base (by a crash), oldest first."""
    folder = drafts_dir()
    if not folder.is_dir():
        return []
    found = [draft for path in sorted(folder.glob("*.json")) if (draft := _read(path)) and draft.kb_uid == kb_uid]
    return sorted(found, key=lambda draft: draft.saved_at)


def discard_draft(kb_uid: str, record_uid: str) -> None:
    _path(kb_uid, record_uid).unlink(missing_ok=True)


def _read(path: Path) -> Draft | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Draft(**data)
    except (OSError, ValueError, TypeError):
        return None
