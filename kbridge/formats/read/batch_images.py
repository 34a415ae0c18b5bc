"""The images an import keeps, a batch of records at a time: read and packed on the packing
threads (`kbridge.formats.read.packing_ahead`) while the batch's records are written, then kept
with each of those records that was written, in the batch's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future
from pathlib import Path

from kbridge import safe_files
from kbridge.core import KnowledgeBase
from kbridge.core.history import PreparedFile, prepare_file
from kbridge.formats.read.packing_ahead import Packer, ShownImages
from kbridge.formats.read.parsed import Skipped
from kbridge.formats.read.plan import ImportPlan
from kbridge.formats.read.scan import MAX_IMAGE_BYTES

Packing = Iterator[tuple[tuple[str, list[str]], Future[PreparedFile]]]


class BatchImages:
    """The images of an import's batches; each image counted and reported once, though one shown
    by records of two batches is read for each (rare: no batch holds another's images)."""

    def __init__(self, kb: KnowledgeBase, plan: ImportPlan, root: Path, packer: Packer,
                 uids: Mapping[str, str]) -> None:
        self.kb = kb
        self.plan = plan
        self.root = root
        self.packer = packer
        self.uids = uids  # source path -> uid of the records written
        self.shown = ShownImages(plan.attachments, self._size)
        self.seen: set[str] = set()  # images kept or skipped

    def start(self, paths: Iterable[str]) -> tuple[list[str], Packing]:
        """The images these files show, and their packing, started now."""
        shown = self.shown.of(paths)
        return list(shown), self.packer.ahead(shown.items(), self._packed, self.shown.depth(shown))

    def keep(self, packing: Packing) -> tuple[int, list[Skipped]]:
        """Keep each image with its records written: how many images were kept for the first
        time, and the images that could not be read (each reported once)."""
        kept, skipped = 0, []
        for (image, users), packed in packing:
            first = image not in self.seen
            self.seen.add(image)
            try:
                data = packed.result()
            except safe_files.UnsafePathError as error:
                reason = str(error).removeprefix(f"{image}: ")
            except OSError as error:
                reason = f"cannot be read: {error.strerror}"
            else:
                for user in users:
                    uid = self.uids.get(user)
                    if uid is not None:
                        self.kb.files.put(uid, image, data, role="attachment")
                kept += first
                continue
            if first:
                skipped.append(Skipped(image, reason))
        return kept, skipped

    def forget(self, images: Iterable[str]) -> None:
        """The batch that kept these was undone."""
        self.seen.difference_update(images)

    def _size(self, image: str) -> int:
        """About how many bytes an image will take to read (what starts its packing early)."""
        if self.plan.json is not None:
            return len(self.plan.json.attachments[image][0])
        try:
            return (self.root / image).lstat().st_size
        except OSError:
            return 0

    def _packed(self, item: tuple[str, list[str]]) -> PreparedFile:
        """On a packing thread: touches no connection."""
        image = item[0]
        if self.plan.json is not None:
            return prepare_file(self.plan.json.attachments[image][0])
        # A regular file, no link followed: it may have been swapped since the scan.
        return prepare_file(safe_files.read_file(self.root, image, max_bytes=MAX_IMAGE_BYTES))
