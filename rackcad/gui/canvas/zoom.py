"""The zoom and pan behaviour every canvas shares (elevation, topology, floor plan).

Wheel or +/- zooms about the mouse, Shift+wheel scrolls sideways, middle-drag or Space+drag pans, and the
view refits on resize until the user zooms or pans (`fit_mode`). Subclasses say what "fit" shows
(`content_rect`, `fit`) and add their own gestures; they call the `_pan_*` helpers first in their mouse
handlers so a middle-button pan always wins.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QTransform, QWheelEvent
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QToolTip

MIN_SCALE, MAX_SCALE = 0.01, 8.0
"""Zoom limits in screen pixels per scene unit (millimetre)."""
HINT_COLOR = "#5f6673"
"""The grey of the hint an empty canvas shows."""


class ZoomView(QGraphicsView):
    """A QGraphicsView with the editor's zoom, pan and fit gestures."""

    message = Signal(str, int)  # status-bar text and how long to show it (ms, 0 = until replaced)
    zoom_changed = Signal(float)  # screen pixels per scene unit
    context_requested = Signal(list, QPoint)  # ids under a right-click (empty: the canvas), global position

    def __init__(self, scene: QGraphicsScene, parent=None):
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.ContainsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.fit_mode = True  # refit on resize until the user zooms or pans
        self._fitting = False
        self._pan_from: QPoint | None = None
        self._space = False

    def first_at(self, pos: QPoint | QPointF, kind: type):
        """The topmost item of `kind` under a viewport position, or None."""
        point = pos.toPoint() if isinstance(pos, QPointF) else pos
        return next((item for item in self.items(point) if isinstance(item, kind)), None)

    def paint_hint(self, painter: QPainter, text: str, scale: float) -> None:
        """Write `text` in the middle of an empty canvas, in grey, `scale` times the painter's font."""
        painter.save()
        painter.resetTransform()
        font = QFont(painter.font())
        font.setPointSizeF(font.pointSizeF() * scale)
        painter.setFont(font)
        painter.setPen(QColor(HINT_COLOR))
        painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    # ------------------------------------------------------------------ zoom
    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def tooltip_at(self, pos: QPoint) -> str:
        """Rich text for the tooltip at viewport position `pos`, or "" for none (views override)."""
        return ""

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def zoom_by(self, factor: float) -> None:
        factor = min(max(self.zoom * factor, MIN_SCALE), MAX_SCALE) / self.zoom
        self.fit_mode = False
        self.scale(factor, factor)
        self.zoom_changed.emit(self.zoom)

    def content_rect(self) -> QRectF:
        """What Zoom to Fit shows (the scene rectangle unless a subclass knows better)."""
        return self.sceneRect()

    def fit_all(self) -> None:
        """Zoom so that all the content is in view.

        The scale comes from the viewport's full size less the scrollbars that scale itself will need (the
        scene may be larger than the content), never from the scrollbars shown right now: so a fit is the
        same however often it runs, and the resize its scrollbars cause cannot start another fit.
        """
        rect = self.content_rect()
        if rect.isEmpty():
            return
        width, height = self.full_size()
        scene = self.sceneRect()
        scale = min((width - 4) / rect.width(), (height - 4) / rect.height())
        if scene.width() * scale > width + 0.5:
            height -= self.horizontalScrollBar().sizeHint().height()
        if scene.height() * scale > height + 0.5:
            width -= self.verticalScrollBar().sizeHint().width()
        scale = min(max(min((width - 4) / rect.width(), (height - 4) / rect.height()), MIN_SCALE), MAX_SCALE)
        self.setTransform(QTransform.fromScale(scale, scale))
        self.centerOn(rect.center())
        self.zoom_changed.emit(self.zoom)

    def fit(self) -> None:
        """The opening view (everything, unless a subclass has a better policy); refits on resize."""
        self.fit_mode = True
        if self.viewport().width() >= 50 and self.viewport().height() >= 50:
            self.fit_all()

    def center_on_rect(self, rect: QRectF) -> None:
        """Centre the view on `rect`, zooming out (never in) if it does not fit."""
        if rect.isEmpty():
            return
        self.fit_mode = False
        view = self.mapToScene(self.viewport().rect()).boundingRect()
        if rect.width() > view.width() or rect.height() > view.height():
            self.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
            self.zoom_changed.emit(self.zoom)
        self.centerOn(rect.center())

    def full_size(self) -> tuple[int, int]:
        """The viewport's size with no scrollbars shown: what a fit decides by, so that a scrollbar the
        fit itself shows or hides cannot flip the decision (which resized, refitted, ... for ever)."""
        frame = 2 * self.frameWidth()
        return self.width() - frame, self.height() - frame

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fit_mode and not self._fitting:
            self._fitting = True  # a resize caused by the fit's own scrollbars does not refit again
            try:
                self.fit()
            finally:
                self._fitting = False

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - event.angleDelta().y())
            self.fit_mode = False
            return
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(1.15 ** steps)

    # ------------------------------------------------------------------- pan
    def _pan_press(self, event: QMouseEvent) -> bool:
        """Start a middle-button pan; True when the event was used."""
        if event.button() != Qt.MouseButton.MiddleButton:
            return False
        self._pan_from = event.position().toPoint()
        self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        event.accept()
        return True

    def _pan_move(self, event: QMouseEvent) -> bool:
        if self._pan_from is None:
            return False
        delta = event.position().toPoint() - self._pan_from
        self._pan_from = event.position().toPoint()
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
        self.fit_mode = False
        return True

    def _pan_release(self, event: QMouseEvent) -> bool:
        if event.button() != Qt.MouseButton.MiddleButton or self._pan_from is None:
            return False
        self._pan_from = None
        self.viewport().unsetCursor()
        return True

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            event.accept()  # the context menu acts on the selection: a right press must not clear it
            return
        if not self._pan_press(event):
            super().mousePressEvent(event)

    def ids_at(self, pos: QPoint) -> list[str]:
        """The model ids of what is under a viewport position (a part, a rack, a link's ends); views say."""
        return []

    def contextMenuEvent(self, event) -> None:
        self.context_requested.emit(self.ids_at(event.pos()), event.globalPos())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self._pan_move(event):
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not self._pan_release(event):
            super().mouseReleaseEvent(event)

    # ------------------------------------------------------------------ keys
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
            self.setInteractive(False)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(0.8)
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.setInteractive(True)
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
            self.fit_mode = False
        else:
            super().keyReleaseEvent(event)
