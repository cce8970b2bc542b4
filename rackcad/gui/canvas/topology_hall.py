"""The topology at hall scale: above `AGGREGATE_RACKS` racks the topology view draws one tile per rack
instead of every part, the tiles in bands by fabric tier (network switch racks, NVLink switch racks, compute
racks, other racks), each band with the total of the links that leave its racks for another band. A rack
expanded on demand (double-click its tile, or the context menu) is drawn part by part under the tiles, as
the topology of a single rack is drawn.

Tiles sit above the drawing's origin (negative y), so the expanded racks' layout keeps its own coordinates.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyleOptionGraphicsItem, QWidget

from rackcad.catalog import ACCELERATOR_KINDS
from rackcad.gui.canvas.items import MIN_TEXT_PX, style
from rackcad.gui.canvas.legend import Entry
from rackcad.gui.canvas.tags import Tag
from rackcad.layout.style import bandwidth_text
from rackcad.model import Design
from rackcad.topology import DesignIndex

AGGREGATE_RACKS = 24
"""Designs with more racks than this show rack tiles (and the racks expanded) on the topology."""
TILE_W, TILE_H = 300.0, 130.0
TILE_GAP = 40.0
ASPECT = 1.6
"""Width to height of the tile grid: about a canvas's shape."""
BAND_GAP = 260.0
TOP_GAP = 300.0
"""Between the last band of tiles and the expanded racks' drawing (at y = 0)."""
TIERS = (
    # (tier, band title, tile fill)
    ("network", "Network switch racks", "#d9ecf7"),
    ("nvlink", "NVLink switch racks", "#e6e1f5"),
    ("compute", "Compute racks", "#e3f1e1"),
    ("other", "Other racks", "#eef0f3"),
)
EXPANDED_FILL = "#fff3c4"
KIND_WORDS = (("gpu", "GPU"), ("xpu", "XPU"), ("cpu", "CPU"), ("switch", "switch chip"),
              ("network-switch", "network switch"), ("cpo-switch", "CPO switch"))


@dataclass(frozen=True)
class Tile:
    rack: str
    tier: str
    x: float
    y: float
    lines: tuple[str, ...]


def _tier(kinds: Counter) -> str:
    if any(kinds[k] for k in ACCELERATOR_KINDS):
        return "compute"
    if kinds["network-switch"] or kinds["cpo-switch"]:
        return "network"
    if kinds["switch"]:
        return "nvlink"
    return "other"


def _counts_text(kinds: Counter) -> str:
    words = []
    for kind, word in KIND_WORDS:
        if kinds[kind]:
            words.append(f"{kinds[kind]:,} {word}{'s' if kinds[kind] != 1 else ''}")
    return " · ".join(words[:2]) or "no chips"


@dataclass
class HallTopology:
    """Tiles by tier, band titles and cross-band link totals (as tags), and the drawing's extent."""

    tiles: list[Tile]
    tags: list[Tag]
    rect: QRectF


def hall_topology(index: DesignIndex) -> HallTopology:
    design: Design = index.design
    kinds: dict[str, Counter] = {r.id: Counter() for r in design.racks}
    links: dict[str, int] = Counter()
    rack_of = index.rack_of
    for node in design.nodes:
        rack = rack_of.get(node.id)
        if rack in kinds:
            part = index.part(node)
            if part is not None:
                kinds[rack][part.kind] += 1
    tier_of = {rack_id: _tier(counts) for rack_id, counts in kinds.items()}
    across: dict[tuple[str, str], list] = {}
    for link in design.links:
        a, b = rack_of.get(link.a.node), rack_of.get(link.b.node)
        if a is None or b is None:
            continue
        if a == b:
            links[a] += link.count
            continue
        links[a] += link.count
        links[b] += link.count
        pair = tuple(sorted((tier_of[a], tier_of[b])))
        entry = across.setdefault(pair, [0, 0.0, set()])
        entry[0] += link.count
        entry[1] += index.link_gbps(link)
        entry[2].add(link.protocol)
    tiles: list[Tile] = []
    tags: list[Tag] = []
    order = [t for t, _, _ in TIERS]
    by_tier = {t: [r for r in design.racks if tier_of[r.id] == t] for t in order}
    per_row = max(1, math.ceil(math.sqrt(len(design.racks) * ASPECT * (TILE_H + TILE_GAP) / (TILE_W + TILE_GAP))))
    rows = sum(-(-len(racks) // per_row) for racks in by_tier.values())
    bands = sum(1 for racks in by_tier.values() if racks)
    height = rows * (TILE_H + TILE_GAP) + bands * BAND_GAP
    y = -TOP_GAP - height
    width = 0.0
    band_y: dict[str, float] = {}
    for tier, title, _ in TIERS:
        racks = by_tier[tier]
        if not racks:
            continue
        y += BAND_GAP
        tags.append(Tag(0, y, (f"{title} · {len(racks):,}",), kind="title", priority=0, room=0.0, offset=-4))
        band_y[tier] = y
        for i, rack in enumerate(racks):
            row, col = divmod(i, per_row)
            x = col * (TILE_W + TILE_GAP)
            width = max(width, x + TILE_W)
            count = links[rack.id]
            tiles.append(Tile(rack.id, tier, x, y + row * (TILE_H + TILE_GAP),
                              (rack.name, _counts_text(kinds[rack.id]),
                               f"{count:,} link{'s' if count != 1 else ''}")))
        y += -(-len(racks) // per_row) * (TILE_H + TILE_GAP)
    for (ta, tb), (count, gbps, protocols) in across.items():
        where = band_y.get(tb if order.index(tb) > order.index(ta) else ta)
        if where is None:
            continue
        label = dict((t, title) for t, title, _ in TIERS)
        text = f"{bandwidth_text(count, gbps, protocols)} between {label[ta].lower()} and {label[tb].lower()}" \
            if ta != tb else f"{bandwidth_text(count, gbps, protocols)} between {label[ta].lower()}"
        tags.append(Tag(width / 2, where - 40, (text,), width=width, priority=1))
    return HallTopology(tiles, tags, QRectF(0, -TOP_GAP - height, max(width, 400.0), height))


def hall_key(hall: HallTopology) -> list:
    """Legend entries: the tiers present, and the expanded racks' colour."""
    present = {t.tier for t in hall.tiles}
    return [Entry(title, fill) for tier, title, fill in TIERS if tier in present] + [
        Entry("Expanded (double-click a rack)", EXPANDED_FILL)]


class RackTile(QGraphicsRectItem):
    """One rack at hall scale: its name, what it holds and its link count; selectable, double-click expands."""

    def __init__(self, tile: Tile, expanded: bool):
        super().__init__(0, 0, TILE_W, TILE_H)
        self.tile = tile
        self.setPos(tile.x, tile.y)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        fill = EXPANDED_FILL if expanded else dict((t, f) for t, _, f in TIERS)[tile.tier]
        self.setBrush(QBrush(QColor(fill)))
        pen = QPen(QColor("#5f6673"), 1)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setZValue(1)

    @property
    def model_id(self) -> str:
        return self.tile.rack

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        rect = self.rect()
        painter.setPen(self.pen() if rect.width() * lod >= 4 else Qt.PenStyle.NoPen)
        painter.setBrush(self.brush())
        painter.drawRect(rect)
        size = 28.0
        if size * lod >= MIN_TEXT_PX:
            painter.setPen(QColor("#1b1e24"))
            for i, line in enumerate(self.tile.lines):
                painter.setFont(style().font(int(size), bold=i == 0))
                painter.drawText(QRectF(12, 10 + i * (size * 1.35), rect.width() - 24, size * 1.3),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line)
        if self.isSelected():
            s = style()
            painter.setPen(s.selection_pen)
            painter.setBrush(s.selection_brush)
            painter.drawRect(rect)
