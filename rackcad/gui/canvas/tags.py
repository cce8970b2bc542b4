"""Screen-size labels over a canvas: group titles, link totals, cable lengths.

A topology of 576 GPUs or a 20 m hall fits the screen only at a zoom where text in scene units would be
a grey smear, so these labels keep a constant on-screen size and are drawn by the view in its foreground
(device pixels). They are placed greedily by priority: a label that would overlap one already placed, or
that does not fit the scene width it may span (its group, its rack column) even in its compact form, is
left out. The placement depends only on the zoom, so it is computed once per zoom and reused by every
partial repaint and scroll (a scroll moves the pixels, and the labels are anchored to the scene).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsView

PAD = 4.0
"""Pixels between a boxed label's text and its frame."""


@dataclass(frozen=True)
class Tag:
    """One label anchored at scene point (x, y).

    kind: "tag" (boxed, centred on the anchor) or "title" (bold, top-left just below the anchor, on `fill`;
    just above the anchor instead when it is taller on screen than the `room` the scene leaves it). `width`
    is the scene width the label may span (infinite: any); `compact` is a shorter form tried when the full
    one is too wide; a title too wide for both is elided.
    `offset` moves the label that many screen pixels down (negative: up) from where the anchor puts it.
    """

    x: float
    y: float
    lines: tuple[str, ...]
    kind: str = "tag"
    width: float = math.inf
    compact: tuple[str, ...] = ()
    priority: int = 0
    fill: str = "#ffffff"
    room: float = math.inf
    offset: float = 0.0


@dataclass(frozen=True)
class _Placed:
    rect: QRectF
    """In zoomed scene coordinates (scene x zoom): add the viewport offset of the scene origin to draw."""
    lines: tuple[str, ...]
    tag: Tag


class TagLayer:
    """The labels of one view; `paint` from the view's drawForeground."""

    def __init__(self, view: QGraphicsView):
        self._view = view
        self._tags: list[Tag] = []
        self._placed: list[_Placed] = []
        self._zoom = -1.0
        self.font = QFont(view.font())
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self._metrics = QFontMetricsF(self.font)
        self._bold_metrics = QFontMetricsF(self.bold)
        self._line_h = self._metrics.height()
        self._frame = QPen(QColor("#2b2f38"), 1)
        self._text = QColor("#1b1e24")
        self._brushes: dict[str, QBrush] = {}

    def set_tags(self, tags: list[Tag]) -> None:
        self._tags = sorted(tags, key=lambda t: t.priority)
        self._zoom = -1.0
        self._view.viewport().update()

    def shown(self) -> list[tuple[str, ...]]:
        """The lines of every label placed at the current zoom (tests and screenshots check these)."""
        self._place()
        return [p.lines for p in self._placed]

    # ------------------------------------------------------------ placement
    def _size(self, lines: tuple[str, ...], bold: bool) -> tuple[float, float]:
        metrics = self._bold_metrics if bold else self._metrics
        return max(metrics.horizontalAdvance(line) for line in lines), self._line_h * len(lines)

    def _fit(self, tag: Tag, room: float) -> tuple[str, ...] | None:
        bold = tag.kind == "title"
        pad = 2 * PAD
        for lines in (tag.lines, tag.compact):
            if lines and self._size(lines, bold)[0] + pad <= room:
                return lines
        if tag.kind == "title" and room - pad >= 40:
            text = self._bold_metrics.elidedText(tag.lines[0], Qt.TextElideMode.ElideRight, room - pad)
            return (text,)
        return None

    def _place(self) -> None:
        zoom = self._view.transform().m11()
        if zoom == self._zoom:
            return
        self._zoom = zoom
        placed: list[_Placed] = []
        for tag in self._tags:
            lines = self._fit(tag, tag.width * zoom)
            if lines is None:
                continue
            w, h = self._size(lines, tag.kind == "title")
            x, y = tag.x * zoom, tag.y * zoom + tag.offset
            if tag.kind == "title":
                inside = h + PAD + 3 <= tag.room * zoom
                rect = QRectF(x, y + 3 if inside else y - h - PAD - 2, w + 2 * PAD, h + PAD)
            else:
                rect = QRectF(x - w / 2 - PAD, y - h / 2 - PAD / 2, w + 2 * PAD, h + PAD)
            if any(rect.intersects(p.rect) for p in placed):
                continue
            placed.append(_Placed(rect, lines, tag))
        self._placed = placed

    # -------------------------------------------------------------- painting
    def paint(self, painter: QPainter, exposed: QRectF) -> None:
        """Draw the placed labels that meet `exposed` (scene coordinates, as drawForeground gets it)."""
        if not self._tags:
            return
        self._place()
        view = self._view
        origin = QPointF(view.mapFromScene(QPointF(0.0, 0.0)))
        area = view.mapFromScene(exposed).boundingRect().adjusted(-2, -2, 2, 2)
        painter.save()
        painter.resetTransform()
        for placed in self._placed:
            rect = placed.rect.translated(origin)
            if not rect.intersects(QRectF(area)):
                continue
            title = placed.tag.kind == "title"
            painter.setPen(Qt.PenStyle.NoPen if title else self._frame)
            painter.setBrush(self._brush(placed.tag.fill))
            painter.drawRoundedRect(rect, 3, 3)
            painter.setFont(self.bold if title else self.font)
            painter.setPen(self._text)
            align = Qt.AlignmentFlag.AlignLeft if title else Qt.AlignmentFlag.AlignHCenter
            painter.drawText(rect.adjusted(PAD, PAD / 2, -PAD, -PAD / 2), align | Qt.AlignmentFlag.AlignVCenter,
                             "\n".join(placed.lines))
        painter.restore()

    def _brush(self, color: str) -> QBrush:
        brush = self._brushes.get(color)
        if brush is None:
            brush = self._brushes[color] = QBrush(QColor(color))
        return brush
