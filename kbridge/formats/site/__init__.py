"""The static HTML site exporter (`kbridge export --format html OUT`)."""

from __future__ import annotations

from kbridge.formats.site.export import SiteReport, export_site

__all__ = ["SiteReport", "export_site"]
