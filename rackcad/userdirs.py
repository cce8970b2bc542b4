"""Per-user folders for configuration, cache, state and logs, in each platform's usual place.

Linux and other Unix follow the XDG base-directory specification (`$XDG_CONFIG_HOME/rackcad`, default
`~/.config/rackcad`; `$XDG_CACHE_HOME` -> `~/.cache`; `$XDG_STATE_HOME` -> `~/.local/state`, logs in
`state/log`). macOS uses `~/Library/Application Support`, `~/Library/Caches` and `~/Library/Logs`; Windows
`%APPDATA%` and `%LOCALAPPDATA%`. An XDG variable that is set wins on every platform, so tests and users can
move any folder. The GUI asks Qt (QStandardPaths) for the same places.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "rackcad"


def _xdg(var: str) -> Path | None:
    value = os.environ.get(var)
    return Path(value) if value and os.path.isabs(value) else None


def _folder(var: str, windows: tuple[str, str, str], macos: str, unix: str) -> Path:
    """`$var/rackcad` if set; else the platform's place. `windows` is (env var, fallback under home, tail)."""
    if (base := _xdg(var)) is not None:
        return base / APP
    if sys.platform == "win32":
        env, fallback, tail = windows
        return Path(os.environ.get(env) or Path.home() / fallback) / APP / tail
    if sys.platform == "darwin":
        return Path.home() / "Library" / macos / APP
    return Path.home() / unix / APP


def config_dir() -> Path:
    """User settings and the user catalog (`config_dir()/catalog`)."""
    return _folder("XDG_CONFIG_HOME", ("APPDATA", "AppData/Roaming", ""), "Application Support", ".config")


def cache_dir() -> Path:
    """Files that can be rebuilt at any time (the parsed-catalog cache)."""
    return _folder("XDG_CACHE_HOME", ("LOCALAPPDATA", "AppData/Local", "Cache"), "Caches", ".cache")


def state_dir() -> Path:
    """Data that outlives a session but is not a setting (recovery files, logs on Unix)."""
    return _folder("XDG_STATE_HOME", ("LOCALAPPDATA", "AppData/Local", ""), "Application Support",
                   ".local/state")


def log_dir() -> Path:
    """Where `rackcad.log` and its rotated copies go."""
    if _xdg("XDG_STATE_HOME") is None and sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / APP
    if _xdg("XDG_STATE_HOME") is None and sys.platform == "win32":
        return state_dir() / "Logs"
    return state_dir() / "log"
