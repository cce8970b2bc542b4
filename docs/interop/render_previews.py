"""Render the README's pictures of the draw.io and DXF exports (run from the checkout with the venv):

    .venv/bin/pip install matplotlib   # for ezdxf's drawing add-on; not a RackCAD dependency
    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/interop/render_previews.py

- the DXF: exported by `rackcad.interop.dxf_floor`, read back and drawn by ezdxf's own matplotlib
  drawing add-on (a CAD viewer's rendering of the file, layers in their colours);
- the draw.io file: draw.io itself is not available here, so this is RackCAD's own preview of the .drawio
  XML: it parses the file back and paints every shape's geometry, fill colour and label, and every edge
  as a straight line, with Qt. draw.io's rendering differs in fonts and edge routing.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).parent


def render_dxf() -> Path:
    import ezdxf
    import matplotlib

    matplotlib.use("Agg")
    from ezdxf.addons.drawing import matplotlib as ezdxf_matplotlib

    from rackcad.files import load
    from rackcad.interop.dxf_floor import write_dxf
    from rackcad.model import KeepOut

    design = load(ROOT / "examples" / "gb200-nvl576.rackcad")
    design.floor.keepouts = [KeepOut(name=f"column {i + 1}", points=[[x, 4_800], [x + 500, 4_800], [x + 500, 5_300],
                                                                    [x, 5_300]]) for i, x in enumerate((3_000, 9_000))]
    dxf = OUT / "gb200-nvl576-floor.dxf"
    write_dxf(design, dxf)
    png = OUT / "gb200-nvl576-floor-dxf.png"
    ezdxf_matplotlib.qsave(ezdxf.readfile(dxf).modelspace(), str(png), bg="#FFFFFF", dpi=200)
    dxf.unlink()
    return png


def render_drawio() -> Path:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
    from PySide6.QtWidgets import QApplication

    from rackcad.files import load
    from rackcad.interop.drawio import drawio_elevation

    app = QApplication.instance() or QApplication([])
    xml = drawio_elevation(load(ROOT / "examples" / "gb200-nvl72.rackcad"))
    root = ET.fromstring(xml)
    cells, parents = {}, {}
    for obj in root.iter("object"):
        cell = obj.find("mxCell")
        geo = cell.find("mxGeometry")
        style = dict(item.split("=", 1) for item in cell.get("style", "").split(";") if "=" in item)
        parents[obj.get("id")] = cell.get("parent")
        cells[obj.get("id")] = (obj, cell, style, geo)

    def absolute(cid):
        if cid not in cells:
            return 0.0, 0.0
        _, _, _, geo = cells[cid]
        px, py = absolute(parents[cid])
        return px + float(geo.get("x", 0)), py + float(geo.get("y", 0))

    scale = 3.0
    page_w = float(root.find(".//mxGraphModel").get("pageWidth"))
    page_h = float(root.find(".//mxGraphModel").get("pageHeight"))
    image = QImage(int(page_w * scale), int(page_h * scale + 60), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(scale, scale)
    centres = {}
    for cid, (obj, cell, style, geo) in cells.items():
        if cell.get("vertex") != "1":
            continue
        x, y = absolute(cid)
        w, h = float(geo.get("width")), float(geo.get("height"))
        rect = QRectF(x, y, w, h)
        centres[cid] = rect.center()
        if "text" not in cell.get("style", ""):
            fill = style.get("fillColor", "none")
            painter.setBrush(QColor(fill) if fill != "none" else Qt.BrushStyle.NoBrush)
            pen = QPen(QColor(style.get("strokeColor", "#222222")), 0.4)
            if style.get("dashed") == "1":
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRect(rect)
        font = QFont("DejaVu Sans")
        font.setPointSizeF(float(style.get("fontSize", 8)) * 0.55)
        painter.setFont(font)
        painter.setPen(QColor(style.get("fontColor", "#000000")))
        label = obj.get("label", "").replace("<br>", "\n")
        align = Qt.AlignmentFlag.AlignCenter if style.get("align") != "left" else (
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        painter.drawText(rect.adjusted(2, 0, 0, 0) if style.get("align") == "left" else rect, align, label)
    edges = [c for c in cells.values() if c[1].get("edge") == "1"]
    for obj, cell, style, _ in edges[::12]:  # every 12th of the 1,296 NVLink edges, so the racks stay visible
        pen = QPen(QColor(style.get("strokeColor", "#555555")), 0.25)
        painter.setPen(pen)
        painter.setOpacity(0.5)
        painter.drawLine(centres[cell.get("source")], centres[cell.get("target")])
    painter.setOpacity(1.0)
    painter.setPen(QColor("#444444"))
    font = QFont("DejaVu Sans")
    font.setPointSizeF(4.5)
    painter.setFont(font)
    painter.drawText(QRectF(4, page_h + 2, page_w - 8, 18), Qt.AlignmentFlag.AlignLeft,
                     f"RackCAD's own preview of gb200-nvl72.drawio (not draw.io's renderer): {len(cells) - len(edges)} "
                     f"shapes, {len(edges):,} link edges (every 12th drawn)")
    painter.end()
    png = OUT / "gb200-nvl72-drawio-preview.png"
    image.save(str(png))
    del app
    return png


if __name__ == "__main__":
    for path in (render_dxf(), render_drawio()):
        print(f"wrote {path.relative_to(ROOT)}")
