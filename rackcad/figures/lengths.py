"""Cable lengths: from `length_m` when the user set it, else from the two ends' positions.

Model (all in metres):
- inside one rack: the vertical distance between the two ends' U positions (U = 44.45 mm) plus a
  horizontal run of half the rack width to reach the side cable channel on each end;
- between racks in a hall with cable trays (`FloorPlan.trays`): routed through the trays
  (rackcad.figures.routing): the drop from each end's U to the tray, the spur from each rack's front
  centre to its nearest tray, the shortest path along the trays between the two;
- between racks otherwise (or when no tray joins the two racks): each end climbs from its U to the top of
  its rack, runs across the overhead tray along the floor (Manhattan distance between the racks'
  front-centre points, rotation included), and drops into the other rack;
- between racks in different halls (`FloorPosition.hall`, halls of the site's buildings): each end runs to
  its hall's fibre exit (`Hall.exit_mm`, else the hall's origin corner) -- routed through the trays of that
  hall's floor plan where they join the rack to the exit (rackcad.figures.routing.exit_route), else up to
  the tray and along the floor (Manhattan) -- and on to the building's entrance (`Hall.entrance_m`);
  between two buildings the fibre follows the shortest chain of the site's routes
  (`FibreRoute.length_km`), else the straight line between the buildings. An end in a hall the site does
  not hold (or in the design's own floor plan while the other end is in a building) has no known length;
- parts in the same tray or package (medium pcb / in-package) are 0 m long;
- every computed length gets the floor plan's `cable_slack_m` (default 0.5 m) added once.
"""

from __future__ import annotations

import heapq
import math
from typing import NamedTuple

from rackcad.figures import routing
from rackcad.figures.footprint import front_centre_mm, rack_size_mm, rack_units
from rackcad.model import Design, Link, Rack, Site
from rackcad.topology import DesignIndex
from rackcad.units import U_MM

OVERHEAD_TRAY_M = 0.6
"""Height of the overhead cable tray above the rack top."""


def rack_anchor_m(index: DesignIndex, rack: Rack) -> tuple[float, float]:
    """The middle of the rack's front edge, where cables leave it, in metres on the floor (the footprint's
    front edge, rotation included; see rackcad.figures.footprint)."""
    x, y = front_centre_mm(rack, index.catalog.find(rack.part))
    return x / 1000, y / 1000


def rack_height_m(index: DesignIndex, rack: Rack) -> float:
    part = index.catalog.find(rack.part)
    if part and part.height_mm:
        return part.height_mm / 1000
    return rack_units(part) * U_MM / 1000


class RackGeometry(NamedTuple):
    """What lengths need of one rack, in metres: its front-centre anchor, its height and its width."""

    x: float
    y: float
    height: float
    width: float


def rack_geometry(index: DesignIndex, rack: Rack) -> RackGeometry:
    """The rack's geometry, kept in `index.geometry_cache` (Figures drops a rack's entry when it changes)."""
    cache = index.geometry_cache
    geometry = cache.get(rack.id)
    if geometry is None or geometry[0] is not rack:
        x, y = rack_anchor_m(index, rack)
        width = rack_size_mm(index.catalog.find(rack.part))[0] / 1000
        geometry = cache[rack.id] = (rack, RackGeometry(x, y, rack_height_m(index, rack), width))
    return geometry[1]


class SitePlan:
    """The site's halls by building and the fibre distance between every two buildings (km), from one
    `Site` value (kept per design revision in `site_plan`)."""

    def __init__(self, site: Site):
        self.site = site
        self.building_of: dict[str, str] = {}
        self.halls: dict[str, object] = {}
        self.position: dict[str, tuple[float, float]] = {}
        for building in site.buildings:
            self.position[building.id] = (building.x_km, building.y_km)
            for hall in building.halls:
                self.building_of[hall.id] = building.id
                self.halls[hall.id] = hall
        self.routes: dict[str, list[tuple[str, float]]] = {}
        for route in site.routes:
            self.routes.setdefault(route.a, []).append((route.b, route.length_km))
            self.routes.setdefault(route.b, []).append((route.a, route.length_km))
        self._km: dict[tuple[str, str], tuple[float, list[str]]] = {}

    def straight_km(self, a: str, b: str) -> float:
        (xa, ya), (xb, yb) = self.position[a], self.position[b]
        return math.hypot(xa - xb, ya - yb)

    def route(self, a: str, b: str) -> tuple[float, list[str]]:
        """(km, building ids along the way) from building `a` to `b`: the shortest chain of fibre routes,
        else the straight line between them (a two-building 'route' with no fibre drawn yet)."""
        key = (a, b) if a <= b else (b, a)
        found = self._km.get(key)
        if found is None:
            found = self._km[key] = self._shortest(*key)
        km, path = found
        return km, path if path[0] == a else path[::-1]

    def _shortest(self, a: str, b: str) -> tuple[float, list[str]]:
        if a == b:
            return 0.0, [a]
        best = {a: 0.0}
        previous: dict[str, str] = {}
        queue = [(0.0, a)]
        while queue:
            km, here = heapq.heappop(queue)
            if here == b:
                path = [b]
                while path[-1] != a:
                    path.append(previous[path[-1]])
                return km, path[::-1]
            if km > best.get(here, math.inf):
                continue
            for there, step in self.routes.get(here, ()):
                if km + step < best.get(there, math.inf):
                    best[there] = km + step
                    previous[there] = here
                    heapq.heappush(queue, (km + step, there))
        return self.straight_km(a, b), [a, b]


def site_plan(design: Design, cache: dict | None = None) -> SitePlan:
    """The SitePlan of `design.site`, kept in `cache` (an index's geometry cache) while the site is the same
    object (edits replace it whole)."""
    if cache is not None:
        kept = cache.get("\0site")
        if kept is not None and kept.site is design.site:
            return kept
    plan = SitePlan(design.site)
    if cache is not None:
        cache["\0site"] = plan
    return plan


def building_run_m(index: DesignIndex, rack: Rack, u: float) -> float:
    """From a part at U `u` in `rack` to its building's fibre entrance: to the hall's fibre exit (routed
    through the hall's trays where they join the rack to the exit, else up to the tray and along the floor,
    Manhattan), then the hall's `entrance_m`."""
    hall = site_plan(index.design, index.geometry_cache).halls.get(rack.position.hall or "")
    exit_x, exit_y = (hall.exit_mm if hall is not None and hall.exit_mm else (0.0, 0.0))
    entrance = hall.entrance_m if hall is not None else 0.0
    floor = index.design.hall_floor(rack.position.hall)
    if floor.trays:
        routed = routing.exit_route(index, rack.id, (u - 1) * U_MM / 1000, floor, (exit_x, exit_y))
        if routed is not None:
            return routed.total_m + entrance
    geo = rack_geometry(index, rack)
    climb = geo.height - (u - 1) * U_MM / 1000 + OVERHEAD_TRAY_M
    return climb + abs(geo.x - exit_x / 1000) + abs(geo.y - exit_y / 1000) + entrance


def between_buildings_m(index: DesignIndex, hall_a: str | None, hall_b: str | None) -> float | None:
    """Fibre between the entrances of the buildings holding two halls (0 in one building); None when a
    hall is in no building of the site."""
    plan = site_plan(index.design, index.geometry_cache)
    building_a, building_b = plan.building_of.get(hall_a or ""), plan.building_of.get(hall_b or "")
    if building_a is None or building_b is None:
        return None
    return plan.route(building_a, building_b)[0] * 1000


def _placed_ends(index: DesignIndex, link: Link) -> tuple[str, str, float, float] | None:
    """(rack a, rack b, U a, U b) of a link whose ends both sit in racks, else None."""
    a, b = link.a.node, link.b.node
    ra, rb = index.rack_of.get(a), index.rack_of.get(b)
    ua, ub = index.rack_u_of.get(a), index.rack_u_of.get(b)
    if ra is None or rb is None or ua is None or ub is None:
        return None
    return ra, rb, ua, ub


def _tray_floor(index: DesignIndex, rack: Rack) -> bool:
    """Whether links inside the rack's hall route through the trays of the design's floor plan (the one
    the tray network is built on): it has trays and the rack stands on it, not in a site hall of its own."""
    return bool(index.design.floor.trays) and index.design.hall_floor(rack.position.hall) is index.design.floor


def _route(index: DesignIndex, ra: str, rb: str, ua: float, ub: float) -> routing.Routed | None:
    return routing.route(index, ra, rb, (ua - 1) * U_MM / 1000, (ub - 1) * U_MM / 1000)


def computed_length_m(index: DesignIndex, link: Link) -> float | None:
    """Length from positions, with slack; None when an end is not placed in a rack."""
    if link.medium in ("pcb", "in-package"):
        return 0.0
    ends = _placed_ends(index, link)
    if ends is None:
        return None
    ra, rb, ua, ub = ends
    slack = index.design.floor.cable_slack_m
    rack_a, rack_b = index.racks[ra], index.racks[rb]
    geo_a = rack_geometry(index, rack_a)
    if ra == rb:
        return abs(ua - ub) * U_MM / 1000 + geo_a.width / 2 + slack
    if rack_a.position.hall != rack_b.position.hall:
        between = between_buildings_m(index, rack_a.position.hall, rack_b.position.hall)
        if between is None:
            return None
        return building_run_m(index, rack_a, ua) + between + building_run_m(index, rack_b, ub) + slack
    if _tray_floor(index, rack_a):
        routed = _route(index, ra, rb, ua, ub)
        if routed is not None:
            return routed.total_m
    geo_b = rack_geometry(index, rack_b)
    climb_a = geo_a.height - (ua - 1) * U_MM / 1000 + OVERHEAD_TRAY_M
    climb_b = geo_b.height - (ub - 1) * U_MM / 1000 + OVERHEAD_TRAY_M
    return climb_a + abs(geo_a.x - geo_b.x) + abs(geo_a.y - geo_b.y) + climb_b + slack


def link_route(index: DesignIndex, link: Link) -> routing.Routed | None:
    """The tray route a link's computed length follows (None: same rack, no trays, an end in no rack, or
    no tray joining the two racks). A link with its own `length_m` still shows the route it would take."""
    if link.medium in ("pcb", "in-package") or not index.design.floor.trays:
        return None
    ends = _placed_ends(index, link)
    if ends is None or ends[0] == ends[1]:
        return None
    rack_a, rack_b = index.racks[ends[0]], index.racks[ends[1]]
    if rack_a.position.hall != rack_b.position.hall or not _tray_floor(index, rack_a):
        return None
    return _route(index, *ends)


def link_length_m(index: DesignIndex, link: Link) -> float | None:
    """The length used by checks and exports: the user's `length_m`, else the computed one."""
    return link.length_m if link.length_m is not None else computed_length_m(index, link)
