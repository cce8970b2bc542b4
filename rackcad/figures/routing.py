"""Cable routing through the hall's cable trays: the one home of routed paths (rackcad.figures.lengths turns
them into link lengths; the tray-fill rule and the floor view read the same routes).

The tray network of one level (overhead, under-floor) is a networkx graph on shapely geometry: every tray
polyline is split at its own corners and wherever it meets another tray of the same level (crossings,
T-joints), and each straight piece is an edge as long as it is, named by its tray. Trays of different
levels never join.

A rack joins each level at the point of that level's trays nearest to its front centre (the point its
cables leave the rack; rackcad.figures.footprint): the horizontal "spur" from the front centre to that
point is part of the route. A cable between two racks runs

    drop at rack a + spur a + shortest path along the trays + spur b + drop at rack b + slack,

over the level that gives the shorter total. The drop is the vertical run from the port's U to the tray:
to an overhead tray at `elevation_mm` above the floor, or (unset) 600 mm above the rack's top, the model
without trays; to an under-floor tray `elevation_mm` (unset, 300 mm) below the floor. The floor plan's
`cable_slack_m` is added once. A level with no path between the two racks' trays is not used; with no
level usable the link keeps the model without trays (rackcad.figures.lengths).

Caches, kept in the design index (dropped with it): the network per floor plan object, each rack's
attachment per rack object, and the horizontal route per rack pair. Moving a rack makes a new rack object,
so only its pairs are routed again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from rackcad.model import FloorPlan, Tray

if TYPE_CHECKING:
    from rackcad.topology import DesignIndex

UNDERFLOOR_DEPTH_M = 0.3
"""Depth of an under-floor tray below the floor when the tray does not give one (estimate: a raised floor
of 450-600 mm with the tray in its upper half; no source in the reference figures)."""

_SNAP_MM = 1.0
"""Tray points closer than this are the same graph node (a T-joint drawn to the millimetre)."""

Point = tuple[float, float]


def _key(x: float, y: float) -> Point:
    return (round(x / _SNAP_MM) * _SNAP_MM, round(y / _SNAP_MM) * _SNAP_MM)


class Edge(NamedTuple):
    """One straight piece of a tray between two graph nodes."""

    p: Point
    q: Point
    tray: str
    length_mm: float


@dataclass
class Attachment:
    """Where a rack joins a level: the nearest point on the trays, on `edge`, and the spur to it."""

    point: Point
    edge: Edge
    spur_mm: float


@dataclass(frozen=True)
class Path:
    """A horizontal route between two racks on one level: spur + trays + spur (mm), its polyline from
    front centre to front centre, and the tray edges it runs along."""

    level: str
    spur_a_mm: float
    trays_mm: float
    spur_b_mm: float
    points: tuple[Point, ...]
    edges: tuple[Edge, ...]
    tray_a: str
    tray_b: str

    @property
    def horizontal_mm(self) -> float:
        return self.spur_a_mm + self.trays_mm + self.spur_b_mm


class Level:
    """The tray graph of one level."""

    def __init__(self, name: str, trays: list[Tray]):
        import networkx as nx
        import shapely
        from shapely.geometry import LineString

        self.name = name
        self.trays = {tray.id: tray for tray in trays}
        lines = [LineString(tray.points) for tray in trays]
        tree = shapely.STRtree(lines)
        self.graph = nx.Graph()
        self.edges: list[Edge] = []
        for i, (tray, line) in enumerate(zip(trays, lines)):
            cuts = {line.project(shapely.Point(p)) for p in tray.points}
            for j in tree.query(line):
                if j == i:
                    continue
                meet = line.intersection(lines[j])
                for part in getattr(meet, "geoms", [meet]):
                    if part.is_empty:
                        continue
                    for x, y in part.coords:
                        cuts.add(line.project(shapely.Point(x, y)))
            stops = sorted(cuts)
            for s0, s1 in zip(stops, stops[1:]):
                if s1 - s0 <= 1e-9:
                    continue
                a, b = line.interpolate(s0), line.interpolate(s1)
                p, q = _key(a.x, a.y), _key(b.x, b.y)
                if p == q:
                    continue
                edge = Edge(p, q, tray.id, math.dist(p, q))
                old = self.graph.get_edge_data(p, q)
                if old is None or old["edge"].length_mm > edge.length_mm:
                    self.graph.add_edge(p, q, weight=edge.length_mm, edge=edge)
        self.edges = [data["edge"] for _, _, data in self.graph.edges(data=True)]
        self._pieces = [LineString([e.p, e.q]) for e in self.edges]
        self._tree = shapely.STRtree(self._pieces) if self._pieces else None
        self._from: dict[Point, tuple[dict, dict]] = {}

    def attach(self, x: float, y: float) -> Attachment | None:
        """The nearest point of this level's trays to (x, y)."""
        if self._tree is None:
            return None
        import shapely

        here = shapely.Point(x, y)
        i = int(self._tree.nearest(here))
        piece, edge = self._pieces[i], self.edges[i]
        on = piece.interpolate(piece.project(here))
        return Attachment((on.x, on.y), edge, here.distance(on))

    def _paths_from(self, node: Point) -> tuple[dict, dict]:
        found = self._from.get(node)
        if found is None:
            import networkx as nx

            found = self._from[node] = nx.single_source_dijkstra(self.graph, node, weight="weight")
        return found

    def path(self, a: Attachment, b: Attachment, start: Point, end: Point) -> Path | None:
        """The shortest route from attachment `a` to `b` along the trays (None when they do not join)."""
        best: tuple[float, tuple[Point, ...], tuple[Edge, ...]] | None = None
        if {a.edge.p, a.edge.q} == {b.edge.p, b.edge.q}:
            best = (math.dist(a.point, b.point), (), (a.edge,))
        for pa in (a.edge.p, a.edge.q):
            lengths, routes = self._paths_from(pa)
            for pb in (b.edge.p, b.edge.q):
                if pb not in lengths:
                    continue
                total = math.dist(a.point, pa) + lengths[pb] + math.dist(pb, b.point)
                if best is None or total < best[0] - 1e-9:
                    nodes = tuple(routes[pb])
                    inner = tuple(self.graph.edges[u, v]["edge"] for u, v in zip(nodes, nodes[1:]))
                    used = tuple(dict.fromkeys((*((a.edge,) if math.dist(a.point, pa) > 1e-9 else ()), *inner,
                                                *((b.edge,) if math.dist(pb, b.point) > 1e-9 else ()))))
                    best = (total, nodes, used)
        if best is None:
            return None
        total, nodes, used = best
        points = _dedupe((start, a.point, *nodes, b.point, end))
        return Path(self.name, a.spur_mm, total, b.spur_mm, points, used, a.edge.tray, b.edge.tray)


def _dedupe(points: tuple[Point, ...]) -> tuple[Point, ...]:
    out = [points[0]]
    for p in points[1:]:
        if math.dist(p, out[-1]) > 1e-6:
            out.append(p)
    return tuple(out)


class Network:
    """The tray graphs of a floor plan, one per level that has trays."""

    def __init__(self, floor: FloorPlan):
        self.floor = floor
        by_level: dict[str, list[Tray]] = {}
        for tray in floor.trays:
            by_level.setdefault(tray.level, []).append(tray)
        self.levels = {name: Level(name, trays) for name, trays in by_level.items()}


def network(index: "DesignIndex") -> Network | None:
    """The tray network of the index's floor plan (None without trays), built once per floor plan."""
    floor = index.design.floor
    if not floor.trays:
        return None
    cache = index.route_cache
    held = cache.get("network")
    if held is None or held.floor is not floor:
        cache.clear()
        held = cache["network"] = Network(floor)
    return held


class Routed(NamedTuple):
    """A link's routed length, part by part, in metres; `path` is the horizontal route it takes."""

    drop_a: float
    drop_b: float
    slack: float
    path: Path

    @property
    def total_m(self) -> float:
        return self.drop_a + self.path.horizontal_mm / 1000 + self.drop_b + self.slack

    @property
    def straight_m(self) -> float:
        """The straight line between the two racks' front centres (for comparison)."""
        return math.dist(self.path.points[0], self.path.points[-1]) / 1000


def _attachment(index: "DesignIndex", level: Level, rack_id: str, anchor: Point) -> Attachment | None:
    cache = index.route_cache.setdefault(("attach", level.name), {})
    rack = index.racks[rack_id]
    held = cache.get(rack_id)
    if held is None or held[0] is not rack:
        held = cache[rack_id] = (rack, level.attach(*anchor))
    return held[1]


def pair_paths(index: "DesignIndex", rack_a: str, rack_b: str) -> dict[str, Path]:
    """Level name -> the horizontal route between two racks' front centres (cached per rack pair)."""
    from rackcad.figures.lengths import rack_geometry

    net = network(index)
    if net is None:
        return {}
    cache = index.route_cache.setdefault("pairs", {})
    ra, rb = index.racks[rack_a], index.racks[rack_b]
    held = cache.get((rack_a, rack_b))
    if held is not None and held[0] is ra and held[1] is rb:
        return held[2]
    ga, gb = rack_geometry(index, ra), rack_geometry(index, rb)
    start, end = (ga.x * 1000, ga.y * 1000), (gb.x * 1000, gb.y * 1000)
    paths: dict[str, Path] = {}
    for name, level in net.levels.items():
        a = _attachment(index, level, rack_a, start)
        b = _attachment(index, level, rack_b, end)
        if a is None or b is None:
            continue
        path = level.path(a, b, start, end)
        if path is not None:
            paths[name] = path
    cache[(rack_a, rack_b)] = (ra, rb, paths)
    return paths


def drop_m(tray: Tray, rack_height_m: float, port_height_m: float) -> float:
    """The vertical run from a port `port_height_m` above the floor to the tray (see the module text)."""
    if tray.level == "underfloor":
        depth = tray.elevation_mm / 1000 if tray.elevation_mm is not None else UNDERFLOOR_DEPTH_M
        return port_height_m + depth
    if tray.elevation_mm is not None:
        return abs(tray.elevation_mm / 1000 - port_height_m)
    from rackcad.figures.lengths import OVERHEAD_TRAY_M

    return rack_height_m - port_height_m + OVERHEAD_TRAY_M


def route(index: "DesignIndex", rack_a: str, rack_b: str, port_a_m: float, port_b_m: float) -> Routed | None:
    """The shortest routed cable between ports `port_a_m` / `port_b_m` above the floor in two racks, over
    the level that gives the shortest total; None when the hall has no trays joining the two."""
    from rackcad.figures.lengths import rack_geometry

    paths = pair_paths(index, rack_a, rack_b)
    if not paths:
        return None
    height_a = rack_geometry(index, index.racks[rack_a]).height
    height_b = rack_geometry(index, index.racks[rack_b]).height
    slack = index.design.floor.cable_slack_m
    net = network(index)
    best: Routed | None = None
    for name, path in paths.items():
        trays = net.levels[name].trays
        tray_a, tray_b = trays[path.tray_a], trays[path.tray_b]
        routed = Routed(drop_m(tray_a, height_a, port_a_m), drop_m(tray_b, height_b, port_b_m), slack, path)
        if best is None or routed.total_m < best.total_m - 1e-12:
            best = routed
    return best


@dataclass
class SegmentFill:
    """The cables routed along one tray edge: how many, their cross-section (mm²) against the tray's."""

    tray: Tray
    edge: Edge
    cables: float = 0
    """Cables along the edge: a breakout cable's share per link record that shares it (whole in sum)."""
    area_mm2: float = 0.0
    links: dict[str, None] | None = None
    parts: dict[str, None] | None = None
    """The cable parts whose diameters the area adds up."""
    unknown: dict[str, None] | None = None
    """Cable parts without a diameter in the catalog (their cables are counted, not their area)."""

    sizes: tuple[tuple[float, int], ...] = ()
    """The cables as (cross-section of one cable, how many), largest first: what `tier_loads` splits."""
    tier_areas_mm2: tuple[float, ...] = ()
    """The cross-section in each of the tray's stacked tiers (`tier_loads`); one tier: `area_mm2`."""

    @property
    def capacity_mm2(self) -> float:
        """One tier's cross-section."""
        return self.tray.width_mm * self.tray.height_mm

    @property
    def fullest_mm2(self) -> float:
        return max(self.tier_areas_mm2, default=self.area_mm2)

    @property
    def ratio(self) -> float:
        """The fill of the fullest tier (the tray's only one, mostly)."""
        return self.fullest_mm2 / self.capacity_mm2


def tier_loads(sizes, tiers: int) -> list[float]:
    """The cross-section in each of `tiers` stacked tiers when cables of `sizes` ((area of one cable, how
    many)) are laid in, each whole cable in one tier: size by size, largest first, the cables fill the
    tiers that hold least up to a common level (water filling: as many whole cables into each as keep it at
    or below the level), the few left over one each into the tiers that hold least; so the fullest tier
    holds at most one cable more than the emptiest can be evened out to."""
    if tiers <= 1:
        return [math.fsum(a * n for a, n in sizes)]
    loads = [0.0] * tiers
    for area, count in sorted(sizes, key=lambda s: -s[0]):
        count = int(count)
        if count <= 0 or area <= 0:
            continue

        def taken(level: float) -> list[int]:
            return [max(0, math.floor((level - load) / area + 1e-9)) for load in loads]

        low, high = min(loads), max(loads) + count * area
        for _ in range(100):
            mid = (low + high) / 2
            if sum(taken(mid)) <= count:
                low = mid
            else:
                high = mid
        give = taken(low)
        for i, k in enumerate(give):
            loads[i] += k * area
        for i in sorted(range(tiers), key=lambda i: (loads[i], i))[:count - sum(give)]:
            loads[i] += area
    return loads


class _Run(NamedTuple):
    """What one link record adds to each tray edge it routes along."""

    edges: tuple[Edge, ...]
    cable: str
    cables: float
    area_mm2: float | None
    """The cables' cross-section; None when the cable part has no diameter in the catalog."""


class TrayFills:
    """The tray fill of one Figures, kept per link record and patched as records change: `touch(link id)`
    (Figures calls it for every record it adds or drops) marks a record; `fills()` re-routes the marked
    records only and adds up again the edges they left or joined. Each edge lists its records in the
    figures' record order; areas are summed with math.fsum, so a patched fill has the area a full build
    gives, to the last bit, whatever order the edits left the records in."""

    def __init__(self, net: Network, link_ids):
        self.net = net
        self.trays = {tray_id: tray for level in net.levels.values() for tray_id, tray in level.trays.items()}
        self.runs: dict[str, _Run] = {}
        self.members: dict[Edge, dict[str, None]] = {}
        self.by_edge: dict[Edge, SegmentFill] = {}
        self.dirty: dict[str, None] = dict.fromkeys(link_ids)
        self._order: list[Edge] | None = None

    def touch(self, link_id: str) -> None:
        self.dirty.pop(link_id, None)
        self.dirty[link_id] = None  # in the order the records (re)enter the figures

    def fills(self, figures) -> list[SegmentFill]:
        if self.dirty:
            self._patch(figures)
        if self._order is None:
            order = {tray.id: i for i, tray in enumerate(figures.design.floor.trays)}
            self._order = sorted(self.by_edge, key=lambda e: (order[e.tray], e.p, e.q))
        return [self.by_edge[edge] for edge in self._order]

    def _patch(self, figures) -> None:
        touched: set[Edge] = set()
        for link_id in self.dirty:  # out first, then in: an edge keeps its records in the figures' order
            run = self.runs.pop(link_id, None)
            if run is not None:
                for edge in run.edges:
                    self.members[edge].pop(link_id, None)
                touched.update(run.edges)
        for link_id in self.dirty:
            fig = figures.link_figures.get(link_id)
            run = self._run(figures, fig) if fig is not None else None
            if run is not None:
                self.runs[link_id] = run
                for edge in run.edges:
                    self.members.setdefault(edge, {})[link_id] = None
                touched.update(run.edges)
        self.dirty.clear()
        for edge in touched:
            self._add_up(edge)

    def _run(self, figures, fig) -> _Run | None:
        from rackcad.figures.lengths import link_route

        choice = fig.choice
        cables = fig.cables  # the record's own, or its share of a breakout cable pooled per cage
        if not choice.cable or not cables:
            return None
        routed = link_route(figures, fig.link)
        if routed is None:
            return None
        part = figures.catalog.find(choice.cable)
        diameter = part.diameter_mm.value if part is not None and part.diameter_mm is not None else None
        area = None if diameter is None else cables * math.pi * diameter * diameter / 4
        return _Run(tuple(routed.path.edges), choice.cable, cables, area)

    def _add_up(self, edge: Edge) -> None:
        members = self.members.get(edge)
        if not members:
            self.members.pop(edge, None)
            if self.by_edge.pop(edge, None) is not None:
                self._order = None
            return
        if edge not in self.by_edge:
            self._order = None
        fill = self.by_edge[edge] = SegmentFill(self.trays[edge.tray], edge, links={}, parts={}, unknown={})
        areas = []
        for link_id in members:
            run = self.runs[link_id]
            fill.cables += run.cables
            fill.links[link_id] = None
            if run.area_mm2 is None:
                fill.unknown[run.cable] = None
            else:
                areas.append(run.area_mm2)
                fill.parts[run.cable] = None
        fill.area_mm2 = math.fsum(areas)  # the same to the last bit in whatever order the records came
        fill.sizes = _sizes(self.runs[link_id] for link_id in members)
        tiers = fill.tray.tiers
        fill.tier_areas_mm2 = (fill.area_mm2,) if tiers == 1 else tuple(tier_loads(fill.sizes, tiers))


def _sizes(runs) -> tuple[tuple[float, int], ...]:
    """The runs' cables (of known diameter) as (area of one cable, whole cables), largest first. A breakout
    cable's share (a record's part of a cable pooled per cage) adds up per cable size; a part left over on
    this edge is a whole cable here."""
    count: dict[float, float] = {}
    for run in runs:
        if run.area_mm2 is not None and run.cables:
            each = run.area_mm2 / run.cables
            key = float(f"{each:.9g}")
            count[key] = count.get(key, 0.0) + run.cables
    return tuple((a, math.ceil(n - 1e-9)) for a, n in sorted(count.items(), key=lambda kv: -kv[0]))


def tray_fill(figures) -> list[SegmentFill]:
    """Every tray edge that carries cables, with the cross-section of the cables routed along it: each
    link record's cables (`Choice.cables` of the part `Choice.cable`; a fibre per transceiver pair, a DAC
    per link...) of the catalog's `diameter_mm`, as circles. In tray and edge order. Kept with the figures
    and patched per edit (`TrayFills`): only the records an edit changed are routed again. The fills are
    shared: read them, do not change them."""
    net = network(figures)
    if net is None:
        return []
    state = getattr(figures, "tray_fills", None)
    if state is None or state.net is not net:
        state = TrayFills(net, figures.link_figures)
        if hasattr(figures, "tray_fills"):
            figures.tray_fills = state
    return state.fills(figures)


def floor_network(index: "DesignIndex", floor: FloorPlan) -> Network | None:
    """The tray network of `floor` (the design's own floor plan or a site hall's), None without trays."""
    if floor is index.design.floor:
        return network(index)
    if not floor.trays:
        return None
    halls = index.route_cache.setdefault("hall networks", {})
    held = halls.get(id(floor))
    if held is None or held.floor is not floor:
        held = halls[id(floor)] = Network(floor)
    return held


def exit_route(index: "DesignIndex", rack_id: str, port_m: float, floor: FloorPlan,
               exit_mm: Point) -> Routed | None:
    """The shortest routed run from a port `port_m` above the floor in a rack to the hall's fibre exit at
    `exit_mm` on `floor`: drop + spur + trays + spur to the exit (the exit sits at tray level, as in the
    model without trays, so no second drop; no slack: the whole link adds it once). None when `floor` has
    no trays joining the rack to the exit."""
    from rackcad.figures.lengths import rack_geometry

    net = floor_network(index, floor)
    if net is None:
        return None
    geo = rack_geometry(index, index.racks[rack_id])
    start = (geo.x * 1000, geo.y * 1000)
    end = (float(exit_mm[0]), float(exit_mm[1]))
    best: Routed | None = None
    for level in net.levels.values():
        a, b = level.attach(*start), level.attach(*end)
        if a is None or b is None:
            continue
        path = level.path(a, b, start, end)
        if path is None:
            continue
        routed = Routed(drop_m(level.trays[path.tray_a], geo.height, port_m), 0.0, 0.0, path)
        if best is None or routed.total_m < best.total_m - 1e-12:
            best = routed
    return best
