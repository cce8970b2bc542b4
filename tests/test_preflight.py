"""The window preflight names exactly the packages a missing xcb library needs, before Qt can abort."""

from __future__ import annotations

from pathlib import Path

import pytest

from rackcad.gui import preflight

LDD = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f)
"""


@pytest.mark.parametrize("soname, package", [
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libEGL.so.1", "libegl1"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libdbus-1.so.3", "libdbus-1-3"),
])
def test_debian_package_names(soname, package):
    assert preflight.debian_package(soname) == package


def test_missing_packages_from_ldd_and_runtime_cursor(tmp_path):
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"")
    found = preflight.missing_packages(find=lambda lib: None, files=[plugin, tmp_path / "absent.so"],
                                       run=lambda args: LDD)
    assert found == ["libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0"]
    clean = preflight.missing_packages(find=lambda lib: "libxcb-cursor.so.0", files=[plugin],
                                       run=lambda args: "\tlibxcb.so.1 => /lib/libxcb.so.1 (0x1)\n")
    assert clean == []


def test_qt_files_point_into_the_installed_binding():
    files = preflight.qt_files()
    assert files and all(isinstance(f, Path) for f in files)
    assert files[0].name == "libqxcb.so" and files[0].exists()


def test_no_display_and_offscreen(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "")
    monkeypatch.setattr(preflight.sys, "platform", "linux")
    assert "no display found" in preflight.problem()
    assert preflight.problem(offscreen=True) is None


def test_missing_libraries_give_one_install_line(monkeypatch):
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(preflight.sys, "platform", "linux")
    monkeypatch.setattr(preflight, "missing_packages", lambda: ["libxcb-icccm4", "libxcb-keysyms1"])
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1\n" in preflight.problem()
