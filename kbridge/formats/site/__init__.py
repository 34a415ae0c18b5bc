"""The static HTML site exporter: `kbridge export --format html OUT`."""

from __future__ import annotations

from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.formats.site.export import SiteReport, export_site
from kbridge.formats.write.export import ExportReport
from kbridge.model import Cancel, Progress


def export_html(kb: KnowledgeBase, out: Path, progress: Progress | None, cancel: Cancel | None) -> ExportReport:
    """`export_site` as an entry of kbridge.formats.write.export.EXPORTERS."""
    site = export_site(kb, out, progress=progress, cancel=cancel)
    return ExportReport(out=site.out, written=list(site.files), generated=len(site.files), cancelled=site.cancelled)


__all__ = ["SiteReport", "export_html", "export_site"]
