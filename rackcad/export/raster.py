"""PNG and PDF from the SVG drawings, through Qt's SVG renderer: the one place outside gui/ that uses Qt.

PySide6 is imported inside the functions, so importing `rackcad.export` (CSV, XLSX, JSON, SVG) never loads
Qt. Without a running Qt application a QApplication is created (not a bare QGuiApplication, on which no
widget could ever be shown later in the same process, e.g. a script that exports and then opens the
editor); on Linux with no display (CI, a server, the CLI over
ssh) Qt's `offscreen` platform is selected first, so exports never need a window system.

- PNG: the image is exactly `round(width_mm / 25.4 x dpi)` by `round(height_mm / 25.4 x dpi)` pixels, where
  the paper size comes from the drawing's scale (see `rackcad.export.svg`), with the DPI written into the
  file. Images above `MAX_PIXELS` are refused with the largest DPI that fits, rather than silently shrunk.
- PDF: vector (paths and embedded text, no bitmap), one page per drawing, each page the drawing's paper size.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

from rackcad.export.errors import ExportError
from rackcad.export.svg import Drawing

MAX_PIXELS = 80_000_000
"""Largest PNG accepted (80 Mpx, 320 MB while drawn); GB200 NVL576's elevation at 150 dpi is 26 Mpx."""
MAX_SIDE = 32_000
"""Qt's raster engine cannot paint on a side longer than 32,767 px."""
PDF_RESOLUTION = 1200
"""PDF device units per inch: only the precision of coordinates, the output stays vector."""

_app = None


def ensure_app():
    """The running Qt application, or a new QApplication (off screen when there is no display)."""
    global _app
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QGuiApplication.instance()
    if app is not None:
        return app
    headless = sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _app = QApplication([sys.argv[0] if sys.argv else "rackcad"])
    return _app


def png_size(drawing: Drawing, dpi: float) -> tuple[int, int]:
    """Pixel size of `drawing` at `dpi`: its paper size in inches times the DPI, rounded."""
    return round(drawing.width_mm / 25.4 * dpi), round(drawing.height_mm / 25.4 * dpi)


def _renderer(drawing: Drawing):
    from PySide6.QtCore import QByteArray
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(drawing.svg.encode("utf-8")))
    if not renderer.isValid():
        raise ExportError("the drawing is not valid SVG (please report this)")
    return renderer


def check_png_size(drawing: Drawing, dpi: float) -> tuple[int, int]:
    """The PNG's (width, height) in pixels; ExportError before any pixel is allocated if it is too large."""
    if not dpi or not math.isfinite(dpi) or dpi <= 0:
        raise ExportError(f"--dpi must be a positive number, not {dpi}")
    width, height = png_size(drawing, dpi)
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        fit = min((MAX_PIXELS / max(width * height, 1)) ** 0.5, MAX_SIDE / max(width, height))
        raise ExportError(f"a {width:,} x {height:,} px PNG at {dpi:g} dpi is too large; use --dpi {int(dpi * fit)} "
                          f"or less, or export SVG or PDF")
    return width, height


def write_png(drawing: Drawing, path: str | Path, dpi: float = 150) -> tuple[int, int]:
    """Render `drawing` to a PNG at `dpi`; returns its (width, height) in pixels."""
    width, height = check_png_size(drawing, dpi)
    ensure_app()
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter

    image = QImage(max(width, 1), max(height, 1), QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    renderer = _renderer(drawing)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    renderer.render(painter, QRectF(0, 0, width, height))
    painter.end()
    if not image.save(str(path), "PNG"):
        raise ExportError(f"{path}: cannot write the PNG")
    return width, height


def _page_layout(drawing: Drawing):
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize

    landscape = drawing.width_mm > drawing.height_mm
    short, long = sorted((drawing.width_mm, drawing.height_mm))
    size = QPageSize(QSizeF(short, long), QPageSize.Unit.Millimeter, "", QPageSize.SizeMatchPolicy.ExactMatch)
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0))


def write_pdf(drawings: list[Drawing], path: str | Path, title: str = "") -> int:
    """Write `drawings` as the pages of a vector PDF; returns the page count."""
    if not drawings:
        raise ExportError("nothing to draw")
    ensure_app()
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter, QPdfWriter

    writer = QPdfWriter(str(path))
    writer.setCreator("RackCAD")
    writer.setTitle(title)
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageLayout(_page_layout(drawings[0]))
    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError(f"{path}: cannot write the PDF")
    for i, drawing in enumerate(drawings):
        if i:
            writer.setPageLayout(_page_layout(drawing))
            writer.newPage()
        rect = writer.pageLayout().paintRectPixels(PDF_RESOLUTION)
        _renderer(drawing).render(painter, QRectF(0, 0, rect.width(), rect.height()))
    painter.end()
    return len(drawings)
