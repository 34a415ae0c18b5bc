"""Small building blocks shared by views and dialogs: plain-text widgets, layouts, charts, highlighting."""
