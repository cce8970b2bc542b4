"""Help > Keyboard Shortcuts: every menu action with its keys, read from the menus themselves (never a list
kept by hand, so it cannot drift from what the keys do), plus the canvas gestures that are not actions."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QMenu,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from rackcad.gui.dialogs.frame import closable

GESTURES = [
    ("Canvas", "Pan", "Middle drag, or Space + drag"),
    ("Canvas", "Zoom", "Wheel"),
    ("Canvas", "Add to the selection", "Ctrl + click"),
    ("Canvas", "Context menu of the item under the pointer", "Right click"),
    ("Connect Ports", "Wire a group: drag from a selected part to another part", "Drag"),
    ("Connect Ports", "Cancel / stop", "Esc"),
]


def shortcut_rows(bar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every action in the menus, in menu order."""
    rows: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(sub, f"{path} > {sub.title().replace('&', '')}")
            elif not action.isSeparator() and action.text():
                keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
                rows.append((path, _plain(action), keys))

    for action in bar.actions():
        if isinstance(action.menu(), QMenu):
            walk(action.menu(), action.menu().title().replace("&", ""))
    return rows


def _plain(action: QAction) -> str:
    text = action.iconText() if action.iconText() in ("Undo", "Redo") else action.text()
    return text.replace("&", "").rstrip(".").rstrip()


class ShortcutsDialog(QDialog):
    def __init__(self, bar: QMenuBar, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        rows = [r for r in shortcut_rows(bar) if r[2]] + GESTURES
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        closable(self, self.table, 640, 600)
