"""Build, save and load the largest templates."""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.timing import measure
from rackcad.files import load, save
from rackcad.templates import build


def run() -> None:
    for name in ("gb200-nvl72", "gb200-nvl576", "kyber-nvl576"):
        design = build(name)
        print(f"  {name}: {len(design.racks)} racks, {len(design.nodes):,} nodes, {len(design.links):,} link records")
        measure(f"build {name}", lambda: build(name), repeat=3)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "d.rackcad"
            measure(f"save {name}", lambda: save(design, path), repeat=3)
            print(f"  file size: {path.stat().st_size / 1024:,.0f} KiB")
            measure(f"load {name}", lambda: load(path), repeat=3)
