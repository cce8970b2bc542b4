"""A grid that re-flows its widgets into as many equal columns as its width allows.

The charts and analysis docks sit under the canvas by default (wide and short: one row) but can be docked
beside it (narrow and tall: one column); the same panel reads well in both.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QWidget


class FlowGrid(QWidget):
    """Widgets in rows of `columns = width // min_width` (at least 1), equal column widths."""

    def __init__(self, min_width: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.min_width = min_width
        self._widgets: list[QWidget] = []
        self._columns = 0
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(4, 4, 4, 4)
        self._grid.setSpacing(8)

    def add(self, widget: QWidget) -> None:
        self._widgets.append(widget)
        self._reflow(force=True)

    def _reflow(self, force: bool = False) -> None:
        columns = max(1, min(len(self._widgets), self.width() // self.min_width)) if self._widgets else 1
        if columns == self._columns and not force:
            return
        self._columns = columns
        for widget in self._widgets:
            self._grid.removeWidget(widget)
        for i, widget in enumerate(self._widgets):
            self._grid.addWidget(widget, i // columns, i % columns, Qt.AlignmentFlag(0))
        for column in range(max(self._grid.columnCount(), columns)):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._reflow()
