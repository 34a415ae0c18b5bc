"""Derive the desktop icons from resources/icons/kbridge.svg with Qt's own SVG renderer.

    python packaging/make_icons.py           write packaging/icons/hicolor/<size>x<size>/apps/<APP_ID>.png
                                             and hicolor/scalable/apps/<APP_ID>.svg (a copy of the SVG)
    python packaging/make_icons.py --check   exit 1 if any of them is missing or differs from the SVG

The PNGs are committed, so packagers need no Qt; `make icons` regenerates them after the SVG changes
(the test suite runs --check).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "kbridge.svg"
HICOLOR = ROOT / "packaging" / "icons" / "hicolor"
APP_ID = "org.kbridge.KBridge"
SIZES = (16, 32, 48, 64, 128, 256, 512)

# Renders of one SVG by two Qt versions may differ by a little anti-aliasing along edges.
CHANNEL_TOLERANCE = 24
DIFFERING_PIXELS_ALLOWED = 0.02


def png_path(size: int) -> Path:
    return HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def scalable_path() -> Path:
    return HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg"


_app = None  # the QGuiApplication, kept alive while icons are drawn


def _qt_gui() -> None:
    global _app
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        _app = QGuiApplication(sys.argv[:1])


def render(size: int):  # -> QImage (Qt is imported lazily: the module is also read by tests)
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _qt_gui()
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG} is not an SVG Qt can render")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def differing_fraction(expected, actual) -> float:
    """The share of pixels whose colour or alpha differs by more than CHANNEL_TOLERANCE."""
    from PySide6.QtGui import QImage

    expected = expected.convertToFormat(QImage.Format.Format_ARGB32)
    actual = actual.convertToFormat(QImage.Format.Format_ARGB32)
    if expected.size() != actual.size():
        return 1.0
    width, height = expected.width(), expected.height()
    a = bytes(expected.constBits())[: width * height * 4]
    b = bytes(actual.constBits())[: width * height * 4]
    if a == b:
        return 0.0
    differing = sum(
        1
        for pixel in range(0, len(a), 4)
        if max(abs(a[pixel + channel] - b[pixel + channel]) for channel in range(4)) > CHANNEL_TOLERANCE
    )
    return differing / (width * height)


def problems() -> list[str]:
    """What is missing or stale, one sentence each (empty when the icons match the SVG)."""
    from PySide6.QtGui import QImage

    found: list[str] = []
    if not scalable_path().is_file() or scalable_path().read_bytes() != SVG.read_bytes():
        found.append(f"{scalable_path().relative_to(ROOT)} is not a copy of {SVG.relative_to(ROOT)}")
    for size in SIZES:
        path = png_path(size)
        image = QImage(str(path))
        if image.isNull():
            found.append(f"{path.relative_to(ROOT)} is missing or not a PNG")
        elif (image.width(), image.height()) != (size, size):
            found.append(f"{path.relative_to(ROOT)} is {image.width()}x{image.height()}, not {size}x{size}")
        elif (share := differing_fraction(render(size), image)) > DIFFERING_PIXELS_ALLOWED:
            found.append(f"{path.relative_to(ROOT)} differs from the SVG in {share:.0%} of its pixels")
    return found


def write() -> None:
    scalable_path().parent.mkdir(parents=True, exist_ok=True)
    scalable_path().write_bytes(SVG.read_bytes())
    for size in SIZES:
        path = png_path(size)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not render(size).save(str(path), "PNG"):
            raise SystemExit(f"could not write {path}")
        print(path.relative_to(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the icons match the SVG")
    args = parser.parse_args()
    if not args.check:
        write()
        return 0
    found = problems()
    for sentence in found:
        print(sentence, file=sys.stderr)
    if found:
        print("regenerate them with: make icons", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
