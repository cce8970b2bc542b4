"""Graphics items of the topology view, drawn from `rackcad.layout.topology` alone, in the SVG's colours.

- `PartItem`: one part's box, coloured by kind, selectable. Its name is drawn qualified by its tray
  ("CT03/GPU2") when that reads at the current zoom, else short ("GPU2"), else not at all.
- `EdgeItem`: the links of one pair of parts (or, bundled, of one pair of groups), coloured by protocol, with
  a width in screen pixels that grows with the log of the bandwidth (`edge_width`). Edges have no shape:
  the scene picks them geometrically (`TopologyScene.edge_at`), so a rubber band over 1,368 edges never
  strokes their paths.
- `FrameItem`: a group's rounded frame (its title is a screen-size label) or a band's background.

Pens and brushes come from `TopologyStyle`, built once per process and shared by every item.
"""

from __future__ import annotations

import math
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsRectItem, QStyleOptionGraphicsItem, QWidget

from rackcad.gui.canvas.items import ALIGN_CENTER, MIN_TEXT_PX, style
from rackcad.layout.geometry import distance_to_polyline
from rackcad.layout.style import PROTOCOL_COLORS, color, text_color
from rackcad.layout.topology import TopologyEdge, TopologyNode

MIXED_COLOR = "#7a8595"
"""Bundles of links with different protocols (the SVG's colour)."""
GROUP_FILL = "#eef0f3"
BAND_FILL = "#f7f8fa"
DENSE_ALPHA = 110
"""Opacity (of 255) of edges when many are drawn, so the parts under a fan of links stay visible."""
MIN_WIDTH_PX, MAX_WIDTH_PX = 1.0, 8.0
BOUNDS_PAD = 40.0
"""Scene units around an edge's polyline in its bounds: the cosmetic pen's pixels at the usual zooms."""
REFERENCE_GBPS = 400.0
"""One NVLink 5 link per direction: an edge of this bandwidth is drawn 1 px wide."""


def edge_width(gbps: float) -> float:
    """Pen width in screen pixels: 1 px at 400 Gb/s, 2 px more per decade, clamped to 1-8 px
    (a GPU-switch link 1 px, 9 HGX links 3.7 px, a 1,296-link bundle of 518 Tb/s 7.2 px)."""
    if gbps <= REFERENCE_GBPS:
        return MIN_WIDTH_PX
    return min(MIN_WIDTH_PX + 2.0 * math.log10(gbps / REFERENCE_GBPS), MAX_WIDTH_PX)


def protocol_color(protocol: str) -> str:
    return PROTOCOL_COLORS.get(protocol, MIXED_COLOR)


class TopologyStyle:
    """Pens per (protocol, width, dense) and the frames' pens and brushes, created once."""

    def __init__(self) -> None:
        self._pens: dict[tuple[str, float, bool], QPen] = {}
        self.group_pen = QPen(QColor("#9aa1ad"), 1)
        self.group_pen.setCosmetic(True)
        self.group_brush = QBrush(QColor(GROUP_FILL))
        self.band_brush = QBrush(QColor(BAND_FILL))
        self.no_pen = QPen(Qt.PenStyle.NoPen)

    def edge_pen(self, protocol: str, width: float, dense: bool) -> QPen:
        key = (protocol, round(width, 1), dense)
        pen = self._pens.get(key)
        if pen is None:
            qcolor = QColor(protocol_color(protocol))
            qcolor.setAlpha(DENSE_ALPHA if dense else 220)
            pen = QPen(qcolor, key[1])
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            self._pens[key] = pen
        return pen


@lru_cache(maxsize=1)
def topology_style() -> TopologyStyle:
    return TopologyStyle()


class PartItem(QGraphicsRectItem):
    """One drawn part; `model_id` is its node id."""

    def __init__(self, node: TopologyNode):
        super().__init__(node.x, node.y, node.w, node.h)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.setZValue(3)
        self._fg = style().color(text_color(color(node.kind)))
        self.set_node(node)

    def set_node(self, node: TopologyNode) -> None:
        """Take `node`'s label (a rename; the box stays where it is)."""
        self.node = node
        s = style()
        short = node.label.rsplit("/", 1)[-1]
        width, height = node.w - 6, node.h
        self._labels = [(node.label, s.fit(node.label, width, height, 26))]
        if short != node.label:
            self._labels.append((short, s.fit(short, width, height, 26)))
        self.update()

    @property
    def model_id(self) -> str:
        return self.node.id

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        s = style()
        rect = self.rect()
        painter.setPen(s.node_pen)
        painter.setBrush(s.kind_brush(self.node.kind))
        painter.drawRect(rect)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        for text, size in self._labels:
            if size * lod >= MIN_TEXT_PX:
                painter.setFont(s.font(size))
                painter.setPen(self._fg)
                painter.drawText(rect.adjusted(3, 0, -3, 0), ALIGN_CENTER, text)
                break
        if self.isSelected():
            painter.setPen(s.selection_pen)
            painter.setBrush(s.selection_brush)
            painter.drawRect(rect)


class EdgeItem(QGraphicsPathItem):
    """The links of one pair (parts, or groups when `edge.bundle`)."""

    def __init__(self, edge: TopologyEdge, dense: bool):
        path = QPainterPath(QPointF(*edge.points[0]))
        for x, y in edge.points[1:]:
            path.lineTo(x, y)
        super().__init__(path)
        self.edge = edge
        self.setPen(topology_style().edge_pen(edge.protocol, edge_width(edge.gbps), dense and not edge.bundle))
        self.setZValue(2 if edge.bundle else 1)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        xs = [x for x, _ in edge.points]
        ys = [y for _, y in edge.points]
        self.extent = (min(xs), min(ys), max(xs), max(ys))
        self._bounds = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)).adjusted(
            -BOUNDS_PAD, -BOUNDS_PAD, BOUNDS_PAD, BOUNDS_PAD)

    def boundingRect(self) -> QRectF:
        """The polyline's extent with room for the pen (Qt would derive it from the empty shape)."""
        return self._bounds

    def shape(self) -> QPainterPath:
        """Nothing: edges are picked by `TopologyScene.edge_at`, not by Qt's shape tests."""
        return QPainterPath()

    def distance(self, x: float, y: float) -> float:
        """Distance from (x, y) to the edge's polyline, scene units."""
        return distance_to_polyline(self.edge.points, x, y)


class FrameItem(QGraphicsRectItem):
    """A group's rounded frame (`rounded`) or a band's background strip; clicks pass through."""

    def __init__(self, rect: QRectF, rounded: bool):
        super().__init__(rect)
        self.rounded = rounded
        self.setZValue(0 if rounded else -1)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        s = topology_style()
        if self.rounded:
            painter.setPen(s.group_pen)
            painter.setBrush(s.group_brush)
            painter.drawRoundedRect(self.rect(), 8, 8)
        else:
            painter.setPen(s.no_pen)
            painter.setBrush(s.band_brush)
            painter.drawRect(self.rect())
