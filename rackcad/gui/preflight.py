"""Check, before Qt loads, that a window can open; Qt's own failure is a fatal abort with a cryptic message.

On Linux the default xcb platform plugin needs system libraries that minimal desktops and containers lack.
We ask the dynamic linker (`ldd`) which libraries the installed plugin cannot resolve and name the
Debian/Ubuntu packages that provide them, so the user gets one exact `apt-get install` line. Qt also
loads libxcb-cursor at run time (not through the linker) and refuses to start without it, so that one is
looked up separately.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

XCB_LINKED = ("plugins/platforms/libqxcb.so", "lib/libQt6XcbQpa.so.6")
"""The Qt files (inside the PySide6 package) whose linked libraries must all resolve."""

RUNTIME_LIBS = {"xcb-cursor": "libxcb-cursor0"}
"""Libraries Qt's xcb plugin opens at run time, with their packages."""


def debian_package(soname: str) -> str:
    """The Debian package of a shared library, by Debian's naming policy: libxcb-icccm.so.4 -> libxcb-icccm4,
    libxkbcommon-x11.so.0 -> libxkbcommon-x11-0 (a dash when the name ends in a digit), lower case."""
    base, _, version = soname.partition(".so.")
    base = base.lower()
    return f"{base}-{version}" if base[-1:].isdigit() else f"{base}{version}"


def unresolved(files: list[Path], run: Callable[[list[str]], str] | None = None) -> list[str]:
    """Sonames that `ldd` reports as 'not found' for any of `files` (empty when ldd is unavailable)."""
    run = run or _ldd
    missing: set[str] = set()
    for path in files:
        if path.exists():
            missing.update(re.findall(r"^\s*(\S+) => not found", run([str(path)]), flags=re.MULTILINE))
    return sorted(missing)


def _ldd(args: list[str]) -> str:
    try:
        return subprocess.run(["ldd", *args], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def qt_files() -> list[Path]:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(next(iter(spec.submodule_search_locations))) / "Qt"
    return [root / rel for rel in XCB_LINKED]


def missing_packages(find: Callable[[str], str | None] = ctypes.util.find_library,
                     files: list[Path] | None = None, run: Callable[[list[str]], str] | None = None) -> list[str]:
    packages = {debian_package(name) for name in unresolved(qt_files() if files is None else files, run)}
    packages.update(pkg for lib, pkg in RUNTIME_LIBS.items() if find(lib) is None)
    return sorted(packages)


def problem(offscreen: bool = False) -> str | None:
    """Why a window cannot open here, with the fix, or None. `offscreen` rendering always works."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if offscreen or platform.startswith(("offscreen", "minimal")) or not sys.platform.startswith("linux"):
        return None
    if platform.startswith("wayland") and os.environ.get("WAYLAND_DISPLAY"):
        return None
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return ("no display found (DISPLAY and WAYLAND_DISPLAY are unset). Run RackCAD in a desktop session, "
                "or render without a screen: rackcad gui FILE --screenshot out.png")
    if platform in ("", "xcb"):
        missing = missing_packages()
        if missing:
            return ("the Qt xcb platform plugin needs system libraries that are missing. Install them with:\n"
                    f"  sudo apt-get install {' '.join(missing)}\n"
                    "(or run under Wayland with QT_QPA_PLATFORM=wayland)")
    return None
