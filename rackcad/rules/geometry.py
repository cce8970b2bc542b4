"""Geometry rules: parts sharing U, parts beyond the rack's height, bays of the wrong kind or shared, parts
whose container does not exist, racks overlapping each other, leaving the floor plan (its outline when the
design has one) or standing on a keep-out area (a column, a ramp).

The editor refuses such placements (Document.check_place); these rules catch what arrives another way:
a hand-edited or merged file, a rack part swapped for a shorter one, a catalog that changed underneath.
Floor outlines are shapely polygons built as the floor plan draws them (rackcad.layout.floor): the rack
part's width x depth (600 x 1,200 mm when the part lacks them), the front-left corner at x_mm, y_mm (hall
coordinates, y down) and `rotation_deg` turning the footprint clockwise on screen about that corner.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import shapely
from shapely import affinity
from shapely.geometry import Polygon, box

from rackcad.catalog import PartSpec
from rackcad.model import Node, Rack
from rackcad.rules.context import Context
from rackcad.rules.rule import Rule
from rackcad.rules.violation import Violation

_DEFAULT_WIDTH_MM, _DEFAULT_DEPTH_MM = 600.0, 1200.0

_MIN_OVERLAP_MM2 = 1.0
"""Racks that merely touch (a row) share an edge of zero area; anything above a square millimetre overlaps."""


def _span(u: float, height: float) -> str:
    return f"U{u:g}" if height <= 1 else f"U{u:g}-U{u + height - 1:g}"


class Overlap(Rule):
    code = "geometry.overlap"
    title = "Rack-mounted parts sharing U positions"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for rack in ctx.design.racks:
            placed = []
            for node in ctx.index.children.get(rack.id, ()):
                part = ctx.part(node)
                if node.u is not None and part is not None and part.mount == "rack":
                    placed.append((node.u, node.u + (part.height_u or 1), node))
            placed.sort(key=lambda item: item[0])
            for i, (start, end, node) in enumerate(placed):
                for other_start, other_end, other in placed[i + 1:]:
                    if other_start >= end:
                        break
                    shared = min(end, other_end) - other_start
                    yield self.violation(
                        f"{ctx.label(node.id)} ({_span(start, end - start)}) and {ctx.label(other.id)} "
                        f"({_span(other_start, other_end - other_start)}) share {shared:g} U in {ctx.label(rack.id)}",
                        (node.id, other.id), measured=shared, limit=0, unit="U",
                    )


class OutOfRack(Rule):
    code = "geometry.out_of_rack"
    title = "Rack-mounted parts without a U position or beyond the rack's height"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for rack in ctx.design.racks:
            rack_part = ctx.part(rack)
            for node in ctx.index.children.get(rack.id, ()):
                part = ctx.part(node)
                if part is None or part.mount != "rack":
                    continue
                if node.u is None:
                    yield self.violation(f"{ctx.label(node.id)} is in {ctx.label(rack.id)} without a U position",
                                         (node.id,))
                    continue
                height = part.height_u or 1
                top = node.u + height - 1
                units = rack_part.rack_units if rack_part and rack_part.rack_units else None
                if node.u < 1 or (units is not None and top > units):
                    yield self.violation(
                        f"{ctx.label(node.id)} at {_span(node.u, height)} is outside {ctx.label(rack.id)}"
                        + (f" (U1-U{units})" if units else ""),
                        (node.id,), measured=top if node.u >= 1 else node.u,
                        limit=units if node.u >= 1 else 1, unit="U",
                    )


class Bay(Rule):
    code = "geometry.bay"
    title = "Parts in bays of the wrong kind, beyond a tray's bays, sharing a bay, or mounted the wrong way"

    def check(self, ctx: Context) -> Iterator[Violation]:
        nodes = ctx.index.nodes
        for node in ctx.design.nodes:
            part = ctx.part(node)
            if part is None:
                continue
            if node.parent in ctx.index.racks:
                if part.mount == "bay":
                    yield self.violation(
                        f"{ctx.label(node.id)} goes in a tray bay, not directly in {ctx.label(node.parent)}",
                        (node.id,))
                continue
            tray = nodes.get(node.parent)
            if tray is not None:
                yield from self._in_tray(ctx, node, part, tray)
        for tray_id, children in ctx.index.children.items():
            by_bay: dict[int, list[Node]] = defaultdict(list)
            for child in children:
                if child.bay is not None and tray_id in nodes:
                    by_bay[child.bay].append(child)
            for bay, sharing in by_bay.items():
                if len(sharing) > 1:
                    tray_part = ctx.part(nodes[tray_id])
                    where = tray_part.bay_label(bay) if tray_part else f"bay {bay}"
                    names = ", ".join(ctx.label(n.id) for n in sharing)
                    yield self.violation(
                        f"{ctx.label(tray_id)} holds {len(sharing)} parts in {where}: {names}",
                        tuple(n.id for n in sharing), measured=len(sharing), limit=1, unit="parts",
                    )

    def _in_tray(self, ctx: Context, node: Node, part: PartSpec, tray: Node) -> Iterator[Violation]:
        tray_part = ctx.part(tray)
        group = tray_part.bay_group(node.bay) if tray_part is not None and node.bay is not None else None
        if part.mount == "bay" and group is not None and part.kind in group.accepts:
            return  # the common case, checked before any message is built
        label, tray_label = ctx.label(node.id), ctx.label(tray.id)
        if part.mount != "bay":
            yield self.violation(f"{label} mounts in a rack, not in a bay of {tray_label}", (node.id,))
        elif tray_part is None:
            return
        elif not tray_part.bays:
            yield self.violation(f"{label} is inside {tray_label}, which has no bays", (node.id,))
        elif node.bay is None:
            yield self.violation(f"{label} is inside {tray_label} without a bay", (node.id,))
        elif group is None:
            yield self.violation(
                f"{label} is in bay {node.bay} of {tray_label}, which has bays 0-{tray_part.bay_count - 1}",
                (node.id,), measured=node.bay, limit=tray_part.bay_count - 1, unit="bay index",
            )
        else:
            yield self.violation(
                f"{label} is a {part.kind} in {tray_part.bay_label(node.bay)} of {tray_label}, which takes "
                f"{', '.join(group.accepts)}",
                (node.id,),
            )


class Orphan(Rule):
    code = "geometry.orphan"
    title = "Parts whose rack or tray does not exist, or that sit inside themselves"

    def check(self, ctx: Context) -> Iterator[Violation]:
        index = ctx.index
        for node in ctx.design.nodes:
            if index.rack_of.get(node.id) is not None:
                continue
            if node.parent not in index.nodes and node.parent not in index.racks:
                yield self.violation(f"{ctx.label(node.id)} sits in '{node.parent}', which is not in the design",
                                     (node.id,))
            elif _on_loop(index.nodes, node):
                yield self.violation(f"{ctx.label(node.id)} is inside itself: its containers form a loop",
                                     (node.id,))


def _on_loop(nodes: dict[str, Node], node: Node) -> bool:
    seen = {node.id}
    current = nodes.get(node.parent)
    while current is not None:
        if current.id == node.id:
            return True
        if current.id in seen:
            return False
        seen.add(current.id)
        current = nodes.get(current.parent)
    return False


def _outline(ctx: Context, rack: Rack) -> Polygon:
    part = ctx.part(rack)
    width = part.width_mm if part and part.width_mm else _DEFAULT_WIDTH_MM
    depth = part.depth_mm if part and part.depth_mm else _DEFAULT_DEPTH_MM
    # shapely turns positive angles from +x towards +y: clockwise on a y-down floor plan, as drawn.
    outline = affinity.rotate(box(0, 0, width, depth), rack.position.rotation_deg, origin=(0, 0))
    return affinity.translate(outline, rack.position.x_mm, rack.position.y_mm)


class FloorOverlap(Rule):
    code = "geometry.floor_overlap"
    title = "Racks overlapping on the floor plan"

    def check(self, ctx: Context) -> Iterator[Violation]:
        racks = ctx.design.racks
        if len(racks) < 2:
            return
        outlines = [_outline(ctx, rack) for rack in racks]
        pairs = shapely.STRtree(outlines).query(outlines, predicate="intersects")
        for i, j in zip(*pairs):
            if i >= j:
                continue
            area = outlines[i].intersection(outlines[j]).area
            if area > _MIN_OVERLAP_MM2:
                a, b = racks[i], racks[j]
                yield self.violation(
                    f"{ctx.label(a.id)} and {ctx.label(b.id)} overlap on the floor plan by {area / 1e6:.2f} m²",
                    (a.id, b.id), measured=area / 1e6, limit=0, unit="m²",
                )


def _area(points) -> Polygon:
    """A polygon from stored points, repaired if the drawing it came from crossed itself."""
    polygon = Polygon(points)
    return polygon if polygon.is_valid else shapely.make_valid(polygon)


class OffFloor(Rule):
    code = "geometry.off_floor"
    severity = "warning"
    title = "Racks standing partly outside the floor plan"

    def check(self, ctx: Context) -> Iterator[Violation]:
        floor = ctx.design.floor
        if floor.outline:
            hall, what = _area(floor.outline), "the hall outline"
        else:
            hall = box(0, 0, floor.width_mm, floor.depth_mm)
            what = f"the {floor.width_mm / 1000:g} x {floor.depth_mm / 1000:g} m floor plan"
        for rack in ctx.design.racks:
            outside = _outline(ctx, rack).difference(hall).area
            if outside > _MIN_OVERLAP_MM2:
                yield self.violation(
                    f"{ctx.label(rack.id)} stands {outside / 1e6:.2f} m² outside {what}",
                    (rack.id,), measured=outside / 1e6, limit=0, unit="m²",
                )


class KeepOut(Rule):
    code = "geometry.keepout"
    title = "Racks standing on a keep-out area (column, ramp) of the hall"

    def check(self, ctx: Context) -> Iterator[Violation]:
        areas = [(k.name or f"keep-out {i + 1}", _area(k.points)) for i, k in enumerate(ctx.design.floor.keepouts)]
        if not areas or not ctx.design.racks:
            return
        tree = shapely.STRtree([a for _, a in areas])
        for rack in ctx.design.racks:
            outline = _outline(ctx, rack)
            for j in tree.query(outline, predicate="intersects"):
                name, area = areas[j]
                overlap = outline.intersection(area).area
                if overlap > _MIN_OVERLAP_MM2:
                    yield self.violation(
                        f"{ctx.label(rack.id)} stands on {name} ({overlap / 1e6:.2f} m² of it)",
                        (rack.id,), measured=overlap / 1e6, limit=0, unit="m²",
                    )
