"""Rack elevation geometry (drawing millimetres, y down, origin top-left), shared by canvas and SVG.

Each rack is a column: a title block, a U-number gutter on the left, the rack body (U1 at the bottom,
each U is 44.45 mm tall, the body `BODY_W` wide) and a side zone on the right for 0U parts (busbars,
manifolds). Rack-mounted parts fill their U range. A tray's bays split the tray box along its longer side
(1U trays: left to right after a name strip; tall pods: vertical blades), recursively, so a Kyber pod shows
its blades and each blade its chips. Empty bays are drawn too, so a user sees where parts can go.

The body is drawn wider than a real 600 mm rack so that the 12 bays of a 1U tray stay legible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rackcad.catalog import Catalog
from rackcad.figures import Figures
from rackcad.layout.style import short_label
from rackcad.model import Design, Node, Rack
from rackcad.topology import DesignIndex
from rackcad.units import U_MM

BODY_W = 900.0
GUTTER_W = 90.0
SIDE_W = 110.0
TITLE_H = 150.0
RACK_GAP = 260.0
MARGIN = 60.0
NAME_STRIP = 150.0
"""Width of the strip at the left of a 1U tray that shows its name."""


@dataclass(frozen=True)
class Box:
    """One drawn rectangle. `id` is the model id for racks and nodes, `<tray>#<bay>` for empty bays."""

    id: str
    role: str  # rack, title, u-label, node, bay, side-zone
    x: float
    y: float
    w: float
    h: float
    kind: str = ""
    label: str = ""
    parent: str | None = None
    rack: str | None = None
    u: float | None = None
    bay: int | None = None
    depth: int = 0

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x <= self.x + self.w and self.y <= y <= self.y + self.h

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2


@dataclass
class ElevationLayout:
    boxes: list[Box] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0
    bodies: dict[str, Box] = field(default_factory=dict)
    rack_units: dict[str, int] = field(default_factory=dict)
    by_id: dict[str, Box] = field(default_factory=dict)

    def rack_at(self, x: float, y: float) -> str | None:
        for rack_id, body in self.bodies.items():
            if body.contains(x, y):
                return rack_id
        return None

    def u_at(self, rack_id: str, y: float, height_u: float = 1) -> int:
        """The lowest U of a part `height_u` tall whose top edge is nearest `y`, clamped to the rack."""
        body = self.bodies[rack_id]
        units = self.rack_units[rack_id]
        top_u = units - int((y - body.y) // U_MM)
        return int(min(max(top_u - height_u + 1, 1), max(units - height_u + 1, 1)))

    def u_rect(self, rack_id: str, u: float, height_u: float) -> tuple[float, float, float, float]:
        """(x, y, w, h) of the U range u .. u+height-1 of a rack body."""
        body = self.bodies[rack_id]
        units = self.rack_units[rack_id]
        return body.x, body.y + (units - (u + height_u - 1)) * U_MM, body.w, height_u * U_MM

    def slot_at(self, x: float, y: float) -> Box | None:
        """The deepest bay box (empty or occupied) under (x, y), for drops into trays."""
        best: Box | None = None
        for box in self.boxes:
            if box.bay is not None and box.contains(x, y) and (best is None or box.depth > best.depth):
                best = box
        return best


def elevation(design: Design, catalog: Catalog | None = None, index: DesignIndex | None = None,
              racks: list[str] | None = None) -> ElevationLayout:
    """Lay out every rack of `design` side by side, in design order (only those of `racks`, when given: the
    editor draws one rack of a hall at a time)."""
    index = Figures.of(design, index, catalog)
    out = ElevationLayout()
    x = MARGIN
    tallest = 0.0
    wanted = None if racks is None else set(racks)
    shown = design.racks if wanted is None else [r for r in design.racks if r.id in wanted]
    for rack in shown:
        part = index.catalog.find(rack.part)
        units = part.rack_units if part and part.rack_units else 48
        out.rack_units[rack.id] = units
        body_h = units * U_MM
        tallest = max(tallest, body_h)
        x = _lay_rack(out, index, rack, x, units, body_h)
    out.width = x - RACK_GAP + MARGIN if shown else 2 * MARGIN
    out.height = MARGIN + TITLE_H + tallest + MARGIN
    out.by_id = {b.id: b for b in out.boxes}
    return out


def _lay_rack(out: ElevationLayout, index: DesignIndex, rack: Rack, x: float, units: int, body_h: float) -> float:
    top = MARGIN + TITLE_H
    body_x = x + GUTTER_W
    part = index.catalog.find(rack.part)
    title = part.model if part else f"unknown rack part {rack.part}"
    out.boxes.append(Box(f"{rack.id}#title", "title", x, MARGIN, GUTTER_W + BODY_W + SIDE_W, TITLE_H - 20,
                         kind="rack", label=f"{rack.name}\n{title}", rack=rack.id))
    body = Box(rack.id, "rack", body_x, top, BODY_W, body_h, kind="rack", label=rack.name, rack=rack.id)
    out.boxes.append(body)
    out.bodies[rack.id] = body
    for u in range(1, units + 1):
        y = top + (units - u) * U_MM
        out.boxes.append(Box(f"{rack.id}#u{u}", "u-label", x, y, GUTTER_W - 10, U_MM, label=str(u), rack=rack.id, u=u))
    side = Box(f"{rack.id}#side", "side-zone", body_x + BODY_W, top, SIDE_W, body_h, label="side", rack=rack.id)
    out.boxes.append(side)
    side_y = top
    for node in index.children.get(rack.id, ()):
        node_part = index.part(node)
        if node.u is None:
            out.boxes.append(Box(node.id, "node", side.x + 8, side_y + 8, SIDE_W - 16, 240,
                                 kind=node_part.kind if node_part else "", label=short_label(node.name),
                                 parent=rack.id, rack=rack.id, depth=1))
            side_y += 250
            continue
        height = node_part.height_u if node_part and node_part.height_u else 1
        y = top + (units - (node.u + height - 1)) * U_MM
        _lay_node(out, index, node, body_x, y, BODY_W, height * U_MM, rack.id, depth=1)
    return body_x + BODY_W + SIDE_W + RACK_GAP


def _lay_node(out: ElevationLayout, index: DesignIndex, node: Node, x: float, y: float, w: float, h: float,
              rack_id: str, depth: int, bay: int | None = None) -> None:
    part = index.part(node)
    out.boxes.append(Box(node.id, "node", x, y, w, h, kind=part.kind if part else "", label=short_label(node.name),
                         parent=node.parent, rack=rack_id, u=node.u, bay=bay, depth=depth))
    if part is None or not part.bays:
        return
    by_bay = {child.bay: child for child in index.children.get(node.id, ()) if child.bay is not None}
    horizontal = w >= h
    pad = 4.0
    if horizontal:
        strip = min(NAME_STRIP, w * 0.2)
        inner_x, inner_y, inner_w, inner_h = x + strip, y + pad, w - strip - pad, h - 2 * pad
    else:
        strip = min(60.0, h * 0.12)
        inner_x, inner_y, inner_w, inner_h = x + pad, y + strip, w - 2 * pad, h - strip - pad
    count = part.bay_count
    for i in range(count):
        if horizontal:
            cell = (inner_x + i * inner_w / count, inner_y, inner_w / count, inner_h)
        else:
            cell = (inner_x, inner_y + i * inner_h / count, inner_w, inner_h / count)
        cx, cy, cw, ch = cell[0] + 1.5, cell[1] + 1.5, cell[2] - 3, cell[3] - 3
        child = by_bay.get(i)
        if child is None:
            group = part.bay_group(i)
            out.boxes.append(Box(f"{node.id}#{i}", "bay", cx, cy, cw, ch, kind="",
                                 label=group.name if group else "", parent=node.id, rack=rack_id, bay=i,
                                 depth=depth + 1))
        else:
            _lay_node(out, index, child, cx, cy, cw, ch, rack_id, depth + 1, bay=i)
