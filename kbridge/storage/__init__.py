"""The only package with SQL: one SQLite file per knowledge base, through sqlite-utils."""

from __future__ import annotations

from kbridge.storage.database import (
    NotAKnowledgeBaseError,
    Upgrade,
    copy_read_only,
    create_owner_only,
    pending_upgrade,
)
from kbridge.storage.migrations import MIGRATIONS, schema_version
from kbridge.storage.store import SearchRow, Store

__all__ = [
    "MIGRATIONS",
    "NotAKnowledgeBaseError",
    "SearchRow",
    "Store",
    "Upgrade",
    "copy_read_only",
    "create_owner_only",
    "pending_upgrade",
    "schema_version",
]
