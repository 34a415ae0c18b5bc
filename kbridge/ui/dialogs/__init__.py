"""Dialogs the window opens: new record, import/export, links, quick switcher, errors."""
