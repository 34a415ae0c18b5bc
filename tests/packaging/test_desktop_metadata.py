"""The desktop entry, AppStream metainfo and icons: valid for Debian's own validators, and
consistent with the application (its id, version, commands and icon)."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib import metadata

import pytest

from kbridge import APP_ID, __version__
from tests.packaging.conftest import PACKAGING, REPO

DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
# What pip installed for kbridge (the editable install of `make setup`, read from its metadata).
GUI_SCRIPTS = {ep.name for ep in metadata.entry_points(group="gui_scripts") if ep.value.startswith("kbridge.")}
SCRIPTS = GUI_SCRIPTS | {
    ep.name for ep in metadata.entry_points(group="console_scripts") if ep.value.startswith("kbridge.")
}


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: sudo apt-get install -y {package} (.ci/run installs it)"
    return path


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_passes_desktop_file_validate() -> None:
    done = subprocess.run(
        [tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP)], capture_output=True, text=True
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_a_broken_desktop_file_is_caught(tmp_path) -> None:
    broken = tmp_path / f"{APP_ID}.desktop"
    broken.write_text(DESKTOP.read_text(encoding="utf-8").replace("Type=Application", "Type=Program"))
    done = subprocess.run([tool("desktop-file-validate", "desktop-file-utils"), str(broken)], capture_output=True)
    assert done.returncode != 0


def test_desktop_entry_launches_an_installed_command_with_the_app_icon() -> None:
    entry = desktop_entry()
    command = entry["Exec"].split()[0]
    assert command in GUI_SCRIPTS, f"Exec runs {command}, which pip does not install as a GUI script"
    assert entry["TryExec"] == command
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert entry["Name"] == "kbridge"


def test_desktop_file_name_is_what_the_app_tells_the_desktop(qapp) -> None:
    from kbridge.ui.app import application

    assert application().desktopFileName() == DESKTOP.stem == APP_ID


def test_metainfo_passes_appstreamcli_validate() -> None:
    done = subprocess.run(
        [tool("appstreamcli", "appstream"), "validate", "--no-net", "--explain", str(METAINFO)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Errors and warnings fail validation; infos would pass it, so refuse them too, but for one:
    # Debian 12's AppStream (0.16) predates <developer id>, which AppStream 1.0 and Flathub want.
    lines = [line for line in done.stdout.splitlines() if line.startswith(("E:", "W:", "I:"))]
    assert [line for line in lines if not line.endswith(" unknown-tag developer")] == [], done.stdout


def test_a_broken_metainfo_is_caught(tmp_path) -> None:
    broken = tmp_path / METAINFO.name
    broken.write_text(METAINFO.read_text(encoding="utf-8").replace(f"<id>{APP_ID}</id>", ""))
    done = subprocess.run([tool("appstreamcli", "appstream"), "validate", "--no-net", str(broken)], capture_output=True)
    assert done.returncode != 0


def test_metainfo_describes_this_app_and_version() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("project_license") == metadata.metadata("kbridge")["License-Expression"]
    assert {binary.text for binary in root.iter("binary")} == set(SCRIPTS)
    newest = root.find("releases/release")
    assert newest is not None and newest.get("version") == __version__, (
        "add a <release> for the new version to the metainfo"
    )


def test_icons_are_the_svg_at_every_standard_size() -> None:
    done = subprocess.run(
        [sys.executable, str(PACKAGING / "make_icons.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("size", [16, 32, 48, 64, 128, 256, 512])
def test_png_icon_is_square_and_drawn(size: int, qapp) -> None:
    from PySide6.QtGui import QImage

    image = QImage(str(PACKAGING / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"))
    assert (image.width(), image.height()) == (size, size)
    centre = image.pixelColor(size // 2, size // 2)
    corner = image.pixelColor(0, 0)
    assert centre.alpha() == 255 and corner.alpha() < 64  # a rounded tile on a transparent ground


def test_icon_check_notices_a_stale_png(tmp_path, monkeypatch) -> None:
    sys.path.insert(0, str(PACKAGING))
    try:
        import make_icons
    finally:
        sys.path.remove(str(PACKAGING))
    fake = tmp_path / "hicolor"
    shutil.copytree(make_icons.HICOLOR, fake)
    monkeypatch.setattr(make_icons, "HICOLOR", fake)
    monkeypatch.setattr(make_icons, "ROOT", tmp_path)
    monkeypatch.setattr(make_icons, "SVG", REPO / "resources" / "icons" / "kbridge.svg")
    assert make_icons.problems() == []
    other = fake / "64x64" / "apps" / f"{APP_ID}.png"
    (fake / "16x16" / "apps" / f"{APP_ID}.png").replace(other)
    assert make_icons.problems() == [f"hicolor/16x16/apps/{APP_ID}.png is missing or not a PNG",
                                     f"hicolor/64x64/apps/{APP_ID}.png is 16x16, not 64x64"]


def test_desktop_entry_and_metainfo_claim_the_kbridge_file_type() -> None:
    mime = ET.parse(PACKAGING / f"{APP_ID}.mime.xml").getroot()
    namespace = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    declared = [element.get("type") for element in mime.findall("m:mime-type", namespace)]
    assert declared == ["application/x-kbridge"]
    assert mime.find("m:mime-type/m:glob", namespace).get("pattern") == "*.kbridge"
    assert desktop_entry()["MimeType"] == "application/x-kbridge;"
    assert desktop_entry()["Exec"].split()[1] == "%f"  # one local file, as kbridge-gui takes it
    root = ET.parse(METAINFO).getroot()
    assert [element.text for element in root.iter("mediatype")] == declared


def test_metainfo_has_what_software_centres_and_flathub_ask_for() -> None:
    root = ET.parse(METAINFO).getroot()
    repository = metadata.metadata("kbridge").get_all("Project-URL")
    urls = {element.get("type"): element.text for element in root.findall("url")}
    assert {"homepage", "bugtracker", "vcs-browser"} <= set(urls)
    assert f"Homepage, {urls['homepage']}" in repository
    developer = root.find("developer")
    assert developer is not None and developer.get("id") and developer.findtext("name")
    shots = root.findall("screenshots/screenshot")
    assert len(shots) >= 3 and shots[0].get("type") == "default"
    for shot in shots:
        assert shot.findtext("caption")
        image = shot.findtext("image")
        assert image.startswith(f"{urls['homepage']}/raw/main/"), image
        assert (REPO / image.removeprefix(f"{urls['homepage']}/raw/main/")).is_file(), image
    releases = root.findall("releases/release")
    assert releases and all(release.get("date") and release.find("description") is not None for release in releases)
