"""The values a record may take, checked and cleaned before the facade stores them: its kind,
title, fields and uid, and the reason a revision gets when none is given."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from kbridge.model import ConflictError, Kind, ValidationError, format_key

if TYPE_CHECKING:
    from kbridge.storage import Store


def new_uid(wanted: str | None, store: Store) -> str:
    if not wanted:
        return str(uuid.uuid4())
    try:
        uid = str(uuid.UUID(str(wanted)))
    except ValueError:
        raise ValidationError(f"invalid uid {wanted!r}: a uid is a UUID") from None
    if store.get_record(uid) is not None:
        raise ConflictError(f"the uid {uid} is already taken")
    return uid


def parse_kind(kind: Kind | str) -> Kind:
    return kind if isinstance(kind, Kind) else Kind.parse(kind)


_SHORT_KEY = re.compile(r"^([A-Za-z]+)[-_ ]?0*(\d+)$")


def shorthand_keys(ref: str) -> list[str]:
    """The key a shorthand names: `adr-7` or `ADR 7` for ADR-0007, `7` for the decision numbered
    so (as adr-tools names them); none when `ref` is no shorthand."""
    if match := _SHORT_KEY.match(ref):
        prefix, number = match.group(1).upper(), int(match.group(2))
        return [format_key(kind, number) for kind in Kind if kind.key_prefix == prefix]
    return [format_key(Kind.DECISION, int(ref))] if ref.isdigit() else []


def clean_title(title: str) -> str:
    cleaned = " ".join(str(title or "").split())
    if not cleaned:
        raise ValidationError("a record needs a title")
    return cleaned


def clean_fields(fields: dict[str, Any] | None) -> dict[str, Any]:
    if fields is None:
        return {}
    if not isinstance(fields, dict):
        raise ValidationError("fields must be a mapping of names to values")
    return {str(name): value for name, value in fields.items()}


def describe_change(before: dict[str, Any], after: dict[str, Any]) -> str:
    """A default revision reason naming what changed: "status: proposed -> accepted"."""
    changed = [name for name in after if before.get(name) != after.get(name)]
    if changed == ["status"]:
        return f"status: {before['status'] or '-'} -> {after['status']}"
    return "changed " + ", ".join(changed)
