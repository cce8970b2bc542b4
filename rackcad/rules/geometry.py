"""Geometry rules: parts sharing U, parts beyond the rack's height, bays of the wrong kind or shared, parts
whose container does not exist, racks overlapping each other, leaving the floor plan (its outline when the
design has one) or standing on a keep-out area (a column, a ramp).

The editor refuses such placements (Document.check_place); these rules catch what arrives another way:
a hand-edited or merged file, a rack part swapped for a shorter one, a catalog that changed underneath.
Footprints, U ranges and the tolerance that tells touching from overlapping come from
rackcad.figures.footprint, the module the editor's placement checks and the floor plan use too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from rackcad.catalog import PartSpec
from rackcad.figures import footprint
from rackcad.figures.footprint import u_span as _span
from rackcad.model import Node
from rackcad.rules.context import Context
from rackcad.rules.rule import NODE, Rule
from rackcad.rules.violation import Violation

PLACEMENT = NODE | {"rack+", "rack.part"}


class Overlap(Rule):
    code = "geometry.overlap"
    title = "Rack-mounted parts sharing U positions"
    reads = PLACEMENT

    def check(self, ctx: Context) -> Iterator[Violation]:
        for rack in ctx.racks:
            placed = []
            for node in ctx.children(rack.id):
                part = ctx.part(node)
                if node.u is not None and part is not None and part.mount == "rack":
                    placed.append((node.u, node.u + (part.height_u or 1), node))
            placed.sort(key=lambda item: (item[0], item[2].id))
            for i, (start, end, node) in enumerate(placed):
                for other_start, other_end, other in placed[i + 1:]:
                    if other_start >= end:
                        break
                    shared = footprint.u_clash(start, end - start, other_start, other_end - other_start)
                    if not shared:
                        continue
                    yield self.violation(
                        f"{ctx.label(node.id)} ({_span(start, end - start)}) and {ctx.label(other.id)} "
                        f"({_span(other_start, other_end - other_start)}) share {shared:g} U in {ctx.label(rack.id)}",
                        (node.id, other.id), measured=shared, limit=0, unit="U",
                    )


class OutOfRack(Rule):
    code = "geometry.out_of_rack"
    title = "Rack-mounted parts without a U position or beyond the rack's height"
    reads = PLACEMENT

    def check(self, ctx: Context) -> Iterator[Violation]:
        for rack in ctx.racks:
            rack_part = ctx.part(rack)
            for node in ctx.children(rack.id):
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
                if footprint.u_outside(node.u, height, units):
                    yield self.violation(
                        f"{ctx.label(node.id)} at {_span(node.u, height)} is outside {ctx.label(rack.id)}"
                        + (f" (U1-U{units})" if units else ""),
                        (node.id,), measured=top if node.u >= 1 else node.u,
                        limit=units if node.u >= 1 else 1, unit="U",
                    )


class Bay(Rule):
    code = "geometry.bay"
    title = "Parts in bays of the wrong kind, beyond a tray's bays, sharing a bay, or mounted the wrong way"
    reads = PLACEMENT

    def check(self, ctx: Context) -> Iterator[Violation]:
        nodes = ctx.index.nodes
        for node in ctx.nodes:
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
        for tray_id, children in ctx.trays():
            by_bay: dict[int, list[Node]] = defaultdict(list)
            for child in sorted(children, key=lambda n: n.id):
                if child.bay is not None:
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
    reads = PLACEMENT

    def check(self, ctx: Context) -> Iterator[Violation]:
        index = ctx.index
        for node in ctx.nodes:
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


def _outline(ctx: Context, rack) -> footprint.Corners:
    return footprint.rack_corners(rack, ctx.part(rack))


class FloorOverlap(Rule):
    code = "geometry.floor_overlap"
    title = "Racks overlapping on the floor plan"
    reads = frozenset({"rack+", "rack.part", "rack.position"})
    scope = "design"
    on_floor = True

    def check(self, ctx: Context) -> Iterator[Violation]:
        halls: dict[str | None, list] = {}
        for rack in ctx.design.racks:
            halls.setdefault(rack.position.hall, []).append(rack)  # racks in different halls never meet
        for racks in halls.values():
            for i, j, area in footprint.overlaps([_outline(ctx, rack) for rack in racks]):
                a, b = racks[i], racks[j]
                yield self.violation(
                    f"{ctx.label(a.id)} and {ctx.label(b.id)} overlap on the floor plan by {area / 1e6:.2f} m²",
                    (a.id, b.id), measured=area / 1e6, limit=0, unit="m²",
                )


class _OnHallFloor(Rule):
    """A check of each rack's footprint against the floor plan of the hall it stands in."""

    reads = frozenset({"rack+", "rack.part", "rack.position", "floor"})
    on_floor = True

    def check(self, ctx: Context) -> Iterator[Violation]:
        for rack in ctx.racks:
            yield from self.check_rack(ctx, rack, ctx.design.hall_floor(rack.position.hall))

    def check_rack(self, ctx: Context, rack, floor) -> Iterator[Violation]:
        raise NotImplementedError


class OffFloor(_OnHallFloor):
    code = "geometry.off_floor"
    severity = "warning"
    title = "Racks standing partly outside the floor plan"

    def check_rack(self, ctx: Context, rack, floor) -> Iterator[Violation]:
        outside = footprint.outside_area_mm2(_outline(ctx, rack), floor)
        if outside > footprint.TOLERANCE_MM2:
            what = ("the hall outline" if floor.outline
                    else f"the {floor.width_mm / 1000:g} x {floor.depth_mm / 1000:g} m floor plan")
            yield self.violation(
                f"{ctx.label(rack.id)} stands {outside / 1e6:.2f} m² outside {what}",
                (rack.id,), measured=outside / 1e6, limit=0, unit="m²",
            )


class KeepOut(_OnHallFloor):
    code = "geometry.keepout"
    title = "Racks standing on a keep-out area (column, ramp) of the hall"

    def check_rack(self, ctx: Context, rack, floor) -> Iterator[Violation]:
        if not floor.keepouts:
            return
        for name, area in footprint.keepout_overlaps(_outline(ctx, rack), floor):
            yield self.violation(
                f"{ctx.label(rack.id)} stands on {name} ({area / 1e6:.2f} m² of it)",
                (rack.id,), measured=area / 1e6, limit=0, unit="m²",
            )
