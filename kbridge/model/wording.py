"""Small pieces of English that messages share."""

from __future__ import annotations


def with_article(word: str) -> str:
    """"a decision", "an incident", "an event": the article English gives the word."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"
