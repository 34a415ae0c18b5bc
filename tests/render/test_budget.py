"""Very long records: the interactive views render the first part, cut where Markdown allows."""

from __future__ import annotations

from kbridge.model import Kind, LinkedRecord, LinkType, Record
from kbridge.render import Budget, record_page_html, render_markdown, shorten_markdown

SMALL = Budget(lines=10, chars=400, links=3)


def test_a_record_within_the_budget_is_whole() -> None:
    text = "\n".join(f"line {n}" for n in range(10))
    part = shorten_markdown(text, SMALL)
    assert part.text == text and not part.cut


def test_many_lines_are_cut_at_the_budget_and_counted() -> None:
    text = "\n".join(f"- item {n}" for n in range(50))
    part = shorten_markdown(text, SMALL)
    assert part.cut and (part.shown_lines, part.total_lines) == (10, 50)
    assert part.text.splitlines()[-1] == "- item 9"


def test_a_cut_prefers_a_paragraph_break_and_never_leaves_half_a_line() -> None:
    text = ("A sentence of the first paragraph. " * 4 + "\n\n") * 3 + "word " * 200
    part = shorten_markdown(text, SMALL)
    assert part.cut and part.text.endswith("paragraph. ") and "word" not in part.text


def test_one_enormous_line_is_cut_by_characters() -> None:
    part = shorten_markdown("x" * 5000, SMALL)
    assert part.cut and len(part.text) == 400 and part.total_chars == 5000


def test_a_code_fence_cut_through_is_closed() -> None:
    text = "Intro\n\n```python\n" + "\n".join(f"print({n})" for n in range(40)) + "\n```\n\n## After"
    part = shorten_markdown(text, SMALL)
    assert part.text.endswith("```")
    html = render_markdown(part.text)
    assert "After" not in html and "print" in html and html.count("<pre") == 1


def _record(body: str) -> Record:
    return Record(kind=Kind.NOTE, title="Long", key="NOTE-1", uid="u1", body=body)


def _link(number: int) -> LinkedRecord:
    return LinkedRecord(type=LinkType.RELATES_TO, direction="out", uid=f"t{number}", key=f"NOTE-{number}",
                        title=f"Target {number}", kind=Kind.NOTE, status="")


def test_the_page_says_what_it_left_out_and_the_site_keeps_everything() -> None:
    body = "\n".join(f"line {n}" for n in range(30))
    links = [_link(n) for n in range(2, 12)]
    viewed = record_page_html(_record(body), links, status_hex=lambda _s: "#888", budget=SMALL)
    assert "first 10 of 30 lines" in viewed and "line 29" not in viewed
    assert "NOTE-4" in viewed and "NOTE-5" not in viewed and "7 more links" in viewed
    whole = record_page_html(_record(body), links, status_hex=lambda _s: "#888")
    assert "line 29" in whole and "NOTE-11" in whole and "more links" not in whole
