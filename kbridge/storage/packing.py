"""How revisions and kept files are packed in the database, so that a knowledge base is about the
size of its text and grows by about the size of each change.

Revisions of a record form a chain, newest first:

- the newest is stored as what differs from the record's own row (`row`): every committed
  change writes a revision of the record as it then is, so that is its links, its owner's key
  and whether it is deleted, and only those that are not the commonest values (no links, no
  owner, not deleted: nothing at all for most records); before the row changes, it is stored
  whole;
- `record` is how the newest was kept in schemas 5 and 6 (every field the row lacks, and an
  empty list of dropped ones: 70 bytes for most records, a third of a first revision's row);
- `current` is how the newest was kept before schema 5 (everything but the body);
- an older one is a reverse delta (`delta`) from the revision after it: the fields that differ,
  long texts as one splice (common prefix and suffix kept by reference);
- every `KEYFRAME_EVERY`th is stored whole (`full`), so that reading any revision applies at most
  that many deltas;
- `json` is how revisions were kept before (whole, uncompressed), read as they are.

The imported original of a record (kept to write the file back byte for byte) is stored as a
splice around the record's body (`splice`: what comes before and after the body in the file) while
the body is unchanged, and compressed (`zlib`) once the body is edited. Other files are compressed
when that saves space (`zlib`), else kept as they are (`raw`).

Everything here is pure: bytes in, values out. The store decides when to re-pack.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from dataclasses import dataclass
from typing import Any

KEYFRAME_EVERY = 32
# Texts shorter than this are kept whole in a delta: a splice would not be shorter.
_SPLICE_FROM = 64
_LEVEL = 6
# A file's first bytes compressed to see whether compressing the rest is worth it: PNG and JPEG
# bytes go through zlib at about 66 MB/s to save nothing (the 575 MB of images of 180 copies of
# the corpus: 9 s of zlib that an import waited for at its end).
_PROBE = 32 * 1024

JSON, FULL, CURRENT, DELTA, RECORD, ROW = "json", "full", "current", "delta", "record", "row"
RAW, ZLIB, SPLICE = "raw", "zlib", "splice"


class PackingError(Exception):
    """Packed data that cannot be read back (a damaged file)."""


def _dump(value: Any) -> bytes:
    return zlib.compress(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8"), _LEVEL)


def _load(data: bytes) -> Any:
    try:
        return json.loads(zlib.decompress(data).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError) as error:
        raise PackingError(f"packed revision data cannot be read: {error}") from error


# --- revisions --------------------------------------------------------------------------------


def pack_full(snapshot: dict[str, Any]) -> bytes:
    return _dump(snapshot)


def pack_current(snapshot: dict[str, Any]) -> bytes:
    """The newest revision, without the body it shares with the record."""
    return _dump({name: value for name, value in snapshot.items() if name != "body"})


def pack_record(snapshot: dict[str, Any], row: dict[str, Any]) -> bytes:
    """The newest revision as what differs from `row` (the record's stored columns, `base`)."""
    changed = {name: value for name, value in snapshot.items() if name not in row or row[name] != value}
    dropped = sorted(name for name in row if name not in snapshot)
    packed = json.dumps({"changed": changed, "dropped": dropped}, sort_keys=True, ensure_ascii=False,
                        separators=(",", ":"))
    return packed.encode("utf-8")


def pack_row(snapshot: dict[str, Any], row: dict[str, Any]) -> bytes | None:
    """The newest revision as what differs from `row` and the commonest values of the fields it
    lacks (`_row_base`): empty when nothing does. None when the snapshot lacks a field the row
    or those values have (kept as `pack_record` then)."""
    base = _row_base(row)
    if any(name not in snapshot for name in base):
        return None
    changed = {name: value for name, value in snapshot.items() if name not in base or base[name] != value}
    if not changed:
        return b""
    return json.dumps(changed, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def pack_delta(old: dict[str, Any], new: dict[str, Any]) -> bytes:
    """What turns `new` back into `old`."""
    changed: dict[str, Any] = {}
    for name, value in old.items():
        if name in new and new[name] == value:
            continue
        after = new.get(name)
        if isinstance(value, str) and isinstance(after, str) and len(value) >= _SPLICE_FROM:
            changed[name] = {"splice": _splice(value, after)}
        else:
            changed[name] = {"value": value}
    dropped = sorted(name for name in new if name not in old)
    return _dump({"changed": changed, "dropped": dropped})


def unpack(
    encoding: str,
    packed: bytes | None,
    text: str,
    *,
    row: dict[str, Any] | None,
    newer: dict[str, Any] | None,
) -> dict[str, Any]:
    """A revision's snapshot. `text` is the old `snapshot` column (encoding `json`), `row` the
    record's stored columns (encodings `row`, `record` and `current`), `newer` the snapshot of the next
    revision (encoding `delta`)."""
    if encoding == JSON:
        return dict(json.loads(text))
    if packed is None:
        raise PackingError(f"a {encoding} revision has no packed data")
    if encoding == FULL:
        return dict(_load(packed))
    if encoding in (CURRENT, RECORD, ROW):
        if row is None:
            raise PackingError("the newest revision needs the record it was saved from")
        if encoding == CURRENT:
            return {**_load(packed), "body": row["body"]}
        if encoding == ROW:
            return {**_row_base(row), **_row_changes(packed)}
        try:
            differs = json.loads(bytes(packed).decode("utf-8"))
            dropped, changed = set(differs["dropped"]), dict(differs["changed"])
        except (UnicodeDecodeError, ValueError, TypeError, KeyError) as error:
            raise PackingError(f"packed revision data cannot be read: {error!r}") from error
        return {**{name: value for name, value in row.items() if name not in dropped}, **changed}
    if encoding == DELTA:
        if newer is None:
            raise PackingError("a delta revision needs the revision after it")
        delta = _load(packed)
        old = {name: value for name, value in newer.items() if name not in set(delta["dropped"])}
        for name, change in delta["changed"].items():
            old[name] = _unsplice(change["splice"], str(newer.get(name, ""))) if "splice" in change else change["value"]
        return old
    raise PackingError(f"unknown revision encoding {encoding!r}")


def _row_base(row: dict[str, Any]) -> dict[str, Any]:
    """What a revision of encoding `row` holds unless it says otherwise: the record's row, and the
    snapshot's fields that are not columns of the row at their commonest values (fixed here, so
    that what a stored revision means never changes)."""
    return {**row, "deleted": False, "links": [], "owner_key": None}


def _row_changes(packed: bytes) -> dict[str, Any]:
    if not packed:
        return {}
    try:
        changed = json.loads(bytes(packed).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise PackingError(f"packed revision data cannot be read: {error!r}") from error
    if not isinstance(changed, dict):
        raise PackingError("packed revision data cannot be read: not the fields of a revision")
    return changed


def _splice(old: str, new: str) -> list[Any]:
    """[prefix length, suffix length, middle]: old == new[:p] + middle + new[len(new) - s:]."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return [prefix, suffix, old[prefix : len(old) - suffix]]


def _unsplice(splice: list[Any], new: str) -> str:
    prefix, suffix, middle = int(splice[0]), int(splice[1]), str(splice[2])
    return new[:prefix] + middle + new[len(new) - suffix :]


# --- files ------------------------------------------------------------------------------------


def pack_file(data: bytes, *, body: str | None = None) -> tuple[str, bytes]:
    """The smallest way to keep `data`: around `body` when the file holds it whole, compressed
    when that saves a tenth, else as it is."""
    if body is not None and len(body) >= _SPLICE_FROM:
        encoded = body.encode("utf-8")
        start = data.find(encoded)
        if start >= 0:
            before, after = data[:start], data[start + len(encoded) :]
            return SPLICE, zlib.compress(struct.pack(">Q", len(before)) + before + after, _LEVEL)
    if len(data) > 2 * _PROBE and len(zlib.compress(data[:_PROBE], _LEVEL)) > _PROBE * 0.95:
        return RAW, data  # compressed already (an image, an archive): its start says so
    squeezed = zlib.compress(data, _LEVEL)
    if len(squeezed) < len(data) * 0.9:
        return ZLIB, squeezed
    return RAW, data


@dataclass(frozen=True)
class PreparedFile:
    """A file packed before it is kept (`prepare_file`): by an import's packing thread while the
    records before it are written, so that their writing does not wait for zlib. `body` is the
    record body it was packed around (an original), which the store checks against the body it
    keeps: a file packed around another body is packed again there."""

    data: bytes
    digest: str
    encoding: str
    packed: bytes
    body: str | None


def prepare_file(data: bytes, *, body: str | None = None) -> PreparedFile:
    """`data` packed as `pack_file` packs it, with its digest. Touches no database, so it may run
    on any thread; zlib and hashlib let go of the interpreter while they work on large data."""
    encoding, packed = pack_file(data, body=body)
    return PreparedFile(data, hashlib.sha256(data).hexdigest(), encoding, packed, body)


def unpack_file(encoding: str, packed: bytes, *, body: str | None = None) -> bytes:
    try:
        if encoding == RAW:
            return bytes(packed)
        if encoding == ZLIB:
            return zlib.decompress(packed)
        if encoding == SPLICE:
            if body is None:
                raise PackingError("a file kept around its record's body needs that body")
            joined = zlib.decompress(packed)
            (length,) = struct.unpack(">Q", joined[:8])
            return joined[8 : 8 + length] + body.encode("utf-8") + joined[8 + length :]
    except (zlib.error, struct.error) as error:
        raise PackingError(f"a kept file cannot be read: {error}") from error
    raise PackingError(f"unknown file encoding {encoding!r}")
