"""Exports: bill of materials, cable schedule and diagrams, each a pure function of the design.

    export_bom(design, "bom.csv" | "bom.xlsx" | "bom.json", progress=None)
    export_cables(design, "cables.csv", progress=None)
    export_diagram(design, "rack.svg" | "rack.png" | "rack.pdf", view="elevation" | "topology" | "floor", dpi=150,
                   progress=None)

The format follows the file suffix. The CLI (`rackcad bom|cables|diagram`) and the editor's File > Export call
these same functions. Only PNG and PDF load Qt (`raster.py`, imported on demand); openpyxl is loaded only for
XLSX. Errors the user can fix (unknown suffix or view, an image too large) raise ExportError; failing to
write the file raises OSError.

Every export is written to a temporary file beside the target and renamed over it when complete
(files/atomic.py): a full disk or a crash never leaves a partial export, and an old one stays as it was.
CSV, JSON and SVG are written row by row / element by element into that file, never built as one string.
`progress(done, total, label)` (rackcad.progress) hears of each step; when it raises Cancelled the
temporary file is removed and Cancelled goes on to the caller.
"""

from __future__ import annotations

from pathlib import Path

from rackcad.export.errors import ExportError
from rackcad.files.atomic import atomic_path, resolved_target
from rackcad.model import Design
from rackcad.progress import Progress

MAX_DIAGRAM_ITEMS = 200_000
"""Parts plus links an elevation or topology draws (GB200 NVL576 has about 15,000), racks a floor plan draws;
past it a diagram is unreadable and its SVG runs to gigabytes, so it is refused before any drawing work."""
MAX_XLSX_LINKS = 200_000
"""Link records an XLSX holds (its Cables sheet is built in memory); CSV streams any number."""

BOM_SUFFIXES = (".csv", ".xlsx", ".json")
CABLE_SUFFIXES = (".csv",)
DIAGRAM_SUFFIXES = (".svg", ".png", ".pdf")


def _suffix(path: str | Path, allowed: tuple[str, ...], what: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        choices = allowed[0] if len(allowed) == 1 else f"{', '.join(allowed[:-1])} or {allowed[-1]}"
        raise ExportError(f"{path}: a {what} is written as {choices}, not {suffix or 'no suffix'!r}")
    return suffix


def export_bom(design: Design, path: str | Path, progress: Progress | None = None) -> None:
    """Write the bill of materials: CSV (BOM rows), XLSX (BOM, Cables, Summary, Violations) or JSON."""
    suffix = _suffix(path, BOM_SUFFIXES, "bill of materials")
    if suffix == ".xlsx":
        if len(design.links) > MAX_XLSX_LINKS:
            raise ExportError(f"{path}: {len(design.links):,} links are more than an XLSX export holds "
                              f"({MAX_XLSX_LINKS:,}); export the BOM as CSV and the cables with `rackcad cables`")
        from rackcad.export.xlsx import write_xlsx

        def write(design, tmp, progress):
            write_xlsx(design, tmp, progress=progress)
    else:
        from rackcad.export.bom import write_bom_csv, write_bom_json

        write = write_bom_csv if suffix == ".csv" else write_bom_json
    with atomic_path(path) as tmp:
        write(design, tmp, progress=progress)


def export_cables(design: Design, path: str | Path, progress: Progress | None = None) -> None:
    """Write the cable schedule (one row per link record) as CSV."""
    _suffix(path, CABLE_SUFFIXES, "cable schedule")
    from rackcad.export.cables import write_cables_csv

    with atomic_path(path) as tmp:
        write_cables_csv(design, tmp, progress=progress)


def diagram_items(design: Design, view: str) -> int:
    """What a diagram of `view` draws, counted against MAX_DIAGRAM_ITEMS without expanding any instance: a
    floor plan racks (its runs join racks), the elevation and topology parts and links. A hall of instances
    draws each repeated block's parts and links once and places it per instance: those count once, plus one
    per instance placed, plus what differs (rackcad.figures.pieces)."""
    blocks = {block.id: block for block in design.blocks}
    placed = [blocks[i.block] for i in design.instances if i.block in blocks]
    if view == "floor":
        return len(design.racks) + sum(len(b.racks) for b in placed)
    if design.instances:
        from rackcad.figures.pieces import split

        pieces = split(design)
        if pieces is not None and len(pieces) > 1:
            return sum(len(p.design.nodes) + len(p.design.links) + len(p.members) for p in pieces)
    return (len(design.nodes) + len(design.links) + sum(len(b.nodes) + len(b.links) for b in placed)
            + sum(len(p.ends) for p in design.patterns))


def export_diagram(design: Design, path: str | Path, view: str = "elevation", dpi: float = 150,
                   progress: Progress | None = None) -> None:
    """Write a diagram of `view` as SVG, PNG (at `dpi`, size from the drawing's scale) or a paginated PDF."""
    from rackcad.export.svg import VIEWS, drawing, pages

    suffix = _suffix(path, DIAGRAM_SUFFIXES, "diagram")
    if view not in VIEWS:
        raise ExportError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
    items = diagram_items(design, view)
    if items > MAX_DIAGRAM_ITEMS:
        what = "racks" if view == "floor" else "parts and links"
        raise ExportError(f"{path}: {items:,} {what} are more than a diagram draws ({MAX_DIAGRAM_ITEMS:,})")
    resolved_target(path)  # a folder in the way is refused before any drawing work
    if progress:
        progress(0, 0, f"diagram: drawing the {view}")
    if suffix == ".svg":
        image = drawing(design, view)
        with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
            image.write(handle, progress)
        return
    from rackcad.export import raster

    if suffix == ".png":
        image = drawing(design, view)
        raster.check_png_size(image, dpi)
        with atomic_path(path) as tmp:
            raster.write_png(image, tmp, dpi)
    else:
        with atomic_path(path) as tmp:
            raster.write_pdf(pages(design, view), tmp, title=f"{design.name}: {view}")


__all__ = ["ExportError", "export_bom", "export_cables", "export_diagram"]
