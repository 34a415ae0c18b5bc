"""What the window shows: the reader, the editor, the record list, the navigator and the record tabs."""
