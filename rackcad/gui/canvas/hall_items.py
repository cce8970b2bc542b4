"""Floor-plan items of the hall around the racks, from `rackcad.layout.floor`: row bands with their names and
cold side, the aisles between rows (containment tinted: cold blue, hot red, mixed amber, with their widths),
cable trays at their real width, columns and keep-out areas, and the route of the selected link.

None of them take clicks meant for racks: rows and trays are picked by `HallPicker` (the floor view's
context menu), and their labels are Tags placed by the view's tag layer.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsPolygonItem

from rackcad.layout.floor import Area, RowOutline, TrayPath
from rackcad.layout.geometry import distance_to_polyline

AISLE_COLORS = {"cold": "#3a86d4", "hot": "#d64531", "mixed": "#e0a21e"}
TRAY_COLORS = {"overhead": "#7a8494", "underfloor": "#9b7a55"}
ROUTE_COLOR = "#8e24aa"


def _cosmetic(color: str | QColor, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(QColor(color), width, style)
    pen.setCosmetic(True)
    return pen


def _tinted(color: str, alpha: int) -> QColor:
    out = QColor(color)
    out.setAlpha(alpha)
    return out


def _polygon(points) -> QPolygonF:
    return QPolygonF([QPointF(x, y) for x, y in points])


def _path(points) -> QPainterPath:
    path = QPainterPath(QPointF(*points[0]))
    for x, y in points[1:]:
        path.lineTo(x, y)
    return path


def _passive(item: QGraphicsItem, z: float) -> None:
    """An item that never takes a click (racks above it do), at depth `z`."""
    item.setZValue(z)
    item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
    item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)


class AisleItem(QGraphicsPolygonItem):
    """An aisle between two rows, tinted by its kind (the containment), outlined in its colour."""

    def __init__(self, polygon, kind: str):
        super().__init__(_polygon(polygon))
        self.kind = kind
        color = AISLE_COLORS.get(kind, "#888888")
        self.setBrush(QBrush(_tinted(color, 60)))
        self.setPen(_cosmetic(color, 1.5, Qt.PenStyle.DashLine))
        _passive(self, -0.6)


class RowItem(QGraphicsPolygonItem):
    """A row's band: a dashed outline, slot ticks, and a heavier edge on its cold side."""

    def __init__(self, row: RowOutline):
        super().__init__(_polygon(row.polygon))
        self.row = row
        self.setBrush(QBrush(QColor("#eef0f4")))
        self.setPen(_cosmetic("#8a93a3", 1, Qt.PenStyle.DashLine))
        _passive(self, -0.5)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        super().paint(painter, option, widget)
        (fl, fr, br, bl) = (QPointF(*p) for p in self.row.polygon)
        painter.setPen(_cosmetic("#b8bec9", 1))
        for i in range(1, self.row.slots):
            t = i / self.row.slots
            painter.drawLine(fl + (fr - fl) * t, bl + (br - bl) * t)
        painter.setPen(_cosmetic(AISLE_COLORS["cold"], 3))
        if self.row.cold_aisle == "front":
            painter.drawLine(fl, fr)
        else:
            painter.drawLine(bl, br)


class AreaItem(QGraphicsPolygonItem):
    """A column (solid, dark) or a keep-out area (hatched)."""

    def __init__(self, area: Area):
        super().__init__(_polygon(area.polygon))
        self.area = area
        if area.kind == "column":
            self.setBrush(QBrush(QColor("#3c4250")))
            self.setPen(_cosmetic("#1b1e24", 1))
        else:
            self.setBrush(QBrush(QColor("#c9ccd3"), Qt.BrushStyle.BDiagPattern))
            self.setPen(_cosmetic("#8a93a3", 1, Qt.PenStyle.DashLine))
        _passive(self, 0.5)


TIER_OUTLINES = 3
"""Inset outlines a tray of stacked tiers is drawn with at most (its label gives the number)."""


class TrayItem(QGraphicsPathItem):
    """A cable tray drawn at its real width (a translucent band with its centre line)."""

    def __init__(self, tray: TrayPath, highlighted: bool = False):
        self.tray = tray
        centre = _path(tray.points)
        stroker = QPainterPathStroker()
        stroker.setWidth(tray.width_mm)
        stroker.setCapStyle(Qt.PenCapStyle.FlatCap)
        stroker.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        super().__init__(stroker.createStroke(centre).simplified())
        self._centre = centre
        color = TRAY_COLORS.get(tray.level, "#7a8494")
        self.setBrush(QBrush(_tinted(color, 110 if highlighted else 70)))
        self.setPen(_cosmetic(color, 2 if highlighted else 1,
                              Qt.PenStyle.SolidLine if tray.level == "overhead" else Qt.PenStyle.DashLine))
        self._line_pen = _cosmetic(color, 1, Qt.PenStyle.DotLine)
        self._tiers = []
        """Stacked tiers: an outline inset per tier below the top one (up to 3), as stacked trays are drawn."""
        for k in range(1, min(tray.tiers, TIER_OUTLINES + 1)):
            inset = QPainterPathStroker()
            inset.setWidth(tray.width_mm * (1 - k / (TIER_OUTLINES + 1)))
            inset.setCapStyle(Qt.PenCapStyle.FlatCap)
            inset.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            self._tiers.append(inset.createStroke(centre).simplified())
        self._tier_pen = _cosmetic(color, 1)
        _passive(self, 1.5)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        super().paint(painter, option, widget)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(self._tier_pen)
        for outline in self._tiers:
            painter.drawPath(outline)
        painter.setPen(self._line_pen)
        painter.drawPath(self._centre)

    def distance(self, x: float, y: float) -> float:
        """Distance from the tray's edge (0 inside it)."""
        return max(0.0, distance_to_polyline(self.tray.points, x, y) - self.tray.width_mm / 2)


class RouteItem(QGraphicsPathItem):
    """The route of the selected link: front centre, spur, trays, spur, front centre."""

    def __init__(self, points):
        super().__init__(_path(points))
        pen = _cosmetic(ROUTE_COLOR, 5)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self.setPen(pen)
        _passive(self, 3.0)
        self._ends = (QPointF(*points[0]), QPointF(*points[-1]))

    def boundingRect(self) -> QRectF:
        return super().boundingRect().adjusted(-300, -300, 300, 300)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        super().paint(painter, option, widget)
        painter.setPen(_cosmetic("#ffffff", 2))
        painter.setBrush(QBrush(QColor(ROUTE_COLOR)))
        for end in self._ends:
            painter.drawEllipse(end, 120, 120)
