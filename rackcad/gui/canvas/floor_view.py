"""The floor-plan view: zoom, pan and fit as on the elevation, and drag racks to move them.

A drag moves the pressed rack (with the other selected racks, when it is one of them) in steps of the
floor's snap grid (`design.floor.grid_mm`, the front-left corner on the grid); while dragging, racks that
would overlap or leave the hall are outlined in red and the status bar says why. The drop is one Document
edit, `doc.set(rack, position=...)` (several racks: one batch), so one undo step; a drop that overlaps is
made and flagged, not refused, as the rules report it (geometry.floor_overlap) until it is resolved.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter
from PySide6.QtWidgets import QApplication, QGraphicsView

from rackcad.document import Document, EditError
from rackcad.editing import hall as hall_edits
from rackcad.editing.floor import nudge
from rackcad.figures.footprint import rack_corners
from rackcad.gui.canvas.floor_scene import FloorScene, RackItem
from rackcad.gui.canvas.tags import TagLayer
from rackcad.gui.canvas.zoom import ZoomView
from rackcad.model import FloorPosition

PICK_PX = 5.0
AXIS_PX = 48.0
"""Screen pixels around a fitted area: room for the axis marks."""
AXIS_STEP_PX = 44.0
"""Least screen distance between two metre marks on the hall's walls."""
AROUND_MM = 1200.0
"""Floor shown around the racks in the opening view."""


def snap(value: float, grid: float) -> float:
    return round(value / grid) * grid if grid > 0 else value


class FloorView(ZoomView):
    """Shows a FloorScene and turns rack drags into Document edits; a double-click on a rack asks for its
    elevation (`rack_opened`); a click on a cable run (off any rack) selects its links (`links_picked`), which
    draws the route of the first."""

    rack_opened = Signal(str)
    links_picked = Signal(list)

    def __init__(self, scene: FloorScene, doc: Callable[[], Document], parent=None):
        super().__init__(scene, parent)
        self._doc = doc
        self.setRenderHints(QPainter.RenderHint.TextAntialiasing | QPainter.RenderHint.Antialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setBackgroundBrush(QColor("#ffffff"))
        self.tag_layer = TagLayer(self)
        scene.selectionChanged.connect(self._selection_changed)
        self._press: tuple[str, QPointF, dict[str, QPointF]] | None = None  # rack, scene point, start positions
        self._dragging = False
        self.menu_point = QPointF()
        """The floor point (hall mm) of the last right-click, where hall actions add rows and trays."""

    @property
    def floor(self) -> FloorScene:
        return self.scene()  # type: ignore[return-value]

    def refresh_tags(self) -> None:
        self.tag_layer.set_tags(self.floor.tags)

    def _selection_changed(self) -> None:
        self.floor.focus(self.floor.selected_ids())
        self.refresh_tags()

    def content_rect(self) -> QRectF:
        return self.floor.content_rect()

    def fit_all(self) -> None:
        """The whole hall (and any rack outside it), with room for the axis marks."""
        self._fit_rect(self.content_rect())

    def fit(self) -> None:
        """The opening view: the racks and `AROUND_MM` of floor around them (the whole hall if that is
        smaller, or when there are no racks), so the racks are large enough to drag."""
        self.fit_mode = True
        if self.viewport().width() < 50 or self.viewport().height() < 50:
            return
        racks = self.floor.racks_rect()
        hall = self.content_rect()
        if racks.isEmpty():
            self._fit_rect(hall)
            return
        area = racks.adjusted(-AROUND_MM, -AROUND_MM, AROUND_MM, AROUND_MM)
        self._fit_rect(area if area.width() < hall.width() or area.height() < hall.height() else hall)

    def _fit_rect(self, rect: QRectF) -> None:
        """Fit `rect` plus `AXIS_PX` screen pixels on each side (the axis marks stand outside the hall)."""
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        margin = AXIS_PX / max(self.zoom, 1e-6)
        self.fitInView(rect.adjusted(-margin, -margin, margin, margin), Qt.AspectRatioMode.KeepAspectRatio)
        self.zoom_changed.emit(self.zoom)

    # --------------------------------------------------------------- lookups
    def rack_at(self, pos: QPoint | QPointF) -> RackItem | None:
        return self.first_at(pos, RackItem)

    def ids_at(self, pos: QPoint) -> list[str]:
        rack = self.rack_at(pos)
        return [rack.model_id] if rack is not None else []

    def tooltip_at(self, pos: QPoint) -> str:
        rack = self.rack_at(pos)
        text = self.floor.rack_tooltip(rack.model_id) if rack is not None else ""
        if not text:
            point = self.mapToScene(pos)
            run = self.floor.run_at(point.x(), point.y(), PICK_PX / max(self.zoom, 1e-6))
            text = self.floor.run_tooltip(run) if run is not None else ""
        return text

    # ----------------------------------------------------------------- mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._pan_press(event):
            return
        self._press = None
        if event.button() == Qt.MouseButton.LeftButton and not self._space:
            item = self.rack_at(event.position())
            if item is not None:
                moving = [item.model_id]
                if item.isSelected():
                    moving += [r for r in self.floor.selected_ids() if r != item.model_id]
                starts = {r: self.floor.rack_item(r).pos() for r in moving}
                self._press = (item.model_id, self.mapToScene(event.position().toPoint()), starts)
            else:
                point = self.mapToScene(event.position().toPoint())
                run = self.floor.run_at(point.x(), point.y(), PICK_PX / max(self.zoom, 1e-6))
                if run is not None and run.run.links:
                    self.links_picked.emit(list(run.run.links))
                    event.accept()
                    return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_move(event):
            return
        if self._press is not None and not self._dragging:
            moved = (self.mapFromScene(self._press[1]) - event.position().toPoint()).manhattanLength()
            self._dragging = moved >= QApplication.startDragDistance()
        if self._dragging:
            targets = self._targets(event.position())
            for rack_id, (x, y) in targets.items():
                self.floor.rack_item(rack_id).setPos(x, y)
            problems = self.floor.preview(targets)
            self.message.emit(self._describe(targets, problems, "Drop"), 0)
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_release(event):
            return
        if self._dragging and self._press is not None:
            self._finish(self._targets(event.position()))
        self._press = None
        self._dragging = False
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item = self.rack_at(event.position()) if event.button() == Qt.MouseButton.LeftButton else None
        if item is None:
            super().mouseDoubleClickEvent(event)
            return
        self._press = None
        self._dragging = False
        event.accept()
        self.rack_opened.emit(item.model_id)

    def _targets(self, pos: QPointF) -> dict[str, tuple[float, float]]:
        """Where each dragged rack's front-left corner would go: the pressed rack's corner on the snap grid,
        the others moved by as much."""
        rack_id, start, starts = self._press  # type: ignore[misc]
        grid = self._doc().design.floor.grid_mm
        point = self.mapToScene(pos.toPoint())
        origin = starts[rack_id]
        dx = snap(origin.x() + point.x() - start.x(), grid) - origin.x()
        dy = snap(origin.y() + point.y() - start.y(), grid) - origin.y()
        return {r: (p.x() + dx, p.y() + dy) for r, p in starts.items()}

    def _describe(self, targets: dict[str, tuple[float, float]], problems: dict[str, list[str]], verb: str) -> str:
        doc = self._doc()
        rack_id = self._press[0] if self._press else next(iter(targets))
        x, y = targets[rack_id]
        names = doc.get(rack_id).name + (f" and {len(targets) - 1} more" if len(targets) > 1 else "")
        text = f"{verb} {names} at x {x / 1000:.2f} m, y {y / 1000:.2f} m"
        flagged = [f"{doc.get(r).name} {', '.join(p)}" for r, p in problems.items() if r in targets and p]
        return text + (f": {'; '.join(flagged)}" if flagged else "")

    def _finish(self, targets: dict[str, tuple[float, float]]) -> None:
        """One Document edit for the drop (a batch for several racks), or nothing when nothing moved."""
        doc = self._doc()
        changed = {r: xy for r, xy in targets.items()
                   if (doc.get(r).position.x_mm, doc.get(r).position.y_mm) != xy}
        if not changed:
            self.floor.restore()
            self.message.emit("", 0)
            return
        problems = self.floor.preview(targets)
        text = self._describe(targets, problems, "Moved")
        try:
            if len(changed) == 1:
                [(rack_id, (x, y))] = changed.items()
                self._move(doc, rack_id, x, y)
            else:
                with doc.batch(f"Move {len(changed)} racks"):
                    for rack_id, (x, y) in changed.items():
                        self._move(doc, rack_id, x, y)
        except EditError as exc:
            self.floor.restore()
            self.message.emit(f"Cannot move: {exc}", 10_000)
            return
        flagged = any(problems.get(r) for r in targets)
        self.message.emit(text + (" (flagged in red and in the Checks)" if flagged else ""), 10_000)

    @staticmethod
    def _move(doc: Document, rack_id: str, x: float, y: float) -> None:
        """Move the rack's corner to (x, y); dropped with its centre on a free slot of a row, it snaps into
        that slot (turned to the row's cold aisle) instead."""
        rack = doc.get(rack_id)
        corners = rack_corners(rack, doc.catalog.find(rack.part), x, y)
        cx, cy = sum(p[0] for p in corners) / 4, sum(p[1] for p in corners) / 4
        # rows belong to the design's own floor plan: a rack in a site hall never snaps into them
        found = hall_edits.row_at(doc, cx, cy) if rack.position.hall is None else None
        if found is not None and found[1] in hall_edits.free_slots(doc, found[0].id, ignore=rack_id):
            hall_edits.snap(doc, [rack_id], found[0].id, found[1])
            return
        # off any row slot (row/slot dropped), still in its own hall
        doc.set(rack_id, position=FloorPosition(x_mm=x, y_mm=y, rotation_deg=rack.position.rotation_deg,
                                                hall=rack.position.hall))

    def contextMenuEvent(self, event) -> None:
        self.menu_point = self.mapToScene(event.pos())
        super().contextMenuEvent(event)

    # ------------------------------------------------------------------ keys
    NUDGE = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}

    def keyPressEvent(self, event) -> None:
        """Arrow keys nudge the selected racks by one floor tile (one undo step each); without a selection
        they scroll as usual."""
        step = self.NUDGE.get(event.key())
        selected = self.floor.selected_ids()
        if step is not None and selected:
            try:
                nudge(self._doc(), selected, *step)
            except EditError as exc:
                self.message.emit(str(exc), 8000)
            event.accept()
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------ foreground
    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        self.tag_layer.paint(painter, rect)
        self._paint_axes(painter)

    def _paint_axes(self, painter: QPainter) -> None:
        """Metre marks along the hall's top and left walls, every 1, 2, 5 or 10 m: the finest step whose
        marks stay `AXIS_STEP_PX` apart on screen."""
        hall = self.floor.layout
        if hall.width_mm <= 0 or hall.depth_mm <= 0:
            return
        metre_px = 1000 * self.zoom
        step = next((m for m in (1, 2, 5, 10, 20, 50) if m * metre_px >= AXIS_STEP_PX), 100)
        painter.save()
        painter.resetTransform()
        painter.setFont(self.tag_layer.font)
        painter.setPen(QColor("#4a5160"))
        metrics = painter.fontMetrics()
        top = self.mapFromScene(QPointF(0, 0))
        for m in range(0, int(hall.width_mm // 1000) + 1, step):
            x = self.mapFromScene(QPointF(m * 1000, 0)).x()
            text = f"{m} m"
            painter.drawText(QPointF(x - metrics.horizontalAdvance(text) / 2, top.y() - 6), text)
        for m in range(0, int(hall.depth_mm // 1000) + 1, step):
            y = self.mapFromScene(QPointF(0, m * 1000)).y()
            text = f"{m} m"
            painter.drawText(QPointF(top.x() - metrics.horizontalAdvance(text) - 6, y + metrics.ascent() / 2 - 1),
                             text)
        painter.restore()
