"""Whose knowledge is where: what a person holds (as owner, through an `owned-by` link, or as a
system's recovery approver), for the "knowledge at risk" review and for handing it on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kbridge.model import Kind, LinkType, Record, ValidationError, natural_key
from kbridge.model.wording import with_article

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase

OWNER = "owner"
OWNED_BY_LINK = "owned-by link"
APPROVER = "approver"


@dataclass(frozen=True)
class Holding:
    """A record a person holds, and in which roles."""

    record: Record
    roles: tuple[str, ...]


def person_record(kb: KnowledgeBase, ref: str) -> Record:
    person = kb.get(ref)
    if person.kind is not Kind.PERSON:
        raise ValidationError(f"{person.key} is {with_article(person.kind.value)}, not a person")
    return person


def holdings(kb: KnowledgeBase, ref: str) -> list[Holding]:
    """Every record (not in the trash) that `ref` owns, is linked as owner of, or approves the
    recovery of, in key order."""
    person = person_record(kb, ref)
    roles: dict[str, list[str]] = {}
    for record in kb.list_records(owner=person.uid):
        roles.setdefault(record.uid, []).append(OWNER)
    for link in kb.links.of(person.uid):
        if link.type is LinkType.OWNED_BY and link.direction == "in" and link.uid and not link.deleted:
            roles.setdefault(link.uid, []).append(OWNED_BY_LINK)
    for system in kb.list_records(kind=Kind.SYSTEM):
        if names_person(system.fields.get("approver"), person):
            roles.setdefault(system.uid, []).append(APPROVER)
    held = []
    for uid, what in roles.items():
        found = kb.find(uid)
        if found is not None and not found.deleted:
            held.append(Holding(found, tuple(what)))
    return sorted(held, key=lambda holding: natural_key(holding.record.key))


def names_person(value: object, person: Record) -> bool:
    """Whether a field value (a key or a name) designates `person`."""
    text = str(value or "").strip()
    return bool(text) and (text.upper() == person.key.upper() or text.casefold() == person.title.casefold())
