"""Editor settings kept between sessions (QSettings, INI format): recent files, window layout, autosave interval.

Tests point QSettings at a temporary folder with `QSettings.setPath(IniFormat, UserScope, tmp)`.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "RackCAD"
APPLICATION = "RackCAD"
MAX_RECENT = 8
DEFAULT_AUTOSAVE_S = 60


class Settings:
    """Typed access to the few values the editor remembers."""

    def __init__(self) -> None:
        self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)

    def recent_files(self) -> list[str]:
        value = self._qs.value("recent/files", [])
        if isinstance(value, str):  # QSettings returns a lone entry as a string
            value = [value]
        return [str(path) for path in value or []]

    def add_recent(self, path: str) -> None:
        path = os.path.abspath(path)
        files = [path, *(p for p in self.recent_files() if p != path)][:MAX_RECENT]
        self._qs.setValue("recent/files", files)

    def remove_recent(self, path: str) -> None:
        self._qs.setValue("recent/files", [p for p in self.recent_files() if p != os.path.abspath(path)])

    def clear_recent(self) -> None:
        self._qs.setValue("recent/files", [])

    @property
    def autosave_s(self) -> int:
        try:
            return max(int(self._qs.value("recovery/autosave_s", DEFAULT_AUTOSAVE_S)), 5)
        except (TypeError, ValueError):
            return DEFAULT_AUTOSAVE_S

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        """(geometry, dock state) saved at the last normal close, or None each."""
        return self._qs.value("window/geometry"), self._qs.value("window/state")

    def save_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self._qs.setValue("window/geometry", geometry)
        self._qs.setValue("window/state", state)
