"""Floor-plan geometry (hall millimetres, y down, origin at the hall's top-left corner), shared by canvas
and SVG.

- The hall is the rectangle `design.floor.width_mm` x `depth_mm` with grid lines every `grid_mm`.
- Each rack is its real footprint: the rack part's `width_mm` x `depth_mm` (600 x 1,200 mm when the part
  lacks them), placed by `Rack.position`: (`x_mm`, `y_mm`) is the front-left corner, the front edge runs
  along +x and the depth along +y, and `rotation_deg` turns the footprint clockwise on screen about that
  corner. Overlapping footprints and racks reaching outside the hall are listed, for the view to flag, by
  rackcad.figures.footprint: the same test and tolerance the geometry rules use.
- Cross-rack cable runs are the links between two racks aggregated per rack pair (lanes, Gb/s per
  direction, media, and the shortest and longest length from `figures.lengths`, the lengths the reach
  checks and exports use; it measures from each rack's front centre). A run is drawn from one
  footprint centre to the other along its own lane (the overhead tray's Manhattan route), the lanes of all
  runs spread over the racks' depth so each stays visible. In a hall with cable trays a run follows its
  links' route instead (rackcad.figures.routing: spur, trays, spur), the path its lengths measure.
- Rows (their bands and names), the aisles between them (hot, cold or mixed, with their widths; from
  rackcad.figures.hall), cable trays (their centre lines and widths) and columns / keep-out areas.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from rackcad.figures import Figures, footprint
from rackcad.figures import hall as hall_geometry
from rackcad.figures.footprint import DEFAULT_DEPTH_MM
from rackcad.figures.lengths import link_length_m, link_route
from rackcad.catalog import Catalog
from rackcad.model import Design
from rackcad.topology import DesignIndex

RUN_SPACING = 60.0
"""Largest offset between parallel cable runs (smaller when many runs must share a rack's depth)."""


@dataclass(frozen=True)
class RackFootprint:
    id: str
    name: str
    part: str
    label: str
    x: float
    y: float
    w: float
    d: float
    rotation_deg: float
    polygon: tuple[tuple[float, float], ...]
    """Corners: front-left, front-right, back-right, back-left."""

    @property
    def center(self) -> tuple[float, float]:
        xs, ys = zip(*self.polygon)
        return sum(xs) / 4, sum(ys) / 4

    @property
    def front(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return self.polygon[0], self.polygon[1]


@dataclass(frozen=True)
class CableRun:
    """Every link between racks `a` and `b` (design order), aggregated."""

    a: str
    b: str
    count: int
    gbps: float
    link_records: int
    media: dict[str, int]
    min_length_m: float | None
    max_length_m: float | None
    points: tuple[tuple[float, float], ...]
    links: tuple[str, ...] = ()
    """The link records of the run, in design order."""


@dataclass(frozen=True)
class _Named:
    id: str
    name: str
    """The item's name, else its id (rackcad.figures.hall.name_of)."""


@dataclass(frozen=True)
class RowOutline(_Named):
    polygon: tuple[tuple[float, float], ...]
    """Front-left, front-right, back-right, back-left corners of the row's band."""
    cold_aisle: str
    slots: int
    direction_deg: float


@dataclass(frozen=True)
class TrayPath(_Named):
    points: tuple[tuple[float, float], ...]
    width_mm: float
    level: str
    tiers: int = 1
    """Trays of this cross-section stacked along the path (`Tray.tiers`)."""


@dataclass(frozen=True)
class Area:
    """A keep-out area or a column (`kind`)."""

    name: str
    kind: str
    polygon: tuple[tuple[float, float], ...]


@dataclass
class FloorLayout:
    width_mm: float = 0.0
    depth_mm: float = 0.0
    grid_mm: float = 0.0
    racks: list[RackFootprint] = field(default_factory=list)
    runs: list[CableRun] = field(default_factory=list)
    overlaps: list[tuple[str, str]] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    by_id: dict[str, RackFootprint] = field(default_factory=dict)
    rows: list[RowOutline] = field(default_factory=list)
    aisles: list[hall_geometry.Aisle] = field(default_factory=list)
    trays: list[TrayPath] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)

    def rack_at(self, x: float, y: float) -> str | None:
        """The topmost (last drawn) rack whose footprint holds the point."""
        for rack in reversed(self.racks):
            if hall_geometry.inside(rack.polygon, x, y):
                return rack.id
        return None


EVERY_HALL = "\0every hall"
"""`floor_layout(hall=...)` default: every rack on the design's floor plan, whatever hall it names."""


def floor_layout(design: Design, catalog: Catalog | None = None, *, index: DesignIndex | None = None,
          runs: bool = True, hall: str | None = EVERY_HALL) -> FloorLayout:
    """Lay out the hall, the rack footprints and (with `runs`) the cross-rack cable runs. `hall`: only the
    racks of that site hall on its floor plan (None: the racks of the design's own floor plan)."""
    index = Figures.of(design, index, catalog)
    plan = design.floor if hall == EVERY_HALL else design.hall_floor(hall)
    out = FloorLayout(width_mm=plan.width_mm, depth_mm=plan.depth_mm, grid_mm=plan.grid_mm)
    for rack in design.racks:
        if hall != EVERY_HALL and rack.position.hall != hall:
            continue
        part = index.catalog.find(rack.part)
        w, d = footprint.rack_size_mm(part)
        pos = rack.position
        corners = footprint.rack_corners(rack, part)
        label = f"{rack.name}\n{part.model if part else rack.part}"
        out.racks.append(RackFootprint(rack.id, rack.name, rack.part, label, pos.x_mm, pos.y_mm, w, d,
                                       pos.rotation_deg, corners))
    out.by_id = {r.id: r for r in out.racks}
    out.outside = [r.id for r in out.racks if footprint.is_outside(r.polygon, plan)]
    out.overlaps = [(out.racks[i].id, out.racks[j].id) for i, j, _ in footprint.overlaps([r.polygon for r in out.racks])]
    out.rows = [RowOutline(r.id, hall_geometry.name_of(r), hall_geometry.row_corners(r), r.cold_aisle, r.slots,
                           r.direction_deg) for r in plan.rows]
    out.aisles = hall_geometry.aisles(plan)
    out.trays = [TrayPath(t.id, hall_geometry.name_of(t), _points(t.points), t.width_mm, t.level, t.tiers)
                 for t in plan.trays]
    out.areas = [Area(k.name, k.kind, _points(k.points)) for k in plan.keepouts]
    if runs:
        out.runs = _runs(index, out)
    return out


def _points(points) -> tuple[tuple[float, float], ...]:
    return tuple((x, y) for x, y in points)


def _runs(index: DesignIndex, out: FloorLayout) -> list[CableRun]:
    order = {r.id: i for i, r in enumerate(out.racks)}
    trays = bool(index.design.floor.trays)
    acc: dict[tuple[str, str], dict] = {}
    for link in index.design.links:
        ra, rb = index.rack_of.get(link.a.node), index.rack_of.get(link.b.node)
        if ra is None or rb is None or ra == rb or ra not in order or rb not in order:
            continue
        key = (ra, rb) if order[ra] < order[rb] else (rb, ra)
        entry = acc.setdefault(key, {"count": 0, "gbps": 0.0, "records": 0, "media": defaultdict(int), "lengths": [],
                                     "route": None, "links": []})
        entry["links"].append(link.id)
        if entry["route"] is None and trays:
            routed = link_route(index, link)
            if routed is not None:
                points = routed.path.points
                entry["route"] = points if ra == key[0] else tuple(reversed(points))
        entry["count"] += link.count
        entry["gbps"] += index.link_gbps(link)
        entry["records"] += 1
        entry["media"][link.medium or "unspecified"] += link.count
        length = link_length_m(index, link)
        if length is not None:
            entry["lengths"].append(length)
    items = sorted(acc.items(), key=lambda item: (order[item[0][0]], order[item[0][1]]))
    depth = min((r.d for r in out.racks), default=DEFAULT_DEPTH_MM)
    spacing = min(RUN_SPACING, 0.8 * depth / max(len(items), 1))
    runs = []
    for k, ((a, b), entry) in enumerate(items):
        ax, ay = out.by_id[a].center
        bx, by = out.by_id[b].center
        lane = ay + (k - (len(items) - 1) / 2) * spacing
        lengths = entry["lengths"]
        points = entry["route"] or ((ax, ay), (ax, lane), (bx, lane), (bx, by))
        runs.append(CableRun(a, b, entry["count"], entry["gbps"], entry["records"],
                             dict(sorted(entry["media"].items())), min(lengths) if lengths else None,
                             max(lengths) if lengths else None, points, tuple(entry["links"])))
    return runs
