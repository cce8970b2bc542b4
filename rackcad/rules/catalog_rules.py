"""Catalog rules: parts the catalog does not know, and estimated figures that other checks relied on.

An unknown part id is not a load error: the file opens, nothing the user wrote is lost, and every other
rule still runs (it skips what it cannot know). `catalog.estimate` must run after every other rule: it
reports the estimates they noted through Context.use / use_port.
"""

from __future__ import annotations

from collections.abc import Iterator

from rackcad.rules.context import Context, FigureUse
from rackcad.rules.rule import Rule
from rackcad.rules.violation import Violation, natural
from rackcad.units import fmt_gbps, fmt_power

FIGURE_NAMES = {
    "power_max_w": "maximum power", "power_typical_w": "typical power", "liquid_share": "liquid-cooled share",
    "output_w": "output", "flow_lpm": "rated coolant flow", "capacity_w": "cooling capacity",
    "power_budget_w": "power budget", "liquid_capacity_w": "liquid-cooling capacity",
    "air_capacity_w": "air-cooling capacity",
}


def _describe(use: FigureUse) -> tuple[str, str, str | None]:
    """(what the figure is, its value as a person reads it, its unit) for a message."""
    if use.name.startswith("ports."):
        group = use.part.port(use.name[len("ports."):])
        shown = f"{group.count} x {fmt_gbps(group.gbps)}" if group else fmt_gbps(use.value)
        return f"port group '{use.name[len('ports.'):]}'", shown, "Gb/s"
    name = FIGURE_NAMES.get(use.name, use.name)
    if use.name == "liquid_share":
        return name, f"{use.value:.0%}", "fraction"
    if use.name == "flow_lpm":
        return name, f"{use.value:,g} L/min", "L/min"
    if use.name.endswith("_w"):
        shown = fmt_power(use.value) if use.value % 100 == 0 else f"{use.value:,.0f} W"  # 3,550 W, not 3.5 kW
        return name, shown, "W"
    return name, f"{use.value:g}", None


class UnknownPart(Rule):
    code = "catalog.unknown_part"
    title = "Part ids that no catalog defines"
    reads = frozenset({"node+", "node.part", "rack+", "rack.part"})
    scope = "design"

    def check(self, ctx: Context) -> Iterator[Violation]:
        users: dict[str, list[str]] = {}
        for item in (*ctx.design.racks, *ctx.design.nodes):
            if item.part not in ctx.catalog:
                users.setdefault(item.part, []).append(item.id)
        for part_id, ids in users.items():
            shown = ", ".join(ctx.label(i) for i in ids[:3]) + (f" and {len(ids) - 3:,} more" if len(ids) > 3 else "")
            yield self.violation(
                f"Part '{part_id}' is not in the catalog ({len(ids):,} used: {shown}); checks skip what they "
                f"would need from it. Add it to a user catalog folder or replace it",
                ids, measured=len(ids), unit="parts",
            )


class BadFile(Rule):
    code = "catalog.bad_file"
    severity = "warning"
    title = "A catalog file that could not be read and was skipped"
    reads = frozenset()  # the catalog, not the design: found once per run, no edit changes it
    scope = "design"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for error in getattr(ctx.catalog, "errors", ()):
            yield self.violation(f"Catalog file skipped: {error}", ())


class WrongKind(Rule):
    code = "catalog.wrong_kind"
    title = "A rack whose part is not a rack, or a rack part placed as a part"
    reads = frozenset({"rack+", "rack.part", "node+", "node.part", "node.parent"})

    def check(self, ctx: Context) -> Iterator[Violation]:
        for rack in ctx.racks:
            part = ctx.catalog.find(rack.part)
            if part is not None and part.kind != "rack":
                yield self.violation(
                    f"{ctx.label(rack.id)} is built from '{rack.part}', a {part.kind} ({part.model}), not a rack; "
                    "its height, power budget and cooling are unknown", (rack.id,))
        for node in ctx.nodes:
            part = ctx.catalog.find(node.part)
            if part is not None and part.kind == "rack":
                yield self.violation(
                    f"{ctx.label(node.id)} is a rack ('{node.part}') placed inside {ctx.label(node.parent)}; "
                    "racks stand on the floor", (node.id,))


class Estimate(Rule):
    code = "catalog.estimate"
    severity = "info"
    title = "A catalog figure used by a check is an estimate"
    reads = frozenset()
    scope = "estimates"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for key in sorted(ctx.estimates):
            yield self.about(ctx.estimates[key])

    def about(self, use: FigureUse, ordered: list[str] | None = None) -> Violation:
        """The violation for one estimated figure and every item checks used it for (ids in natural order;
        `ordered` gives them already in that order)."""
        figure, shown, unit = _describe(use)
        count = len(use.subjects) if ordered is None else len(ordered)
        return self.violation(
            f"{use.part.model}: {figure} {shown} is an estimate (source {use.source}); checks used it for "
            f"{count:,} item{'s' if count != 1 else ''}",
            sorted(use.subjects, key=natural) if ordered is None else ordered, measured=use.value, unit=unit,
        )
