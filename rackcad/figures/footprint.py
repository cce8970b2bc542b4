"""Rack footprints on the floor and placement fit in a rack: the one home of both, with one tolerance.

Floor: a rack stands on its part's `width_mm` x `depth_mm` (600 x 1,200 mm when the part lacks them).
(`x_mm`, `y_mm`) is the front-left corner in hall millimetres (y down), the front edge runs along +x,
the depth along +y, and `rotation_deg` turns the footprint clockwise on screen about that corner.
Racks in a row touch along an edge (zero area); footprints overlap, or a rack stands outside the hall,
when the shared or outside area is more than `TOLERANCE_MM2`. The geometry rules, the floor layout, the
floor view's drag preview and the cable lengths all use these functions.

Rack units: a part `height` U tall at `u` occupies [u, u + height); two parts clash when those ranges
share more than `U_TOLERANCE`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rackcad.catalog import PartSpec
from rackcad.model import FloorPlan, Rack

if TYPE_CHECKING:  # shapely loads on first use, keeping it out of CLI start-up
    from shapely.geometry import Polygon

DEFAULT_WIDTH_MM = 600.0
DEFAULT_DEPTH_MM = 1200.0
DEFAULT_RACK_UNITS = 48

TOLERANCE_MM2 = 1.0
"""Shared or outside floor area (mm²) below which racks only touch: float noise from rotations stays out."""

U_TOLERANCE = 1e-9
"""Rack-unit ranges sharing less than this do not clash (a 1U part at U10 and one at U11 touch)."""

Corners = tuple[tuple[float, float], ...]


def rack_size_mm(part: PartSpec | None) -> tuple[float, float]:
    """(width, depth) of a rack part's footprint in millimetres, defaults where the part lacks them."""
    width = part.width_mm if part is not None and part.width_mm else DEFAULT_WIDTH_MM
    depth = part.depth_mm if part is not None and part.depth_mm else DEFAULT_DEPTH_MM
    return width, depth


def rack_units(part: PartSpec | None) -> int:
    """Height of a rack part in U (48 when unknown)."""
    return part.rack_units if part is not None and part.rack_units else DEFAULT_RACK_UNITS


def corners(x: float, y: float, width: float, depth: float, rotation_deg: float) -> Corners:
    """Front-left, front-right, back-right, back-left corners of a footprint placed and turned."""
    theta = math.radians(rotation_deg)
    c, s = math.cos(theta), math.sin(theta)
    return tuple((round(x + dx * c - dy * s, 6), round(y + dx * s + dy * c, 6))
                 for dx, dy in ((0, 0), (width, 0), (width, depth), (0, depth)))


def rack_corners(rack: Rack, part: PartSpec | None, x_mm: float | None = None, y_mm: float | None = None,
                 rotation_deg: float | None = None) -> Corners:
    """The corners of `rack`'s footprint, at its position or at the one given (a drag preview)."""
    pos = rack.position
    width, depth = rack_size_mm(part)
    return corners(pos.x_mm if x_mm is None else x_mm, pos.y_mm if y_mm is None else y_mm, width, depth,
                   pos.rotation_deg if rotation_deg is None else rotation_deg)


def front_centre_mm(rack: Rack, part: PartSpec | None) -> tuple[float, float]:
    """The middle of the rack's front edge, where its cables leave it."""
    (x0, y0), (x1, y1) = rack_corners(rack, part)[:2]
    return (x0 + x1) / 2, (y0 + y1) / 2


def _boxes(outlines: Sequence[Corners]) -> list[tuple[float, float, float, float]] | None:
    """(x0, y0, x1, y1) of each footprint when every one is a rectangle along the axes (racks turned by
    multiples of 90 degrees, as rows stand them), else None."""
    out = []
    for c in outlines:
        (ax, ay), (bx, by), (cx, cy), (dx, dy) = c
        if not ((ax == bx and cx == dx and ay == dy and by == cy) or (ay == by and cy == dy and ax == dx and bx == cx)):
            return None
        out.append((min(ax, cx), min(ay, cy), max(ax, cx), max(ay, cy)))
    return out


def _box_overlaps(boxes: list[tuple[float, float, float, float]]) -> list[tuple[int, int, float]]:
    """`overlaps` of rectangles along the axes: a sweep along x, the shared area worked out exactly."""
    order = sorted(range(len(boxes)), key=lambda i: boxes[i][0])
    out, active = [], []
    for i in order:
        x0, y0, x1, y1 = boxes[i]
        active = [j for j in active if boxes[j][2] > x0]
        for j in active:
            a0, b0, a1, b1 = boxes[j]
            area = (min(x1, a1) - max(x0, a0)) * (min(y1, b1) - max(y0, b0))
            if min(y1, b1) > max(y0, b0) and area > TOLERANCE_MM2:
                out.append((min(i, j), max(i, j), area))
        active.append(i)
    out.sort()
    return out


def overlaps(outlines: Sequence[Corners]) -> list[tuple[int, int, float]]:
    """(i, j, shared mm²) for every pair i < j of footprints sharing more than TOLERANCE_MM2."""
    if len(outlines) < 2:
        return []
    boxes = _boxes(outlines)
    if boxes is not None:  # racks along the axes: no shapes needed
        return _box_overlaps(boxes)
    import shapely
    from shapely.geometry import Polygon

    shapes = [Polygon(c) for c in outlines]
    pairs = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    out = []
    for i, j in zip(*pairs):
        if i < j:
            area = shapes[i].intersection(shapes[j]).area
            if area > TOLERANCE_MM2:
                out.append((int(i), int(j), area))
    out.sort()
    return out


def _area(points) -> Polygon:
    """A polygon from stored points, repaired if the drawing it came from crossed itself."""
    import shapely
    from shapely.geometry import Polygon

    polygon = Polygon(points)
    return polygon if polygon.is_valid else shapely.make_valid(polygon)


def hall_area(floor: FloorPlan) -> Polygon:
    """The hall: its outline polygon when the design has one (from a building DXF), else width x depth."""
    from shapely.geometry import box

    return _area(floor.outline) if floor.outline else box(0, 0, floor.width_mm, floor.depth_mm)


def outside_area_mm2(outline: Corners, floor: FloorPlan) -> float:
    """Area of a footprint outside the hall; more than TOLERANCE_MM2 means the rack stands off the floor."""
    from shapely.geometry import Polygon

    return Polygon(outline).difference(hall_area(floor)).area


def keepout_overlaps(outline: Corners, floor: FloorPlan) -> list[tuple[str, float]]:
    """(keep-out name, shared mm²) for each keep-out area (column, ramp) the footprint stands on."""
    from shapely.geometry import Polygon

    shape = Polygon(outline)
    out = []
    for i, keepout in enumerate(floor.keepouts):
        area = shape.intersection(_area(keepout.points)).area
        if area > TOLERANCE_MM2:
            out.append((keepout.name or f"keep-out {i + 1}", area))
    return out


def is_outside(outline: Corners, floor: FloorPlan) -> bool:
    if not floor.outline and all(0 <= x <= floor.width_mm and 0 <= y <= floor.depth_mm for x, y in outline):
        return False  # every corner on a rectangular floor: the footprint is inside it (no shapes needed)
    return outside_area_mm2(outline, floor) > TOLERANCE_MM2


def u_clash(u: float, height: float, other_u: float, other_height: float) -> float:
    """U shared by a part at `u` (`height` U) and one at `other_u`; 0 when they do not clash."""
    shared = min(u + height, other_u + other_height) - max(u, other_u)
    return shared if shared > U_TOLERANCE else 0.0


def u_outside(u: float, height: float, units: int | None) -> bool:
    """Whether a part at `u`, `height` U tall, leaves a rack of `units` U (None: only U1 is checked)."""
    return u < 1 or (units is not None and u + height - 1 > units + U_TOLERANCE)


def u_span(u: float, height: float) -> str:
    """'U10' or 'U10-U11', as messages name a range."""
    return f"U{u:g}" if height <= 1 else f"U{u:g}-U{u + height - 1:g}"
