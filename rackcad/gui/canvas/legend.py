"""The colour key above the canvas: one swatch per part kind present in the design, and the zoom level."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from rackcad.layout.style import KIND_LABELS, LEGEND_KINDS, color


class LegendBar(QWidget):
    """A one-line strip: coloured swatches with kind names (in `LEGEND_KINDS` order), zoom at the right."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._kinds: list[str] = []
        self._zoom = ""
        self.setFixedHeight(self.fontMetrics().height() + 10)

    def sizeHint(self) -> QSize:
        return QSize(400, self.fontMetrics().height() + 10)

    def set_kinds(self, kinds: list[str]) -> None:
        order = {kind: i for i, kind in enumerate(LEGEND_KINDS)}
        ordered = sorted(kinds, key=lambda k: (order.get(k, len(order)), k))
        if ordered != self._kinds:
            self._kinds = ordered
            self.update()

    def set_zoom(self, pixels_per_mm: float) -> None:
        self._zoom = f"zoom {pixels_per_mm * 100:.0f} %"  # 100 % = one screen pixel per millimetre
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        metrics = self.fontMetrics()
        box = metrics.ascent() - 1
        x = 8
        y = (self.height() - box) // 2
        text_y = (self.height() + metrics.ascent() - metrics.descent()) // 2
        right = self.width() - metrics.horizontalAdvance(self._zoom) - 16
        for kind in self._kinds:
            label = KIND_LABELS.get(kind, kind)
            width = box + 5 + metrics.horizontalAdvance(label) + 14
            if x + width > right:
                break
            painter.setPen(QColor("#1f2329"))
            painter.setBrush(QColor(color(kind)))
            painter.drawRect(QRect(x, y, box, box))
            painter.setPen(self.palette().windowText().color())
            painter.drawText(x + box + 5, text_y, label)
            x += width
        painter.setPen(self.palette().placeholderText().color())
        painter.drawText(QRect(0, 0, self.width() - 8, self.height()),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self._zoom)
