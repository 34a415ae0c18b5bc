"""Whether a window can open here, asked before Qt starts (without a display, Qt aborts the whole
process). No Qt import: the command line asks too, and starts faster without Qt."""

from __future__ import annotations

import os
import sys

# Qt platforms that draw without a display server (tests, screenshots, remote sessions).
_HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb", "vkkhrdisplay")


def display_missing() -> str | None:
    """Why no window can open here (no X11 or Wayland display), or None when one can. Checked
    before Qt starts: without a display, Qt aborts the whole process."""
    if sys.platform in ("darwin", "win32"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if platform.startswith(_HEADLESS_PLATFORMS):
        return None
    has_x11, has_wayland = bool(os.environ.get("DISPLAY")), bool(os.environ.get("WAYLAND_DISPLAY"))
    if platform == "xcb" and not has_x11:
        return "QT_QPA_PLATFORM is xcb but DISPLAY is not set"
    if platform.startswith("wayland") and not has_wayland:
        return "QT_QPA_PLATFORM is wayland but WAYLAND_DISPLAY is not set"
    if not platform and not (has_x11 or has_wayland):
        return "neither DISPLAY nor WAYLAND_DISPLAY is set"
    return None
