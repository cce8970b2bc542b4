"""SuperPOD scale: building, saving, loading, validating and summarising gb200-superpod from 1 to 16 scalable
units (576 to 9,216 GPUs), each printed as a ratio to the 1-SU case measured in the same run, and the
optics comparison (`rackcad optics`) at 1 and 4 SUs."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from rackcad import load, save, summary, validate
from rackcad.analysis.cpo import compare
from rackcad.templates import build


def _time(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def run() -> None:
    floor: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for sus in (1, 2, 4, 16):
            t_build, design = _time(lambda: build("gb200-superpod", sus=sus))
            path = Path(tmp) / f"su{sus}.rackcad"
            t_save, _ = _time(lambda: save(design, path))
            t_load, loaded = _time(lambda: load(path))
            t_validate, report = _time(lambda: validate(loaded))
            t_summary, info = _time(lambda: summary(loaded))
            times = {"build": t_build, "save": t_save, "load": t_load, "validate": t_validate, "summary": t_summary}
            if sus == 1:
                floor = dict(times)
            print(f"  {sus:>2} SU: {info['scale_out']['gpus']:,} GPUs, {len(design.nodes):,} nodes, "
                  f"{len(design.links):,} link records, {path.stat().st_size / 1e6:.1f} MB, "
                  f"{len(report.errors)} errors")
            print("        " + "   ".join(f"{k} {v:6.2f} s ({v / floor[k]:5.1f}x)" for k, v in times.items()))
    for sus in (1, 4):
        design = build("gb200-superpod", sus=sus)
        t_compare, out = _time(lambda: compare(design))
        print(f"  optics comparison, {sus} SU: {t_compare:.2f} s; twin/design transceivers "
              f"{out['ratios']['transceivers']:.2f}x, optics power {out['ratios']['optics_power']:.2f}x")
