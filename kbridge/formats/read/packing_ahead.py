"""Images packed on threads of their own while the records that show them are written.

An import keeps every image its records show, packed: a digest, and a zlib pass over the bytes
when its first ones compress (`kbridge.storage.packing`). zlib and hashlib let go of the
interpreter while they work, and so does SQLite, so two threads read and pack the images of a
batch of records while that batch's records are written; the images are kept at the end of the
batch, each with those of its records written. Done after every record was written, the images
of 180 copies of the corpus folders (6,480 images, 575 MB) were an end the writing waited for
while the other processor had little to do.

The records' own files are packed where they are kept: they are mostly a splice around the body
(a few hundred bytes compressed), and handing each to a thread cost more than it saved (the
writing of ten copies of the corpus 2.6-2.8 s, 2.8-2.9 s with a thread).
"""

from __future__ import annotations

import itertools
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Images being packed beyond the one being kept: enough for both threads, few enough to hold
# little (an image may be 20 MB).
IMAGES_AHEAD = 3
THREADS = 2
# A batch's images started at once, while its records are written, up to this many bytes (the
# corpus's run about 6 MB a thousand records); past it, IMAGES_AHEAD at a time as they are kept.
BATCH_IMAGE_BYTES = 64 * 1024 * 1024


class Packer:
    """The packing threads of an import; a context manager (the threads end with it)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="kbridge-packer")

    def __enter__(self) -> Packer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Drop what is not packed yet and wait for what is being packed (never long: one file)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def ahead(self, items: Iterable[Item], prepare: Callable[[Item], Result],
              depth: int = IMAGES_AHEAD) -> Iterator[tuple[Item, Future[Result]]]:
        """Each of `items` in turn with `prepare(item)` running on a thread: the first `depth`
        started now, and one more as each is given. What `prepare` raises comes out of the future."""
        rest = iter(items)
        started = deque((item, self._pool.submit(prepare, item)) for item in itertools.islice(rest, depth))
        return self._given(started, rest, prepare)

    def _given(self, started: deque[tuple[Item, Future[Result]]], rest: Iterator[Item],
               prepare: Callable[[Item], Result]) -> Iterator[tuple[Item, Future[Result]]]:
        for item in rest:
            started.append((item, self._pool.submit(prepare, item)))
            yield started.popleft()
        while started:
            yield started.popleft()


class ShownImages:
    """The images of an import by the files that show them, a batch's at a time."""

    def __init__(self, attachments: Mapping[str, list[str]], size: Callable[[str], int]) -> None:
        self._size = size
        self._by_file: dict[str, list[str]] = defaultdict(list)
        for image, users in attachments.items():
            for user in users:
                self._by_file[user].append(image)

    def of(self, paths: Iterable[str]) -> dict[str, list[str]]:
        """The images these files show, each with those of the files that show it."""
        shown: dict[str, list[str]] = {}
        for path in paths:
            for image in self._by_file.get(path, ()):
                shown.setdefault(image, []).append(path)
        return shown

    def depth(self, images: Iterable[str]) -> int:
        """How many of `images` to start at once: those within BATCH_IMAGE_BYTES."""
        total = started = 0
        for image in images:
            total += self._size(image)
            if total > BATCH_IMAGE_BYTES:
                break
            started += 1
        return max(started, IMAGES_AHEAD)
