"""The import's packing threads: images packed ahead, handed back in order, failures kept for the
one they belong to."""

from __future__ import annotations

import threading

import pytest

from kbridge.formats.read.packing_ahead import BATCH_IMAGE_BYTES, IMAGES_AHEAD, THREADS, Packer, ShownImages


def test_items_come_back_in_order_with_their_results_and_errors() -> None:
    def prepare(n: int) -> int:
        if n == 3:
            raise OSError("cannot be read")
        return n * n

    with Packer() as packer:
        seen = []
        for n, future in packer.ahead(range(8), prepare):
            try:
                seen.append((n, future.result()))
            except OSError as error:
                seen.append((n, str(error)))
    assert seen == [(0, 0), (1, 1), (2, 4), (3, "cannot be read"), (4, 16), (5, 25), (6, 36), (7, 49)]


def test_no_more_than_a_few_items_are_started_beyond_the_one_given() -> None:
    started: list[int] = []
    lock = threading.Lock()

    def prepare(n: int) -> int:
        with lock:
            started.append(n)
        return n

    with Packer() as packer:
        for n, future in packer.ahead(range(50), prepare):
            future.result()
            with lock:
                assert max(started) <= n + IMAGES_AHEAD  # an image may be 20 MB: few are held


def test_what_is_left_when_the_import_stops_is_dropped_with_the_threads() -> None:
    ran: list[int] = []
    gate = threading.Event()

    def prepare(n: int) -> int:
        gate.wait(5)
        ran.append(n)
        return n

    packer = Packer()
    items = packer.ahead(range(100), prepare)
    next(items)
    gate.set()
    packer.close()  # a cancel: the items not started are not packed
    assert len(ran) <= IMAGES_AHEAD + 1
    with pytest.raises(RuntimeError):
        next(items)  # the threads are gone: nothing more is started


def test_the_first_items_start_at_once_before_any_is_taken() -> None:
    """A batch's images are packed while its records are written: started when asked for, not
    when the first is taken."""
    started: list[int] = []
    lock = threading.Lock()
    both = threading.Barrier(THREADS + 1, timeout=10)

    def prepare(n: int) -> int:
        with lock:
            started.append(n)
        if n < THREADS:
            both.wait()  # both threads busy at once, nothing taken yet
        return n

    with Packer() as packer:
        items = packer.ahead(range(10), prepare, depth=6)
        both.wait()
        assert [future.result() for _, future in items] == list(range(10))
    assert sorted(started) == list(range(10))


def test_the_images_started_at_once_are_those_within_the_batch_budget() -> None:
    sizes = {"a.png": 40 << 20, "b.png": 20 << 20, "c.png": 10 << 20, "d.png": 1}
    shown = ShownImages({"a.png": ["1.md", "2.md"], "b.png": ["2.md"], "c.png": ["9.md"], "d.png": ["1.md"]},
                        sizes.__getitem__)
    assert shown.of(["1.md", "2.md"]) == {"a.png": ["1.md", "2.md"], "d.png": ["1.md"], "b.png": ["2.md"]}
    assert shown.of(["3.md"]) == {}
    assert shown.depth(["a.png", "b.png", "c.png", "d.png"]) == IMAGES_AHEAD  # 40 + 20 MB fit, 70 MB do not
    assert shown.depth(["d.png"] * 10) == 10
    assert shown.depth(["a.png", "b.png", "d.png", "d.png", "d.png"]) == 5
    assert BATCH_IMAGE_BYTES == 64 << 20
