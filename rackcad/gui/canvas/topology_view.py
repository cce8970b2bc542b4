"""The topology view: zoom, pan and fit as on the elevation, rubber-band and click selection, tooltips.

A click on a part selects it (Ctrl adds); on an edge it selects the edge's two parts, on a bundle or a
group's title every part of the group(s), so the elevation shows where they are. Hovering tells a part's
or an edge's figures. The whole viewport is repainted on change: edges are drawn with cosmetic pens wider
than their scene bounds, and a full repaint of 1,400 items is cheaper than tracking what they overlap.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QTransform
from PySide6.QtWidgets import QGraphicsView

from rackcad.gui.canvas.tags import TagLayer
from rackcad.gui.canvas.topology_blocks import AggregateBox
from rackcad.gui.canvas.topology_hall import RackTile
from rackcad.gui.canvas.topology_items import PartItem
from rackcad.gui.canvas.topology_scene import TopologyScene
from rackcad.gui.canvas.zoom import ZoomView

PICK_PX = 5.0
"""How close (screen pixels) the pointer must come to an edge to pick it."""
OVERVIEW_ZOOM = 0.2
"""Least opening zoom (screen pixels per drawing millimetre) before the view stops fitting everything."""
HINT = "No accelerators, CPUs or switch chips to draw yet."


class TopologyView(ZoomView):
    """Shows a TopologyScene; with the wire tool on, a drag from one part onto another asks to wire them."""

    bulk_wire_requested = Signal(str, str)
    expanded_changed = Signal()

    def __init__(self, scene: TopologyScene, parent=None):
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.TextAntialiasing | QPainter.RenderHint.Antialiasing)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setBackgroundBrush(QColor("#ffffff"))
        self.tag_layer = TagLayer(self)
        self.wiring = False
        self._wire_from: str | None = None
        self.menu_box: str | None = None
        """The aggregate box under the last right-click (a hall's topology), else None."""

    @property
    def topology(self) -> TopologyScene:
        return self.scene()  # type: ignore[return-value]

    def refresh_tags(self) -> None:
        """Take the scene's labels after a rebuild."""
        self.tag_layer.set_tags(self.topology.tags)

    def content_rect(self) -> QRectF:
        return self.topology.content_rect()

    def fit(self) -> None:
        """The opening view: everything when a group (12 parts across, ~1,300 mm) is still ~`OVERVIEW_ZOOM`
        x 1,300 px wide, so its title and link totals have room; else (the 8 racks and 4 spines of GB200
        NVL576) that zoom, or the full height if less, centred on the middle where the upper tiers are."""
        self.fit_mode = True
        rect = self.content_rect()
        width, height = self.viewport().width(), self.viewport().height()
        if width < 50 or height < 50:
            return
        if self.topology.hall is not None:  # the tiles of a hall read when it fits
            self.fit_all()
            return
        if min(width / rect.width(), height / rect.height()) >= OVERVIEW_ZOOM:
            self.fit_all()
            return
        height -= self.horizontalScrollBar().sizeHint().height()
        scale = min(OVERVIEW_ZOOM, height / rect.height())
        self.setTransform(QTransform.fromScale(scale, scale))
        self.centerOn(rect.center())
        self.zoom_changed.emit(self.zoom)

    # ----------------------------------------------------------------- picks
    def part_at(self, pos: QPoint | QPointF) -> PartItem | None:
        return self.first_at(pos, PartItem)

    def tile_at(self, pos: QPoint | QPointF) -> RackTile | None:
        return self.first_at(pos, RackTile)

    def box_at(self, pos: QPoint | QPointF) -> AggregateBox | None:
        return self.first_at(pos, AggregateBox)

    def _pick(self, pos: QPointF):
        """(kind, thing) under a viewport position: ("part", PartItem), ("tile", RackTile), ("box",
        AggregateBox), ("edge", EdgeItem), ("group", TopologyGroup) or (None, None)."""
        part = self.part_at(pos)
        if part is not None:
            return "part", part
        tile = self.tile_at(pos)
        if tile is not None:
            return "tile", tile
        box = self.box_at(pos)
        if box is not None:
            return "box", box
        point = self.mapToScene(pos.toPoint())
        edge = self.topology.edge_at(point.x(), point.y(), PICK_PX / max(self.zoom, 1e-6))
        if edge is not None:
            return "edge", edge
        group = self.topology.group_title_at(point.x(), point.y())
        return ("group", group) if group is not None else (None, None)

    def ids_at(self, pos: QPoint) -> list[str]:
        kind, thing = self._pick(QPointF(pos))
        if kind in ("part", "tile"):
            return [thing.model_id]
        if kind == "box":
            return self.topology.box_ids(thing)
        if kind == "edge":
            return self.topology.edge_members(thing.edge)
        if kind == "group":
            return self.topology.members(thing.id)
        return []

    def tooltip_at(self, pos: QPoint) -> str:
        kind, thing = self._pick(QPointF(pos))
        if kind == "part":
            return self.topology.part_tooltip(thing.model_id)
        if kind == "tile":
            expanded = thing.model_id in self.topology.expanded
            return (f"<b>{escape(thing.tile.lines[0])}</b><br>{escape(thing.tile.lines[1])}<br>"
                    f"{escape(thing.tile.lines[2])}<br><i>double-click to "
                    f"{'collapse' if expanded else 'draw it part by part'}</i>")
        if kind == "box":
            item = thing.aggregate
            opened = self.topology.is_open(item.id)
            what = "its racks" if item.kind == "blocks" else "its racks part by part"
            return ("<br>".join(f"<b>{escape(line)}</b>" if i == 0 else escape(line)
                                for i, line in enumerate(thing.lines))
                    + f"<br><i>double-click to {'collapse' if opened else 'show ' + what}</i>")
        if kind == "edge":
            return self.topology.edge_tooltip(thing.edge)
        if kind == "group":
            return f"<b>{escape(thing.label)}</b><br><i>click to select its {thing.size} parts</i>"
        return ""

    # ----------------------------------------------------------------- mouse
    def set_wiring(self, active: bool) -> None:
        """The wire tool (Connect Ports) on this view: a drag from one part onto another wires their groups."""
        self.wiring = active
        self._wire_from = None
        self.setDragMode(QGraphicsView.DragMode.NoDrag if active else QGraphicsView.DragMode.RubberBandDrag)
        self.viewport().setCursor(Qt.CursorShape.CrossCursor if active else Qt.CursorShape.ArrowCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._pan_press(event):
            return
        if self.wiring and event.button() == Qt.MouseButton.LeftButton:
            part = self.part_at(event.position())
            self._wire_from = part.model_id if part is not None else None
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton and not self._space:
            kind, thing = self._pick(event.position())
            ids = []
            if kind == "edge":
                ids = self.topology.edge_members(thing.edge)
            elif kind == "group":
                ids = self.topology.members(thing.id)
            if ids:
                if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                    ids = self.topology.selected_ids() + ids
                self.topology.select_ids(ids)
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """At hall scale a double-click on a rack's tile expands it (draws its parts) or collapses it."""
        tile = self.tile_at(event.position()) if event.button() == Qt.MouseButton.LeftButton else None
        box = self.box_at(event.position()) if tile is None and event.button() == Qt.MouseButton.LeftButton \
            else None
        if box is not None:
            self.toggle_box(box.model_id)
            event.accept()
            return
        if tile is None:
            super().mouseDoubleClickEvent(event)
            return
        rack = tile.model_id
        opened = rack not in self.topology.expanded
        self.topology.set_expanded([rack], opened)
        self.refresh_tags()
        self.expanded_changed.emit()
        self.message.emit(f"{tile.tile.lines[0]} {'expanded' if opened else 'collapsed'}", 4000)
        event.accept()

    def toggle_box(self, item_id: str, opened: bool | None = None) -> None:
        """Expand (or collapse) an aggregate of a hall's topology; `opened` None: the other way round."""
        scene = self.topology
        item = scene.aggregate.item(item_id) if scene.aggregate is not None else None
        if item is None:
            return
        opened = not scene.is_open(item_id) if opened is None else opened
        if scene.set_open(item_id, opened):
            self.refresh_tags()
            self.expanded_changed.emit()
        self.message.emit(f"{item.title} {'expanded' if opened else 'collapsed'}", 4000)

    def contextMenuEvent(self, event) -> None:
        box = self.box_at(event.pos())
        self.menu_box = box.model_id if box is not None else None
        super().contextMenuEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.wiring and event.button() == Qt.MouseButton.LeftButton:
            part = self.part_at(event.position())
            start, self._wire_from = self._wire_from, None
            if start is not None and part is not None and part.model_id != start:
                self.bulk_wire_requested.emit(start, part.model_id)
            else:
                self.message.emit("Connect: drag from a part onto another to wire their groups", 5000)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # ------------------------------------------------------------ foreground
    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if self.topology.layout.nodes or self.topology.hall is not None:
            self.tag_layer.paint(painter, rect)
            return
        self.paint_hint(painter, HINT, 1.3)
