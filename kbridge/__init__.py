"""kbridge: an offline desktop knowledge base for architecture decisions, systems and controls."""

from __future__ import annotations

__version__ = "0.1.0"
APP_ID = "org.kbridge.KBridge"
