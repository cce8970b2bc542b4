"""Design-space sweeps: a grid of template parameters x analysis settings, one row of figures per variant,
Pareto-best variants marked; run on a local process pool or a Ray cluster.

    from rackcad.sweep import grid, sweep
    table = sweep(grid("gb200-superpod", ["sus=1,2", "optics=pluggable,cpo"], ["model=deepseek-r1"]))
    table.write("sweep.jsonl")
"""

from rackcad.sweep.grid import SETTINGS, Grid, SweepError, grid
from rackcad.sweep.pareto import Objective, objectives, pareto
from rackcad.sweep.runner import default_objectives, sweep
from rackcad.sweep.table import Table, columns, numeric_columns, output_format, param_column

__all__ = ["SETTINGS", "Grid", "Objective", "SweepError", "Table", "columns", "default_objectives", "grid",
           "numeric_columns", "objectives", "output_format", "param_column", "pareto", "sweep"]
