"""The elevation view: zoom, pan, rubber-band selection, drag to move, palette drops and the connect tool.

Every change goes through the Document (place, move, add_rack, connect); the view only shows a ghost of
where a part would land (green when it fits, red with the reason in the status bar when it does not).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent, \
    QMouseEvent, QPainter, QPen, QTransform
from PySide6.QtWidgets import QApplication, QGraphicsLineItem, QGraphicsRectItem, QGraphicsView

from rackcad.document import Document, EditError
from rackcad.editing.stock import place_stock
from rackcad.gui.canvas.items import BoxItem
from rackcad.gui.canvas.scene import ElevationScene
from rackcad.gui.canvas.tools import ConnectTool, Target, menu_choice, target_at
from rackcad.gui.canvas.zoom import ZoomView
from rackcad.layout.elevation import MARGIN
from rackcad.units import U_MM

PART_MIME = "application/x-rackcad-part"
"""Mime type of a palette drag: the part id, UTF-8."""

READABLE_U_PX = 12.0
"""The initial view shows every rack only if a U row is at least this tall; otherwise it fits the height."""

HINT = "File > New from template... to start a design,\nor drag a rack from the Parts palette."


def _ghost_pen(color: str) -> QPen:
    pen = QPen(QColor(color), 2)
    pen.setCosmetic(True)
    return pen


class ElevationView(ZoomView):
    """Shows an ElevationScene and turns gestures into Document edits."""

    connect_stopped = Signal()  # Esc switched the connect tool off
    bulk_wire_requested = Signal(str, str)  # connect tool: dragged from one part onto another

    def __init__(self, scene: ElevationScene, doc: Callable[[], Document], parent=None):
        super().__init__(scene, parent)
        self._doc = doc
        self.connect_tool = ConnectTool(doc, lambda title, choices, where: menu_choice(self, title, choices, where))
        self.connect_tool.message.connect(lambda text: self.message.emit(text, 0))
        self.connect_tool.first_changed.connect(self._hide_wire)
        self.setAcceptDrops(True)
        self.empty_trays = False  # palette option: stock trays arrive as bare sleds
        self._wire_press: tuple[str | None, QPointF] | None = None  # connect tool: part pressed on, where
        self._press: tuple[str, QPointF, float] | None = None  # node id, press position, grab offset (mm)
        self._dragging = False
        self._hover_reason: str | None = None
        self._ghost = QGraphicsRectItem()
        self._ghost.setZValue(1_000_000)
        self._ghost.hide()
        scene.addItem(self._ghost)
        self._wire = QGraphicsLineItem()
        self._wire.setPen(_ghost_pen("#1565c0"))
        self._wire.setZValue(1_000_001)
        self._wire.hide()
        scene.addItem(self._wire)
        self._ok = (_ghost_pen("#2e7d32"), QBrush(QColor(67, 160, 71, 90)))
        self._bad = (_ghost_pen("#b71c1c"), QBrush(QColor(229, 57, 53, 120)))

    @property
    def elevation(self) -> ElevationScene:
        return self.scene()  # type: ignore[return-value]

    # ------------------------------------------------------------------ zoom
    def content_rect(self) -> QRectF:
        layout = self.elevation.layout
        if not layout.bodies:
            return QRectF(0, 0, 1000, 800)
        return QRectF(MARGIN / 2, MARGIN / 2, layout.width - MARGIN, layout.height - MARGIN)

    def fit(self) -> None:
        """The opening view: every rack if U rows stay readable, else the racks' full height from the left."""
        self.fit_mode = True
        rect = self.content_rect()
        width, height = self.full_size()
        if width < 50 or height < 50:
            return
        if min(width / rect.width(), height / rect.height()) * U_MM >= READABLE_U_PX:
            self.fit_all()
            return
        height -= self.horizontalScrollBar().sizeHint().height()  # this view scrolls sideways
        scale = height / rect.height()
        self.setTransform(QTransform.fromScale(scale, scale))
        self.centerOn(QPointF(rect.left() + width / scale / 2, rect.center().y()))
        self.zoom_changed.emit(self.zoom)

    # --------------------------------------------------------------- lookups
    def item_at(self, pos: QPoint | QPointF) -> BoxItem | None:
        """The topmost selectable item (part or rack title) under a viewport position."""
        point = pos.toPoint() if isinstance(pos, QPointF) else pos
        for item in self.items(point):
            if isinstance(item, BoxItem) and item.role in ("node", "title"):
                return item
        return None

    def ids_at(self, pos: QPoint) -> list[str]:
        item = self.item_at(pos)
        return [item.model_id] if item is not None else []

    def tooltip_at(self, pos: QPoint) -> str:
        item = self.item_at(pos)
        return self.elevation.tooltip(item.model_id) if item else ""

    # ----------------------------------------------------------------- mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._pan_press(event):
            return
        if self.connect_tool.active and event.button() == Qt.MouseButton.LeftButton:
            item = self.item_at(event.position())
            node = item.model_id if item is not None and item.role == "node" else None
            self._wire_press = (node, event.position())
            event.accept()
            return
        self._press = None
        if event.button() == Qt.MouseButton.LeftButton and not self._space:
            item = self.item_at(event.position())
            if item is not None and item.role == "node":
                grab = self.mapToScene(event.position().toPoint()).y() - item.rect().y()
                self._press = (item.model_id, event.position(), grab)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_move(event):
            return
        if self._press is not None and not self._dragging:
            moved = (event.position() - self._press[1]).manhattanLength()
            self._dragging = moved >= QApplication.startDragDistance()
        if self._dragging:
            self._show_target(self._move_target(event.position()))
            return
        if self.connect_tool.active and self._wire_press is not None and self._wire_press[0] is not None:
            self._show_wire(self.mapToScene(event.position().toPoint()), self._wire_press[0])
        elif self.connect_tool.active and self.connect_tool.first is not None:
            self._show_wire(self.mapToScene(event.position().toPoint()))
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_release(event):
            return
        if self.connect_tool.active and self._wire_press is not None and event.button() == Qt.MouseButton.LeftButton:
            self._finish_wire(event)
            return
        if self._dragging and self._press is not None:
            target = self._move_target(event.position())
            self._clear_ghost()
            self._finish_move(self._press[0], target)
        self._press = None
        self._dragging = False
        super().mouseReleaseEvent(event)

    def _move_target(self, pos: QPointF) -> Target:
        node_id, _, grab = self._press  # type: ignore[misc]
        doc = self._doc()
        point = self.mapToScene(pos.toPoint())
        target = target_at(doc, self.elevation.layout, doc.get(node_id).part, point.x(), point.y(),
                           ignore=node_id, top_y=point.y() - grab)
        inside = target.parent == node_id or target.parent in {d.id for d in doc.descendants(node_id)}
        if inside:
            return Target(target.parent, rect=target.rect, reason=f"cannot move {doc.get(node_id).name} into itself")
        return target

    def _finish_move(self, node_id: str, target: Target) -> None:
        doc = self._doc()
        node = doc.get(node_id)
        if target.reason or target.parent is None:
            self.message.emit(f"Cannot move {node.name}: {target.reason or 'drop it in a rack or tray'}", 10_000)
            return
        if (target.parent, target.u, target.bay) == (node.parent, node.u, node.bay):
            return
        try:
            doc.move(node_id, parent=target.parent, u=target.u, bay=target.bay)
        except EditError as exc:
            self.message.emit(str(exc), 10_000)
            return
        self.elevation.select_ids([node_id])
        where = f"U{target.u:g}" if target.u is not None else f"bay {target.bay}"
        self.message.emit(f"Moved {node.name} to {where} of {doc.get(target.parent).name}", 5000)

    # ----------------------------------------------------------------- ghost
    def _show_target(self, target: Target | None) -> None:
        """Draw the ghost of `target` (None hides it) and say in the status bar why it does not fit."""
        if target is None or target.rect is None:
            self._ghost.hide()
        else:
            pen, brush = self._bad if target.reason else self._ok
            self._ghost.setPen(pen)
            self._ghost.setBrush(brush)
            self._ghost.setRect(QRectF(*target.rect))
            self._ghost.show()
        reason = target.reason if target is not None else None
        if reason != self._hover_reason:
            self._hover_reason = reason
            self.message.emit(f"Does not fit: {reason}" if reason else "", 0)

    def _clear_ghost(self) -> None:
        """Hide the ghost without touching the status bar (the drop or move says what happened)."""
        self._ghost.hide()
        self._hover_reason = None

    def _finish_wire(self, event: QMouseEvent) -> None:
        """Connect tool release: a drag from one part onto another asks for a bulk wire between their groups;
        a click is a step of the one-link-at-a-time tool."""
        start, pressed = self._wire_press  # type: ignore[misc]
        self._wire_press = None
        item = self.item_at(event.position())
        node = item.model_id if item is not None and item.role == "node" else None
        dragged = (event.position() - pressed).manhattanLength() >= QApplication.startDragDistance()
        if dragged and start is not None and node is not None and node != start:
            self._hide_wire()
            self.connect_tool.cancel()
            self.bulk_wire_requested.emit(start, node)
        else:
            self.connect_tool.click(node, event.globalPosition().toPoint())
        event.accept()

    def _show_wire(self, end: QPointF, start: str | None = None) -> None:
        first = (start, None) if start is not None else self.connect_tool.first
        item = self.elevation.item(first[0]) if first else None
        if item is None:
            self._wire.hide()
            return
        self._wire.setLine(QLineF(item.sceneBoundingRect().center(), end))
        self._wire.show()

    def _hide_wire(self) -> None:
        self._wire.hide()

    # ----------------------------------------------------------------- drops
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(PART_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        part_id = bytes(event.mimeData().data(PART_MIME)).decode()
        point = self.mapToScene(event.position().toPoint())
        self._show_target(target_at(self._doc(), self.elevation.layout, part_id, point.x(), point.y()))
        event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:
        self._show_target(None)

    def dropEvent(self, event: QDropEvent) -> None:
        part_id = bytes(event.mimeData().data(PART_MIME)).decode()
        self._clear_ghost()
        self.drop_part(part_id, self.mapToScene(event.position().toPoint()))
        event.acceptProposedAction()

    def drop_part(self, part_id: str, point: QPointF) -> str | None:
        """Place `part_id` where it was dropped (a rack part adds a rack; a stock tray arrives with its catalog
        contents unless `empty_trays`). Returns the new id, or None with the
        reason in the status bar when it does not fit."""
        doc = self._doc()
        part = doc.catalog.find(part_id)
        if part is None:
            self.message.emit(f"Unknown part {part_id!r}", 10_000)
            return None
        target = target_at(doc, self.elevation.layout, part_id, point.x(), point.y())
        try:
            if part.kind == "rack":
                new = doc.add_rack(part_id)
            elif target.reason or target.parent is None:
                self.message.emit(f"Cannot place {part.model}: {target.reason}", 10_000)
                return None
            else:
                new = place_stock(doc, part_id, target.parent, u=target.u, bay=target.bay, empty=self.empty_trays)
        except EditError as exc:
            self.message.emit(str(exc), 10_000)
            return None
        self.elevation.select_ids([new])
        self.message.emit(f"Placed {part.model} as {doc.get(new).name}", 5000)
        return new

    # ------------------------------------------------------------------ keys
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.connect_tool.active:
            if self.connect_tool.first is not None:
                self.connect_tool.cancel()
            else:
                self.set_connecting(False)
                self.connect_stopped.emit()
        else:
            super().keyPressEvent(event)

    def set_connecting(self, active: bool) -> None:
        """Switch the connect tool on or off (rubber band and drag-move are off while it is on)."""
        self.connect_tool.set_active(active)
        self.setDragMode(QGraphicsView.DragMode.NoDrag if active else QGraphicsView.DragMode.RubberBandDrag)
        self.viewport().setCursor(Qt.CursorShape.CrossCursor if active else Qt.CursorShape.ArrowCursor)

    # ------------------------------------------------------------ foreground
    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if self.elevation.layout.bodies:
            return
        self.paint_hint(painter, HINT, 1.4)
