"""Printable documents for people who are not at a kbridge window: the incident pack carried into a
room where the network is down, and the resilience brief for the business. Each is built as a
`Printable` (HTML with charts kept apart), written here as one self-contained HTML file; the PDF is
printed from the same `Printable` by the desktop layer (kbridge.ui.printing), which owns Qt."""

from __future__ import annotations

from kbridge.formats.printable.charts import Bar, Chart
from kbridge.formats.printable.markup import Printable, standalone_html, write_inside

__all__ = ["Bar", "Chart", "Printable", "standalone_html", "write_inside"]
