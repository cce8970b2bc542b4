"""Hall rules: racks breathing a hot aisle, aisles narrower than the set minimum, racks off their row slot,
and cable trays filled beyond their limit.

Rows, slots and aisles come from rackcad.figures.hall, routes and tray fill from rackcad.figures.routing:
the geometry the Document snaps racks with, and the routes the cable lengths follow.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from rackcad.figures import footprint, hall, routing
from rackcad.rules.context import Context
from rackcad.rules.rule import LENGTH, LINK, WIRING, Rule
from rackcad.rules.violation import Violation, natural

SLOT_TOLERANCE_MM = 1.0
"""A rack whose footprint corners are each within this of the slot's stands in it (whichever way it faces:
facing the wrong aisle is geometry.hot_aisle_front)."""

PLACED = frozenset({"rack+", "rack.part", "rack.position", "floor"})


def _held(ctx: Context, key: str, compute):
    """`compute(floor)` of the floor plan, kept in the index for the floor plan object."""
    cache = ctx.index.route_cache
    floor = ctx.design.floor
    held = cache.get(key)
    if held is None or held[0] is not floor:
        held = cache[key] = (floor, compute(floor))
    return held[1]


def _aisles(ctx: Context) -> list[hall.Aisle]:
    """The floor plan's aisles."""
    return _held(ctx, "aisles", hall.aisles)


def _rows(ctx: Context) -> dict:
    """The floor plan's rows by id."""
    return _held(ctx, "rows", lambda floor: {row.id: row for row in floor.rows})


def _between(rows: dict, aisle: hall.Aisle) -> str:
    return f"rows {hall.name_of(rows[aisle.rows[0]])} and {hall.name_of(rows[aisle.rows[1]])}"


class _Placed(Rule):
    """A check of where racks stand in the hall's rows."""

    reads = PLACED
    on_floor = True


class HotAisleFront(_Placed):
    code = "geometry.hot_aisle_front"
    title = "Racks whose front (air intake) faces a hot aisle"

    def check(self, ctx: Context) -> Iterator[Violation]:
        rows = _rows(ctx)
        if not rows:
            return
        found = _aisles(ctx)
        for rack in ctx.racks:
            row = rows.get(rack.position.row) if rack.position.row is not None else None
            if row is not None and hall.faced_side(row, rack) == hall.hot_side(row):
                yield self.violation(
                    f"{ctx.label(rack.id)} faces the hot aisle side ({hall.hot_side(row)}) of row {hall.name_of(row)}; "
                    f"racks in the row face its cold aisle ({row.cold_aisle})", (rack.id,))
                continue
            x, y = hall.front_point(rack, ctx.part(rack))
            for aisle in found:
                if aisle.kind != "cold" and hall.inside(aisle.polygon, x, y):
                    what = ("the hot aisle" if aisle.kind == "hot" else
                            "an aisle where one row's hot side exhausts")
                    yield self.violation(
                        f"{ctx.label(rack.id)} faces {what} between {_between(rows, aisle)}: its intake draws "
                        "exhaust air", (rack.id,))
                    break


class AisleWidth(Rule):
    code = "geometry.aisle_width"
    severity = "warning"
    title = "Aisles between rows narrower than the minimum (design rules)"
    reads = frozenset({"floor", "rules"})
    scope = "design"
    on_floor = True

    def check(self, ctx: Context) -> Iterator[Violation]:
        floor = ctx.design.floor
        if len(floor.rows) < 2:
            return
        limit = ctx.settings.min_aisle_mm
        limit = hall.DEFAULT_MIN_AISLE_MM if limit is None else limit
        rows = _rows(ctx)
        for aisle in _aisles(ctx):
            if aisle.width_mm < limit - 1e-6:
                yield self.violation(
                    f"The {aisle.kind} aisle between {_between(rows, aisle)} is "
                    f"{aisle.width_mm / 1000:.2f} m wide, below the {limit / 1000:.2f} m minimum",
                    aisle.rows, measured=aisle.width_mm, limit=limit, unit="mm")


class RowSlot(_Placed):
    code = "geometry.row_slot"
    title = "Racks placed in a row slot that does not exist, or standing off their slot"

    def check(self, ctx: Context) -> Iterator[Violation]:
        rows = _rows(ctx)
        for rack in ctx.racks:
            pos = rack.position
            if pos.row is None:
                continue
            row = rows.get(pos.row)
            label = ctx.label(rack.id)
            if row is None:
                yield self.violation(f"{label} is placed in row '{pos.row}', which is not on the floor plan",
                                     (rack.id,))
                continue
            name = hall.name_of(row)
            if pos.slot is None or pos.slot >= row.slots:
                where = "without a slot" if pos.slot is None else f"in slot {pos.slot + 1}"
                yield self.violation(f"{label} is {where} of row {name}, which has slots 1-{row.slots}",
                                     (rack.id,), measured=None if pos.slot is None else pos.slot + 1,
                                     limit=row.slots, unit="slot")
                continue
            part = ctx.part(rack)
            want = footprint.rack_corners(rack, part, *_xyr(hall.slot_position(row, pos.slot, part)))
            have = footprint.rack_corners(rack, part)
            off = max(min(math.dist(p, q) for q in want) for p in have)
            if off > SLOT_TOLERANCE_MM:
                yield self.violation(
                    f"{label} is in slot {pos.slot + 1} of row {name} but stands up to {off:,.0f} mm off it "
                    "(snap it to the slot again, or take it out of the row)",
                    (rack.id,), measured=off, limit=SLOT_TOLERANCE_MM, unit="mm", severity="warning")


def _xyr(pos) -> tuple[float, float, float]:
    return pos.x_mm, pos.y_mm, pos.rotation_deg


class TrayFill(Rule):
    code = "geometry.tray_fill"
    title = "Cable trays whose cables fill more of their cross-section than the tray's fill limit"
    reads = LENGTH | WIRING | LINK
    scope = "design"

    def check(self, ctx: Context) -> Iterator[Violation]:
        if not ctx.design.floor.trays:
            return
        worst: dict[str, routing.SegmentFill] = {}
        for fill in routing.tray_fill(ctx.figures):
            for part_id in fill.parts:
                part = ctx.catalog.find(part_id)
                if part is not None:
                    ctx.use(fill.tray.id, part, "diameter_mm")
            held = worst.get(fill.tray.id)
            if held is None or fill.ratio > held.ratio:
                worst[fill.tray.id] = fill
        for tray in ctx.design.floor.trays:
            fill = worst.get(tray.id)
            if fill is None or fill.ratio <= tray.fill_limit + 1e-9:
                continue
            (px, py), (qx, qy) = fill.edge.p, fill.edge.q
            held = (f"{fill.area_mm2 / 100:,.0f} cm² of its {fill.capacity_mm2 / 100:,.0f} cm²" if tray.tiers == 1
                    else f"{fill.area_mm2 / 100:,.0f} cm² in {tray.tiers} tiers, the fullest "
                         f"{fill.fullest_mm2 / 100:,.0f} cm² of its {fill.capacity_mm2 / 100:,.0f} cm²")
            yield self.violation(
                f"Tray {hall.name_of(tray)} carries {fill.cables:,.0f} cables between ({px / 1000:.1f}, "
                f"{py / 1000:.1f}) m and ({qx / 1000:.1f}, {qy / 1000:.1f}) m: {held} "
                f"({fill.ratio:.0%}, limit {tray.fill_limit:.0%})",
                (tray.id, *sorted(fill.links, key=natural)), measured=fill.ratio, limit=tray.fill_limit, unit="fill")
