"""Printing: the design's drawings on paper sheets (A4, A3, Letter, Tabloid; portrait or landscape), each
sheet with a title block (design name, sheet title, date, page n of m). The same painter serves the
printer, the print preview and "Export Sheets as PDF", so the PDF is page for page what the printer gets.

The drawings are the exports' (`rackcad.export.svg`: the elevation a few racks a drawing, the topology, the
floor plan). "Fit to page" scales each drawing to the sheet; otherwise it prints at its own scale, tiled
over as many sheets as it needs.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QByteArray, QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPen
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtSvg import QSvgRenderer

from rackcad.model import Design

PAPERS = {"A4": QPageSize.PageSizeId.A4, "A3": QPageSize.PageSizeId.A3, "Letter": QPageSize.PageSizeId.Letter,
          "Tabloid": QPageSize.PageSizeId.Tabloid}
VIEW_TITLES = {"elevation": "Rack elevation", "topology": "Topology", "floor": "Floor plan"}
MARGIN_MM = 10.0
TITLE_MM = 14.0
"""Height of the title block along the bottom of each sheet."""


@dataclass
class PageSetup:
    """What File > Page Setup holds for the session."""

    paper: str = "A4"
    landscape: bool = True
    fit: bool = True
    views: list[str] = field(default_factory=lambda: ["elevation", "topology", "floor"])

    def layout(self) -> QPageLayout:
        orientation = QPageLayout.Orientation.Landscape if self.landscape else QPageLayout.Orientation.Portrait
        return QPageLayout(QPageSize(PAPERS[self.paper]), orientation,
                           QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter)


@dataclass(frozen=True)
class Sheet:
    """One printed page: a drawing (SVG) or the part of it at `tile` (x, y, w, h in drawing mm)."""

    title: str
    svg: str
    width_mm: float
    height_mm: float
    tile: tuple[float, float, float, float] | None = None


def sheets(design: Design, setup: PageSetup, area_mm: tuple[float, float]) -> list[Sheet]:
    """The sheets for `setup`, drawings fitted to (or tiled over) a drawing area of `area_mm` (w, h)."""
    from rackcad.export.svg import pages
    from rackcad.topology import DesignIndex

    index = DesignIndex(design)
    out: list[Sheet] = []
    for view in setup.views:
        drawings = pages(design, view, index)
        for i, drawing in enumerate(drawings):
            title = VIEW_TITLES.get(view, view) + (f" {i + 1} of {len(drawings)}" if len(drawings) > 1 else "")
            if setup.fit:
                out.append(Sheet(title, drawing.svg, drawing.width_mm, drawing.height_mm))
                continue
            cols = max(math.ceil(drawing.width_mm / area_mm[0] - 1e-9), 1)
            rows = max(math.ceil(drawing.height_mm / area_mm[1] - 1e-9), 1)
            for r in range(rows):
                for c in range(cols):
                    tile = (c * area_mm[0], r * area_mm[1], area_mm[0], area_mm[1])
                    name = f"{title}, part {r * cols + c + 1} of {rows * cols}" if rows * cols > 1 else title
                    out.append(Sheet(name, drawing.svg, drawing.width_mm, drawing.height_mm, tile))
    return out


def paint(printer: QPrinter, design: Design, setup: PageSetup, today: date | None = None) -> int:
    """Paint every sheet on `printer` (a real printer, the preview, or a PDF file). Returns the page count."""
    printer.setPageLayout(setup.layout())
    page_mm = printer.pageLayout().paintRect(QPageLayout.Unit.Millimeter)
    area = (page_mm.width(), page_mm.height() - TITLE_MM)
    planned = sheets(design, setup, area)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        dots = printer.pageLayout().paintRectPixels(printer.resolution())
        per_mm = dots.width() / page_mm.width()
        when = (today or date.today()).isoformat()
        for n, sheet in enumerate(planned, 1):
            if n > 1:
                printer.newPage()
            drawing = QRectF(0, 0, area[0] * per_mm, area[1] * per_mm)
            _draw_sheet(painter, sheet, drawing, per_mm)
            block = QRectF(0, drawing.bottom(), dots.width(), TITLE_MM * per_mm)
            _title_block(painter, block, per_mm, design.name, sheet.title, when, f"page {n} of {len(planned)}")
    finally:
        painter.end()
    return len(planned)


def _draw_sheet(painter: QPainter, sheet: Sheet, area: QRectF, per_mm: float) -> None:
    renderer = QSvgRenderer(QByteArray(sheet.svg.encode("utf-8")))
    painter.save()
    painter.setClipRect(area)
    if sheet.tile is None:
        scale = min(area.width() / sheet.width_mm, area.height() / sheet.height_mm)
        w, h = sheet.width_mm * scale, sheet.height_mm * scale
        renderer.render(painter, QRectF(area.left() + (area.width() - w) / 2, area.top(), w, h))
    else:
        x, y, _, _ = sheet.tile
        renderer.render(painter, QRectF(area.left() - x * per_mm, area.top() - y * per_mm,
                                        sheet.width_mm * per_mm, sheet.height_mm * per_mm))
    painter.restore()


def _title_block(painter: QPainter, rect: QRectF, per_mm: float, name: str, title: str, when: str,
                 page: str) -> None:
    """A framed strip: design name (bold), sheet title, date, page n of m, RackCAD."""
    painter.save()
    pen = QPen(QColor("#2b2f38"))
    pen.setWidthF(0.3 * per_mm)
    painter.setPen(pen)
    inner = rect.adjusted(0, 2 * per_mm, 0, 0)
    painter.drawRect(inner)
    cells = [(name, 0.34, True), (title, 0.30, False), (when, 0.12, False), (page, 0.12, False),
             ("RackCAD", 0.12, False)]
    x = inner.left()
    font = QFont("Sans Serif")
    font.setPixelSize(max(int(4 * per_mm), 1))
    for i, (text, share, bold) in enumerate(cells):
        width = inner.width() * share
        cell = QRectF(x, inner.top(), width, inner.height())
        if i:
            painter.drawLine(cell.topLeft(), cell.bottomLeft())
        font.setBold(bold)
        painter.setFont(font)
        shown = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(width - 4 * per_mm))
        painter.drawText(cell.adjusted(2 * per_mm, 0, -2 * per_mm, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, shown)
        x += width
    painter.restore()


def print_pdf(design: Design, path: str, setup: PageSetup, today: date | None = None) -> int:
    """The printed sheets as a PDF file through QPrinter (the same pages the printer gets). Written beside
    `path` first and renamed over it, so a failure never leaves half a PDF."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, scratch = tempfile.mkstemp(prefix=".rackcad-", suffix=".pdf", dir=folder)
    os.close(handle)
    try:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(scratch)
        printer.setCreator("RackCAD")
        printer.setDocName(design.name)
        count = paint(printer, design, setup, today)
        del printer
        if not count:
            raise OSError(f"{path}: cannot write the PDF")
        os.replace(scratch, path)
    finally:
        if os.path.exists(scratch):
            os.remove(scratch)
    return count
