"""The preview's foresight of superseded files (kbridge.formats.read.foreseen): which files an
import marks superseded, and which lie on a cycle of supersede links, whose outcome is the
import's order's."""

from __future__ import annotations

from kbridge.formats.read.foreseen import IN_A_CYCLE, superseded_by_files
from kbridge.formats.read.parsed import ResolvedLink
from kbridge.model import LinkType


def _supersedes(source: str, target: str, note: str = "") -> ResolvedLink:
    return ResolvedLink(source, LinkType.SUPERSEDES, target, note=note)


def test_files_on_a_cycle_are_told_apart_from_those_between_cycles_and_on_chains() -> None:
    links = [
        _supersedes("b", "a"), _supersedes("a", "b"),  # a cycle of two
        _supersedes("d", "c"), _supersedes("e", "d"), _supersedes("c", "e"),  # of three
        _supersedes("f", "a"), _supersedes("c", "f"),  # f between the two cycles, on neither
        _supersedes("r", "g"),  # g superseded by a rejected proposal: stays as its file says
        _supersedes("h", "i", note="in part"),  # a partial supersede: an amends link
        ResolvedLink("j", LinkType.RELATES_TO, "k"),
    ]
    statuses = dict.fromkeys("abcdefhj", "accepted") | {"r": "rejected"}
    seen = superseded_by_files(links, lambda paths: {p: statuses[p] for p in paths if p in statuses})
    assert seen == {"a": IN_A_CYCLE, "b": IN_A_CYCLE, "c": IN_A_CYCLE, "d": IN_A_CYCLE, "e": IN_A_CYCLE, "f": "c"}


def test_a_chain_of_thousands_of_files_is_walked_without_recursion() -> None:
    count = 20_000
    chain = [_supersedes(f"{n + 1:05d}", f"{n:05d}") for n in range(count)]
    seen = superseded_by_files(chain, lambda paths: dict.fromkeys(paths, "accepted"))
    assert len(seen) == count and IN_A_CYCLE not in seen.values()
    closed = superseded_by_files([*chain, _supersedes("00000", f"{count:05d}")],
                                 lambda paths: dict.fromkeys(paths, "accepted"))
    assert set(closed.values()) == {IN_A_CYCLE} and len(closed) == count + 1
