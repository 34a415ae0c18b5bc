"""The fixed vocabulary of kbridge: record kinds, their statuses and the typed links between them."""

from __future__ import annotations

import re
from enum import Enum

from kbridge.model.errors import ValidationError


class Kind(str, Enum):
    DECISION = "decision"
    SYSTEM = "system"
    CONTROL = "control"
    RISK = "risk"
    INCIDENT = "incident"
    REQUIREMENT = "requirement"
    EVENT = "event"
    PERSON = "person"
    NOTE = "note"
    TEMPLATE = "template"  # the starting text of new records, kept and shared like any record

    @property
    def label(self) -> str:
        return _KIND_LABELS[self][0]

    @property
    def plural(self) -> str:
        return _KIND_LABELS[self][1]

    @property
    def statuses(self) -> tuple[str, ...]:
        return KIND_STATUSES[self]

    @property
    def default_status(self) -> str:
        return DEFAULT_STATUS[self]

    @property
    def key_prefix(self) -> str:
        return KEY_PREFIX[self]

    @classmethod
    def parse(cls, text: str) -> Kind:
        """The kind named by `text` (singular or plural, any case); a ValidationError otherwise."""
        wanted = text.strip().lower()
        for kind in cls:
            if wanted in (kind.value, kind.plural.lower(), kind.key_prefix.lower()):
                return kind
        names = ", ".join(k.value for k in cls)
        raise ValidationError(f"unknown kind {text!r}; kinds are: {names}")


_KIND_LABELS: dict[Kind, tuple[str, str]] = {
    Kind.DECISION: ("Decision", "Decisions"),
    Kind.SYSTEM: ("System", "Systems"),
    Kind.CONTROL: ("Control", "Controls"),
    Kind.RISK: ("Risk", "Risks"),
    Kind.INCIDENT: ("Incident", "Incidents"),
    Kind.REQUIREMENT: ("Requirement", "Requirements"),
    Kind.EVENT: ("Event", "Events"),
    Kind.PERSON: ("Person", "People"),
    Kind.NOTE: ("Note", "Notes"),
    Kind.TEMPLATE: ("Template", "Templates"),
}

# What a record gets when nothing states its status (an imported file without one): kbridge never
# invents a status, so every kind that has statuses also has this one.
UNKNOWN_STATUS = "unknown"

KIND_STATUSES: dict[Kind, tuple[str, ...]] = {
    Kind.DECISION: ("draft", "proposed", "accepted", "rejected", "deprecated", "superseded", UNKNOWN_STATUS),
    Kind.SYSTEM: ("planned", "active", "deprecated", "decommissioned", UNKNOWN_STATUS),
    Kind.CONTROL: ("planned", "implemented", "partial", "retired", UNKNOWN_STATUS),
    Kind.RISK: ("open", "mitigated", "accepted", "closed", UNKNOWN_STATUS),
    Kind.INCIDENT: ("open", "resolved", UNKNOWN_STATUS),
    Kind.REQUIREMENT: ("active", "withdrawn", UNKNOWN_STATUS),
    Kind.EVENT: (),
    Kind.PERSON: ("active", "departed", UNKNOWN_STATUS),
    Kind.NOTE: (),
    Kind.TEMPLATE: (),
}

DEFAULT_STATUS: dict[Kind, str] = {
    Kind.DECISION: "proposed",
    Kind.SYSTEM: "active",
    Kind.CONTROL: "planned",
    Kind.RISK: "open",
    Kind.INCIDENT: "open",
    Kind.REQUIREMENT: "active",
    Kind.EVENT: "",
    Kind.PERSON: "active",
    Kind.NOTE: "",
    Kind.TEMPLATE: "",
}

KEY_PREFIX: dict[Kind, str] = {
    Kind.DECISION: "ADR",
    Kind.SYSTEM: "SYS",
    Kind.CONTROL: "CTL",
    Kind.RISK: "RSK",
    Kind.INCIDENT: "INC",
    Kind.REQUIREMENT: "REQ",
    Kind.EVENT: "EVT",
    Kind.PERSON: "PER",
    Kind.NOTE: "NOTE",
    Kind.TEMPLATE: "TPL",
}

# ADR numbers are conventionally four digits (adr-tools, MADR); everything else uses three.
KEY_DIGITS: dict[Kind, int] = {kind: (4 if kind is Kind.DECISION else 3) for kind in Kind}

# Fields that a kind is expected to carry; they are shown and edited as form fields.
KIND_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.DECISION: ("deciders", "consulted", "informed", "drivers", "options", "outcome"),
    Kind.SYSTEM: ("criticality", "rto", "rpo", "approver", "review_period"),
    Kind.CONTROL: ("rationale", "framework_ref"),
    Kind.RISK: ("likelihood", "impact"),
    Kind.INCIDENT: ("severity",),
    Kind.REQUIREMENT: ("framework", "reference"),
    Kind.EVENT: (),
    Kind.PERSON: ("email", "role", "team", "phone"),
    Kind.NOTE: (),
    Kind.TEMPLATE: ("for_kind",),  # the kind of record it starts (empty: any)
}

# A record in one of these states is no longer in force: nothing about it is due for review.
NO_REVIEW_STATUSES = frozenset({"superseded", "deprecated", "rejected"})

# A system's `review_period` ("6 months", "1 year") is how often its recovery is exercised; an event
# recording an exercise of it (linked `affects` to the system) has the fields `exercise` (one of the
# types), `result` and, when timed, `recovery_time` (kbridge.core.readiness reads them).
EXERCISE_TYPES = ("tabletop", "test")
EXERCISE_RESULTS = ("passed", "partial", "failed")
# An incident's field holding the ticks of its recovery checklist (kbridge.core.incident).
CHECKLIST_FIELD = "checklist"

_KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def validate_status(kind: Kind, status: str) -> str:
    """The canonical status for `kind`; a ValidationError naming the allowed ones otherwise."""
    wanted = (status or "").strip().lower()
    allowed = kind.statuses
    if not allowed:
        if wanted:
            raise ValidationError(f"a {kind.value} has no status (got {status!r})")
        return ""
    if wanted not in allowed:
        raise ValidationError(
            f"unknown status {status!r} for a {kind.value}; allowed: {', '.join(allowed)}"
        )
    return wanted


def validate_key(key: str) -> str:
    """A user-given key, stripped; a ValidationError when it cannot be a key."""
    cleaned = (key or "").strip()
    if not _KEY_PATTERN.match(cleaned):
        raise ValidationError(
            f"invalid key {key!r}: use letters, digits, '.', '_' or '-' (at most 64, "
            "starting with a letter or digit)"
        )
    return cleaned


def format_key(kind: Kind, number: int) -> str:
    return f"{kind.key_prefix}-{number:0{KEY_DIGITS[kind]}d}"


def natural_key(key: str) -> tuple[str, int, str]:
    """The order people expect keys in: ADR-0010 after ADR-0009, SYS-2 before SYS-10."""
    prefix, _, number = key.rpartition("-")
    if number.isdigit():
        return (prefix.lower(), int(number), "")
    return (key.lower(), -1, key)


class LinkType(str, Enum):
    SUPERSEDES = "supersedes"
    AMENDS = "amends"
    MOTIVATED_BY = "motivated-by"
    IMPLEMENTS = "implements"
    MITIGATES = "mitigates"
    APPLIES_TO = "applies-to"
    AFFECTS = "affects"
    DEPENDS_ON = "depends-on"
    ACCEPTS = "accepts"
    OWNED_BY = "owned-by"
    RELATES_TO = "relates-to"

    @property
    def label(self) -> str:
        """How the link reads from its source: "supersedes ADR-0003"."""
        return self.value.replace("-", " ")

    @property
    def inverse_label(self) -> str:
        """How the link reads from its target: "superseded by ADR-0009"."""
        return _INVERSE_LABELS[self]

    @property
    def symmetric(self) -> bool:
        return self is LinkType.RELATES_TO

    @classmethod
    def parse(cls, text: str) -> LinkType:
        wanted = text.strip().lower().replace("_", "-").replace(" ", "-")
        for link_type in cls:
            if wanted == link_type.value:
                return link_type
        names = ", ".join(t.value for t in cls)
        raise ValidationError(f"unknown link type {text!r}; link types are: {names}")


# A relation written with a verb kbridge has no link type for ("Clarifies", "Contradicts") is a
# relates-to link whose note is that verb: a short phrase of words, no digits or punctuation.
_RELATION_VERB = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’-]){0,38}[^\W\d_]$")


def relation_verb(link_type: LinkType, note: str) -> str | None:
    """The verb a relates-to link was written with, when its note is one (at most four words)."""
    text = (note or "").strip()
    if link_type is not LinkType.RELATES_TO or not _RELATION_VERB.match(text) or len(text.split()) > 4:
        return None
    return text


_INVERSE_LABELS: dict[LinkType, str] = {
    LinkType.SUPERSEDES: "superseded by",
    LinkType.AMENDS: "amended by",
    LinkType.MOTIVATED_BY: "motivates",
    LinkType.IMPLEMENTS: "implemented by",
    LinkType.MITIGATES: "mitigated by",
    LinkType.APPLIES_TO: "protected by",
    LinkType.AFFECTS: "affected by",
    LinkType.DEPENDS_ON: "dependency of",
    LinkType.ACCEPTS: "accepted by",
    LinkType.OWNED_BY: "owns",
    LinkType.RELATES_TO: "relates to",
}
