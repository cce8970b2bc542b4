"""The rule engine: the registry of every check, and validate().

validate() builds one Context (indexes shared by all rules), runs every rule the design has not disabled,
and collects everything they find; it never stops at the first violation. A rule that crashes becomes an
`engine.rule_failed` error naming the rule and the place, so a bug in one check never hides the others
and never takes the editor down. Then the design's settings apply: severity overrides (by code, or by
family such as "reach") and waivers (KiCad's exclusions), which mark violations waived but keep them.
"""

from __future__ import annotations

import gc
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from rackcad.catalog import Catalog, default_catalog
from rackcad.model import Design
from rackcad.rules import bandwidth, catalog_rules, cooling, domain, fabric, geometry, ports, power, reach
from rackcad.rules.context import Context
from rackcad.rules.report import Report
from rackcad.rules.rule import Rule
from rackcad.rules.violation import SEVERITIES, Violation
from rackcad.topology import DesignIndex

RULES: list[Rule] = [
    ports.PortDangling(),
    ports.PortOvercommitted(),
    ports.ProtocolMismatch(),
    ports.PortsUnconnected(),
    ports.ImpossibleLink(),
    fabric.RateMismatch(),
    fabric.Radix(),
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
    reach.Copper(),
    reach.Optic(),
    fabric.CopperLaneRate(),
    domain.Size(),
    domain.MixedGeneration(),
    domain.HostMissing(),
    catalog_rules.UnknownPart(),
    catalog_rules.WrongKind(),
    catalog_rules.Estimate(),  # last: it reports the estimated figures the rules above used
]

RULE_FAILED = "engine.rule_failed"


def _family_match(code: str, keys) -> str | None:
    """The entry of `keys` naming `code` exactly, else its family ('reach' for 'reach.copper'), else None."""
    if code in keys:
        return code
    family = code.split(".", 1)[0]
    return family if family in keys else None


def _run(rule: Rule, ctx: Context) -> list[Violation]:
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


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for one run, and restore it.

    A run allocates tens of thousands of small tuples (link ends, keys, graph edges) in no reference cycle:
    reference counting frees them all when the run ends. A collection during the run only traverses the
    whole design (over 100,000 objects for GB200 NVL576, tens of milliseconds) and promotes the run's
    temporaries to the oldest generation, so that later edits pay for full collections. Only the thread
    that turned the collector off turns it back on, so concurrent runs never leave it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def validate(design: Design, catalog: Catalog | None = None, index: DesignIndex | None = None) -> Report:
    """Run every enabled rule on `design` and return the Report. Never raises on a loadable design.

    `index` lets a caller that already holds a DesignIndex of this design state (the editor) reuse it.
    """
    with _without_cyclic_gc():
        return _validate(design, catalog, index)


def _validate(design: Design, catalog: Catalog | None, index: DesignIndex | None) -> Report:
    catalog = catalog or (index.catalog if index is not None else default_catalog())
    ctx = Context(design, catalog, index if index is not None else DesignIndex(design, catalog))
    settings = design.rules
    disabled = set(settings.disabled)
    found: list[Violation] = []
    for rule in RULES:
        if _family_match(rule.code, disabled) is None:
            found.extend(_run(rule, ctx))

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
    settled.sort(key=lambda v: SEVERITIES.index(v.severity))
    return Report(tuple(settled))
