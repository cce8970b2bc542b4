"""Floor plan edits, Qt-free, each one undo step: rotate racks in 90 degree steps, nudge them by floor
tiles, and arrange racks in rows with aisles between them. Rows alternate: the first faces the wall side
(-y), the second is turned 180 degrees, so the two stand back to back across a hot aisle, the second and
third face each other across a cold aisle, and so on, as in a contained hall."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rackcad.model import FloorPosition, Rack

if TYPE_CHECKING:
    from rackcad.document import Document


def _racks(doc: "Document", ids: list[str]) -> list[Rack]:
    from rackcad.document import EditError

    racks = [doc.get(i) for i in ids if isinstance(doc.find(i), Rack)]
    if not racks:
        raise EditError("select racks on the floor plan first")
    return racks


def _place(doc: "Document", rack: Rack, x: float, y: float, rotation: float) -> None:
    doc.set(rack.id, position=FloorPosition(x_mm=x, y_mm=y, rotation_deg=rotation % 360, hall=rack.position.hall))


def rotate(doc: "Document", ids: list[str], degrees: float = 90) -> None:
    """Turn each selected rack by `degrees` (a multiple of 90) about its own corner point."""
    from rackcad.document import EditError

    if degrees % 90:
        raise EditError("racks turn in steps of 90 degrees")
    racks = _racks(doc, ids)
    with doc.batch(f"Rotate {racks[0].name if len(racks) == 1 else f'{len(racks)} racks'} by {degrees:g}°"):
        for rack in racks:
            p = rack.position
            _place(doc, rack, p.x_mm, p.y_mm, p.rotation_deg + degrees)


def nudge(doc: "Document", ids: list[str], dx_tiles: int, dy_tiles: int) -> None:
    """Move each selected rack by whole floor tiles (the plan's grid, 600 mm by default)."""
    racks = _racks(doc, ids)
    grid = doc.design.floor.grid_mm
    with doc.batch(f"Nudge {racks[0].name if len(racks) == 1 else f'{len(racks)} racks'}"):
        for rack in racks:
            p = rack.position
            _place(doc, rack, p.x_mm + dx_tiles * grid, p.y_mm + dy_tiles * grid, p.rotation_deg)


def arrange_rows(doc: "Document", ids: list[str], per_row: int, aisle_tiles: int = 2) -> int:
    """Put the selected racks in rows of `per_row`, side by side from the first tile in from the walls;
    rows alternate front-to-front and back-to-back with an aisle of `aisle_tiles` tiles between them.
    Returns the number of rows."""
    from rackcad.document import EditError

    if per_row < 1 or aisle_tiles < 0:
        raise EditError("rows need at least one rack and an aisle of zero tiles or more")
    racks = _racks(doc, ids)
    grid = doc.design.floor.grid_mm
    origin = doc.ROW_OFFSET_MM
    rows = [racks[i:i + per_row] for i in range(0, len(racks), per_row)]
    y = origin
    with doc.batch(f"Arrange {len(racks)} racks in {len(rows)} rows"):
        for r, row in enumerate(rows):
            depth = max(_size(doc, rack)[1] for rack in row)
            x = origin
            for rack in row:
                width = _size(doc, rack)[0]
                if r % 2 == 0:  # the front edge on top (-y)
                    _place(doc, rack, x, y, 0)
                else:  # turned 180 degrees: the corner point is now bottom right and the front faces +y
                    _place(doc, rack, x + width, y + depth, 180)
                x += width
            y += depth + aisle_tiles * grid
    return len(rows)


def _size(doc: "Document", rack: Rack) -> tuple[float, float]:
    part = doc.catalog.find(rack.part)
    return (part.width_mm or 600.0) if part else 600.0, (part.depth_mm or 1200.0) if part else 1200.0
