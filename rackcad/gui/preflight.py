"""Check, before Qt loads, that a window can open; Qt's own failure is a fatal abort with a cryptic message.

On Linux the default xcb platform plugin needs system libraries that minimal desktops and containers lack;
we look for them by soname and say exactly which Debian/Ubuntu packages to install.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

# soname stem -> Debian/Ubuntu package providing it (what Qt 6's xcb plugin loads).
XCB_LIBS = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-image": "libxcb-image0",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-randr": "libxcb-randr0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-shape": "libxcb-shape0",
    "xcb-xinerama": "libxcb-xinerama0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
    "GL": "libgl1",
}


def missing_packages(find=ctypes.util.find_library) -> list[str]:
    return sorted({pkg for lib, pkg in XCB_LIBS.items() if find(lib) is None})


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
