"""Power rules: rack IT power against the rack's budget, and against what its power shelves deliver when one
shelf (N+1) or one side (N+N) fails.

Rack power is the sum of every part's design (maximum) power, through any depth of trays, or the part's
`power_w` override, plus the transceivers, active cables and co-packaged optical engines plugged into the
rack's parts (rackcad.figures owns the sum). GB200 NVL72 fits 8 x 33 kW shelves, commonly read as 4+4 redundant = 132 kW usable
(S3, S8, S16); GB300 and Vera Rubin racks run their shelves N+1 (see the templates).
"""

from __future__ import annotations

from collections.abc import Iterator

from rackcad.model import Node
from rackcad.rules.context import Context
from rackcad.rules.rule import LOAD, Rule
from rackcad.rules.violation import Violation
from rackcad.units import fmt_power


class RackBudget(Rule):
    code = "power.rack_budget"
    title = "Rack IT power above its budget (error), or above the warning share of it (warning)"
    reads = LOAD | {"rack.power_budget_w"}

    def check(self, ctx: Context) -> Iterator[Violation]:
        ratio = ctx.settings.power_warning_ratio
        for rack in ctx.racks:
            ctx.use_load(rack.id)
            budget = ctx.rack_limit(rack, "power_budget_w")
            if budget is None:
                continue
            power = ctx.rack_loads[rack.id].power_w
            label = ctx.label(rack.id)
            if power > budget:
                yield self.violation(
                    f"{label} draws {fmt_power(power)}, budget {fmt_power(budget)}",
                    (rack.id,), measured=power, limit=budget, unit="W",
                )
            elif power > ratio * budget:
                yield self.violation(
                    f"{label} draws {fmt_power(power)}, {power / budget:.1%} of its {fmt_power(budget)} budget "
                    f"(warning above {ratio:.0%})",
                    (rack.id,), measured=power, limit=ratio * budget, unit="W", severity="warning",
                )


class ShelfRedundancy(Rule):
    code = "power.shelf_redundancy"
    title = "Rack load above what its power shelves deliver after the failure their redundancy covers"
    reads = LOAD | {"rack.power_redundancy"}

    def check(self, ctx: Context) -> Iterator[Violation]:
        for rack in ctx.racks:
            load = ctx.rack_loads[rack.id]
            if not load.shelves:
                continue  # no shelves: the rack is fed from outside (facility busway, sidecar)
            outputs = sorted(self._output(ctx, shelf) for shelf in load.shelves)
            usable, survivors, failure = _usable(outputs, rack.power_redundancy)
            if load.power_w <= usable:
                continue
            each = f"{survivors} x {fmt_power(outputs[0])}" if len(set(outputs)) == 1 else f"{survivors} shelves"
            scheme = rack.power_redundancy.upper()
            after = f"when {failure} fails" if failure else "in total, with no redundancy"
            yield self.violation(
                f"{ctx.label(rack.id)} draws {fmt_power(load.power_w)} but its {len(outputs)} power shelves in "
                f"{scheme} deliver {fmt_power(usable)} ({each}) {after}: the rack would shut down or throttle",
                (rack.id,),
                measured=load.power_w, limit=usable, unit="W",
            )

    @staticmethod
    def _output(ctx: Context, shelf: Node) -> float:
        part = ctx.part(shelf)
        if part is None or part.output_w is None:
            return 0.0
        ctx.use(shelf.id, part, "output_w")
        return part.output_w.value


def _usable(outputs: list[float], redundancy: str) -> tuple[float, int, str]:
    """(usable watts, shelves left, what failed) for shelf outputs sorted ascending.

    N+N: two feeds of half the shelves each; losing a side leaves floor(n/2) shelves (the smallest, to be
    safe when outputs differ). N+1: losing the largest shelf leaves the rest. N: all of them, no failure.
    """
    if redundancy == "n+n":
        left = len(outputs) // 2
        return sum(outputs[:left]), left, "one side"
    if redundancy == "n+1":
        return sum(outputs[:-1]), len(outputs) - 1, "one shelf"
    return sum(outputs), len(outputs), ""
