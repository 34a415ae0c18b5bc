"""The links of an import kept once each, whether held or on a scratch table (a folder of 100,000
decisions states a few hundred thousand): the same link stated by both its files is one link with
the words either adds, a symmetric link is the same either way round, and a batch is given each
link once, when both its files are written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kbridge.formats.read.link_book import HeldLinks, LinkBook, ShelvedLinks
from kbridge.formats.read.parsed import ResolvedLink
from kbridge.model import LinkType

BOOKS: list[Callable[[], LinkBook]] = [HeldLinks, ShelvedLinks]


@pytest.mark.parametrize("make", BOOKS, ids=["held", "shelved"])
def test_a_link_stated_by_both_its_files_is_kept_once_with_the_words_either_adds(make: Callable[[], LinkBook]) -> None:
    book = make()
    book.add(ResolvedLink("b.md", LinkType.SUPERSEDES, "a.md", "A", stated_in="b.md"))
    book.add(ResolvedLink("b.md", LinkType.SUPERSEDES, "a.md", "B", note="in part", stated_in="a.md"))
    book.add(ResolvedLink("b.md", LinkType.SUPERSEDES, "a.md", "B", note="wholly", stated_in="a.md"))
    book.add(ResolvedLink("a.md", LinkType.RELATES_TO, "c.md", "C"))
    book.add(ResolvedLink("c.md", LinkType.RELATES_TO, "a.md", "A"))  # symmetric: the same link
    book.add(ResolvedLink("c.md", LinkType.DEPENDS_ON, None, "Gone Decision"))
    book.add(ResolvedLink("c.md", LinkType.DEPENDS_ON, None, "gone decision"))  # a dangling text, any case
    assert [(link.source, link.type, link.target, link.note) for link in book] == [
        ("b.md", LinkType.SUPERSEDES, "a.md", "in part"),
        ("a.md", LinkType.RELATES_TO, "c.md", ""),
        ("c.md", LinkType.DEPENDS_ON, None, ""),
    ]
    assert len(book) == 3
    assert book.stated("a.md") == [["supersedes", "in", "b.md"], ["relates-to", "out", "c.md"]]
    assert [link.target for link in book.stated_by("c.md")] == [None]


@pytest.mark.parametrize("make", BOOKS, ids=["held", "shelved"])
def test_a_link_is_handed_out_once_when_both_its_files_are_written(make: Callable[[], LinkBook]) -> None:
    book = make()
    book.add(ResolvedLink("b.md", LinkType.SUPERSEDES, "a.md", "A"))
    book.add(ResolvedLink("b.md", LinkType.DEPENDS_ON, None, "Elsewhere"))
    book.add(ResolvedLink("c.md", LinkType.AMENDS, "b.md", "B"))
    written = {"b.md": "uid-b"}
    assert [(link.source, link.target) for link in book.ready(["b.md"], written)] == [("b.md", None)]
    written["a.md"] = "uid-a"
    assert [(link.source, link.target) for link in book.ready(["a.md"], written)] == [("b.md", "a.md")]
    assert book.ready(["a.md", "b.md"], written) == []
    written["c.md"] = "uid-c"
    assert [(link.source, link.target) for link in book.ready(["c.md", "b.md"], written)] == [("c.md", "b.md")]


@pytest.mark.parametrize("make", BOOKS, ids=["held", "shelved"])
def test_links_are_handed_out_as_the_importer_keeps_them(make: Callable[[], LinkBook]) -> None:
    book = make()
    book.add(ResolvedLink("b.md", LinkType.SUPERSEDES, "a.md", "A", note="in part"))
    book.keep_as(lambda link: ResolvedLink(link.source, LinkType.AMENDS, link.target, link.target_text))
    assert [link.type for link in book] == [LinkType.AMENDS]
    assert book.stated("b.md") == [["amends", "out", "a.md"]]
    assert [link.type for link in book.ready(["a.md", "b.md"], {"a.md": "1", "b.md": "2"})] == [LinkType.AMENDS]
