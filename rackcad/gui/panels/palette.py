"""Parts palette: the catalog grouped by kind, searchable, each part with its key figures; drag onto the canvas."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QMimeData, QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rackcad.catalog import Catalog, PartSpec
from rackcad.gui.canvas.view import PART_MIME
from rackcad.gui.figures import figure_rows, figures_html, key_figures
from rackcad.layout.style import KIND_LABELS, color

GROUP_ORDER = ["rack", "tray", "gpu", "xpu", "cpu", "switch", "nic", "dpu", "network-switch", "cpo-switch",
               "mgmt-switch", "power-shelf", "busbar", "cdu", "optic", "cable"]
"""Kinds in the order a design is usually built: a rack, trays, then what goes in them."""

GROUP_LABELS = {**KIND_LABELS, "rack": "Racks", "tray": "Trays / sleds", "power-shelf": "Power shelves"}
PART_ROLE = Qt.ItemDataRole.UserRole
FIGURES_ROLE = Qt.ItemDataRole.UserRole + 1


def swatch(kind: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color(kind)))
    return QIcon(pixmap)


class _PartDelegate(QStyledItemDelegate):
    """Two lines per part: the model, then its key figures in smaller grey text."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(PART_ROLE):
            size.setHeight(option.fontMetrics.height() * 2 + 8)
        return size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        figures = index.data(FIGURES_ROLE)
        if not figures:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        rect = opt.rect.adjusted(4, 3, -4, -3)
        line = opt.fontMetrics.height()
        painter.save()
        painter.setPen(palette.highlightedText().color() if selected else palette.text().color())
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), line), Qt.AlignmentFlag.AlignLeft,
                         opt.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width()))
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        painter.setFont(font)
        painter.setPen(palette.highlightedText().color() if selected else palette.placeholderText().color())
        painter.drawText(QRect(rect.left(), rect.top() + line, rect.width(), line), Qt.AlignmentFlag.AlignLeft,
                         painter.fontMetrics().elidedText(figures, Qt.TextElideMode.ElideRight, rect.width()))
        painter.restore()


class _PartTree(QTreeWidget):
    """The tree whose part rows drag as `PART_MIME` (the part id)."""

    def mimeTypes(self) -> list[str]:
        return [PART_MIME]

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:
        data = QMimeData()
        part_id = next((item.data(0, PART_ROLE) for item in items if item.data(0, PART_ROLE)), "")
        data.setData(PART_MIME, part_id.encode())
        data.setText(part_id)
        return data


class PartsPalette(QWidget):
    """Search box over a tree of parts grouped by kind."""

    def __init__(self, catalog: Catalog, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self.search = QLineEdit(placeholderText="Search parts (model, vendor, kind)")
        self.search.setClearButtonEnabled(True)
        self.tree = _PartTree()
        self.tree.setHeaderHidden(True)
        self.tree.setItemDelegate(_PartDelegate(self.tree))
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.tree.setIndentation(12)
        self.tree.setUniformRowHeights(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.empty_trays = QCheckBox("Place trays empty (bare sled)")
        self.empty_trays.setToolTip("Off: a stock tray arrives with the CPUs, GPUs, NICs and internal links its "
                                    "catalog entry ships with. On: the bare sled, for a custom build.")
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        layout.addWidget(self.empty_trays)
        self._groups: dict[str, QTreeWidgetItem] = {}
        self._populate()
        self.search.textChanged.connect(self.filter)

    def _populate(self) -> None:
        order = {kind: i for i, kind in enumerate(GROUP_ORDER)}
        parts = sorted(self.catalog, key=lambda p: (order.get(p.kind, len(order)), p.kind, p.vendor, p.model))
        for part in parts:
            group = self._groups.get(part.kind)
            if group is None:
                group = QTreeWidgetItem(self.tree, [GROUP_LABELS.get(part.kind, part.kind)])
                group.setIcon(0, swatch(part.kind))
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                self._groups[part.kind] = group
            item = QTreeWidgetItem(group, [part.model])
            item.setData(0, PART_ROLE, part.id)
            item.setData(0, FIGURES_ROLE, key_figures(part) or part.vendor)
            item.setToolTip(0, self.tooltip(part))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
        for kind in ("rack", "tray", "gpu"):
            if kind in self._groups:
                self._groups[kind].setExpanded(True)

    def tooltip(self, part: PartSpec) -> str:
        """The part, what it is, and every figure with its source and confidence."""
        status = "" if part.status == "shipping" else f" <i>({part.status})</i>"
        description = escape(part.description[:300] + ("…" if len(part.description) > 300 else ""))
        return (f"<b>{escape(part.vendor)} {escape(part.model)}</b>{status}<br><small>{escape(part.id)}</small>"
                f"<p>{description}</p>{figures_html(figure_rows(part, self.catalog), links=False)}")

    def filter(self, text: str) -> None:
        """Show the parts whose model, vendor, id or kind contains every word of `text`."""
        words = text.lower().split()
        for kind, group in self._groups.items():
            shown = 0
            for i in range(group.childCount()):
                item = group.child(i)
                part = self.catalog.get(item.data(0, PART_ROLE))
                haystack = " ".join((part.model, part.vendor, part.id, part.kind, GROUP_LABELS.get(kind, ""))).lower()
                match = all(word in haystack for word in words)
                item.setHidden(not match)
                shown += match
            group.setHidden(shown == 0)
            if words:
                group.setExpanded(shown > 0)

    def part_items(self) -> dict[str, QTreeWidgetItem]:
        """Part id -> its row (for tests and for selecting a part programmatically)."""
        out = {}
        for group in self._groups.values():
            for i in range(group.childCount()):
                out[group.child(i).data(0, PART_ROLE)] = group.child(i)
        return out
