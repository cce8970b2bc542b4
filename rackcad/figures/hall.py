"""Rows and aisles of a hall: the one home of row-slot geometry, the aisles between rows and the side each
rack faces. The Document snaps racks into slots with it, the geometry rules check aisles and rack facing
with it, and the floor view and SVG draw rows and aisles from it.

Frame of a row (hall millimetres, y down): `u` runs along the row (`direction_deg`, clockwise on screen
like a rack's rotation), `n` across it, from the row's front edge to its back. Slot i spans
[i * pitch, (i + 1) * pitch) along `u` and the row's depth along `n`. A rack turned like the row faces the
row's front (-n); turned 180 degrees more, its back. Racks face the cold aisle: with `cold_aisle` "front"
a rack in slot i stands at origin + i * pitch * u turned like the row, with "back" at
origin + (i * pitch + width) * u + depth * n turned 180 degrees more, its front on the row's back edge.

An aisle is the floor between two parallel rows (directions equal or opposite) whose extents along the row
overlap, with no row between them: its width is the gap between the two rows' near edges, and its kind
"cold" when both rows have their cold side on it, "hot" when both have their hot side on it, else "mixed"
(hot exhaust blowing into cold intakes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rackcad.catalog import PartSpec
from rackcad.figures.footprint import rack_size_mm
from rackcad.model import FloorPlan, FloorPosition, Rack, Row

DEFAULT_MIN_AISLE_MM = 1200.0
"""Narrowest aisle accepted by default: two 600 mm floor tiles, the aisle the row layouts leave (estimate:
common data-hall practice keeps at least 1.2 m in front of racks for service and airflow; no source in the
reference figures)."""

ANGLE_TOLERANCE_DEG = 0.5
"""Rows (and racks) turned within this of each other count as parallel (or facing the same way)."""

Frame = tuple[tuple[float, float], tuple[float, float]]


def frame(direction_deg: float) -> Frame:
    """(u, n): unit vectors along the row and across it, front to back."""
    theta = math.radians(direction_deg)
    c, s = math.cos(theta), math.sin(theta)
    return (c, s), (-s, c)


def _turn(a: float, b: float) -> float:
    """`a - b` in degrees folded into (-180, 180]."""
    d = (a - b) % 360.0
    return d - 360.0 if d > 180.0 else d


def _parallel(a: float, b: float) -> bool:
    turn = abs(_turn(a, b))
    return turn <= ANGLE_TOLERANCE_DEG or abs(turn - 180.0) <= ANGLE_TOLERANCE_DEG


def row_corners(row: Row) -> tuple[tuple[float, float], ...]:
    """Front-left, front-right, back-right, back-left corners of the row's band."""
    (ux, uy), (nx, ny) = frame(row.direction_deg)
    ox, oy = row.origin
    length = row.slots * row.pitch_mm
    return tuple((ox + a * ux + b * nx, oy + a * uy + b * ny)
                 for a, b in ((0, 0), (length, 0), (length, row.depth_mm), (0, row.depth_mm)))


def slot_position(row: Row, slot: int, part: PartSpec | None) -> FloorPosition:
    """Where a rack of `part` stands in `slot` of `row`, facing the row's cold aisle."""
    width, depth = rack_size_mm(part)
    (ux, uy), (nx, ny) = frame(row.direction_deg)
    ox, oy = row.origin
    start = slot * row.pitch_mm
    if row.cold_aisle == "front":
        x, y, turn = ox + start * ux, oy + start * uy, row.direction_deg
    else:
        along, across = start + width, row.depth_mm
        x, y, turn = ox + along * ux + across * nx, oy + along * uy + across * ny, row.direction_deg + 180.0
    turn = turn % 360.0
    return FloorPosition(x_mm=round(x, 6), y_mm=round(y, 6), rotation_deg=turn, row=row.id, slot=slot)


def nearest_slot(row: Row, x: float, y: float) -> int | None:
    """The slot of `row` whose band holds the point (x, y), or None when the point is outside the row."""
    (ux, uy), (nx, ny) = frame(row.direction_deg)
    dx, dy = x - row.origin[0], y - row.origin[1]
    along, across = dx * ux + dy * uy, dx * nx + dy * ny
    if not (0 <= along < row.slots * row.pitch_mm and 0 <= across <= row.depth_mm):
        return None
    return int(along // row.pitch_mm)


def faced_side(row: Row, rack: Rack) -> str | None:
    """"front" or "back": the side of `row` that `rack`'s front faces; None when the rack stands across it."""
    turn = _turn(rack.position.rotation_deg, row.direction_deg)
    if abs(turn) <= ANGLE_TOLERANCE_DEG:
        return "front"
    if abs(abs(turn) - 180.0) <= ANGLE_TOLERANCE_DEG:
        return "back"
    return None


def hot_side(row: Row) -> str:
    return "back" if row.cold_aisle == "front" else "front"


def name_of(item) -> str:
    """A row's or tray's name as checks, menus and drawings show it: its name, else its id."""
    return item.name or item.id


@dataclass(frozen=True)
class Aisle:
    """The floor between two rows: `rows` (ids, the first row's side `sides[0]` and the second's `sides[1]`
    face it), its width, its kind and its corners (hall mm)."""

    rows: tuple[str, str]
    sides: tuple[str, str]
    kind: str
    width_mm: float
    polygon: tuple[tuple[float, float], ...]

    @property
    def name(self) -> str:
        return f"{self.kind} aisle"


def aisles(floor: FloorPlan) -> list[Aisle]:
    """Every aisle between the rows of `floor`, in row order (see the module text)."""
    rows = floor.rows
    found: list[Aisle] = []
    for i, row in enumerate(rows):
        (ux, uy), (nx, ny) = frame(row.direction_deg)
        ox, oy = row.origin
        length = row.slots * row.pitch_mm
        # the nearest parallel row on each side, measured across this row
        near: dict[str, tuple[float, int, float, float]] = {}
        for j, other in enumerate(rows):
            if j == i or not _parallel(other.direction_deg, row.direction_deg):
                continue
            along, across = [], []
            for cx, cy in row_corners(other):
                dx, dy = cx - ox, cy - oy
                along.append(dx * ux + dy * uy)
                across.append(dx * nx + dy * ny)
            lo, hi = max(0.0, min(along)), min(length, max(along))
            if hi - lo <= 1e-6:
                continue
            if max(across) <= 1e-6:
                side, gap = "front", -max(across)
            elif min(across) >= row.depth_mm - 1e-6:
                side, gap = "back", min(across) - row.depth_mm
            else:
                continue  # overlapping rows: the floor overlap rule finds their racks
            if side not in near or gap < near[side][0]:
                near[side] = (gap, j, lo, hi)
        for side, (gap, j, lo, hi) in near.items():
            if j < i or gap <= 1e-6:
                continue
            other = rows[j]
            other_side = _side_towards(other, row)
            cold = (row.cold_aisle == side, other.cold_aisle == other_side)
            kind = "cold" if all(cold) else "hot" if not any(cold) else "mixed"
            a, b = (-gap, 0.0) if side == "front" else (row.depth_mm, row.depth_mm + gap)
            polygon = tuple((round(ox + p * ux + q * nx, 6), round(oy + p * uy + q * ny, 6))
                            for p, q in ((lo, a), (hi, a), (hi, b), (lo, b)))
            found.append(Aisle((row.id, other.id), (side, other_side), kind, gap, polygon))
    return found


def _side_towards(row: Row, other: Row) -> str:
    """The side of `row` that faces `other` (whose band lies wholly to one side of it)."""
    (nx, ny) = frame(row.direction_deg)[1]
    cx = sum(x for x, _ in row_corners(other)) / 4 - row.origin[0]
    cy = sum(y for _, y in row_corners(other)) / 4 - row.origin[1]
    return "front" if cx * nx + cy * ny < row.depth_mm / 2 else "back"


def inside(polygon, x: float, y: float) -> bool:
    """Point in a convex polygon given in order (either winding); on its edge counts as inside."""
    signs = set()
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1]):
        cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
        if abs(cross) > 1e-9:
            signs.add(cross > 0)
    return len(signs) <= 1


def front_point(rack: Rack, part: PartSpec | None, ahead_mm: float = 300.0) -> tuple[float, float]:
    """A point `ahead_mm` in front of the middle of the rack's front edge: where its intake air comes from."""
    width, _ = rack_size_mm(part)
    (ux, uy), (nx, ny) = frame(rack.position.rotation_deg)
    x = rack.position.x_mm + width / 2 * ux - ahead_mm * nx
    y = rack.position.y_mm + width / 2 * uy - ahead_mm * ny
    return x, y
