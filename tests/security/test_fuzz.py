"""Fuzz targets with a time budget per input: the query parser and the Markdown renderer on random
text drawn from the characters that drive them, and on short units repeated many thousand times
(how every quadratic path found so far was shaped: 8,000 `[`, 250 `(`, 3,000 `NOT`). Bounded
example counts keep the suite fast; a budget per input far above what each takes (tens of
milliseconds) and far below what a superlinear path would."""

from __future__ import annotations

import re
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbridge.escaping import BIDI_CONTROLS, escape_html, terminal_text
from kbridge.render import render_markdown
from kbridge.search.parser import MAX_TERMS, parse_query
from kbridge.search.query import And, Node, Not, Or
from tests.security.inert import html_problems

MARKDOWN_ALPHABET = "[]()<>!*_`~#>-+|:\\\"'&;= \n\tax1./{}^$@%"
QUERY_ALPHABET = '()"*~:-+ |&!abxyNOTAR0123456789.\\kindstagte'
QUERY_UNITS = ["(", ")", "NOT", "OR", "AND", "-", "+", '"', "a", "b*", "c~2", "kind:", "tag:x", "date:2020..",
               "title:(", "||", "&&", "*", "~", ":"]
BUDGET = settings(max_examples=60, deadline=timedelta(seconds=10), suppress_health_check=[HealthCheck.too_slow],
                  derandomize=True)


def _depth(node: Node) -> int:
    if isinstance(node, (And, Or)):
        return 1 + max((_depth(child) for child in node.children), default=0)
    if isinstance(node, Not):
        return 1 + _depth(node.child)
    return 1


@BUDGET
@given(st.text(alphabet=QUERY_ALPHABET, max_size=600))
def test_the_query_parser_takes_any_text(text: str) -> None:
    parsed = parse_query(text)
    assert parsed.text == text and all(isinstance(warning, str) for warning in parsed.warnings)
    assert _depth(parsed.root) < 200


@BUDGET
@given(st.lists(st.sampled_from(QUERY_UNITS), min_size=1, max_size=6), st.integers(100, 6000))
def test_the_query_parser_on_long_runs(units: list[str], count: int) -> None:
    text = " ".join(units) * count
    parsed = parse_query(text)
    assert _depth(parsed.root) < 200
    words = len(re.findall(r"[^\s()\"]+", text))
    if words > MAX_TERMS * 2:
        assert parsed.warnings  # what was cut is said


@BUDGET
@given(st.text(alphabet=MARKDOWN_ALPHABET, max_size=4000))
def test_the_renderer_takes_any_text_and_stays_inert(text: str) -> None:
    rendered = render_markdown(text)
    assert html_problems(rendered) == []


@BUDGET
@given(st.text(alphabet=MARKDOWN_ALPHABET, min_size=1, max_size=6), st.integers(1000, 30_000))
def test_the_renderer_on_long_runs(unit: str, count: int) -> None:
    rendered = render_markdown(unit * count)
    assert "could not be laid out" not in rendered or "plain text" in rendered
    assert html_problems(rendered) == []


@settings(max_examples=300, derandomize=True)
@given(st.text())
def test_escaped_text_opens_no_tag_and_shows_no_control(text: str) -> None:
    escaped = escape_html(text)
    assert not set("<>\"'") & set(escaped)
    assert not re.search(r"&(?!(amp|lt|gt|quot|#x27);)", escaped)
    shown = terminal_text(text)
    assert not any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 or char in BIDI_CONTROLS for char in shown)
