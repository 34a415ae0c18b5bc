"""The three-way merge of record versions (kbridge.formats.sync.merge) and the one form kbridge writes
them in (kbridge.formats.kbridge_markdown.render_version)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kbridge.formats.kbridge_markdown import parse_version, render_version
from kbridge.formats.sync.merge import merge_lines, merge_versions
from kbridge.formats.sync.versions import LinkValue, Version

BASE = Version(key="ADR-0007", kind="decision", title="Use Vault", status="proposed", date="2024-01-02",
               tags=("secrets",), fields={"deciders": ["Ana"], "rto": "4h"},
               links=(LinkValue("affects", "SYS-001"), LinkValue("relates-to", "ADR-0001", "see")),
               body="one\ntwo\nthree\nfour\nfive\n", uid="5d0b6c8e-2a53-4cbb-9a51-4c3f1d1f0c11")


def test_changes_to_different_fields_all_stay() -> None:
    mine = BASE.with_values(title="Use HashiCorp Vault", tags=("pci", "secrets"),
                            fields={"deciders": ["Ana", "Bo"], "rto": "4h"})
    theirs = BASE.with_values(status="accepted", date="2024-02-01", fields={"deciders": ["Ana"], "rto": "2h"},
                              links=(LinkValue("affects", "SYS-001"), LinkValue("affects", "SYS-002"),
                                     LinkValue("relates-to", "ADR-0001", "see")))
    merged = merge_versions(BASE, mine, theirs)
    assert merged.clean and merged.mine == merged.theirs
    result = merged.mine
    assert (result.title, result.status, result.date, result.tags) == ("Use HashiCorp Vault", "accepted", "2024-02-01",
                                                                     ("pci", "secrets"))
    assert result.fields == {"deciders": ["Ana", "Bo"], "rto": "2h"}
    assert [link.target for link in result.links if link.type == "affects"] == ["SYS-001", "SYS-002"]


def test_the_same_field_changed_differently_is_a_conflict_keeping_both() -> None:
    mine = BASE.with_values(title="Use Vault everywhere", status="accepted")
    theirs = BASE.with_values(title="Use Vault for payments", tags=("pci", "secrets"))
    merged = merge_versions(BASE, mine, theirs)
    assert merged.conflicts == ["title"]
    assert merged.mine.title == "Use Vault everywhere" and merged.theirs.title == "Use Vault for payments"
    for side in (merged.mine, merged.theirs):  # what did not conflict is merged in both
        assert side.status == "accepted" and side.tags == ("pci", "secrets")


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    same = BASE.with_values(title="Use Vault 1.15", body="one\ntwo\nTHREE\nfour\nfive\n")
    merged = merge_versions(BASE, same, same)
    assert merged.clean and merged.mine.same_content(same)


def test_without_a_base_every_difference_is_a_conflict() -> None:
    merged = merge_versions(None, BASE.with_values(title="A"), BASE.with_values(title="B", status="accepted"))
    assert merged.conflicts == ["title", "status"]
    assert merge_versions(None, BASE, BASE).clean


def test_tags_and_links_merge_as_sets() -> None:
    mine = BASE.with_values(tags=(), links=(LinkValue("affects", "SYS-001"),))  # removed a tag and a link
    theirs = BASE.with_values(tags=("secrets", "vault"),
                              links=(*BASE.links, LinkValue("mitigates", "RSK-004")))
    merged = merge_versions(BASE, mine, theirs)
    assert merged.clean and merged.mine.tags == ("vault",)
    assert [(link.type, link.target) for link in merged.mine.links] == [("affects", "SYS-001"),
                                                                        ("mitigates", "RSK-004")]


def test_a_link_note_changed_on_both_sides_conflicts_and_a_removed_link_changed_elsewhere_stays() -> None:
    mine = BASE.with_values(links=(LinkValue("affects", "SYS-001", "mainly"),
                                   LinkValue("relates-to", "ADR-0001", "see")))
    theirs = BASE.with_values(links=(LinkValue("affects", "SYS-001", "partly"),))
    merged = merge_versions(BASE, mine, theirs)
    assert merged.conflicts == ["link affects SYS-001"]
    assert [link.note for link in merged.mine.links] == ["mainly"]
    assert [link.note for link in merged.theirs.links] == ["partly"]
    noted = BASE.with_values(links=(BASE.links[0], LinkValue("relates-to", "ADR-0001", "see also")))
    kept = merge_versions(BASE, noted, BASE.with_values(links=(BASE.links[0],)))
    assert kept.clean and [link.note for link in kept.mine.links] == ["", "see also"]


def test_body_lines_merge_unless_they_overlap() -> None:
    base = "one\ntwo\nthree\nfour\nfive\n"
    assert merge_lines(base, "ONE\ntwo\nthree\nfour\nfive\n", "one\ntwo\nthree\nfour\nFIVE\n") == (
        "ONE\ntwo\nthree\nfour\nFIVE\n", "ONE\ntwo\nthree\nfour\nFIVE\n", False)
    # neighbouring lines are not overlapping ones
    assert merge_lines(base, "one\nTWO\nthree\nfour\nfive\n", "one\ntwo\nTHREE\nfour\nfive\n")[2] is False
    mine, theirs, conflicted = merge_lines(base, "one\ntwo\nmine\nfour\nfive\n", "one\ntwo\ntheirs\nfour\nfive\n")
    assert conflicted and mine == "one\ntwo\nmine\nfour\nfive\n" and theirs == "one\ntwo\ntheirs\nfour\nfive\n"
    # insertions at different places, and a deletion elsewhere
    merged, _, conflicted = merge_lines(base, "zero\none\ntwo\nthree\nfour\nfive\n", "one\ntwo\nthree\nfive\nsix\n")
    assert not conflicted and merged == "zero\none\ntwo\nthree\nfive\nsix\n"
    # two insertions at the same place conflict; neither is dropped
    mine, theirs, conflicted = merge_lines(base, base + "mine\n", base + "theirs\n")
    assert conflicted and "mine\n" in mine and "theirs\n" in theirs


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a\n", "b\n", "c\n", "d\n", "e\n"]), max_size=12),
       st.lists(st.sampled_from(["a\n", "b\n", "x\n", "d\n"]), max_size=12),
       st.lists(st.sampled_from(["a\n", "y\n", "c\n", "e\n"]), max_size=12))
def test_a_clean_body_merge_keeps_every_line_either_side_added(base: list[str], mine: list[str],
                                                               theirs: list[str]) -> None:
    merged, other, conflicted = merge_lines("".join(base), "".join(mine), "".join(theirs))
    if conflicted:
        assert merged.count("x\n") >= mine.count("x\n") and other.count("y\n") >= theirs.count("y\n")
    else:
        assert merged == other
        assert merged.count("x\n") == mine.count("x\n") and merged.count("y\n") == theirs.count("y\n")


def test_the_canonical_form_reads_back_the_same_and_looks_like_the_documentation() -> None:
    text = render_version(BASE.with_values(review_by="2025-01-02", owner="PER-001",
                                           fields={"rationale": "Two incidents.\nBoth leaked keys.\n"}))
    assert "date: 2024-01-02\n" in text and "tags: [secrets]\n" in text
    assert "links:\n  - type: affects\n    target: SYS-001\n" in text and "  rationale: |\n" in text
    assert parse_version(text) == BASE.with_values(review_by="2025-01-02", owner="PER-001",
                                                   fields={"rationale": "Two incidents.\nBoth leaked keys.\n"})


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


def test_every_kind_of_line_break_survives_the_canonical_form() -> None:
    for text in ("\x85", "a\u2028b", "a\u2029", "one\ntwo\x85three", " \r\n ", "\t"):
        version = BASE.with_values(fields={"x": text}, links=(LinkValue("relates-to", "ADR-0001", text),))
        assert parse_version(render_version(version)).same_content(version), repr(text)


@settings(max_examples=80, deadline=None)
@given(title=_TEXT.filter(lambda t: " ".join(t.split())), value=_TEXT, note=_TEXT,
       tag=st.from_regex(r"[a-z]{1,8}", fullmatch=True))
def test_any_text_survives_the_canonical_form(title: str, value: str, note: str, tag: str) -> None:
    version = BASE.with_values(title=" ".join(title.split()), tags=(tag,), fields={"x": value, "n": [value, 3]},
                               links=(LinkValue("relates-to", "ADR-0001", note),))
    assert parse_version(render_version(version)).same_content(version)
