"""Cable lengths: from `length_m` when the user set it, else from the two ends' positions.

Model (all in metres):
- inside one rack: the vertical distance between the two ends' U positions (U = 44.45 mm) plus a
  horizontal run of half the rack width to reach the side cable channel on each end;
- between racks: each end climbs from its U to the top of its rack, runs across the overhead tray along
  the floor (Manhattan distance between the racks' front-centre points, rotation included), and drops
  into the other rack;
- parts in the same tray or package (medium pcb / in-package) are 0 m long;
- every computed length gets the floor plan's `cable_slack_m` (default 0.5 m) added once.
"""

from __future__ import annotations

import math

from rackcad.model import Link, Rack
from rackcad.topology import DesignIndex
from rackcad.units import U_MM

OVERHEAD_TRAY_M = 0.6
"""Height of the overhead cable tray above the rack top."""


def rack_anchor_m(index: DesignIndex, rack: Rack) -> tuple[float, float]:
    """The middle of the rack's front edge, where cables leave it, in metres on the floor.

    Same convention as the floor plan: (x_mm, y_mm) is the front-left corner, the front edge runs along +x,
    and `rotation_deg` turns the rack clockwise (y down) about that corner.
    """
    part = index.catalog.find(rack.part)
    half = (part.width_mm if part and part.width_mm else 600.0) / 2000
    theta = math.radians(rack.position.rotation_deg)
    return rack.position.x_mm / 1000 + half * math.cos(theta), rack.position.y_mm / 1000 + half * math.sin(theta)


def rack_height_m(index: DesignIndex, rack: Rack) -> float:
    part = index.catalog.find(rack.part)
    if part and part.height_mm:
        return part.height_mm / 1000
    units = part.rack_units if part and part.rack_units else 48
    return units * U_MM / 1000


def computed_length_m(index: DesignIndex, link: Link) -> float | None:
    """Length from positions, with slack; None when an end is not placed in a rack."""
    if link.medium in ("pcb", "in-package"):
        return 0.0
    a, b = link.a.node, link.b.node
    ra, rb = index.rack_of.get(a), index.rack_of.get(b)
    ua, ub = index.rack_u_of.get(a), index.rack_u_of.get(b)
    if ra is None or rb is None or ua is None or ub is None:
        return None
    slack = index.design.floor.cable_slack_m
    rack_a, rack_b = index.racks[ra], index.racks[rb]
    if ra == rb:
        part = index.catalog.find(rack_a.part)
        width = (part.width_mm if part and part.width_mm else 600.0) / 1000
        return abs(ua - ub) * U_MM / 1000 + width / 2 + slack
    (xa, ya), (xb, yb) = rack_anchor_m(index, rack_a), rack_anchor_m(index, rack_b)
    climb_a = rack_height_m(index, rack_a) - (ua - 1) * U_MM / 1000 + OVERHEAD_TRAY_M
    climb_b = rack_height_m(index, rack_b) - (ub - 1) * U_MM / 1000 + OVERHEAD_TRAY_M
    return climb_a + abs(xa - xb) + abs(ya - yb) + climb_b + slack


def link_length_m(index: DesignIndex, link: Link) -> float | None:
    """The length used by checks and exports: the user's `length_m`, else the computed one."""
    return link.length_m if link.length_m is not None else computed_length_m(index, link)
