"""Where the text of a folder being imported waits between reading and writing: a temporary file,
so that what an import holds in memory does not grow with the folder. The plan keeps each file's
facts (path, title, number, links: what matching, keys and links need across the folder) and
`load` gives the whole record back when its batch is written.

What is kept there is only ever what this process wrote (pickled records, compressed): the file
is created unnamed (`TemporaryFile`), readable by this process alone, and gone when it ends."""

from __future__ import annotations

import dataclasses
import pickle
import tempfile
import weakref
import zlib
from typing import Any

from kbridge.formats.read.parsed import ParsedRecord

# The parts of a record that are large and that nothing needs before its batch is written.
_HEAVY = ("body", "original", "fields", "layout")
# What of the layout matching and resolving links need (a `<slug>/README.md` named by its folder).
_LAYOUT_KEPT = ("named_by_folder",)


class Spill:
    def __init__(self) -> None:
        # Open as long as the plan that holds it (a preview may be carried out later): closed
        # when the plan is forgotten, or by `close`.
        self._file = tempfile.TemporaryFile(prefix="kbridge-import-")  # noqa: SIM115
        self._closer = weakref.finalize(self, self._file.close)
        self._where: dict[str, tuple[int, int]] = {}  # name -> (offset, length)

    def close(self) -> None:
        self._closer()

    def keep(self, record: ParsedRecord) -> ParsedRecord:
        """Store `record`'s text; the record without it (its facts) to hold meanwhile."""
        self._put(f"record:{record.path}", {name: getattr(record, name) for name in _HEAVY})
        layout = {name: record.layout[name] for name in _LAYOUT_KEPT if name in record.layout}
        return dataclasses.replace(record, body="", original=b"", fields={}, layout=layout,
                                   sha256=record.digest, spilled=True)

    def load(self, record: ParsedRecord) -> ParsedRecord:
        """`record` whole again (its facts as they are now, its text as it was kept)."""
        if not record.spilled:
            return record
        heavy = self._get(f"record:{record.path}")
        return dataclasses.replace(record, spilled=False, sha256="", **heavy)

    def keep_bytes(self, name: str, data: bytes) -> None:
        self._put(f"bytes:{name}", data)

    def load_bytes(self, name: str) -> bytes:
        data = self._get(f"bytes:{name}")
        assert isinstance(data, bytes)
        return data

    def _put(self, name: str, value: Any) -> None:
        data = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
        offset = self._file.seek(0, 2)
        self._file.write(data)
        self._where[name] = (offset, len(data))

    def _get(self, name: str) -> Any:
        offset, length = self._where[name]
        self._file.seek(offset)
        return pickle.loads(zlib.decompress(self._file.read(length)))
