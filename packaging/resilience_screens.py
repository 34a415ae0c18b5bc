"""The README's pictures of incident mode, the scorecard and the printed incident pack (called by
packaging/screenshots.py, after it has set up a temporary home and the Qt application).

The scorecard draws trends from revisions, and a freshly built sample has one day of them. So the
scorecard is shown on a copy of the sample built as of 1 November 2026 and then worked on as a team
would over the following weeks (an exercise recorded, a departed owner's records handed over,
reviews done, a rationale written), each change saved on its own day: the trend is what kbridge
computes from those revisions, nothing drawn by hand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from kbridge.core import KnowledgeBase
from kbridge.formats.printable.pack import build_pack
from kbridge.formats.sample import build_sample
from kbridge.ui.printing import preview_page
from kbridge.ui.window.main_window import MainWindow

CLOCK_USERS = ("knowledge_base", "links_api", "trails_api", "resilience_api")
PACK_PAGE = 5  # HashiCorp Vault: a playbook with criteria, an overdue exercise


def _on_day(day: str) -> Callable[[], None]:
    """Save what follows as if on `day` (returns the function that puts the real clock back)."""
    import importlib

    modules = [importlib.import_module(f"kbridge.core.{name}") for name in CLOCK_USERS]
    saved = [module.utc_now for module in modules]
    for module in modules:
        module.utc_now = lambda: f"{day}T10:00:00+00:00"

    def restore() -> None:
        for module, original in zip(modules, saved, strict=True):
            module.utc_now = original

    return restore


def sample_with_a_month_of_work(path: Path) -> Path:
    """The sample as built on 2026-11-01, then a few weeks of the team closing its gaps."""
    work = [
        ("2026-11-01", lambda kb: None),
        ("2026-11-06", lambda kb: kb.trails.reassign("PER-004", "PER-001", ["SYS-004", "ADR-0010"],
                                                     reason="Kafka handed to Platform")),
        ("2026-11-13", lambda kb: kb.update("CTL-014", fields={**kb.get("CTL-014").fields, "rationale":
                                            "Every service reads and writes only its own topics."})),
        ("2026-11-13", lambda kb: kb.links.add("CTL-014", "mitigates", "RSK-006")),
        ("2026-11-20", lambda kb: _exercise(kb)),
        ("2026-11-27", lambda kb: kb.update("CTL-009", review_by="2027-10-31", reason="reviewed")),
        ("2026-11-27", lambda kb: kb.update("RSK-006", review_by="2027-09-30", reason="reviewed")),
    ]
    restore = _on_day(work[0][0])
    try:
        build_sample(path)
    finally:
        restore()
    with KnowledgeBase.open(path) as kb:
        for day, change in work[1:]:
            restore = _on_day(day)
            try:
                change(kb)
            finally:
                restore()
    return path


def _exercise(kb: KnowledgeBase) -> None:
    fields = {"exercise": "test", "result": "passed", "recovery_time": "55m"}
    created = kb.create("event", "Vault restore re-test after the KMS policy fix", date="2026-11-20", fields=fields)
    kb.links.add(created.key, "affects", "SYS-006")


def wait_until(condition: Callable[[], bool], timeout_ms: int = 30000) -> None:
    waited = 0
    while not condition() and waited < timeout_ms:
        QTest.qWait(50)
        waited += 50


def resilience_screenshots(out: Path, size: tuple[int, int], save: Callable[[QWidget, Path, str], None],
                           new_window: Callable[[KnowledgeBase | None], MainWindow], home: Path) -> None:
    (home / "resilience").mkdir(exist_ok=True)
    (home / "a-month-on").mkdir(exist_ok=True)
    kb = KnowledgeBase.open(build_sample(home / "resilience" / "sample.kbridge"))
    window = new_window(kb)
    window.open_record(kb.get("INC-006").uid)
    window.show_tab("Checklist")
    save(window, out, "incident-checklist.png")
    preview_page(build_pack(kb), PACK_PAGE, QSize(*size)).save(str(out / "incident-pack-page.png"))
    print(out / "incident-pack-page.png")
    window.close()
    kb.close()
    worked = KnowledgeBase.open(sample_with_a_month_of_work(home / "a-month-on" / "sample.kbridge"))
    window = new_window(worked)
    window.open_record(worked.get("SYS-006").uid)
    view = window.tabs.tab("Scorecard")
    computed: list[bool] = []
    view.computed.connect(lambda: computed.append(True))  # type: ignore[union-attr]
    window.show_tab("Scorecard")
    wait_until(lambda: bool(computed))
    view.figures.selectRow(3)  # type: ignore[union-attr]  # exercised within the period
    save(window, out, "scorecard.png")
    window.close()
    worked.close()
