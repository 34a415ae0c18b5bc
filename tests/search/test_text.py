"""Text helpers: plain text from Markdown, folding, edit distance, snippet cutting."""

from __future__ import annotations

from kbridge.search.parser import parse_query
from kbridge.search.snippets import ELLIPSIS, Highlighter
from kbridge.search.text import edit_distance, fold, words


def test_snippets_drop_markdown_markup() -> None:
    markdown = (
        "# Context\n\n"
        "We use **HashiCorp Vault** (see [the vault docs](https://example.org/vault \"t\") and "
        "![diagram](img.png)).\n\n"
        "* first vault\n- [x] done item\n1. numbered\n\n"
        "> quoted `code_name`\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "<div onclick='x'>html</div> snake_case_name *emphasis*\n"
    )
    snippet = Highlighter.for_query(parse_query("vault").root).snippet(markdown, width=400)
    assert snippet.text == (
        "Context We use HashiCorp Vault (see the vault docs and diagram). first vault x done "
        "item numbered quoted code_name a b 1 2 html snake_case_name emphasis"
    )
    # The word inside the link's address is not shown, so not highlighted either.
    assert snippet.matched_words == ["Vault", "vault", "vault"]


def test_fold_and_words() -> None:
    assert fold("Müller") == "muller"
    assert fold("Straße") == "strasse"
    assert list(words("ADR-0007: Vault!")) == [("adr", 0, 3), ("0007", 4, 8), ("vault", 10, 15)]


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert edit_distance("vault", "vault") == 0
    assert edit_distance("vualt", "vault") == 1
    assert edit_distance("kubernets", "kubernetes") == 1
    assert edit_distance("rotaton", "rotation") == 1
    assert edit_distance("abc", "xyz", limit=2) == 3
    assert edit_distance("a", "abcdef", limit=2) == 3


def test_snippet_of_a_long_text_is_cut_between_words() -> None:
    text = " ".join(f"word{i}" for i in range(200)) + " the vault is here " + "tail " * 100
    snippet = Highlighter.for_query(parse_query("vault").root).snippet(text)
    assert snippet.text.startswith(ELLIPSIS) and snippet.text.endswith(ELLIPSIS)
    assert snippet.matched_words == ["vault"]
    assert len(snippet.text) <= 222
    inner = snippet.text.strip(ELLIPSIS)
    assert inner.split()[0].startswith("word") and not inner.startswith(" ")


def test_snippet_prefers_the_passage_with_most_distinct_words() -> None:
    text = "vault " * 3 + "filler " * 80 + "vault rotation policy " + "filler " * 80
    snippet = Highlighter.for_query(parse_query("vault rotation").root).snippet(text)
    assert [word.lower() for word in snippet.matched_words][-2:] == ["vault", "rotation"]


def test_snippet_ignores_negated_and_filter_words() -> None:
    highlighter = Highlighter.for_query(parse_query("vault -secret kind:decision").root)
    snippet = highlighter.snippet("the secret vault of the decision")
    assert snippet.matched_words == ["vault"]


def test_short_and_empty_texts() -> None:
    highlighter = Highlighter.for_query(parse_query("vault").root)
    assert highlighter.snippet("").text == ""
    assert highlighter.snippet("Vault").to_html() == "<b>Vault</b>"


def test_fuzzy_snippets_mark_every_word_within_the_distance() -> None:
    highlighter = Highlighter.for_query(parse_query("rotaiton~2").root)
    plain = highlighter.snippet("Key rotation, rotations and **rotaton** of keys; not rotary.")
    assert plain.matched_words == ["rotation", "rotations", "rotaton"]
    # Accents are folded and every non-letter ends a word (underscore and dash included).
    accented = highlighter.snippet("Rotätion des clés — rotation_nightly, ROTATION; rötary.")
    assert accented.matched_words == ["Rotätion", "rotation", "ROTATION"]
    assert highlighter.snippet("vault-rotaiton/rotatio").matched_words == ["rotaiton", "rotatio"]


def test_fuzzy_snippets_mark_a_word_whatever_letters_it_swaps() -> None:
    # A swap across the middle of the word leaves no half of it in place.
    assert Highlighter.for_query(parse_query("vualt~").root).snippet("in the vault").matched_words == ["vault"]
    two_swaps = Highlighter.for_query(parse_query("abcdef~2").root)
    assert two_swaps.snippet("acbedf and acbdef, not acbedx").matched_words == ["acbedf", "acbdef"]
    short = Highlighter.for_query(parse_query("ab~2").root)  # every word of up to 4 letters is near
    assert short.snippet("xy abcde").matched_words == ["xy"]


def test_a_word_matched_whole_and_by_a_prefix_is_marked_once() -> None:
    snippet = Highlighter.for_query(parse_query("rotation rot* key").root).snippet("Key rotation, nightly rotations.")
    assert snippet.to_html() == "<b>Key</b> <b>rotation</b>, nightly <b>rotations</b>."


def test_fuzzy_snippets_of_a_page_mark_the_near_words_of_each_text() -> None:
    highlighter = Highlighter.for_query(parse_query("rotaiton~2").root)
    texts = [
        "Key rotaton is monthly.",
        # The near word of the first text, found again far into this one.
        " ".join(f"word{i}" for i in range(200)) + " the rotaton again",
        # A near word found in another text comes first; another one follows in the passage.
        "the rotaton and then rotatoin of keys",
        # No near word found so far: this text is read until it shows its own.
        " ".join(f"word{i}" for i in range(300)) + " a Rotation here, rotary not",
        "nothing near here",
    ]
    snippets = highlighter.snippets(texts)
    assert [snippet.matched_words for snippet in snippets] == [
        ["rotaton"],
        ["rotaton"],
        ["rotaton", "rotatoin"],
        ["Rotation"],
        [],
    ]
    assert snippets[1].text.startswith(ELLIPSIS) and snippets[3].text.startswith(ELLIPSIS)
    # One text at a time gives the same snippets.
    assert [highlighter.snippet(text) for text in texts] == snippets


def test_fuzzy_snippets_read_a_bounded_part_of_a_page() -> None:
    """Long records with no near word (matched by their titles) are read up to a bound; past it,
    a passage is chosen among the near words already found, and still marks every near word
    it shows."""
    highlighter = Highlighter.for_query(parse_query("rotaiton~2").root)
    long_text = " ".join(f"word{i}" for i in range(5000))  # 43,890 characters, no near word
    filler = " ".join(f"word{i}" for i in range(300))
    snippets = highlighter.snippets(
        ["the rotaton first", long_text, filler + " a rotatoin late", "rotatoin at the start", filler + " rotaton"]
    )
    assert [snippet.matched_words for snippet in snippets] == [["rotaton"], [], [], ["rotatoin"], ["rotaton"]]
    assert not snippets[2].text.startswith(ELLIPSIS)  # past the bound: the start, unmarked
    assert snippets[4].text.startswith(ELLIPSIS)  # found before the bound: found anywhere
    # Alone, the late word is found.
    assert highlighter.snippet(filler + " a rotatoin late").matched_words == ["rotatoin"]
