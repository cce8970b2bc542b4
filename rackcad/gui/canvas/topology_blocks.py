"""The topology of a hall of instances, aggregated: one box per group of instances of a block (per floor row
where the design has rows) and per fabric tier of its own switches, in bands from the core down to the
blocks, joined by one line per bundle of links labelled with its count and bandwidth
(`rackcad.figures.aggregate`, read per block without expanding the hall).

Expanding on demand: a double-click on a block's box (or the context menu's Expand) draws its racks as
tiles under the boxes, read on the same per-block figures; a double-click on a tile draws that rack part by
part (its instance is opened, one rack's worth), as the topology of a single rack is drawn; a switch tier
expands straight to its racks' parts. A second double-click (or Collapse) goes back.

Everything sits above the drawing's origin (negative y), so the racks drawn part by part keep their own
coordinates below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsLineItem, QGraphicsRectItem, QStyleOptionGraphicsItem, QWidget

from rackcad.figures.aggregate import Aggregate, Bundle, HallAggregate, kinds_text
from rackcad.gui.canvas.items import style
from rackcad.gui.canvas.legend import Entry
from rackcad.gui.canvas.tags import Tag
from rackcad.gui.canvas.topology_hall import ASPECT, EXPANDED_FILL, TILE_GAP, TILE_H, TILE_W, Tile
from rackcad.layout.style import bandwidth_text
from rackcad.units import fmt_gbps

BOX_W, BOX_H = 700.0, 250.0
BOX_GAP = 140.0
PER_ROW = 6
"""Boxes side by side in a band before it wraps."""
BAND_GAP = 560.0
"""Between two bands of boxes: room for the bundles' labels."""
SECTION_GAP = 320.0
TOP_GAP = 300.0
FILLS = {"core": "#cfe3f3", "spine": "#d9ecf7", "leaf": "#e4f2fa", "switch": "#e4f2fa", "blocks": "#e3f1e1",
         "racks": "#eef0f3"}
KEY = (("Switch tier", "#d9ecf7"), ("Blocks of instances", "#e3f1e1"), ("Own racks", "#eef0f3"))
BUNDLE_COLOR = "#3d6fb6"


def box_lines(item: Aggregate) -> tuple[str, ...]:
    """Title, what it holds, the links inside it."""
    inside = (f"{item.links:,} link{'s' if item.links != 1 else ''} inside · {fmt_gbps(item.gbps)}"
              if item.links else "no links inside")
    return (item.title, kinds_text(item.kinds, 2), inside)


@dataclass
class BlocksTopology:
    """Boxes, bundle lines, tiles of the opened groups, labels and the drawing's extent."""

    boxes: list[tuple[Aggregate, float, float]]
    lines: list[tuple[Bundle, QLineF]]
    tiles: list[Tile]
    tags: list[Tag]
    rect: QRectF


def blocks_topology(aggregate: HallAggregate, opened: list[str]) -> BlocksTopology:
    """Place the boxes in bands, the bundles between them, and under them the tiles of the `opened` groups."""
    bands: dict[str, list[Aggregate]] = {}
    for item in aggregate.items:
        bands.setdefault(item.band, []).append(item)
    widest = max(min(len(b), PER_ROW) for b in bands.values()) if bands else 1
    full = widest * BOX_W + (widest - 1) * BOX_GAP
    boxes: list[tuple[Aggregate, float, float]] = []
    where: dict[str, tuple[float, float]] = {}
    y = 0.0
    for items in bands.values():
        for start in range(0, len(items), PER_ROW):
            row = items[start:start + PER_ROW]
            width = len(row) * BOX_W + (len(row) - 1) * BOX_GAP
            x = (full - width) / 2
            for item in row:
                boxes.append((item, x, y))
                where[item.id] = (x, y)
                x += BOX_W + BOX_GAP
            y += BOX_H + BOX_GAP
        y += BAND_GAP - BOX_GAP
    y -= BAND_GAP
    lines: list[tuple[Bundle, QLineF]] = []
    tags: list[Tag] = []
    for item, x, by in boxes:
        fill = FILLS.get(item.band, "#eef0f3")
        title, held, inside = box_lines(item)
        short = (f"{item.where} × {item.count:,}",) if item.where else \
            (f"{item.title.split()[0]} × {item.count:,}",) if item.kind == "switches" else ()
        tags.append(Tag(x + 12, by + 4, (title,), kind="title", width=BOX_W - 24, compact=short, priority=0,
                        fill=fill, room=BOX_H / 2))
        body = (held, inside) if item.links else (held,)
        tags.append(Tag(x + BOX_W / 2, by + BOX_H * 0.64, body, width=BOX_W - 8, compact=(held,), priority=1,
                        fill=fill))
    fans: dict[tuple, list[tuple[Bundle, QLineF]]] = {}
    for bundle in aggregate.bundles:
        (xa, ya), (xb, yb) = where[bundle.a], where[bundle.b]
        if ya == yb:
            left, right = sorted(((xa, ya), (xb, yb)))
            line = QLineF(left[0] + BOX_W, left[1] + BOX_H / 2, right[0], right[1] + BOX_H / 2)
            at = 0.5
        else:
            (ux, uy), (lx, ly) = sorted(((xa, ya), (xb, yb)), key=lambda p: p[1])
            line = QLineF(ux + BOX_W / 2, uy + BOX_H, lx + BOX_W / 2, ly)
            at = 0.7
        lines.append((bundle, line))
        upper = bundle.a if where[bundle.a][1] <= where[bundle.b][1] else bundle.b
        key = (upper, where[bundle.b if upper == bundle.a else bundle.a][1] > where[upper][1], bundle.links,
               bundle.gbps, bundle.protocols, at)
        fans.setdefault(key, []).append((bundle, line))
    for (_, _, links, gbps, protocols, at), fan in fans.items():
        text = bandwidth_text(links, gbps, set(protocols))
        if len(fan) == 1:
            point = fan[0][1].pointAt(at)
            tags.append(Tag(point.x(), point.y(), (text,), compact=(f"{links:,} links", fmt_gbps(gbps)),
                            priority=2))
            continue
        start = fan[0][1].p1()  # a fan of equal bundles from one box: one label where they leave it
        tags.append(Tag(start.x(), start.y() + 0.22 * (fan[0][1].p2().y() - start.y()),
                        (f"{len(fan):,} bundles of {text} each",),
                        compact=(f"{len(fan):,} x {links:,} links", f"{fmt_gbps(gbps)} each"), priority=2))
    tiles: list[Tile] = []
    width = full
    y += SECTION_GAP
    for group in opened:
        item = aggregate.item(group)
        if item is None or item.kind != "blocks":
            continue
        y += SECTION_GAP
        tags.append(Tag(0, y, (f"{item.title}: its racks (double-click one to draw it part by part)",),
                        kind="title", priority=0, room=0.0, offset=-4))
        count = len(item.racks)
        per_row = max(1, math.ceil(math.sqrt(count * ASPECT * (TILE_H + TILE_GAP) / (TILE_W + TILE_GAP))))
        for i, rack in enumerate(item.racks):
            row, col = divmod(i, per_row)
            x = col * (TILE_W + TILE_GAP)
            width = max(width, x + TILE_W)
            held, links = item.rack_lines.get(rack, ("", ""))
            tiles.append(Tile(rack, "compute", x, y + row * (TILE_H + TILE_GAP),
                              (aggregate.rack_names.get(rack, rack), held, links)))
        y += -(-count // per_row) * (TILE_H + TILE_GAP)
    shift = -TOP_GAP - y
    boxes = [(item, x, by + shift) for item, x, by in boxes]
    lines = [(b, line.translated(0, shift)) for b, line in lines]
    tiles = [Tile(t.rack, t.tier, t.x, t.y + shift, t.lines) for t in tiles]
    tags = [Tag(t.x, t.y + shift, t.lines, t.kind, t.width, t.compact, t.priority, t.fill, t.room, t.offset)
            for t in tags]
    return BlocksTopology(boxes, lines, tiles, tags, QRectF(0, shift, max(width, 400.0), y))


def blocks_key() -> list:
    return [Entry(label, fill) for label, fill in KEY] + [Entry("Expanded (double-click a box or rack)",
                                                                EXPANDED_FILL)]


def bundle_item(bundle: Bundle, line: QLineF, heaviest: float) -> QGraphicsLineItem:
    """A bundle's line, wider for more bandwidth (2 to 8 px)."""
    item = QGraphicsLineItem(line)
    share = math.sqrt(bundle.gbps / heaviest) if heaviest > 0 else 0.0
    pen = QPen(QColor(BUNDLE_COLOR), 2 + 6 * share)
    pen.setCosmetic(True)
    item.setPen(pen)
    item.setZValue(0.5)
    item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
    return item


class AggregateBox(QGraphicsRectItem):
    """One group of instances or one switch tier: its title, what it holds, the links inside it;
    double-click expands it."""

    def __init__(self, item: Aggregate, x: float, y: float, opened: bool):
        super().__init__(0, 0, BOX_W, BOX_H)
        self.aggregate = item
        self.lines = box_lines(item)
        self.setPos(x, y)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setBrush(QBrush(QColor(EXPANDED_FILL if opened else FILLS.get(item.band, "#eef0f3"))))
        pen = QPen(QColor("#37474f"), 2)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setZValue(1)

    @property
    def model_id(self) -> str:
        return self.aggregate.id

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        rect = self.rect()
        painter.setPen(self.pen())
        painter.setBrush(self.brush())
        painter.drawRoundedRect(rect, 18, 18)  # its words are screen-size labels (`blocks_topology`)
        if self.isSelected():
            s = style()
            painter.setPen(s.selection_pen)
            painter.setBrush(s.selection_brush)
            painter.drawRoundedRect(rect, 18, 18)
