"""Rule: the base of every check. One small subclass per check, listed in the engine's registry."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from rackcad.model.design import Severity
from rackcad.rules.context import Context
from rackcad.rules.violation import Violation


NODE = frozenset({"node+", "node.part", "node.parent", "node.u", "node.bay", "node.overrides"})
LINK = frozenset({"link+", "link.a", "link.b", "link.protocol", "link.medium", "link.length_m", "link.count"})
RACK = frozenset({"rack+", "rack.part", "rack.position", "rack.power_budget_w", "rack.liquid_capacity_w",
                  "rack.air_capacity_w", "rack.power_redundancy"})
WIRING = frozenset({"node+", "node.part", "link+", "link.a", "link.b", "link.count"})
"""What ports in use and link ends depend on."""
LOAD = NODE | LINK | frozenset({"rack+", "rack.part", "rack.position", "floor"})
"""What a rack's power and heat depend on (optics follow link lengths, so positions count)."""
LENGTH = frozenset({"node+", "node.parent", "node.u", "link+", "link.a", "link.b", "link.medium", "link.length_m",
                    "rack+", "rack.part", "rack.position", "floor"})


class Rule:
    """A check with a stable `code`, a default `severity` and a one-line `title` (for docs and the GUI).

    `check(ctx)` yields Violations; it reads the shared Context and never changes the design.

    `reads` names what the rule's findings depend on, as the change tokens of rackcad.figures.Delta
    ('node.part', 'link+' for links added or removed, 'rack.position', 'floor', 'rules'); names of items are
    read by every rule (messages name them). `scope` "rack" means the rule checks only what `ctx` scopes and
    yields, per owner, the violations about that owner's items; "design" rules look at the whole design.
    The Checker re-runs a rule only after an edit it reads, and a rack-scoped one only for the owners the
    edit touched.
    """

    code: ClassVar[str]
    severity: ClassVar[Severity] = "error"
    title: ClassVar[str]
    reads: ClassVar[frozenset[str]]
    scope: ClassVar[str] = "rack"
    on_floor: ClassVar[bool] = False
    """Whether findings depend on where racks stand in the hall, not only on distances between parts (a
    hall of instances runs such rules once over every rack; see rackcad.rules.blockwise)."""

    def check(self, ctx: Context) -> Iterator[Violation]:
        raise NotImplementedError

    def violation(
        self,
        message: str,
        subjects: Iterable[str],
        *,
        measured: float | None = None,
        limit: float | None = None,
        unit: str | None = None,
        severity: Severity | None = None,
    ) -> Violation:
        """A Violation of this rule. Messages often start with a label ('rack R1', 'switch chip S3'): a
        leading all-lower-case word is capitalised, a model name such as 'x86 server CPU' is left alone."""
        first = message.split(" ", 1)[0]
        return Violation(
            code=self.code,
            severity=severity or self.severity,
            message=message[:1].upper() + message[1:] if first.isalpha() and first.islower() else message,
            subjects=tuple(subjects),
            measured=measured,
            limit=limit,
            unit=unit,
        )
