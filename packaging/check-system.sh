#!/bin/sh
# Checks that this machine can build and run kbridge, and says exactly what to install if not.
#   check-system.sh setup     Python with venv, glibc new enough for the Qt wheels
#   check-system.sh test      + the libraries offscreen Qt needs, and the desktop-file and AppStream validators
#   check-system.sh run       + the libraries a real window needs, and a display
#   check-system.sh packages  print the Debian packages CI installs (offscreen Qt, Xvfb, fonts, validators)
set -u
mode=${1:-test}
PYTHON=${PYTHON:-python3}

# Debian/Ubuntu package -> a file it installs that Qt loads.
OFFSCREEN_LIBS="libegl1:libEGL.so.1 libgl1:libGL.so.1 libx11-6:libX11.so.6 libdbus-1-3:libdbus-1.so.3
libfontconfig1:libfontconfig.so.1 libfreetype6:libfreetype.so.6 libglib2.0-0:libglib-2.0.so.0
libxkbcommon0:libxkbcommon.so.0"
# Debian package -> a command the tests run (tests/packaging): the validators, the desktop's
# file-type tools and launcher (gio), groff for the man page, the shells whose completion files are
# shipped, objdump to measure the glibc the bundle needs; pdftotext reads the printed PDFs back.
TEST_TOOLS="desktop-file-utils:desktop-file-validate appstream:appstreamcli shared-mime-info:update-mime-database
libglib2.0-bin:gio groff-base:groff zsh:zsh fish:fish binutils:objdump poppler-utils:pdftotext"
WINDOW_LIBS="libxcb-cursor0:libxcb-cursor.so.0 libxcb-icccm4:libxcb-icccm.so.4 libxcb-image0:libxcb-image.so.0
libxcb-keysyms1:libxcb-keysyms.so.1 libxcb-render-util0:libxcb-render-util.so.0
libxcb-render0:libxcb-render.so.0 libxcb-shape0:libxcb-shape.so.0 libxcb-util1:libxcb-util.so.1
libxcb-xkb1:libxcb-xkb.so.1 libxkbcommon-x11-0:libxkbcommon-x11.so.0"

packages_of() { for pair in $1; do printf '%s ' "${pair%%:*}"; done; }

if [ "$mode" = packages ]; then
    packages_of "$OFFSCREEN_LIBS"; packages_of "$WINDOW_LIBS"; packages_of "$TEST_TOOLS"
    echo "fonts-dejavu-core xvfb xauth"
    exit 0
fi

ldcache=$( (ldconfig -p || /sbin/ldconfig -p) 2>/dev/null)
missing=""
need_libs() {
    for pair in $1; do
        lib=${pair#*:}
        printf '%s\n' "$ldcache" | grep -q "$lib" || missing="$missing ${pair%%:*}"
    done
}

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "kbridge needs Python 3.10 or newer: sudo apt-get install -y python3 python3-venv" >&2
    exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    echo "kbridge needs Python 3.10 or newer; $PYTHON is $("$PYTHON" -V 2>&1)." >&2
    exit 1
fi
if [ ! -x .venv/bin/python ] && ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    missing="$missing python3-venv"
fi
glibc=$(ldd --version 2>/dev/null | head -n 1 | grep -o '[0-9]*\.[0-9]*$')
if [ -n "$glibc" ] && [ "$(printf '%s\n2.34\n' "$glibc" | sort -V | head -n 1)" != 2.34 ]; then
    echo "kbridge's Qt wheels (PySide6-Essentials) need glibc 2.34 or newer; this system has $glibc" >&2
    echo "(Debian 12, Ubuntu 22.04, Fedora 35 or newer)." >&2
    exit 1
fi

if [ "$mode" = test ] || [ "$mode" = run ]; then
    need_libs "$OFFSCREEN_LIBS"
    if ! ls /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf >/dev/null 2>&1 \
        && [ -z "$(find /usr/share/fonts -name '*.tt[fc]' -print -quit 2>/dev/null)" ]; then
        missing="$missing fonts-dejavu-core"
    fi
fi
if [ "$mode" = test ]; then
    for pair in $TEST_TOOLS; do
        command -v "${pair#*:}" >/dev/null 2>&1 || missing="$missing ${pair%%:*}"
    done
fi
if [ "$mode" = run ]; then
    need_libs "$WINDOW_LIBS"
fi

if [ -n "$missing" ]; then
    echo "kbridge needs system packages that are not installed. Install them with:" >&2
    echo "" >&2
    echo "    sudo apt-get install -y$missing" >&2
    echo "" >&2
    echo "(Fedora: see README.md, 'System packages'.)" >&2
    exit 1
fi

if [ "$mode" = run ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] \
    && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    echo "No display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so no window can open." >&2
    echo "On a machine without a screen, run it on a virtual one:" >&2
    echo "" >&2
    echo "    sudo apt-get install -y xvfb xauth && xvfb-run make run" >&2
    exit 1
fi
exit 0
