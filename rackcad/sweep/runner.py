"""sweep(): run a grid on a backend and return the table, Pareto-best variants marked."""

from __future__ import annotations

import math
from contextlib import closing

from rackcad._version import package_version
from rackcad.progress import Progress, no_progress
from rackcad.sweep import backends
from rackcad.sweep.grid import Grid, SweepError
from rackcad.sweep.pareto import DEFAULT, DEFAULT_SERVING, Objective, pareto
from rackcad.sweep.table import Table, columns, param_column
from rackcad.sweep.variant import Job


def default_objectives(grid: Grid) -> tuple[Objective, ...]:
    return DEFAULT_SERVING if grid.serving else DEFAULT


def jobs(grid: Grid, workers: int) -> list[Job]:
    """One job per design; when there are fewer designs than workers, each design's analyses are split
    over several jobs (each builds the design again, which costs less than idle workers)."""
    designs = grid.designs()
    analyses = grid.analyses()
    pieces = min(len(analyses), max(1, math.ceil(workers / len(designs))))
    size = math.ceil(len(analyses) / pieces)
    out = []
    for d, params in enumerate(designs):
        for start in range(0, len(analyses), size):
            out.append(Job(d * len(analyses) + start, grid.template, params, analyses[start:start + size]))
    return out


def sweep(grid: Grid, backend: str = "local", *, workers: int | None = None, address: str | None = None,
          objectives: list[Objective] | tuple[Objective, ...] | None = None,
          progress: Progress = no_progress) -> Table:
    """Every variant of `grid` evaluated on `backend` (local process pool or Ray), in grid order.

    `workers`: processes of the local pool (default: this machine's cores), or CPUs of a Ray instance
    started here (ignored with `address`, where the cluster decides). `progress(done, total, label)` is
    called as variants finish and may raise `rackcad.progress.Cancelled` to stop the sweep.

    The local pool starts its workers from a fork server that imports the calling script again: a script
    that calls sweep() keeps it under `if __name__ == "__main__":`, as any multiprocessing program does.
    """
    if backend not in backends.BACKENDS:
        raise SweepError(f"--backend {backend!r}: choose one of {', '.join(backends.BACKENDS)}")
    width = workers or backends.default_workers()
    work = jobs(grid, width)
    total = grid.size
    label = f"sweep {grid.template}"
    progress(0, total, label)
    if backend == "local":
        finished = backends.local(work, width)
    else:
        finished = backends.ray(work, workers, address)
    analyses = grid.analyses()
    designs = grid.designs()
    figures: list[dict | None] = [None] * total
    done = 0
    with closing(finished):
        for result in finished:
            if result.version != package_version():
                raise SweepError(f"the workers run rackcad {result.version}, this is {package_version()}: "
                                 "install the same version where the sweep runs")
            for offset, row in enumerate(result.rows):
                figures[result.first + offset] = row
            done += len(result.rows)
            progress(done, total, label)
    names = columns(grid)
    rows = []
    for i, found in enumerate(figures):
        row = dict.fromkeys(names)
        row.update(variant=i + 1, template=grid.template)
        row.update({param_column(key): value for key, value in designs[i // len(analyses)].items()})
        row.update(analyses[i % len(analyses)])
        row.update(found or {})
        rows.append({name: row[name] for name in names})
    for row, best in zip(rows, pareto(rows, objectives or default_objectives(grid))):
        row["pareto"] = best
    return Table(names, rows)
