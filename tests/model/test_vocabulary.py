from __future__ import annotations

import pytest

from kbridge.model import (
    Kind,
    LinkType,
    ValidationError,
    format_key,
    normalise_date,
    normalise_tags,
    validate_key,
    validate_status,
)


def test_kind_parse_accepts_singular_plural_and_prefix() -> None:
    assert Kind.parse("Decision") is Kind.DECISION
    assert Kind.parse("controls") is Kind.CONTROL
    assert Kind.parse("people") is Kind.PERSON
    assert Kind.parse("adr") is Kind.DECISION


def test_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(ValidationError, match=r"unknown kind 'widget'.*decision"):
        Kind.parse("widget")


def test_statuses_are_per_kind() -> None:
    assert validate_status(Kind.DECISION, " Accepted ") == "accepted"
    with pytest.raises(ValidationError, match="allowed: planned, implemented"):
        validate_status(Kind.CONTROL, "accepted")
    assert validate_status(Kind.NOTE, "") == ""
    with pytest.raises(ValidationError, match="has no status"):
        validate_status(Kind.EVENT, "open")


def test_every_link_type_has_an_inverse_label() -> None:
    assert LinkType.SUPERSEDES.inverse_label == "superseded by"
    assert LinkType.MOTIVATED_BY.inverse_label == "motivates"
    assert LinkType.APPLIES_TO.inverse_label == "protected by"
    assert LinkType.parse("Motivated By") is LinkType.MOTIVATED_BY
    assert all(link.inverse_label for link in LinkType)
    with pytest.raises(ValidationError, match="unknown link type 'causes'"):
        LinkType.parse("causes")


def test_keys_are_formatted_per_kind_and_validated() -> None:
    assert format_key(Kind.DECISION, 7) == "ADR-0007"
    assert format_key(Kind.CONTROL, 12) == "CTL-012"
    assert validate_key(" SYS-payments ") == "SYS-payments"
    for bad in ("", "-x", "a b", "x" * 65, "ADR/1"):
        with pytest.raises(ValidationError):
            validate_key(bad)


def test_dates_and_tags_are_normalised() -> None:
    assert normalise_date("2024-02-29") == "2024-02-29"
    assert normalise_date("") is None
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        normalise_date("29/02/2024")
    with pytest.raises(ValidationError):
        normalise_date("2023-02-29")
    assert normalise_tags("PCI, #secrets pci") == ["pci", "secrets"]
