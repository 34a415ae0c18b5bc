"""The vocabulary of kbridge: plain dataclasses and enums, importing nothing else of kbridge."""

from __future__ import annotations

from kbridge.model.errors import ConflictError, KbridgeError, NotFoundError, ValidationError
from kbridge.model.operations import Cancel, Initiator, OpResult, Progress, RecordResult
from kbridge.model.records import (
    CONTENT_FIELDS,
    Changes,
    Link,
    LinkedRecord,
    Record,
    RecordBrief,
    Revision,
    normalise_date,
    normalise_tags,
)
from kbridge.model.vocabulary import (
    KEY_DIGITS,
    KIND_FIELDS,
    KIND_STATUSES,
    NO_REVIEW_STATUSES,
    UNKNOWN_STATUS,
    Kind,
    LinkType,
    format_key,
    natural_key,
    relation_verb,
    validate_key,
    validate_status,
)

__all__ = [
    "CONTENT_FIELDS",
    "KEY_DIGITS",
    "KIND_FIELDS",
    "KIND_STATUSES",
    "NO_REVIEW_STATUSES",
    "UNKNOWN_STATUS",
    "Cancel",
    "Changes",
    "ConflictError",
    "Initiator",
    "KbridgeError",
    "Kind",
    "Link",
    "LinkType",
    "LinkedRecord",
    "NotFoundError",
    "OpResult",
    "Progress",
    "Record",
    "RecordBrief",
    "RecordResult",
    "Revision",
    "ValidationError",
    "format_key",
    "natural_key",
    "normalise_date",
    "normalise_tags",
    "relation_verb",
    "validate_key",
    "validate_status",
]
