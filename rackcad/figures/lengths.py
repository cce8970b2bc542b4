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
- parts in the same tray or package (medium pcb / in-package) are 0 m long;
- every computed length gets the floor plan's `cable_slack_m` (default 0.5 m) added once.
"""

from __future__ import annotations

from typing import NamedTuple

from rackcad.figures import routing
from rackcad.figures.footprint import front_centre_mm, rack_size_mm, rack_units
from rackcad.model import Link, Rack
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


def _placed_ends(index: DesignIndex, link: Link) -> tuple[str, str, float, float] | None:
    """(rack a, rack b, U a, U b) of a link whose ends both sit in racks, else None."""
    a, b = link.a.node, link.b.node
    ra, rb = index.rack_of.get(a), index.rack_of.get(b)
    ua, ub = index.rack_u_of.get(a), index.rack_u_of.get(b)
    if ra is None or rb is None or ua is None or ub is None:
        return None
    return ra, rb, ua, ub


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
    geo_a = rack_geometry(index, index.racks[ra])
    if ra == rb:
        return abs(ua - ub) * U_MM / 1000 + geo_a.width / 2 + slack
    if index.design.floor.trays:
        routed = _route(index, ra, rb, ua, ub)
        if routed is not None:
            return routed.total_m
    geo_b = rack_geometry(index, index.racks[rb])
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
    return _route(index, *ends)


def link_length_m(index: DesignIndex, link: Link) -> float | None:
    """The length used by checks and exports: the user's `length_m`, else the computed one."""
    return link.length_m if link.length_m is not None else computed_length_m(index, link)
