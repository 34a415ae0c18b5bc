"""The knowledge-trails views as record tabs, in the order the reader shows them after Record and
History. Each is built by `factory(kb, parent)`, has `show_record(record | None)` and emits
`record_link_clicked(uid)` to open another record, as the reader's tabs expect."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from kbridge.core import KnowledgeBase
from kbridge.ui.views.graph_view import GraphView
from kbridge.ui.views.recovery_view import RecoveryView
from kbridge.ui.views.timeline_view import TimelineView
from kbridge.ui.views.why_view import WhyView

TabFactory = Callable[[KnowledgeBase, QWidget], QWidget]


def trail_tab_factories() -> list[tuple[str, TabFactory]]:
    return [("Why?", WhyView), ("Timeline", TimelineView), ("Graph", GraphView), ("Recovery", RecoveryView)]
