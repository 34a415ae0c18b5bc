"""The main window and what it does: its actions and menus, the record and file commands, navigation."""
