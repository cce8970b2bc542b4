"""Graphics items of the rack elevation: one BoxItem per layout Box, drawn from the Box alone.

Pens, brushes and fonts are created once (`Style`) and shared; text placement is computed when an item's
state changes, not at paint time. Text whose on-screen size would be under `MIN_TEXT_PX` is not drawn, so
zooming out shows colours and names that still read instead of a grey smear, and nothing overlaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyleOptionGraphicsItem, QWidget

from rackcad.layout.elevation import Box
from rackcad.layout.style import color, text_color
from rackcad.units import U_MM

MIN_TEXT_PX = 8.0
"""Smallest on-screen font size (pixels) still drawn."""
MIN_CHIP_TEXT_PX = 9.0
"""Chips in trays need a little more: at 8 px some short names would show and their neighbours would not."""

SEVERITY_COLORS = {"error": "#e53935", "warning": "#fb8c00"}
BADGE_COLORS = {"full": ("#1b1f24", "#ffffff"), "partial": ("#ffb300", "#000000"), "none": ("#d32f2f", "#ffffff")}
ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ALIGN_CENTER = Qt.AlignmentFlag.AlignCenter


def _cosmetic(color_: str, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(QColor(color_), width, style)
    pen.setCosmetic(True)
    return pen


class Style:
    """Shared drawing resources, built once per process (they need a QGuiApplication)."""

    def __init__(self) -> None:
        self.background = QColor("#f3f4f6")
        self.no_pen = QPen(Qt.PenStyle.NoPen)
        self.no_brush = QBrush(Qt.BrushStyle.NoBrush)
        self.node_pen = _cosmetic("#1f2329")
        self.frame_pen = _cosmetic("#2b2f38", 2)
        self.bay_pen = _cosmetic("#9aa3b2", 1, Qt.PenStyle.DashLine)
        self.u_line_pen = _cosmetic("#cdd2da")
        self.selection_pen = _cosmetic("#1565c0", 3)
        self.selection_brush = QBrush(QColor(30, 136, 229, 70))
        self.body_brush = QBrush(QColor("#e6e9ee"))
        self.side_brush = QBrush(QColor("#d5dae2"))
        self.bay_brush = QBrush(QColor("#646c7c"))
        self.muted = QColor("#5f6673")
        self.bay_text = QColor("#c8cdd6")
        self.title_text = QColor("#1f2329")
        self.over_budget = QColor("#c62828")
        self._kind_brushes: dict[str, QBrush] = {}
        self._colors: dict[str, QColor] = {}
        self._fonts: dict[tuple[int, bool], QFont] = {}
        self._metrics = QFontMetricsF(self.font(100))
        self._bold_metrics = QFontMetricsF(self.font(100, bold=True))

    def kind_brush(self, kind: str) -> QBrush:
        brush = self._kind_brushes.get(kind)
        if brush is None:
            brush = self._kind_brushes[kind] = QBrush(QColor(color(kind)))
        return brush

    def color(self, value: str) -> QColor:
        qcolor = self._colors.get(value)
        if qcolor is None:
            qcolor = self._colors[value] = QColor(value)
        return qcolor

    def font(self, pixels: int, bold: bool = False) -> QFont:
        """A font `pixels` scene units (mm) tall."""
        key = (pixels, bold)
        font = self._fonts.get(key)
        if font is None:
            font = QFont()
            font.setPixelSize(max(pixels, 1))
            font.setBold(bold)
            font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
            self._fonts[key] = font
        return font

    def advance(self, text: str, bold: bool = False) -> float:
        """Width of `text` per unit of font size."""
        return (self._bold_metrics if bold else self._metrics).horizontalAdvance(text) / 100

    def fit(self, text: str, width: float, height: float, cap: float, bold: bool = False, fill: float = 0.7) -> int:
        """The largest font size (scene units, at most `cap` and `fill` x `height`) at which `text` fits `width`."""
        size = min(height * fill, cap)
        advance = self.advance(text, bold)
        if advance * size > width:
            size = width / advance if advance else size
        return int(size)


@lru_cache(maxsize=1)
def style() -> Style:
    return Style()


@dataclass(frozen=True)
class Text:
    """A piece of text placed in scene units; drawn only when legible at the current zoom."""

    rect: QRectF
    text: str
    size: int
    color: QColor
    align: Qt.AlignmentFlag
    bold: bool = False
    background: QColor | None = None
    min_px: float = MIN_TEXT_PX


@dataclass(frozen=True)
class Look:
    """Everything an item's appearance depends on besides its Box; items repaint only when it changes."""

    has_bays: bool = False
    badge: str = ""
    badge_state: str = ""
    severity: str = ""
    detail: str = ""
    over_budget: bool = False


class BoxItem(QGraphicsRectItem):
    """One layout box: a rack body, its title, a U number, a side zone, a placed part or an empty bay.

    `model_id` is the id the box stands for in the design (the rack for a title), or "" for decoration.
    Placed parts and rack titles are selectable; the rack body lets clicks through so a rubber band can
    start inside it.
    """

    def __init__(self, box: Box, look: Look):
        super().__init__()
        self.box = box
        self.look = look
        self._texts: list[Text] = []
        self._fallback: list[Text] = []
        self.set_state(box, look)

    @property
    def role(self) -> str:
        return self.box.role

    @property
    def model_id(self) -> str:
        if self.box.role == "title":
            return self.box.rack or ""
        return self.box.id if self.box.role in ("node", "rack") else ""

    def set_state(self, box: Box, look: Look) -> None:
        self.box, self.look = box, look
        rect = QRectF(box.x, box.y, box.w, box.h)
        if rect != self.rect():
            self.setRect(rect)
        self.setZValue(box.depth + (1 if box.role == "bay" else 0))
        selectable = box.role in ("node", "title")
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, selectable)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton if selectable else Qt.MouseButton.NoButton)
        self._texts = self._layout_texts()
        self._fallback = self._name_only() if box.role == "node" and look.badge else []
        self.update()

    # --------------------------------------------------------------- texts
    def _layout_texts(self) -> list[Text]:
        s = style()
        b, look = self.box, self.look
        if b.role == "u-label":
            rect = QRectF(b.x, b.y, b.w - 8, b.h)
            return [Text(rect, b.label, s.fit(b.label, rect.width(), b.h, 22), s.muted, ALIGN_RIGHT)]
        if b.role == "title":
            name, _, _ = b.label.partition("\n")
            top = QRectF(b.x, b.y + 6, b.w, b.h * 0.5)
            bottom = QRectF(b.x, b.y + b.h * 0.55, b.w, b.h * 0.4)
            detail_color = s.over_budget if look.over_budget else s.muted
            return [
                Text(top, name, s.fit(name, b.w * 0.9, top.height(), 56, bold=True, fill=0.9), s.title_text,
                     ALIGN_CENTER, bold=True),
                Text(bottom, look.detail, s.fit(look.detail, b.w * 0.95, bottom.height(), 30), detail_color,
                     ALIGN_CENTER),
            ]
        if b.role == "side-zone":
            rect = QRectF(b.x, b.y + 4, b.w, 30)
            return [Text(rect, "0U", s.fit("0U", b.w - 8, 40, 22), s.muted, ALIGN_CENTER)]
        if b.role == "bay":
            rect = QRectF(b.x + 2, b.y, b.w - 4, b.h)
            return [Text(rect, b.label, s.fit(b.label, rect.width(), b.h, 16), s.bay_text, ALIGN_CENTER)]
        if b.role != "node":
            return []
        fg = s.color(text_color(color(b.kind)))
        inset = min(b.w, b.h) * 0.3 if look.severity else 0.0  # room for the marker at the top right
        if look.has_bays:
            if b.w >= b.h:
                strip = min(150.0, b.w * 0.2)
                rect = QRectF(b.x + 8, b.y, strip - 12, b.h)
                return [Text(rect, b.label, s.fit(b.label, rect.width(), b.h, 30), fg, ALIGN_LEFT)]
            strip = min(60.0, b.h * 0.12)
            rect = QRectF(b.x + 4, b.y, b.w - 8 - inset, strip)
            return [Text(rect, b.label, s.fit(b.label, rect.width(), strip, 30, fill=0.8), fg, ALIGN_CENTER)]
        if b.depth == 1 and b.w > b.h:  # a rack-mounted part without bays (shelf, switch box): name at left
            rect = QRectF(b.x + 8, b.y, b.w - 16 - inset, b.h)
            return [Text(rect, b.label, s.fit(b.label, min(rect.width(), 300), b.h, 30), fg, ALIGN_LEFT)]
        chip = MIN_CHIP_TEXT_PX if b.depth >= 2 else MIN_TEXT_PX
        if not look.badge:
            rect = QRectF(b.x + 3, b.y, b.w - 6 - inset, b.h)
            return [Text(rect, b.label, s.fit(b.label, rect.width(), b.h, 26), fg, ALIGN_CENTER, min_px=chip)]
        bg, badge_fg = BADGE_COLORS[look.badge_state]
        if b.w > 2.5 * b.h:  # a wide chip (switch ASIC in a 1U tray): name left, badge right, one line
            label = QRectF(b.x + 6, b.y, b.w * 0.5 - 6, b.h)
            size = s.fit(b.label, label.width(), b.h, 26, fill=0.8)
            badge_w = size * (s.advance(look.badge) + 0.8)
            badge = QRectF(b.x + b.w - badge_w - 4 - inset, b.y + b.h * 0.12, badge_w, b.h * 0.76)
        else:  # name above, badge below
            half = b.h / 2
            label = QRectF(b.x + 3, b.y + 1, b.w - 6 - inset, half)
            size = min(s.fit(b.label, label.width(), half, 26), s.fit(look.badge, b.w - 10, half, 26))
            badge_w = min(b.w - 4, size * (s.advance(look.badge) + 0.8))
            badge = QRectF(b.x + (b.w - badge_w) / 2, b.y + half, badge_w, half - 2)
        return [Text(label, b.label, size, fg, ALIGN_LEFT if b.w > 2.5 * b.h else ALIGN_CENTER, min_px=chip),
                Text(badge, look.badge, size, s.color(badge_fg), ALIGN_CENTER, background=s.color(bg), min_px=chip)]

    def _name_only(self) -> list[Text]:
        """A chip's name alone, filling the box: shown when name and badge together would be too small."""
        s, b = style(), self.box
        inset = min(b.w, b.h) * 0.3 if self.look.severity else 0.0
        rect = QRectF(b.x + 3, b.y, b.w - 6 - inset, b.h)
        return [Text(rect, b.label, s.fit(b.label, rect.width(), b.h, 26), s.color(text_color(color(b.kind))),
                     ALIGN_CENTER, min_px=MIN_CHIP_TEXT_PX)]

    # -------------------------------------------------------------- paint
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        s = style()
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        rect = self.rect()
        role = self.box.role
        if role == "node":
            painter.setPen(s.node_pen)
            painter.setBrush(s.kind_brush(self.box.kind))
            painter.drawRect(rect)
        elif role == "bay":
            painter.setPen(s.bay_pen)
            painter.setBrush(s.bay_brush)
            painter.drawRect(rect)
        elif role == "rack":
            self._paint_body(painter, lod)
        elif role == "side-zone":
            painter.setPen(s.node_pen)
            painter.setBrush(s.side_brush)
            painter.drawRect(rect)
        texts = [t for t in self._texts if t.size * lod >= t.min_px]
        if not texts:
            texts = [t for t in self._fallback if t.size * lod >= t.min_px]
        for text in texts:
            if text.background is not None:
                painter.setPen(s.no_pen)
                painter.setBrush(text.background)
                painter.drawRoundedRect(text.rect, text.rect.height() * 0.3, text.rect.height() * 0.3)
            painter.setFont(s.font(text.size, text.bold))
            painter.setPen(text.color)
            painter.drawText(text.rect, text.align, text.text)
        if self.isSelected():
            painter.setPen(s.selection_pen)
            painter.setBrush(s.selection_brush)
            painter.drawRect(rect)
        if self.look.severity:
            self._paint_marker(painter, lod)

    def _paint_body(self, painter: QPainter, lod: float) -> None:
        s = style()
        rect = self.rect()
        painter.setPen(s.no_pen)
        painter.setBrush(s.body_brush)
        painter.drawRect(rect)
        if U_MM * lod >= 4:
            painter.setPen(s.u_line_pen)
            y = rect.top() + U_MM
            while y < rect.bottom() - 1:
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
                y += U_MM
        painter.setPen(s.frame_pen)
        painter.setBrush(s.no_brush)
        painter.drawRect(rect)

    def _paint_marker(self, painter: QPainter, lod: float) -> None:
        """A corner flag, red for errors and orange for warnings, at least 9 px on screen."""
        rect = self.rect()
        side = min(max(min(rect.width(), rect.height()) * 0.3, 9 / lod), rect.width(), rect.height())
        right, top = rect.right(), rect.top()
        painter.setPen(style().no_pen)
        painter.setBrush(style().color(SEVERITY_COLORS[self.look.severity]))
        painter.drawPolygon(QPolygonF([QPointF(right - side, top), QPointF(right, top), QPointF(right, top + side)]))
