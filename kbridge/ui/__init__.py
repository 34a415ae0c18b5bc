"""The desktop app (PySide6), in rooms by role:

- `window/`: the main window and what it holds: its record and file commands (each owning its
  actions), the editor, the search wiring, the change feed (every change reaches the views through
  it, once), the actions and menus, the window's saved state.
- `views/`: what the window shows: the reader, the editor, the record list, the navigator, the
  record tabs (History, Why?, Timeline, Graph, Recovery, Checklist, Scorecard), the Sync panel,
  the search results, the welcome page.
- `dialogs/`: what it asks: new record, import/export, links, reassign, quick switcher, conflicts,
  errors, shortcuts.
- `jobs/`: work off the GUI thread: the one worker (`jobs/worker.py`), search, the Needs attention
  checks, loading, the calls into `kbridge.formats`.
- `models/`: Qt item models and delegates. `widgets/`: small shared building blocks.
- Here: `app` (start-up), `style`, `settings`, `display`, `gc_guard`, `printing` (also used by the CLI).
"""
