"""The query syntax, parsed into the engine-neutral query; never an exception."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kbridge.search.parser import key_candidates, parse_query
from kbridge.search.query import (
    And,
    DateRange,
    Exact,
    Fuzzy,
    KeyBoost,
    MatchAll,
    Not,
    Or,
    Phrase,
    Prefix,
    Term,
)


def root(text: str) -> object:
    parsed = parse_query(text)
    assert parsed.warnings == (), parsed.warnings
    return parsed.root


def test_words_phrases_prefix_fuzzy() -> None:
    assert root("vault rotation") == And((Term("vault"), Term("rotation")))
    assert root('"key rotation"') == Phrase("key rotation")
    assert root('"key rotation"~3') == Phrase("key rotation", slop=3)
    assert root("rot*") == Prefix("rot")
    assert root("vualt~") == Fuzzy("vualt", distance=1)
    assert root("kubernetis~") == Fuzzy("kubernetis", distance=2)
    assert root("vault~1") == Fuzzy("vault", distance=1)
    assert root("vault~0") == Term("vault")
    assert root("*") == MatchAll()
    assert root("") == MatchAll()


def test_operators_and_precedence() -> None:
    a, b, c = Term("a"), Term("b"), Term("c")
    assert root("a OR b c") == Or((a, And((b, c))))
    assert root("a AND b OR c") == Or((And((a, b)), c))
    assert root("NOT a b") == And((Not(a), b))
    assert root("-a b") == And((Not(a), b))
    assert root("+a b") == And((a, b))
    assert root("(a OR b) -c") == And((Or((a, b)), Not(c)))
    assert root("a || b && c") == Or((a, And((b, c))))
    # Lower-case operators are words.
    assert root("a or b") == And((a, Term("or"), b))


def test_fields() -> None:
    assert root("kind:ADRs") == Exact("kind", "decision")
    assert root("status:Accepted") == Exact("status", "accepted")
    assert root("tag:#PCI") == Exact("tag", "pci")
    assert root("tag:sec*") == Prefix("sec", "tag")
    assert root("owner:alice") == Term("alice", "owner")
    assert root("key:ADR-0007") == Exact("key", "adr-0007")
    assert root("key:adr-7") == Or((Exact("key", "adr-0007"), Exact("key", "adr-7")))
    assert root('title:"key rotation"') == Phrase("key rotation", "title")
    assert root("body:hsm*") == Prefix("hsm", "body")
    assert root("title:(vault OR hsm)") == Or((Term("vault", "title"), Term("hsm", "title")))
    assert root("-kind:person") == Not(Exact("kind", "person"))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("date:>2023-01-01", dt.date(2023, 1, 2), None),
        ("date:>=2023-01-01", dt.date(2023, 1, 1), None),
        ("date:<2023-01-01", None, dt.date(2022, 12, 31)),
        ("date:<=2023-01", None, dt.date(2023, 1, 31)),
        ("date:>2023", dt.date(2024, 1, 1), None),
        ("date:2021..2022", dt.date(2021, 1, 1), dt.date(2022, 12, 31)),
        ("date:2021-03..2021-04-10", dt.date(2021, 3, 1), dt.date(2021, 4, 10)),
        ("date:2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("date:2023..", dt.date(2023, 1, 1), None),
        ("date:..2020", None, dt.date(2020, 12, 31)),
        ('date:"2021..2022"', dt.date(2021, 1, 1), dt.date(2022, 12, 31)),
    ],
)
def test_dates(text: str, start: dt.date | None, end: dt.date | None) -> None:
    assert root(text) == DateRange(start, end)


@pytest.mark.parametrize(
    ("text", "expected", "warning"),
    [
        ('"key rotation', And((Term("key"), Term("rotation"))), "unbalanced quote"),
        ("colour:blue", And((Term("colour"), Term("blue"))), "unknown field 'colour:'"),
        ("(a OR b", Or((Term("a"), Term("b"))), "missing ')'"),
        ("a) b", And((Term("a"), Term("b"))), "unmatched ')'"),
        ("a AND", Term("a"), "AND"),
        ("a OR", Term("a"), "OR"),
        ("a NOT", Term("a"), "NOT"),
        ("title: vault", Term("vault"), "'title:' without a value"),
        ("date:someday", MatchAll(), "date:someday"),
        ("date:2023-13-01", MatchAll(), "date:2023-13-01"),
        ("date:2023..2021", MatchAll(), "ends before it starts"),
        ("kind:spaceship", MatchAll(), "kind:spaceship"),
        ("status:sleeping", MatchAll(), "status:sleeping"),
        ("*vault", Term("vault"), "'*' works only at the end"),
        ('""', MatchAll(), "empty phrase"),
        ("vault~5", Fuzzy("vault", distance=2), "lowered to 2"),
    ],
)
def test_malformed_queries_degrade_and_say_what_was_ignored(text: str, expected: object, warning: str) -> None:
    parsed = parse_query(text)
    assert parsed.root == expected
    assert any(warning in message for message in parsed.warnings), parsed.warnings


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("ADR-0007", ("adr-0007",)),
        ("adr 7", ("adr-0007", "adr-7")),
        ("adr7", ("adr-0007", "adr-7")),
        ("CTL_12", ("ctl-012", "ctl-12")),
        ("SYS-payments", ("sys-payments",)),
        ("vault", ()),
        ("vault rotation", ()),
    ],
)
def test_key_lookups(text: str, keys: tuple[str, ...]) -> None:
    assert key_candidates(text) == keys
    if keys:
        parsed = parse_query(text)
        assert isinstance(parsed.root, Or) and parsed.root.children[0] == KeyBoost(keys)


@given(st.text(max_size=60))
def test_any_text_parses(text: str) -> None:
    parsed = parse_query(text)
    assert parsed.text == text
    assert all(isinstance(message, str) for message in parsed.warnings)
