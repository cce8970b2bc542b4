"""Exports: bill of materials, cable schedule and diagrams, each a pure function of the design.

    export_bom(design, "bom.csv" | "bom.xlsx" | "bom.json")
    export_cables(design, "cables.csv")
    export_diagram(design, "rack.svg" | "rack.png" | "rack.pdf", view="elevation" | "topology" | "floor", dpi=150)

The format follows the file suffix. The CLI (`rackcad bom|cables|diagram`) and the editor's File > Export call
these same functions. Only PNG and PDF load Qt (`raster.py`, imported on demand); openpyxl is loaded only for
XLSX. Errors the user can fix (unknown suffix or view, an image too large) raise ExportError; failing to
write the file raises OSError.
"""

from __future__ import annotations

from pathlib import Path

from rackcad.export.errors import ExportError
from rackcad.model import Design

BOM_SUFFIXES = (".csv", ".xlsx", ".json")
CABLE_SUFFIXES = (".csv",)
DIAGRAM_SUFFIXES = (".svg", ".png", ".pdf")


def _suffix(path: str | Path, allowed: tuple[str, ...], what: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        choices = allowed[0] if len(allowed) == 1 else f"{', '.join(allowed[:-1])} or {allowed[-1]}"
        raise ExportError(f"{path}: a {what} is written as {choices}, not {suffix or 'no suffix'!r}")
    return suffix


def export_bom(design: Design, path: str | Path) -> None:
    """Write the bill of materials: CSV (BOM rows), XLSX (BOM, Cables, Summary, Violations) or JSON."""
    suffix = _suffix(path, BOM_SUFFIXES, "bill of materials")
    if suffix == ".xlsx":
        from rackcad.export.xlsx import write_xlsx

        write_xlsx(design, path)
        return
    from rackcad.export.bom import write_bom_csv, write_bom_json

    (write_bom_csv if suffix == ".csv" else write_bom_json)(design, path)


def export_cables(design: Design, path: str | Path) -> None:
    """Write the cable schedule (one row per link record) as CSV."""
    _suffix(path, CABLE_SUFFIXES, "cable schedule")
    from rackcad.export.cables import write_cables_csv

    write_cables_csv(design, path)


def export_diagram(design: Design, path: str | Path, view: str = "elevation", dpi: float = 150) -> None:
    """Write a diagram of `view` as SVG, PNG (at `dpi`, size from the drawing's scale) or a paginated PDF."""
    from rackcad.export.svg import VIEWS, drawing, pages

    suffix = _suffix(path, DIAGRAM_SUFFIXES, "diagram")
    if view not in VIEWS:
        raise ExportError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
    if suffix == ".svg":
        Path(path).write_text(drawing(design, view).svg, encoding="utf-8")
        return
    from rackcad.export import raster

    if suffix == ".png":
        raster.write_png(drawing(design, view), path, dpi)
    else:
        raster.write_pdf(pages(design, view), path, title=f"{design.name}: {view}")


__all__ = ["ExportError", "export_bom", "export_cables", "export_diagram"]
