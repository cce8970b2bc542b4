"""Cooling rules: heat to liquid and heat to air against the rack's capacities, and the coolant flow and
heat a rack's own CDUs must move.

Heat to liquid is each part's power times its liquid-cooled share; the rest goes to air. A capacity of
None is not checked; 0 means the rack has no such cooling. Coolant flow is sized at 1.5 L/min per kW by
default (OCP guideline, range 1.25-2.0, for dT ~10 K; S40), a design setting. A rack without a CDU of its
own is served by an in-row or facility CDU, which these rules do not see.
"""

from __future__ import annotations

from collections.abc import Iterator

from rackcad.model import Node
from rackcad.rules.context import Context
from rackcad.rules.rule import LOAD, Rule
from rackcad.rules.violation import Violation
from rackcad.units import fmt_power


class _HeatCapacity(Rule):
    """Heat a rack sends to one medium (liquid or air) against the rack's capacity for it."""

    capacity_field = ""
    load_attr = ""
    medium = ""
    reads = LOAD | {"rack.liquid_capacity_w", "rack.air_capacity_w"}

    def check(self, ctx: Context) -> Iterator[Violation]:
        for rack in ctx.racks:
            capacity = ctx.rack_limit(rack, self.capacity_field)
            heat = getattr(ctx.rack_loads[rack.id], self.load_attr)
            if capacity is not None and heat > capacity:
                limit = (f"{self.medium}-cooling capacity {fmt_power(capacity)}" if capacity
                         else f"but it has no {self.medium} cooling")
                yield self.violation(f"{ctx.label(rack.id)} sends {fmt_power(heat)} of heat to {self.medium}, {limit}",
                                     (rack.id,), measured=heat, limit=capacity, unit="W")


class LiquidCapacity(_HeatCapacity):
    code = "cooling.liquid_capacity"
    title = "Heat to liquid above the rack's liquid-cooling capacity"
    capacity_field, load_attr, medium = "liquid_capacity_w", "liquid_w", "liquid"


class AirCapacity(_HeatCapacity):
    code = "cooling.air_capacity"
    title = "Heat to air above the rack's air-cooling capacity"
    capacity_field, load_attr, medium = "air_capacity_w", "air_w", "air"


class CoolantFlow(Rule):
    code = "cooling.flow"
    title = "Coolant flow the rack's heat to liquid needs, above its CDUs' rated flow"
    reads = LOAD

    def check(self, ctx: Context) -> Iterator[Violation]:
        per_kw = ctx.settings.coolant_lpm_per_kw
        for rack in ctx.racks:
            load = ctx.rack_loads[rack.id]
            if not load.cdus:
                continue
            rated = _cdu_total(ctx, load.cdus, "flow_lpm")
            need = load.liquid_w / 1000 * per_kw
            if need > rated:
                yield self.violation(
                    f"{ctx.label(rack.id)} needs {need:,.0f} L/min of coolant ({fmt_power(load.liquid_w)} to "
                    f"liquid x {per_kw:g} L/min per kW), its CDUs are rated {rated:,.0f} L/min",
                    (rack.id, *(cdu.id for cdu in load.cdus)), measured=need, limit=rated, unit="L/min",
                )


class CduCapacity(Rule):
    code = "cooling.cdu_capacity"
    title = "Heat to liquid above the rated capacity of the rack's own CDUs"
    reads = LOAD

    def check(self, ctx: Context) -> Iterator[Violation]:
        for rack in ctx.racks:
            load = ctx.rack_loads[rack.id]
            if not load.cdus:
                continue
            capacity = _cdu_total(ctx, load.cdus, "capacity_w")
            if load.liquid_w > capacity:
                yield self.violation(
                    f"{ctx.label(rack.id)} sends {fmt_power(load.liquid_w)} to liquid, its CDUs move "
                    f"{fmt_power(capacity)}",
                    (rack.id, *(cdu.id for cdu in load.cdus)), measured=load.liquid_w, limit=capacity, unit="W",
                )


def _cdu_total(ctx: Context, cdus: list[Node], figure: str) -> float:
    """The sum of one rated figure (flow_lpm, capacity_w) over a rack's CDUs, noting each use for the
    catalog.estimate check; a CDU without the figure adds nothing."""
    total = 0.0
    for cdu in cdus:
        part = ctx.part(cdu)
        value = getattr(part, figure) if part is not None else None
        if value is not None:
            ctx.use(cdu.id, part, figure)
            total += value.value
    return total
