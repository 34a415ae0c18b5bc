"""Work off the GUI thread: the worker, search, the Needs attention checks, loading, import/export/sync."""
