"""The colour key above a canvas: swatches for the part kinds present (in `LEGEND_KINDS` order), any extra
entries a view needs (the floor plan's rack, front edge and problem outline), line swatches for the link
protocols drawn, and the zoom level at the right."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from rackcad.gui.canvas.topology_items import MIXED_COLOR
from rackcad.layout.style import KIND_LABELS, LEGEND_KINDS, PROTOCOL_COLORS, color, protocol_label


@dataclass(frozen=True)
class Entry:
    """One swatch: `shape` "box" (filled), "line" (a link or cable) or "outline" (a frame)."""

    label: str
    color: str
    shape: str = "box"


class LegendBar(QWidget):
    """A one-line strip of swatches with their names, zoom at the right."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._kinds: list[Entry] = []
        self._extra: list[Entry] = []
        self._protocols: list[Entry] = []
        self._zoom = ""
        self.setFixedHeight(self.fontMetrics().height() + 10)

    def sizeHint(self) -> QSize:
        return QSize(400, self.fontMetrics().height() + 10)

    @property
    def entries(self) -> list[Entry]:
        return self._kinds + self._extra + self._protocols

    def set_kinds(self, kinds: list[str]) -> None:
        order = {kind: i for i, kind in enumerate(LEGEND_KINDS)}
        ordered = sorted(kinds, key=lambda k: (order.get(k, len(order)), k))
        self._set("_kinds", [Entry(KIND_LABELS.get(k, k), color(k)) for k in ordered])

    def set_protocols(self, protocols: list[str]) -> None:
        """Line swatches in the palette's order; "mixed" for bundles of several protocols."""
        order = {p: i for i, p in enumerate(PROTOCOL_COLORS)}
        ordered = sorted(protocols, key=lambda p: (order.get(p, len(order)), p))
        self._set("_protocols", [Entry("mixed protocols" if p == "mixed" else protocol_label(p),
                                       PROTOCOL_COLORS.get(p, MIXED_COLOR), "line") for p in ordered])

    def set_extra(self, entries: list[Entry]) -> None:
        self._set("_extra", list(entries))

    def _set(self, name: str, entries: list[Entry]) -> None:
        if getattr(self, name) != entries:
            setattr(self, name, entries)
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
        for entry in self.entries:
            swatch = box * 2 if entry.shape == "line" else box
            width = swatch + 5 + metrics.horizontalAdvance(entry.label) + 14
            if x + width > right:
                break
            if entry.shape == "line":
                painter.setPen(QPen(QColor(entry.color), 4))
                painter.drawLine(x, y + box // 2, x + swatch, y + box // 2)
            elif entry.shape == "outline":
                painter.setPen(QPen(QColor(entry.color), 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(QRect(x + 1, y + 1, box - 2, box - 2))
            else:
                painter.setPen(QColor("#1f2329"))
                painter.setBrush(QColor(entry.color))
                painter.drawRect(QRect(x, y, box, box))
            painter.setPen(self.palette().windowText().color())
            painter.drawText(x + swatch + 5, text_y, entry.label)
            x += width
        painter.setPen(self.palette().placeholderText().color())
        painter.drawText(QRect(0, 0, self.width() - 8, self.height()),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self._zoom)
