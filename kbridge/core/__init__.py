"""The `KnowledgeBase` facade over storage and search, with checks, history and templates."""

from __future__ import annotations

from kbridge.core.checks import CATEGORIES, CheckReport, Finding
from kbridge.core.clock import utc_now
from kbridge.core.knowledge_base import KnowledgeBase
from kbridge.core.settings import Settings, load_settings, save_settings
from kbridge.core.templates import template_names

__all__ = [
    "CATEGORIES",
    "CheckReport",
    "Finding",
    "KnowledgeBase",
    "Settings",
    "load_settings",
    "save_settings",
    "template_names",
    "utc_now",
]
