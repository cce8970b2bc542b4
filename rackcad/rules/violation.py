"""Violation: one finding of one rule, with the figures behind it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rackcad.model.design import Severity

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
"""Most severe first; reports and the CLI list violations in this order."""


@dataclass(frozen=True)
class Violation:
    """What is wrong, where and by how much.

    `code` is a stable dotted key (family first: `power.rack_budget`); `subjects` are ids of racks, nodes or
    links, so the editor can select them and a waiver can name them. `measured` against `limit` (in `unit`)
    is set whenever a number is involved, so tests and tools never parse `message`. `waived` and
    `waiver_reason` are filled in by the engine from the design's waivers.
    """

    code: str
    severity: Severity
    message: str
    subjects: tuple[str, ...] = ()
    measured: float | None = None
    limit: float | None = None
    unit: str | None = None
    waived: bool = False
    waiver_reason: str | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["subjects"] = list(self.subjects)
        return data
