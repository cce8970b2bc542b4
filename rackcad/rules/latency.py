"""Latency rules: the budgets the user sets between groups of parts, and racks in halls the site lacks.

A latency budget (`Design.latency_budgets`) says every accelerator of its `from_ids` must reach every
accelerator of its `to_ids` within `max_us`; the path latency (switch hops, propagation, serialisation) is
`rackcad.analysis.latency`'s. A finding names the worst path and each of its hops with its latency.
"""

from __future__ import annotations

from collections.abc import Iterator

from rackcad.analysis.latency import Latency, check_budget
from rackcad.rules.context import Context
from rackcad.rules.rule import LENGTH, NODE, WIRING, Rule
from rackcad.rules.violation import Violation


class Budget(Rule):
    code = "latency.budget"
    title = "Paths slower than a latency budget set in the design (these agents reach that cluster in 1 ms)"
    reads = LENGTH | WIRING | NODE | frozenset({"link.medium", "link.optic", "link.protocol"})
    scope = "design"

    def check(self, ctx: Context) -> Iterator[Violation]:
        budgets = ctx.design.latency_budgets
        if not budgets:
            return
        model = Latency(ctx.figures)
        for number, budget in enumerate(budgets, 1):
            label = f"latency budget {budget.name or number}"
            found = check_budget(model, budget)
            if not found.sources or not found.targets:
                side = "from" if not found.sources else "to"
                yield self.violation(f"{label} ({budget.max_us:g} us): its {side} group names nothing in the design",
                                     (*budget.from_ids, *budget.to_ids)[:8])
                continue
            if found.unreached is not None:
                source, target = found.unreached
                yield self.violation(
                    f"{label}: {ctx.label(source)} has no path to {ctx.label(target)} over the design's links",
                    found.unreached)
            worst = found.worst
            if worst is not None and worst.us > budget.max_us + 1e-12:
                more = (f" (from the first {found.checked:,} of {len(found.sources):,} sources)"
                        if found.checked < len(found.sources) else "")
                yield self.violation(
                    f"{label}: {ctx.label(worst.source)} reaches {ctx.label(worst.target)} in {worst.us:,.3f} us, "
                    f"over the {budget.max_us:g} us budget{more}; path: {worst.describe(ctx.figures.name)}",
                    (worst.source, worst.target), measured=worst.us, limit=budget.max_us, unit="us")


class UnknownHall(Rule):
    code = "geometry.unknown_hall"
    title = "Racks standing in a hall the site plan does not hold"
    reads = frozenset({"rack+", "rack.position"})

    def check(self, ctx: Context) -> Iterator[Violation]:
        for rack in ctx.racks:
            hall = rack.position.hall
            if hall is not None and ctx.design.site_hall(hall) is None:
                yield self.violation(f"{ctx.label(rack.id)} stands in hall {hall}, which no building of the site "
                                     "holds: its links to other halls have no length", (rack.id,))
