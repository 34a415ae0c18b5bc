"""Body templates for new decisions (MADR 4, Nygard), kept as Markdown files in resources/templates."""

from __future__ import annotations

import datetime as dt
from string import Template

from kbridge import paths
from kbridge.model import ValidationError

TEMPLATES = {"madr": "madr.md", "nygard": "nygard.md"}
TEMPLATES["ai-initiative"] = "ai-initiative.md"  # a decision that introduces an AI system: security's questions


def template_names() -> tuple[str, ...]:
    return tuple(TEMPLATES)


def render_template(name: str, *, title: str, date: str | None = None) -> str:
    """The body of a new record from template `name`, with its placeholders filled in."""
    wanted = name.strip().lower()
    if wanted not in TEMPLATES:
        raise ValidationError(f"unknown template {name!r}; templates are: {', '.join(TEMPLATES)}")
    text = paths.resource("templates", TEMPLATES[wanted]).read_text(encoding="utf-8")
    # safe_substitute: a literal `$` in a template's prose must not break it.
    return Template(text).safe_substitute(title=title, date=date or dt.date.today().isoformat())
