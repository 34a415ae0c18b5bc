"""Errors a user can cause. Each carries a message fit to show as it is; none means data changed."""

from __future__ import annotations


class KbridgeError(Exception):
    """Base of every error caused by user input or user data; the message is for the user."""


class ValidationError(KbridgeError):
    """A value is not acceptable (unknown kind, status or link type, bad key, bad date...)."""


class NotFoundError(KbridgeError):
    """A record, revision or file the user named does not exist."""


class ConflictError(KbridgeError):
    """The change would clash with what exists (a duplicate key, a link that is already there)."""
