"""Maintenance operations of the facade: checks, repair, backup, restore from a backup, stats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kbridge import safe_files
from kbridge.core.checks import CheckReport, RepairReport, repair, run_checks
from kbridge.core.manager import Manager
from kbridge.model import Changes, ConflictError, OpResult, Progress, ValidationError

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase
    from kbridge.storage import Store


class Maintenance(Manager):
    """`kb.maintenance`: checks, repair, backups, restore from a backup, and stats."""

    def __init__(self, kb: KnowledgeBase, store: Store) -> None:
        super().__init__(kb, store)
        # Extra repairs `check --repair` runs (the search index adds its rebuild); each returns
        # what it fixed, as sentences.
        self.repair_steps: list[Callable[[], list[str]]] = []

    def check(self, today: dt.date | None = None, progress: Progress | None = None, *,
              integrity: bool = True) -> CheckReport:
        """Integrity (unless `integrity=False`), dangling links, duplicate numbers and knowledge at risk."""
        return run_checks(self._kb, today, progress, integrity=integrity)

    def repair(self, today: dt.date | None = None, progress: Progress | None = None) -> RepairReport:
        """`check --repair`: fix what is safe to fix, and report what is left."""
        return repair(self._kb, today, progress)

    def integrity_problems(self) -> list[str]:
        return self._store.integrity_problems()

    def backup(self, out: Path | str, *, overwrite: bool = False, low_priority: bool = False) -> Path:
        """A consistent owner-only copy of the knowledge base, taken while it is in use. Written
        beside `out` and renamed onto it when complete (kbridge.safe_files): a full disk leaves
        no partial backup and an earlier one untouched, and a link at `out` is not followed.
        `low_priority`: the copy takes the processor only when nothing else wants it."""
        out = Path(out)
        if out.exists() and out.resolve() == self._kb.path.resolve():
            raise ValidationError("cannot back up a knowledge base onto itself")
        try:
            with safe_files.replacing(out.parent, out.name, overwrite=overwrite, mode=0o600) as pending:
                self._store.backup_into(pending.path, low_priority=low_priority)
        except ConflictError as error:
            raise ConflictError(f"{out} already exists; choose a new file name (or --force)") from error
        return out

    def replace_content_from(self, path: Path | str) -> OpResult:
        """Make this knowledge base's content that of another file (a checked backup), through
        SQLite's backup API so that other open connections see a consistent switch."""
        before = {record.uid for record in self._store.iter_records(deleted=None)}
        self._store.restore_from(Path(path))
        after = {record.uid for record in self._store.iter_records(deleted=None)}
        changes = Changes(
            created=frozenset(after - before),
            updated=frozenset(after & before),
            deleted=frozenset(before - after),
        )
        with self._kb.transaction():
            self._kb._report(changes)
        return self._kb._result(changes)

    def stats(self) -> dict[str, Any]:
        counts = self._store.count_records()
        kinds: dict[str, int] = {}
        statuses: dict[str, dict[str, int]] = {}
        for (kind, status), count in counts.items():
            kinds[kind] = kinds.get(kind, 0) + count
            if status:
                statuses.setdefault(kind, {})[status] = count
        links, dangling = self._store.count_links()
        return {
            "path": str(self._kb.path),
            "records": sum(kinds.values()),
            "kinds": dict(sorted(kinds.items())),
            "statuses": {kind: dict(sorted(s.items())) for kind, s in sorted(statuses.items())},
            "deleted": len(self._store.list_records(deleted=True)),
            "links": links,
            "dangling_links": dangling,
            "revisions": self._store.count_revisions(),
            "size_bytes": self._kb.path.stat().st_size,
        }
