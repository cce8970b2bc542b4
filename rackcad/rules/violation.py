"""Violation: one finding of one rule, with the figures behind it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache

from rackcad.model.design import Severity

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
"""Most severe first; reports and the CLI list violations in this order."""

_DIGITS = re.compile(r"(\d+)")


@lru_cache(maxsize=1 << 16)
def natural(item_id: str) -> tuple:
    """Sort key that puts G2 before G10 (parts alternate text and numbers, so keys always compare)."""
    return tuple(int(part) if i % 2 else part for i, part in enumerate(_DIGITS.split(item_id)))


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
