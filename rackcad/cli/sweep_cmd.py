"""`rackcad sweep TEMPLATE --grid k=v1,v2 ... [--analysis k=v1,v2 ...] [--backend local|ray] -o OUT.jsonl|OUT.csv`.

Builds every variant of the grid (template parameters x analysis settings), writes one row of figures per
variant (`rackcad.sweep`) and lists the Pareto-best. A progress bar goes to stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import os
import time

from rackcad.cli.common import EXIT_OK, CliError, number, progress_bar

SHOWN = 12
"""Pareto-best variants listed on stdout (all are marked in the table)."""


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="design-space sweep: figures of every variant of a template grid",
                       description="Build every combination of template parameters (--grid) and analysis "
                                   "settings (--analysis), write one row of figures per variant (JSON lines "
                                   "or CSV, by the output's suffix) and mark the Pareto-best.")
    p.add_argument("template", help="template name (see `rackcad templates`)")
    p.add_argument("--grid", nargs="+", action="extend", default=[], metavar="KEY=V1,V2",
                   help="template parameter and the values to sweep (see `rackcad templates`)")
    p.add_argument("--analysis", nargs="+", action="extend", default=[], metavar="KEY=V1,V2",
                   help="analysis setting and its values: model, precision (fp4|fp8|bf16), isl, osl, "
                        "target (tokens/s per user, default 50), site_mw")
    p.add_argument("--objective", action="append", default=[], metavar="COLUMN:max|min",
                   help="a Pareto objective (repeat for more; default with a model: tokens_per_s_per_mw:max "
                        "max_tokens_per_s_per_user:max facility_power_w:min, without: "
                        "scale_out_bisection_gbps:max facility_power_w:min)")
    p.add_argument("--backend", choices=("local", "ray"), default="local",
                   help="local process pool (default) or a Ray cluster (pip install 'rackcad[ray]')")
    p.add_argument("--address", metavar="ADDR", help="Ray cluster address (default: start Ray on this machine)")
    p.add_argument("--workers", type=number(1, 4096, integer=True), metavar="N",
                   help="processes of the local pool, or CPUs of a Ray instance started here (default: this "
                        "machine's cores; a cluster at --address decides for itself)")
    p.add_argument("-o", "--output", required=True, help="the table to write: OUT.jsonl or OUT.csv")
    p.set_defaults(func=cmd_sweep)


def cmd_sweep(args) -> int:
    from rackcad.sweep import (SweepError, default_objectives, grid, numeric_columns, objectives, output_format,
                               param_column, sweep)

    if args.address and args.backend != "ray":
        raise CliError("--address names a Ray cluster: use it with --backend ray")
    try:
        output_format(args.output)
        folder = os.path.dirname(os.path.abspath(args.output))
        if not os.path.isdir(folder):
            raise CliError(f"{args.output}: the folder {folder} does not exist")
        plan = grid(args.template, args.grid, args.analysis)
        goals = objectives(args.objective, numeric_columns(plan)) or list(default_objectives(plan))
        started = time.perf_counter()
        with progress_bar() as progress:
            table = sweep(plan, args.backend, workers=args.workers, address=args.address, objectives=goals,
                          progress=progress)
        elapsed = time.perf_counter() - started
    except SweepError as exc:
        raise CliError(str(exc)) from None
    table.write(args.output)
    best = [row for row in table.rows if row["pareto"]]
    failed = sum(1 for row in table.rows if row["failure"])
    on = f"{args.backend}" + (f", {args.workers} workers" if args.workers else "")
    print(f"wrote {args.output}: {len(table.rows):,} variants in {elapsed:,.1f} s ({on}); "
          f"{len(best)} Pareto-best on {', '.join(map(str, goals))}"
          + (f"; {failed} could not be built" if failed else ""))
    swept = [(key, param_column(key)) for key, values in plan.params if len(values) > 1]
    swept += [(key, key) for key, values in plan.settings if len(values) > 1]
    for row in best[:SHOWN]:
        where = " ".join(f"{key}={row[column]}" for key, column in swept) or "the only variant"
        figures = ", ".join(f"{g.column} {_figure(row[g.column])}" for g in goals)
        print(f"  {row['variant']:>4}  {where}: {figures}")
    if len(best) > SHOWN:
        print(f"  ... and {len(best) - SHOWN} more (the pareto column of {args.output})")
    return EXIT_OK


def _figure(value) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
