"""Export times for GB200 NVL576 (12 racks, 13,248 link records): BOM, cable schedule, every diagram."""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path

from benchmarks.timing import measure
from rackcad.export import export_bom, export_cables, export_diagram
from rackcad.export.raster import ensure_app
from rackcad.templates import build


def run() -> None:
    design = build("gb200-nvl576")
    ensure_app()  # Qt start-up once, outside the timings
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        jobs = [(f"bom {suffix}", f"bom.{suffix}", lambda p: export_bom(design, p), 3 if suffix != "xlsx" else 2)
                for suffix in ("csv", "json", "xlsx")]
        jobs.append(("cables csv", "cables.csv", lambda p: export_cables(design, p), 3))
        for view in ("elevation", "topology", "floor"):
            for suffix in ("svg", "png", "pdf"):
                jobs.append((f"diagram {view} {suffix}", f"{view}.{suffix}",
                             lambda p, v=view: export_diagram(design, p, view=v), 3))
        for label, name, job, repeat in jobs:
            path = out / name
            measure(f"gb200-nvl576 {label}", partial(job, path), repeat=repeat)
            print(f"  {'':<52} {path.stat().st_size / 1024:,.0f} KiB")
