"""JSON: the whole knowledge base in one file (every record with its uid, key, fields, outgoing
links with their notes, where it was imported from, and its attachments), and reading that file
back (`kbridge import kbridge.json`), which gives the same knowledge base."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbridge import __version__, safe_files
from kbridge.core import KnowledgeBase
from kbridge.formats.read.parsed import ParsedRecord, ResolvedLink, Skipped
from kbridge.model import (
    Cancel,
    ConflictError,
    KbridgeError,
    Kind,
    LinkedRecord,
    LinkType,
    Progress,
    Record,
    ValidationError,
)

MAX_JSON_BYTES = 512 * 1024 * 1024
JSON_FORMAT = "json"


def record_json(kb: KnowledgeBase, record: Record, links: list[LinkedRecord]) -> dict[str, Any]:
    source = record.source or {}
    attachments = []
    for item in kb.files.of(record.uid):
        data = kb.files.read(record.uid, str(item["name"]), role="attachment") if item["role"] == "attachment" else None
        if data is not None:
            attachments.append({"name": item["name"], "sha256": item["sha256"],
                                "base64": base64.b64encode(data).decode("ascii")})
    return {
        "uid": record.uid, "key": record.key, "kind": record.kind.value, "title": record.title,
        "status": record.status, "date": record.date, "review_by": record.review_by,
        "tags": list(record.tags), "owner": record.owner_key, "fields": record.fields,
        "body": record.body,
        "source": {"path": source.get("path"), "format": source.get("format")} if source else None,
        "links": [
            {"type": link.type.value, "target": link.key, "note": link.note,
             "dangling": link.dangling}
            for link in links if link.direction == "out"
        ],
        "attachments": attachments,
    }


def json_target(out: Path) -> Path:
    return out if out.suffix.lower() == ".json" else out / "kbridge.json"


def json_text(kb: KnowledgeBase, progress: Progress | None, cancel: Cancel | None) -> tuple[str, int] | None:
    """The JSON document and the number of records in it; None when cancelled."""
    records = list(kb.iter_records())
    data = []
    for done, record in enumerate(records, start=1):
        if cancel is not None and cancel():
            return None
        data.append(record_json(kb, record, kb.links.of(record.uid)))
        if progress is not None and done % 50 == 0:
            progress(done, len(records), record.key)
    document = {"kbridge": __version__, "records": data}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n", len(data)


def write_json(target: Path, text: str, overwrite: bool) -> bool:
    """Write the document; False when the file already holds it. A different file is replaced
    only with `overwrite` (ConflictError otherwise)."""
    data = text.encode("utf-8")
    if target.exists() or target.is_symlink():
        try:
            present = safe_files.read_file(target.parent, target.name, max_bytes=len(data))
        except safe_files.FileTooLargeError:
            present = None
        except safe_files.UnsafePathError:
            if not overwrite:
                raise ConflictError(f"{target} already exists; use --force to replace it") from None
            present = None
        if present == data:
            return False
        if not overwrite:
            raise ConflictError(f"{target} already exists; use --force to replace it")
    try:
        safe_files.write_file(target.parent, target.name, data, overwrite=overwrite)
    except ConflictError as error:
        raise ConflictError(f"{target} already exists; use --force to replace it") from error
    return True


# --- reading ------------------------------------------------------------------------------------


@dataclass
class JsonExport:
    records: list[ParsedRecord] = field(default_factory=list)  # path: the record's key
    links: list[ResolvedLink] = field(default_factory=list)
    attachments: dict[str, tuple[bytes, list[str]]] = field(default_factory=dict)  # name -> (data, keys)
    skipped: list[Skipped] = field(default_factory=list)


def is_json_export(path: Path) -> bool:
    return path.suffix.lower() == ".json" and path.is_file()


def read_json_export(path: Path) -> JsonExport:
    """The records of a kbridge JSON export as parsed records (format "json", each named by its
    key), their links, their attachments and what could not be read."""
    try:
        raw = safe_files.read_regular(path, max_bytes=MAX_JSON_BYTES)
        document = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KbridgeError) as error:
        raise ValidationError(f"{path} is not a kbridge JSON export: {error}") from error
    except RecursionError:  # nested deeper than the parser goes: no export of kbridge's is
        raise ValidationError(f"{path} is not a kbridge JSON export: nested too deep") from None
    if not isinstance(document, dict) or not isinstance(document.get("records"), list):
        raise ValidationError(f"{path} is not a kbridge JSON export (no list of records)")
    result = JsonExport()
    stated: list[tuple[str, dict[str, Any]]] = []
    for index, item in enumerate(document["records"]):
        try:
            parsed = _record(item)
        except (KeyError, TypeError, ValueError, KbridgeError) as error:
            result.skipped.append(Skipped(f"records[{index}]", f"not a record: {error}"))
            continue
        if any(other.path.lower() == parsed.path.lower() for other in result.records):
            result.skipped.append(Skipped(f"records[{index}]", f"a second record keyed {parsed.key}"))
            continue
        result.records.append(parsed)
        stated += [(parsed.path, link) for link in item.get("links") or [] if isinstance(link, dict)]
        _attachments(item, parsed.path, result)
    keys = {record.path for record in result.records}
    for source, link in stated:
        try:
            link_type = LinkType.parse(str(link["type"]))
            target = str(link["target"])
        except (KeyError, KbridgeError) as error:
            result.skipped.append(Skipped(source, f"a link that cannot be read: {error}"))
            continue
        inside = target if target in keys and not link.get("dangling") else None
        result.links.append(ResolvedLink(source, link_type, inside, "" if inside else target,
                                         str(link.get("note") or ""), stated_in=source))
    return result


def _attachments(item: dict[str, Any], key: str, result: JsonExport) -> None:
    for attached in item.get("attachments") or []:
        try:
            name, data = str(attached["name"]), base64.b64decode(attached["base64"], validate=True)
        except (KeyError, TypeError, binascii.Error) as error:
            result.skipped.append(Skipped(f"{key} attachment", f"cannot be read: {error}"))
            continue
        if attached.get("sha256") and hashlib.sha256(data).hexdigest() != attached["sha256"]:
            result.skipped.append(Skipped(name, "attachment does not match its sha256: not kept"))
            continue
        result.attachments.setdefault(name, (data, []))[1].append(key)


def _record(item: Any) -> ParsedRecord:
    if not isinstance(item, dict):
        raise TypeError("not a mapping")
    kind = Kind.parse(str(item["kind"]))
    key, title = str(item["key"]), str(item["title"])
    fields = item.get("fields") or {}
    if not isinstance(fields, dict):
        raise TypeError("fields must be a mapping")
    source = item.get("source")
    record = ParsedRecord(
        path=key, format=JSON_FORMAT, title=title, kind=kind.value, key=key,
        uid=str(item.get("uid") or ""), status=str(item.get("status") or ""),
        date=_text(item.get("date")), review_by=_text(item.get("review_by")), owner=_text(item.get("owner")),
        tags=[str(tag) for tag in item.get("tags") or []], fields=dict(fields), body=str(item.get("body") or ""),
    )
    record.status_text = record.status or None
    if isinstance(source, dict) and source.get("path"):
        record.layout["json_source"] = {"path": str(source["path"]), "format": str(source.get("format") or "")}
    return record


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
