"""Pareto-best variants: those no other variant beats on every objective at once.

An objective is a numeric column and a sense: `tokens_per_s_per_mw:max`, `facility_power_w:min`. Variant A
dominates B when A is at least as good on every objective and better on one; the Pareto-best are the
variants nothing dominates (equal ones are all kept). Only sound variants compete: one that failed to
build, has check errors, or lacks an objective's figure (a serving target out of its reach) is never marked.
"""

from __future__ import annotations

from dataclasses import dataclass

from rackcad.sweep.grid import SweepError

SENSES = ("max", "min")


@dataclass(frozen=True)
class Objective:
    column: str
    sense: str  # max or min

    def __str__(self) -> str:
        return f"{self.column}:{self.sense}"

    def score(self, row: dict) -> float | None:
        """The row's figure, signed so that larger is better (None when the row has none)."""
        value = row.get(self.column)
        if value is None or isinstance(value, bool):
            return None
        return float(value) if self.sense == "max" else -float(value)


DEFAULT_SERVING = (Objective("tokens_per_s_per_mw", "max"), Objective("max_tokens_per_s_per_user", "max"),
                   Objective("facility_power_w", "min"))
"""With a model: the most tokens for the energy, the fastest a user is served, the least power."""
DEFAULT = (Objective("scale_out_bisection_gbps", "max"), Objective("facility_power_w", "min"))
"""Without a model: the most scale-out bandwidth for the least power."""


def objectives(items: list[str], numeric: list[str]) -> list[Objective]:
    """`['tokens_per_s_per_mw:max', ...]` checked against the table's numeric columns (SweepError)."""
    out = []
    for item in items:
        column, sep, sense = item.rpartition(":")
        if not sep or sense not in SENSES or not column:
            raise SweepError(f"--objective {item!r}: expected COLUMN:max or COLUMN:min")
        if column not in numeric:
            raise SweepError(f"--objective {item!r}: {column!r} is not a numeric column of this sweep "
                             f"(columns: {', '.join(numeric)})")
        if any(o.column == column for o in out):
            raise SweepError(f"--objective {column}: given twice")
        out.append(Objective(column, sense))
    return out


def eligible(row: dict) -> bool:
    return not row.get("failure") and not row.get("errors")


def pareto(rows: list[dict], goals: list[Objective] | tuple[Objective, ...]) -> list[bool]:
    """For each row, whether it is Pareto-best on `goals` among the eligible rows.

    Candidates are taken best-first in lexicographic order of their scores: a row can only be dominated by
    one before it, and if anything dominates it, something already on the front does, so each candidate is
    compared with the front alone.
    """
    scores: dict[int, tuple[float, ...]] = {}
    for i, row in enumerate(rows):
        values = [goal.score(row) for goal in goals]
        if eligible(row) and all(v is not None for v in values):
            scores[i] = tuple(values)  # type: ignore[arg-type]
    front: list[tuple[float, ...]] = []
    best = [False] * len(rows)
    for i in sorted(scores, key=lambda i: scores[i], reverse=True):
        mine = scores[i]
        if not any(all(f >= m for f, m in zip(other, mine)) and other != mine for other in front):
            front.append(mine)
            best[i] = True
    return best
