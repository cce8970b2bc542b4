"""`rackcad sweep` over a SuperPOD grid on each backend, against one variant evaluated in this process (the
floor: build, summary, checks and serving of the smallest design of the grid), measured in the same run.

Grid: gb200-superpod sus=1,2,4 x optics=pluggable,cpo x oversubscription=1,2 x model=deepseek-r1,
llama-3.1-70b = 24 variants (12 designs). The tables of all backends must be byte-identical.
"""

from __future__ import annotations

import importlib.util
import time

from rackcad.sweep import grid, sweep
from rackcad.sweep.variant import evaluate

PARAMS = ["sus=1,2,4", "optics=pluggable,cpo", "oversubscription=1,2"]
SETTINGS = ["model=deepseek-r1,llama-3.1-70b"]


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def run() -> None:
    plan = grid("gb200-superpod", PARAMS, SETTINGS)
    _, floor = _timed(lambda: evaluate("gb200-superpod", {"sus": 1}, plan.analyses()[:1]))
    print(f"  floor: one variant (sus=1, in process) {floor:8.2f} s")
    runs = [("local, 1 worker", "local", 1), ("local, 2 workers", "local", 2)]
    if importlib.util.find_spec("ray") is not None:
        runs.append(("ray, 2 CPUs (local instance, start included)", "ray", 2))
    else:
        print("  ray: not installed (pip install 'rackcad[ray]'), skipped")
    tables = []
    for label, backend, workers in runs:
        table, seconds = _timed(lambda: sweep(plan, backend, workers=workers))
        tables.append(table.jsonl())
        print(f"  {plan.size} variants, {label:<46} {seconds:8.2f} s = {seconds / floor:6.1f}x the floor, "
              f"{seconds / plan.size:6.2f} s per variant")
    print(f"  tables identical across backends: {all(t == tables[0] for t in tables)}")
