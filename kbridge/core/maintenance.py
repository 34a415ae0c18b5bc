"""Maintenance operations of the facade: checks, repair, backup, restore from a backup, stats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from kbridge import safe_files
from kbridge.core.checks import CheckReport, RepairReport, repair, run_checks
from kbridge.model import Changes, ConflictError, Record, ValidationError
from kbridge.search import Progress
from kbridge.storage import Store


class MaintenanceMixin:
    """Part of `KnowledgeBase`: checks, repair, backups and stats."""

    _store: Store
    repair_steps: list[Callable[[], list[str]]]
    path: Path
    transaction: Callable[[], AbstractContextManager[None]]
    _report: Callable[[Changes], Changes]
    iter_records: Callable[..., Iterator[Record]]

    def check(self, today: dt.date | None = None, progress: Progress | None = None) -> CheckReport:
        """Integrity, dangling links, duplicate numbers and knowledge at risk."""
        return run_checks(self, today, progress)  # type: ignore[arg-type]

    def repair(self, today: dt.date | None = None, progress: Progress | None = None) -> RepairReport:
        """`check --repair`: fix what is safe to fix, and report what is left."""
        return repair(self, today, progress)  # type: ignore[arg-type]

    def integrity_problems(self) -> list[str]:
        return self._store.integrity_problems()

    def backup(self, out: Path | str, *, overwrite: bool = False) -> Path:
        """A consistent owner-only copy of the knowledge base, taken while it is in use. Written
        beside `out` and renamed onto it when complete (kbridge.safe_files): a full disk leaves
        no partial backup and an earlier one untouched, and a link at `out` is not followed."""
        out = Path(out)
        if out.exists() and out.resolve() == self.path.resolve():
            raise ValidationError("cannot back up a knowledge base onto itself")
        try:
            with safe_files.replacing(out.parent, out.name, overwrite=overwrite, mode=0o600) as pending:
                self._store.backup_into(pending.path)
        except ConflictError as error:
            raise ConflictError(f"{out} already exists; choose a new file name (or --force)") from error
        return out

    def replace_content_from(self, path: Path | str) -> Changes:
        """Make this knowledge base's content that of another file (a checked backup), through
        SQLite's backup API so that other open connections see a consistent switch."""
        before = {record.uid for record in self.iter_records(deleted=None)}
        self._store.restore_from(Path(path))
        after = {record.uid for record in self.iter_records(deleted=None)}
        changes = Changes(
            created=frozenset(after - before),
            updated=frozenset(after & before),
            deleted=frozenset(before - after),
        )
        with self.transaction():
            self._report(changes)
        return changes

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
            "path": str(self.path),
            "records": sum(kinds.values()),
            "kinds": dict(sorted(kinds.items())),
            "statuses": {kind: dict(sorted(s.items())) for kind, s in sorted(statuses.items())},
            "deleted": len(self._store.list_records(deleted=True)),
            "links": links,
            "dangling_links": dangling,
            "revisions": self._store.count_revisions(),
            "size_bytes": self.path.stat().st_size,
        }
