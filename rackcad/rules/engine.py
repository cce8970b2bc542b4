"""The rule engine: the registry of every check, and validate().

validate() builds the design's Figures and one Context over them, runs every rule the design has not disabled,
and collects everything they find; it never stops at the first violation. A rule that crashes becomes an
`engine.rule_failed` error naming the rule and the place, so a bug in one check never hides the others
and never takes the editor down. Then the design's settings apply: severity overrides (by code, or by
family such as "reach") and waivers (KiCad's exclusions), which mark violations waived but keep them.
"""

from __future__ import annotations

import traceback
from dataclasses import replace
from pathlib import Path

from rackcad.catalog import Catalog
from rackcad.model import Design
from rackcad.rules import (bandwidth, catalog_rules, cooling, domain, fabric, geometry, hall, latency, ports, power,
                           reach)
from rackcad.rules.blockwise import validate_blocks
from rackcad.rules.context import Context
from rackcad.rules.report import Report
from rackcad.rules.rule import Rule
from rackcad.figures import Figures
from rackcad.memory import without_cyclic_gc
from rackcad.progress import Progress, no_progress
from rackcad.rules.violation import SEVERITIES, Violation, natural
from rackcad.topology import DesignIndex

RULES: list[Rule] = [
    ports.PortDangling(),
    ports.PortOvercommitted(),
    ports.ProtocolMismatch(),
    ports.PortsUnconnected(),
    ports.ImpossibleLink(),
    fabric.RateMismatch(),
    fabric.Radix(),
    fabric.BreakoutUnsupported(),
    fabric.BreakoutOverfull(),
    fabric.BreakoutMixed(),
    fabric.CpoMedium(),
    fabric.Rails(),
    power.RackBudget(),
    power.ShelfRedundancy(),
    cooling.LiquidCapacity(),
    cooling.AirCapacity(),
    cooling.CoolantFlow(),
    cooling.CduCapacity(),
    bandwidth.ScaleUp(),
    bandwidth.Oversubscription(),
    geometry.Overlap(),
    geometry.OutOfRack(),
    geometry.Bay(),
    geometry.Orphan(),
    geometry.FloorOverlap(),
    geometry.OffFloor(),
    geometry.KeepOut(),
    latency.UnknownHall(),
    hall.HotAisleFront(),
    hall.AisleWidth(),
    hall.RowSlot(),
    hall.TrayFill(),
    reach.Copper(),
    reach.Optic(),
    latency.Budget(),
    fabric.CopperLaneRate(),
    domain.Size(),
    domain.MixedGeneration(),
    domain.HostMissing(),
    catalog_rules.UnknownPart(),
    catalog_rules.WrongKind(),
    catalog_rules.BadFile(),
    catalog_rules.Estimate(),  # last: it reports the estimated figures the rules above used
]

RULE_FAILED = "engine.rule_failed"


def _family_match(code: str, keys) -> str | None:
    """The entry of `keys` naming `code` exactly, else its family ('reach' for 'reach.copper'), else None."""
    if code in keys:
        return code
    family = code.split(".", 1)[0]
    return family if family in keys else None


def run_rule(rule: Rule, ctx: Context) -> list[Violation]:
    """Everything `rule` finds in `ctx`; a crash becomes one `engine.rule_failed` error."""
    found: list[Violation] = []
    try:
        found.extend(rule.check(ctx))
    except Exception as exc:  # a bug in one rule must not hide the others: report it as an error
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        found.append(Violation(
            code=RULE_FAILED,
            severity="error",
            message=f"Rule {rule.code} failed ({type(exc).__name__}: {exc} at {Path(frame.filename).name}:"
                    f"{frame.lineno}); its findings may be incomplete, the other rules ran. Please report this bug",
            subjects=(),
        ))
    return found


def validate(design: Design, catalog: Catalog | None = None, index: DesignIndex | None = None,
             progress: Progress | None = None) -> Report:
    """Run every enabled rule on `design` and return the Report. Never raises on a loadable design.

    `index` lets a caller that already holds the Figures of this design state (the editor) reuse them.
    `progress` hears of the figures, then of each rule as it starts (it may raise Cancelled between rules).
    A design with instances is checked per block (`rackcad.rules.blockwise`; `progress` hears of each
    piece), unless `index` holds its expanded figures already.
    """
    progress = progress or no_progress
    with without_cyclic_gc():
        rules = active_rules(design)
        if design.instances and not (isinstance(index, Figures) and index.source is design and index.design is not design):
            report = validate_blocks(design, catalog or (index.catalog if index is not None else None),
                                     rules, run_rule, settle, progress)
            if report is not None:
                return report
        progress(0, len(rules) + 1, "checking: deriving figures")
        figures = Figures.of(design, index, catalog)
        design = figures.design
        ctx = Context(design, figures.catalog, figures)
        found: list[Violation] = []
        for i, rule in enumerate(rules, start=1):
            progress(i, len(rules) + 1, f"checking: {rule.code}")
            found.extend(run_rule(rule, ctx))
        progress(len(rules) + 1, len(rules) + 1, "checked")
        return settle(found, design)


def active_rules(design: Design) -> list[Rule]:
    """The rules the design has not disabled (by code or family), in registry order."""
    disabled = set(design.rules.disabled)
    return [rule for rule in RULES if _family_match(rule.code, disabled) is None]


_ORDER = {rule.code: i for i, rule in enumerate(RULES)}


def order_key(violation: Violation) -> tuple:
    """Reports list violations most severe first, then in registry order, then by subjects (natural order)
    and message: an order that does not depend on how the design's lists are ordered, so an incremental
    check and a full run agree."""
    return (SEVERITIES.index(violation.severity), _ORDER.get(violation.code, len(_ORDER)),
            _NaturalIds(violation.subjects), violation.message)


class _NaturalIds:
    """Subjects compared as the tuple of their natural keys would compare, each key computed only when the
    comparison reaches it: a finding about 70,000 parts is ordered by its first ids, not all of them."""

    __slots__ = ("ids", "keys")

    def __init__(self, ids: tuple[str, ...]):
        self.ids = ids
        self.keys: list[tuple] = []

    def key(self, i: int) -> tuple:
        while len(self.keys) <= i:
            self.keys.append(natural(self.ids[len(self.keys)]))
        return self.keys[i]

    def _first_difference(self, other: "_NaturalIds") -> int:
        n = min(len(self.ids), len(other.ids))
        i = 0
        while i < n and (self.ids[i] == other.ids[i] or self.key(i) == other.key(i)):
            i += 1
        return i

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _NaturalIds):
            return NotImplemented
        return len(self.ids) == len(other.ids) and self._first_difference(other) == len(self.ids)

    def __lt__(self, other: "_NaturalIds") -> bool:
        i = self._first_difference(other)
        if i == min(len(self.ids), len(other.ids)):
            return len(self.ids) < len(other.ids)
        return self.key(i) < other.key(i)

    __hash__ = None  # type: ignore[assignment]


def settle(found: list[Violation], design: Design) -> Report:
    """Apply the design's severity overrides and waivers to the rules' findings, and order them."""
    settings = design.rules
    waivers: dict[str, list[tuple[frozenset[str], str]]] = {}
    for waiver in design.waivers:
        waivers.setdefault(waiver.code, []).append((frozenset(waiver.subjects), waiver.reason))
    settled = []
    for violation in found:
        override = _family_match(violation.code, settings.severity)
        if override is not None:
            violation = replace(violation, severity=settings.severity[override])
        for subjects, reason in waivers.get(violation.code, ()):
            if not subjects or subjects.issuperset(violation.subjects):
                violation = replace(violation, waived=True, waiver_reason=reason)
                break
        settled.append(violation)
    settled.sort(key=order_key)
    return Report(tuple(settled))
