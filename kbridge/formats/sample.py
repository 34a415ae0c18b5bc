"""The bundled sample knowledge base: a fictional organisation kept as kbridge Markdown."""

from __future__ import annotations

import os
from pathlib import Path

from kbridge import paths
from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder


def sample_source_dir() -> Path:
    return paths.resource("sample")


def build_sample(path: Path) -> Path:
    """Write a new knowledge base holding the whole sample at `path` (which must not exist).

    It is built under a temporary name and renamed into place, so an interrupted build never
    leaves a half-filled knowledge base behind."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    kb = KnowledgeBase.init(partial)
    try:
        report = import_folder(kb, sample_source_dir(), fmt="kbridge")
        if report.skipped:  # a broken sample is a packaging bug; say which file
            raise RuntimeError(f"sample files skipped: {report.skipped}")
    finally:
        kb.close()
    os.replace(partial, path)
    return path


def ensure_sample_kb(path: Path | None = None) -> Path:
    """The user's copy of the sample, built on first use; their later edits are kept."""
    path = Path(path) if path else paths.sample_kb_path()
    if not path.exists():
        build_sample(path)
    return path
