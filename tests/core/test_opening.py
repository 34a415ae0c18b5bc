"""Opening a knowledge base from an older kbridge (kbridge.core.opening): a backup of the file as it
was, then the upgrade, step by step; stopped before the upgrade, nothing is left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase, Settings
from kbridge.core.opening import BACKING_UP, UPGRADING, UpgradeCancelledError, pending_upgrade, upgrade
from kbridge.model.listing import ListQuery
from kbridge.storage import MIGRATIONS
from tests.conftest import backups_in, schema_of


def test_an_older_file_is_backed_up_then_upgraded_step_by_step(old_file: Path, isolated_user_dirs: Path) -> None:
    plan = pending_upgrade(old_file)
    assert plan is not None and plan.version == 3 and plan.steps == len(MIGRATIONS) - 3 + 1  # and the rewrite
    heard: list[tuple[int, int, str]] = []
    upgraded = upgrade(old_file, lambda done, total, message: heard.append((done, total, message)), lambda: False)
    assert upgraded is not None and upgraded.version == 3
    assert upgraded.backup is not None and upgraded.backup in backups_in(isolated_user_dirs)
    assert schema_of(upgraded.backup) == 3  # the file as it was
    assert schema_of(old_file) == len(MIGRATIONS) and pending_upgrade(old_file) is None
    messages = [message for _, _, message in heard]
    first_upgrade = next(i for i, m in enumerate(messages) if m.startswith(UPGRADING))
    assert messages[0].startswith(BACKING_UP) and all(m.startswith(BACKING_UP) for m in messages[:first_upgrade])
    shares = [done / total for done, total, _ in heard[first_upgrade:]]
    assert shares == sorted(shares) and shares[-1] == 1.0 and messages[-1].endswith("done")
    assert "compacting" in messages[-2]  # after the migrations, the one rewrite
    with KnowledgeBase.open(old_file) as kb:
        assert kb.maintenance.integrity_problems() == []
        assert kb.listing.count(ListQuery()) > 0
    with KnowledgeBase.open(upgraded.backup) as kept:  # (a copy: opening it upgrades the copy only)
        assert kept.maintenance.integrity_problems() == []


def test_an_upgrade_cancelled_before_it_starts_leaves_the_file_and_no_copy(
    old_file: Path, isolated_user_dirs: Path
) -> None:
    before = old_file.read_bytes()
    with pytest.raises(UpgradeCancelledError):
        upgrade(old_file, lambda *_: None, lambda: True)
    assert old_file.read_bytes() == before
    assert backups_in(isolated_user_dirs) == []


def test_an_upgrade_cancelled_after_the_copy_removes_it(old_file: Path, isolated_user_dirs: Path) -> None:
    asked: list[str] = []

    def cancelled() -> bool:
        return bool(asked) and asked[-1].startswith(BACKING_UP)  # once the copy has been reported

    with pytest.raises(UpgradeCancelledError):
        upgrade(old_file, lambda _d, _t, message: asked.append(message), cancelled)
    assert schema_of(old_file) == 3
    assert backups_in(isolated_user_dirs) == []


def test_no_backup_when_backups_are_turned_off(old_file: Path, isolated_user_dirs: Path) -> None:
    upgraded = upgrade(old_file, lambda *_: None, lambda: False, settings=Settings(backups_kept=0))
    assert upgraded is not None and upgraded.backup is None
    assert backups_in(isolated_user_dirs) == []
    assert schema_of(old_file) == len(MIGRATIONS)


def test_a_current_file_needs_no_upgrade(kb: KnowledgeBase, isolated_user_dirs: Path) -> None:
    assert pending_upgrade(kb.path) is None
    assert upgrade(kb.path, lambda *_: None, lambda: False) is None
    assert pending_upgrade(kb.path.parent / "missing.kbridge") is None
    assert backups_in(isolated_user_dirs) == []
