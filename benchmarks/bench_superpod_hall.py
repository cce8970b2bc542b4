"""The GB200 SuperPOD hall against one SU, in one run: `gb200-superpod --set sus=128` (1,024 NVL72 racks,
73,728 GPUs, its 3-tier compute fabric) and `sus=1` (8 racks, 576 GPUs).

For each of build, save, load, validate and summary it prints the time at 1 SU, at N SUs and the ratio, plus
`json.loads` of the same file as a floor, the file size and the peak resident memory (ru_maxrss) of each
design's own subprocess. The fabric's switch counts by tier are printed from the design's own nodes (the
hand counts are in tests/templates/test_superpod_hall.py).

    python -m benchmarks bench_superpod_hall
    RACKCAD_BENCH_SUS=32 python -m benchmarks bench_superpod_hall
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.bench_hall import _timed

SUS = int(os.environ.get("RACKCAD_BENCH_SUS", "128"))
OPERATIONS = ("build", "save", "json.loads", "load", "validate", "summary")


def _fresh(fn, load, path, repeat: int):
    """(best time of `fn` on a design just loaded, each run its own load outside the timer: what a command
    meets), the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        design = load(path)
        gc.collect()
        start = time.perf_counter()
        result = fn(design)
        best = min(best, time.perf_counter() - start)
        del design
    return best, result


def worker(sus: int) -> dict:
    import rackcad
    from rackcad.files import load, save
    from rackcad.templates import build

    repeat = 3 if sus == 1 else 1
    times: dict[str, float] = {}
    times["build"], design = _timed(lambda: build("gb200-superpod", sus=sus), repeat)
    switches = Counter(n.name.split("-")[1] for n in design.nodes if n.part.startswith("quantum"))
    parts = sorted({n.part for n in design.nodes if n.part.startswith("quantum")})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hall.rackcad"
        times["save"], _ = _timed(lambda: save(design, path), repeat)
        size = path.stat().st_size
        text = path.read_text(encoding="utf-8")
        times["json.loads"], _ = _timed(lambda: json.loads(text), repeat)
        del text, design
        times["load"], design = _timed(lambda: load(path), repeat)
        del design
        times["validate"], report = _fresh(rackcad.validate, load, path, repeat)
        times["summary"], info = _fresh(rackcad.summary, load, path, repeat)
    return {"sus": sus, "gpus": info["counts"].get("gpu", 0), "racks": info["racks"], "file_bytes": size,
            "errors": len(report.errors), "switches": dict(switches), "switch_parts": parts,
            "scale_out": info["scale_out"]["switches"], "times": times,
            "maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def measure(sus: int) -> dict:
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_superpod_hall", "--worker", str(sus)],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"bench_superpod_hall worker ({sus} SUs) failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def report(one: dict, hall: dict) -> list[str]:
    n = hall["sus"]
    lines = [f"  1 SU: {one['racks']} racks, {one['gpus']:,} GPUs; {n} SUs: {hall['racks']:,} racks, "
             f"{hall['gpus']:,} GPUs; switches {hall['switch_parts']} {hall['switches']} "
             f"(summary: {hall['scale_out']}); errors {one['errors']} / {hall['errors']}",
             f"  {'operation':<12}{'1 SU':>12}{f'{n} SUs':>14}{'ratio':>10}{'x json.loads':>14}"]
    floor = hall["times"]["json.loads"]
    for op in OPERATIONS:
        a, b = one["times"][op], hall["times"][op]
        lines.append(f"  {op:<12}{a * 1000:>9,.0f} ms{b * 1000:>11,.0f} ms{b / a:>9,.1f}x{b / floor:>13,.1f}x")
    lines.append(f"  file: 1 SU {one['file_bytes'] / 1e6:,.2f} MB, {n} SUs {hall['file_bytes'] / 1e6:,.2f} MB "
                 f"({hall['file_bytes'] / one['file_bytes']:,.1f}x)")
    lines.append(f"  peak resident memory: 1 SU {one['maxrss_bytes'] / 2**30:,.2f} GiB, {n} SUs "
                 f"{hall['maxrss_bytes'] / 2**30:,.2f} GiB ({hall['maxrss_bytes'] / one['maxrss_bytes']:,.1f}x)")
    return lines


def run() -> None:
    one = measure(1)
    hall = measure(SUS)
    for line in report(one, hall):
        print(line)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        print(json.dumps(worker(int(sys.argv[2]))))
    else:
        run()
