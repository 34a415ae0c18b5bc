"""The one-folder bundle as a Debian package, and its smoke test.

    python3 packaging/deb.py build [BUNDLE] [--out DIR]     (or: make deb)
    python3 packaging/deb.py smoke [DEB] [--install]        (or: make deb-smoke)

`build` lays the bundle (`make dist`) out as /opt/kbridge with `kbridge` and `kbridge-gui` in
/usr/bin and its share/ folder (desktop entry, metainfo, icons, the .kbridge file type, man page,
completions) under /usr/share, writes DEBIAN/control (Depends from what the bundle takes from
the system: glibc at the floor smoke_test.py measures, libstdc++, libGL/libEGL, fonts) and builds
dist/kbridge_VERSION-1_amd64.deb with dpkg-deb. Debian's shared-mime-info, desktop-file-utils and
hicolor-icon-theme triggers update their caches when it is installed, so it needs no scripts.

`smoke` checks the package headless: its control fields and files, the bundle inside it with
smoke_test.py, the desktop entry and metainfo with their validators, and opening a .kbridge file
through the desktop (`gio open`, the file type and the entry it installs, the bundled kbridge-gui).
With --install (as root, on a throw-away machine such as CI) it also installs the package with
dpkg, runs /usr/bin/kbridge, looks the file type and the man page up where the system keeps them,
and removes the package again.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import smoke_test  # noqa: E402

APP_ID = "org.kbridge.KBridge"
PACKAGE = "kbridge"
# No one has been named to answer for the package yet: a placeholder that cannot be mailed.
MAINTAINER = os.environ.get("KBRIDGE_DEB_MAINTAINER", "kbridge developers <maintainers@kbridge.invalid>")
HOMEPAGE = "https://github.com/kbridge/kbridge"
# Shared libraries the bundle leaves to the system (kbridge.spec's FROM_THE_SYSTEM, and libGL /
# libEGL, which must match the machine's graphics driver), and the fonts Qt needs to draw text.
DEPENDS = [
    "libc6 (>= {glibc})", "libstdc++6 (>= 11)", "libgcc-s1", "libexpat1", "libgl1", "libegl1",
    "fontconfig-config", "fonts-dejavu-core | fonts-liberation2 | fonts-noto-core",
]
RECOMMENDS = ["shared-mime-info", "desktop-file-utils", "hicolor-icon-theme"]
# Where Debian keeps zsh's completions of packaged programs (the wheel uses zsh/site-functions).
MOVED = {"share/zsh/site-functions/_kbridge": "share/zsh/vendor-completions/_kbridge"}
SUMMARY = "offline knowledge base for architecture decisions and security controls"
DESCRIPTION = """\
 kbridge keeps architecture decisions (ADRs), system histories and the rationale
 behind security controls as linked, searchable, offline records, in a desktop
 app and on the command line, with every saved version kept. It reads and writes
 the ADR folders teams already have (adr-tools, MADR, log4brains).
 .
 This package carries kbridge with its own Python and Qt in /opt/kbridge."""


class DebError(Exception):
    pass


def version() -> str:
    init = (ROOT / "kbridge" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', init, re.M)
    if not found:
        raise DebError("kbridge/__init__.py names no __version__")
    return found.group(1)


def copyright_file() -> str:
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    return (
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        f"Upstream-Name: kbridge\nSource: {HOMEPAGE}\n\n"
        "Files: *\nCopyright: 2026 kbridge developers\nLicense: MIT\n"
        + "".join(f" {line}\n" if line.strip() else " .\n" for line in licence.splitlines()[2:])
        + "\nFiles: opt/kbridge/_internal/*\nComment: Python, Qt (PySide6, LGPL-3.0) and the Python packages kbridge\n"
        " uses, as PyInstaller collected them; each keeps its own licence.\n"
    )


def changelog() -> str:
    """A Debian changelog entry for each release the metainfo lists, newest first."""
    import datetime as dt
    import xml.etree.ElementTree as ET

    entries = []
    for release in ET.parse(ROOT / "packaging" / f"{APP_ID}.metainfo.xml").getroot().iter("release"):
        text = " ".join(" ".join(" ".join(p.itertext()) for p in release.iter("p")).split())
        day = dt.datetime.strptime(release.get("date", ""), "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)
        wrapped = textwrap.fill(text, 78, initial_indent="  * ", subsequent_indent="    ")
        entries.append(f"{PACKAGE} ({release.get('version')}-1) unstable; urgency=medium\n\n{wrapped}\n\n"
                       f" -- {MAINTAINER}  {day.strftime('%a, %d %b %Y %H:%M:%S +0000')}\n")
    return "\n".join(entries)


def build(bundle: Path, out: Path) -> Path:
    if not (bundle / "kbridge").is_file():
        raise DebError(f"no bundle at {bundle}: build it with `make dist`")
    glibc, _needing = smoke_test.glibc_needed(bundle)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kbridge-deb-") as work_name:
        root = Path(work_name) / "root"
        opt = root / "opt" / PACKAGE
        shutil.copytree(bundle, opt, symlinks=True, ignore=shutil.ignore_patterns("share"))
        (root / "usr" / "bin").mkdir(parents=True)
        for name in ("kbridge", "kbridge-gui"):
            (root / "usr" / "bin" / name).symlink_to(f"/opt/{PACKAGE}/{name}")
        for source in sorted((bundle / "share").rglob("*")):
            if source.is_dir():
                continue
            relative = source.relative_to(bundle).as_posix()
            target = root / "usr" / MOVED.get(relative, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.suffix == ".1":  # man pages are kept compressed
                target.with_suffix(".1.gz").write_bytes(gzip.compress(source.read_bytes(), 9, mtime=0))
            else:
                shutil.copy2(source, target)
        doc = root / "usr" / "share" / "doc" / PACKAGE
        doc.mkdir(parents=True)
        (doc / "copyright").write_text(copyright_file(), encoding="utf-8")
        (doc / "changelog.Debian.gz").write_bytes(gzip.compress(changelog().encode(), 9, mtime=0))
        # `man kbridge-gui` shows kbridge's page, which says what kbridge-gui does.
        (root / "usr/share/man/man1/kbridge-gui.1.gz").write_bytes(gzip.compress(b".so man1/kbridge.1\n", 9, mtime=0))
        for path in root.rglob("*"):
            if not path.is_symlink():
                executable = path.is_dir() or (os.access(path, os.X_OK) and ".so" not in path.name)
                path.chmod(0o755 if executable else 0o644)
        size_kib = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
        control = root / "DEBIAN" / "control"
        control.parent.mkdir()
        control.write_text(
            f"Package: {PACKAGE}\nVersion: {version()}-1\nArchitecture: amd64\nMaintainer: {MAINTAINER}\n"
            f"Installed-Size: {size_kib}\nDepends: {', '.join(DEPENDS).format(glibc=glibc)}\n"
            f"Recommends: {', '.join(RECOMMENDS)}\nSection: utils\nPriority: optional\nHomepage: {HOMEPAGE}\n"
            f"Description: {SUMMARY}\n{DESCRIPTION}\n",
            encoding="utf-8",
        )
        out.mkdir(parents=True, exist_ok=True)
        deb = out / f"{PACKAGE}_{version()}-1_amd64.deb"
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z1", "--build", str(root), str(deb)],
                       check=True, stdout=subprocess.DEVNULL)
    print(f"{deb}: {deb.stat().st_size / 1e6:.1f} MB ({size_kib / 1024:.0f} MB installed), needs glibc {glibc}, "
          f"built in {time.monotonic() - started:.0f} s")
    return deb


def field(deb: Path, name: str) -> str:
    return subprocess.run(["dpkg-deb", "--field", str(deb), name], capture_output=True, text=True,
                          check=True).stdout.strip()


def run_checked(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        raise DebError(f"`{' '.join(command)}` exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done


def open_from_desktop(share: Path, bin_dir: Path, home: Path) -> str:
    """Open a new .kbridge file the way a file manager does (`gio open`), with the package's file
    type and desktop entry installed in a scratch data folder and its kbridge-gui on PATH; returns
    the window the app reported."""
    data = home / "share"
    shutil.copytree(share / "applications", data / "applications")
    shutil.copytree(share / "mime" / "packages", data / "mime" / "packages")
    run_checked(["update-mime-database", str(data / "mime")])
    run_checked(["update-desktop-database", str(data / "applications")])
    kb = home / "Team decisions.kbridge"
    env = {
        **os.environ, "XDG_DATA_HOME": str(data), "XDG_DATA_DIRS": "/usr/local/share:/usr/share",
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "QT_QPA_PLATFORM": "offscreen",
        "KBRIDGE_SMOKE_TEST": "1", "KBRIDGE_SMOKE_DELAY_MS": "0", "HOME": str(home),
        **{f"KBRIDGE_{name}_DIR": str(home / name.lower()) for name in ("DATA", "CACHE", "CONFIG", "STATE")},
    }
    run_checked([str(bin_dir / "kbridge"), "init", str(kb)], env=env)
    kind = run_checked(["gio", "info", "-a", "standard::content-type", str(kb)], env=env).stdout
    if "application/x-kbridge" not in kind:
        raise DebError(f"{kb.name} is not recognised as a knowledge base: {kind.strip()}")
    log = home / "gio-open.log"
    with log.open("w") as output:
        subprocess.run(["gio", "open", str(kb)], env=env, stdout=output, stderr=subprocess.STDOUT, timeout=60,
                       check=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "kbridge-smoke:" not in log.read_text():
            time.sleep(0.2)
    shown = re.search(r"^kbridge-smoke: main window shown: (.*)$", log.read_text(), re.M)
    if not shown or "'Team decisions — kbridge'" not in shown.group(1):
        raise DebError(f"gio open {kb.name} did not open it in kbridge:\n{log.read_text()[-2000:]}")
    return shown.group(1)


def smoke(deb: Path, install: bool) -> None:
    report = smoke_test.report
    report("package", f"{deb.name}: {deb.stat().st_size / 1e6:.1f} MB, version {field(deb, 'Version')}")
    report("depends", field(deb, "Depends"))
    listing = run_checked(["dpkg-deb", "--contents", str(deb)]).stdout
    for path in ("./usr/bin/kbridge -> /opt/kbridge/kbridge", "./usr/bin/kbridge-gui -> /opt/kbridge/kbridge-gui",
                 f"./usr/share/applications/{APP_ID}.desktop", f"./usr/share/metainfo/{APP_ID}.metainfo.xml",
                 f"./usr/share/mime/packages/{APP_ID}.xml", "./usr/share/man/man1/kbridge.1.gz",
                 "./usr/share/bash-completion/completions/kbridge", "./usr/share/zsh/vendor-completions/_kbridge",
                 "./usr/share/fish/vendor_completions.d/kbridge.fish", "./usr/share/doc/kbridge/copyright",
                 f"./usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg"):
        if path not in listing:
            raise DebError(f"the package lacks {path}")
    if " root/root " not in listing or re.search(r"^\S+ (?!root/root)\S+/\S+ ", listing, re.M):
        raise DebError("files in the package must belong to root")
    with tempfile.TemporaryDirectory(prefix="kbridge-deb-smoke-") as work_name:
        work = Path(work_name)
        root = work / "root"
        run_checked(["dpkg-deb", "--extract", str(deb), str(root)])
        share = root / "usr" / "share"
        run_checked(["desktop-file-validate", str(share / "applications" / f"{APP_ID}.desktop")])
        run_checked(["appstreamcli", "validate", "--no-net", str(share / "metainfo" / f"{APP_ID}.metainfo.xml")])
        report("validators", "desktop-file-validate and appstreamcli validate pass")
        bundle = root / "opt" / PACKAGE
        skipped = smoke_test.smoke(bundle, bundle / "kbridge", smoke_test.DEFAULT_CORPUS, smoke_test.DEFAULT_QUERY,
                                   "offscreen", None)
        if skipped:
            raise DebError("; ".join(skipped))
        home = work / "home"
        home.mkdir()
        report("opened by gio", open_from_desktop(share, bundle, home))
    if install:
        install_for_real(deb)


def install_for_real(deb: Path) -> None:
    if os.geteuid() != 0:
        raise DebError("--install needs root (it installs the package with dpkg, then removes it)")
    if subprocess.run(["dpkg", "-s", PACKAGE], capture_output=True).returncode == 0:
        raise DebError(f"{PACKAGE} is installed on this machine already; --install would replace it")
    installed = subprocess.run(["dpkg", "-i", str(deb)], capture_output=True, text=True, timeout=600)
    try:
        if installed.returncode != 0:
            output = installed.stdout[-2000:] + installed.stderr[-2000:]
            raise DebError(f"dpkg -i failed (missing dependencies?):\n{output}")
        printed = run_checked(["/usr/bin/kbridge", "--version"]).stdout.strip()
        manual = run_checked(["man", "-w", "kbridge"]).stdout.strip()
        mime = Path("/usr/share/mime/application/x-kbridge.xml")
        if not mime.is_file():
            raise DebError(f"the file type was not registered ({mime} missing after install)")
        smoke_test.report("installed", f"dpkg -i: /usr/bin/kbridge prints {printed!r}; man page {manual}; "
                          "file type registered")
    finally:
        removed = subprocess.run(["dpkg", "-r", PACKAGE], capture_output=True, text=True, timeout=600)
        if removed.returncode != 0:
            print(f"WARNING: dpkg -r {PACKAGE} failed: {removed.stderr[-1000:]}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="build the package from the bundle")
    build_parser.add_argument("bundle", nargs="?", type=Path, default=ROOT / "dist" / "kbridge")
    build_parser.add_argument("--out", type=Path, default=ROOT / "dist")
    smoke_parser = commands.add_parser("smoke", help="check a built package headless")
    smoke_parser.add_argument("deb", nargs="?", type=Path, help="default: the one `build` writes to dist/")
    smoke_parser.add_argument("--install", action="store_true", help="also dpkg -i it, try it, dpkg -r it")
    args = parser.parse_args()
    try:
        for tool in ("dpkg-deb", *(("gio", "update-mime-database", "update-desktop-database")
                                   if args.command == "smoke" else ())):
            if shutil.which(tool) is None:
                raise DebError(f"{tool} is missing (Debian: see packaging/check-system.sh packages)")
        if args.command == "build":
            build(args.bundle, args.out)
        else:
            args.deb = args.deb or ROOT / "dist" / f"{PACKAGE}_{version()}-1_amd64.deb"
            if not args.deb.is_file():
                raise DebError(f"no package at {args.deb}: build it with `make dist deb`")
            print(f"kbridge Debian package smoke test: {args.deb}", flush=True)
            smoke(args.deb, args.install)
            print("PASS", flush=True)
    except (DebError, smoke_test.SmokeError) as failure:
        print(f"FAIL: {failure}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
