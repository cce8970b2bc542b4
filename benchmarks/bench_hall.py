"""A hall of NVL72 racks against one rack, in one run: build, save, load, validate, summary and every export.

For each operation it prints the time on one GB200 NVL72 rack, on the hall, and the hall's time as a ratio to
the rack's (the goal: under 10x for a 1,024-rack hall, cost following what differs, not size), plus
`json.loads` of the same file as a floor, the file size (goal: under 5 MB) and peak memory (goal: under 2 GB):
tracemalloc's peak per operation and the process's peak resident size (ru_maxrss). Each design is measured
in its own subprocess, and each export in its own too (after a warm-up export of one rack, so both sides pay
the same imports), so one's memory never counts against another's.

Every export: BOM (CSV, XLSX), cable schedule (CSV), floor plan, elevation and topology (SVG), draw.io
(elevation, topology) and DXF (floor plan); for each the file sizes, the size ratio and the hall's
throughput in MB/s, and the export's time against a plain atomic write of the same bytes (temporary file,
fsync, rename: what every export ends with) as its I/O floor. The cable schedule has one row per link record
(1,024 x the rows of one rack): its size ratio is its floor, so its time ratio is read against it.

The hall is `rackcad new --template gb200-nvl72 --set racks=N` where the template takes `racks`. Where it
does not, the hall is the rack copied flat, N times (every part and link stored one by one: the baseline
the template's instances are measured against). A flat hall past the file limits (1,000,000 links, 64 MiB:
732 racks) is measured without the save-and-load steps and the exports.

    python -m benchmarks bench_hall                     # 1,024 racks (flat copies: 128, see below)
    python -m benchmarks --quick bench_hall             # no tracemalloc pass (make bench)
    RACKCAD_BENCH_RACKS=256 python -m benchmarks bench_hall
    RACKCAD_BENCH_FLAT_RACKS=1024 python -m benchmarks bench_hall

RACKCAD_BENCH_FLAT_RACKS (default 128) is how many racks a flat hall copies when the template has no
`racks`: a flat 1,024-rack hall takes minutes and gigabytes, which is what the instances are for.
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
import tracemalloc
from collections.abc import Callable
from pathlib import Path

RACKS = int(os.environ.get("RACKCAD_BENCH_RACKS", "1024"))
FLAT_RACKS = int(os.environ.get("RACKCAD_BENCH_FLAT_RACKS", "128"))
RACKS_PER_ROW = 32
RACK_PITCH_MM = 600.0
ROW_PITCH_MM = 2400.0
"""Flat copies stand in rows of 32 racks, front to front across 1.2 m aisles."""
OPERATIONS = ("build", "save", "json.loads", "load", "validate", "summary")
EXPORTS = {
    "bom csv": "bom.csv", "bom xlsx": "bom.xlsx", "cables csv": "cables.csv", "floor svg": "floor.svg",
    "elevation svg": "elevation.svg", "topology svg": "topology.svg", "drawio elevation": "elevation.drawio",
    "drawio topology": "topology.drawio", "dxf floor": "floor.dxf",
}
"""Every export, by the name the table prints, and the file it writes."""
QUICK = os.environ.get("RACKCAD_BENCH_QUICK", "") not in ("", "0")
"""`--quick` (or RACKCAD_BENCH_QUICK=1): no tracemalloc pass (the peaks are resident sizes only); what
`make bench` runs."""
GOAL_RATIO, GOAL_FILE_MB, GOAL_PEAK_GB = 10.0, 5.0, 2.0
WRITE_REPEAT = 3
"""Plain writes of an export's bytes, the best of which is its I/O floor (a shared disk's times vary)."""
BYTES_BOUND = 100
"""A size ratio from which an export is read against its I/O floor and its CPU time (the cable schedule)."""


def template_takes_racks() -> bool:
    from rackcad.templates import get

    return "racks" in get("gb200-nvl72").params


def flat_hall(racks: int):
    """GB200 NVL72 copied `racks` times, every part and link stored one by one, racks in rows on the floor."""
    from rackcad.templates import build

    one = build("gb200-nvl72")
    hall = one.model_copy(deep=True)
    new_racks, nodes, links = [], [], []
    for i in range(racks):
        prefix = f"h{i}-"
        x, y = (i % RACKS_PER_ROW) * RACK_PITCH_MM, (i // RACKS_PER_ROW) * ROW_PITCH_MM
        for rack in one.racks:
            position = rack.position.model_copy(update={"x_mm": rack.position.x_mm + x, "y_mm": rack.position.y_mm + y})
            new_racks.append(rack.model_copy(update={"id": prefix + rack.id, "name": f"{rack.name}-{i + 1}",
                                                     "position": position}))
        for node in one.nodes:
            nodes.append(node.model_copy(update={"id": prefix + node.id, "parent": prefix + node.parent}))
        for link in one.links:
            a = link.a.model_copy(update={"node": prefix + link.a.node})
            b = link.b.model_copy(update={"node": prefix + link.b.node})
            links.append(link.model_copy(update={"id": prefix + link.id, "a": a, "b": b}))
    hall.racks, hall.nodes, hall.links = new_racks, nodes, links
    rows = -(-racks // RACKS_PER_ROW)
    hall.floor = hall.floor.model_copy(update={
        "width_mm": max(hall.floor.width_mm, min(racks, RACKS_PER_ROW) * RACK_PITCH_MM + 4000.0),
        "depth_mm": max(hall.floor.depth_mm, rows * ROW_PITCH_MM + 4000.0)})
    hall.name = f"{one.name} x {racks} (flat copies)"
    return hall


def make(racks: int):
    """(design, how it was made): the template's hall where it takes `racks`, else flat copies."""
    from rackcad.templates import build

    if racks == 1:
        return build("gb200-nvl72"), "template"
    if template_takes_racks():
        return build("gb200-nvl72", racks=racks), "template instances"
    return flat_hall(racks), "flat copies"


def _timed(fn: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """(best time of `repeat` runs, the last run's result)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def _peak(fn: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _export(name: str, design, path: Path) -> None:
    from rackcad.export import export_bom, export_cables, export_diagram
    from rackcad.interop.drawio import write_drawio
    from rackcad.interop.dxf_floor import write_dxf

    if name.startswith("bom"):
        export_bom(design, path)
    elif name == "cables csv":
        export_cables(design, path)
    elif name.startswith("drawio"):
        write_drawio(design, path, name.split()[1])
    elif name == "dxf floor":
        write_dxf(design, path)
    else:
        export_diagram(design, path, view=name.split()[0])


def worker(racks: int, folder: Path) -> dict:
    """Build, save, load, validate and summarise one design, timed (then again under tracemalloc for the
    peaks, unless QUICK); the design is left in `folder/hall.rackcad` for the exports. A dict of figures."""
    import rackcad
    from rackcad.analysis import summary
    from rackcad.files import load, save
    from rackcad.files.format import MAX_FILE_BYTES, MAX_ITEMS

    times: dict[str, float] = {}
    peaks: dict[str, int] = {}
    repeat = 3 if racks == 1 else 1  # one rack's times are short: the best of three
    times["build"], (design, made) = _timed(lambda: make(racks), repeat)
    if design.instances:  # what the hall holds, counted per block
        counted = summary(design, paths=False)
        out: dict = {"racks": counted["racks"], "gpus": counted["counts"].get("gpu", 0),
                     "links": counted["link_records"]}
    else:
        out = {"racks": len(design.racks), "gpus": 72 * racks, "links": len(design.links)}
    out["made"] = made
    path = folder / "hall.rackcad"
    loadable = len(design.links) <= MAX_ITEMS["links"] and len(design.nodes) <= MAX_ITEMS["nodes"]
    # (a hall of instances stores its parts and links once, in the block: far under the limits)
    times["save"], _ = _timed(lambda: save(design, path), repeat)
    out["file_bytes"] = path.stat().st_size
    loadable = loadable and out["file_bytes"] <= MAX_FILE_BYTES
    out["loadable"] = loadable
    text = path.read_text(encoding="utf-8")
    times["json.loads"], _ = _timed(lambda: json.loads(text), repeat)
    del text
    if loadable:
        times["load"], design = _timed(lambda: load(path), repeat)
    steps = {"validate": lambda d: rackcad.validate(d), "summary": lambda d: summary(d)}

    def fresh():
        """The design as a command meets it: just loaded, nothing worked out yet (a hall's per-block
        figures are kept while its blocks are the same objects, so each step gets its own load)."""
        return load(path) if loadable else design

    for name, fn in steps.items():
        loaded = fresh()
        times[name], _ = _timed(lambda: fn(loaded), repeat)
    if not QUICK:
        peaks["save"] = _peak(lambda: save(design, folder / "again.rackcad"))
        if loadable:
            peaks["load"] = _peak(lambda: load(path))
        for name, fn in steps.items():
            loaded = fresh()
            peaks[name] = _peak(lambda: fn(loaded))
    out["times"], out["peaks"] = times, peaks
    out["maxrss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if not loadable:  # the exports load the file: save a flat hall past the limits nowhere
        path.unlink()
    return out


def export_worker(name: str, path: Path, repeat: int) -> dict:
    """One export of the design in `path`, in a fresh interpreter: first of one GB200 NVL72 rack (so both
    sides pay the same imports), then of the design, best of `repeat` runs (each on a fresh load), then
    (unless QUICK) once more under tracemalloc. Time (and the CPU time of the best run), file size, the
    process's peak resident size, and the best of WRITE_REPEAT plain atomic writes of the same bytes."""
    from rackcad.files import load
    from rackcad.files.atomic import write_bytes
    from rackcad.templates import build

    folder = path.parent
    out_path = folder / f"{path.stem}-{EXPORTS[name]}"
    _export(name, build("gb200-nvl72"), folder / f"warm-{EXPORTS[name]}")
    best = cpu = float("inf")
    for _ in range(repeat):
        design = load(path)
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        _export(name, design, out_path)
        seconds = time.perf_counter() - start
        if seconds < best:
            best, cpu = seconds, time.process_time() - start_cpu
    out = {"seconds": best, "cpu_seconds": cpu, "bytes": out_path.stat().st_size}
    if not QUICK:
        design = load(path)
        out["peak"] = _peak(lambda: _export(name, design, out_path))
    out["maxrss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    data = out_path.read_bytes()  # (after the peak: the floor's copy of the file is no export's memory)
    out["write_seconds"] = min(_timed(lambda: write_bytes(folder / f"raw-{EXPORTS[name]}", data))[0]
                               for _ in range(WRITE_REPEAT))
    return out


def _python(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_hall", *args], capture_output=True, text=True,
                          check=False, env={**os.environ, "RACKCAD_BENCH_QUICK": "1" if QUICK else ""})
    if done.returncode:
        raise RuntimeError(f"bench_hall {' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def measure(racks: int, folder: Path) -> dict:
    """`worker(racks)` in a fresh interpreter (its own ru_maxrss), then each export in its own."""
    folder.mkdir()
    out = _python("--worker", str(racks), str(folder))
    out["exports"] = {}
    path = folder / "hall.rackcad"
    if path.exists():
        repeat = "3" if racks == 1 else "1"
        for name in EXPORTS:
            out["exports"][name] = _python("--export", name, str(path), repeat)
    return out


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.0f} ms"


def _mb(n: float) -> str:
    return f"{n / 1e6:,.2f} MB" if n < 1e8 else f"{n / 1e6:,.0f} MB"


def report(one: dict, hall: dict) -> list[str]:
    """The printed tables: each operation and each export on one rack and on the hall, the time ratio, and
    for the exports the size ratio, the hall's throughput and its time against a plain write of the same
    bytes (an export whose size ratio is near its time ratio, or whose time is near the plain write's, is
    bound by the bytes it writes, not by the hall's parts)."""
    n = hall["racks"]
    lines = [f"  one rack: {one['gpus']} GPUs, {one['links']:,} link records; hall: {n:,} racks "
             f"({hall['made']}), {hall['gpus']:,} GPUs, {hall['links']:,} link records"
             + ("  (quick: no tracemalloc peaks)" if QUICK else ""),
             f"  {'operation':<18}{'1 rack':>10}{f'{n:,} racks':>12}{'ratio':>9}{'x json.loads':>14}"
             f"{'peak (hall)':>13}"]
    floor = hall["times"]["json.loads"]
    for op in OPERATIONS:
        a, b = one["times"].get(op), hall["times"].get(op)
        ratio = f"{b / a:,.1f}x" if a and b is not None else "-"
        flag = "" if a is None or b is None or b / a < GOAL_RATIO else "  over goal"
        vs_json = f"{b / floor:,.1f}x" if b is not None and floor else "-"
        peak = hall["peaks"].get(op)
        peak_text = "-" if peak is None else f"{peak / 2**20:,.0f} MiB"
        lines.append(f"  {op:<18}{_ms(a):>10}{_ms(b):>12}{ratio:>9}{vs_json:>14}{peak_text:>13}{flag}")
    if "load" not in hall["times"]:
        lines.append("  (the hall's file is past the load limits: 1,000,000 links / 64 MiB; not loaded, not exported)")
    if hall["exports"]:
        lines.append(f"  {'export':<18}{'1 rack':>10}{f'{n:,} racks':>12}{'ratio':>9}{'file 1 rack':>13}"
                     f"{'file hall':>11}{'size ratio':>12}{'hall MB/s':>11}{'x write':>9}{'peak RSS':>10}")
    for name in EXPORTS:
        a, b = one["exports"].get(name), hall["exports"].get(name)
        if a is None or b is None:
            continue
        ratio = b["seconds"] / a["seconds"]
        sizes = f"{b['bytes'] / a['bytes']:,.0f}x"
        flag = "" if ratio < GOAL_RATIO else "  over goal"
        lines.append(f"  {name:<18}{_ms(a['seconds']):>10}{_ms(b['seconds']):>12}{f'{ratio:,.1f}x':>9}"
                     f"{_mb(a['bytes']):>13}{_mb(b['bytes']):>11}{sizes:>12}"
                     f"{b['bytes'] / 1e6 / b['seconds']:>11,.0f}{b['seconds'] / b['write_seconds']:>8,.1f}x"
                     f"{b['maxrss_bytes'] / 2**30:>9,.2f}G{flag}")
    for name in EXPORTS:
        a, b = one["exports"].get(name), hall["exports"].get(name)
        if a is None or b is None or b["bytes"] < BYTES_BOUND * a["bytes"]:
            continue
        lines.append(f"  {name}: {_mb(b['bytes'])} written; a plain atomic write of the same bytes "
                     f"{_ms(b['write_seconds'])} ({b['bytes'] / 1e6 / b['write_seconds']:,.0f} MB/s, "
                     f"{b['write_seconds'] / a['seconds']:,.1f}x the one-rack export), the export "
                     f"{b['seconds'] / b['write_seconds']:,.1f}x that write; CPU time 1 rack "
                     f"{_ms(a['cpu_seconds'])}, hall {_ms(b['cpu_seconds'])} ({b['cpu_seconds'] / a['cpu_seconds']:,.1f}x)")
    size = hall["file_bytes"] / 1e6
    lines.append(f"  file: 1 rack {one['file_bytes'] / 1e6:,.2f} MB, hall {size:,.1f} MB "
                 f"({'within' if size < GOAL_FILE_MB else 'over'} the {GOAL_FILE_MB:g} MB goal)")
    rss = max([hall["maxrss_bytes"]] + [e["maxrss_bytes"] for e in hall["exports"].values()]) / 2**30
    traced = max([*hall["peaks"].values(), *(e.get("peak", 0) for e in hall["exports"].values()), 0]) / 2**30
    lines.append(f"  peak memory (hall): resident {rss:,.2f} GiB (the largest process), largest traced operation "
                 + ("-" if QUICK else f"{traced:,.2f} GiB")
                 + f" ({'within' if rss < GOAL_PEAK_GB else 'over'} the {GOAL_PEAK_GB:g} GB goal)")
    return lines


def run() -> None:
    racks = RACKS if template_takes_racks() else FLAT_RACKS
    if racks != RACKS:
        print(f"  gb200-nvl72 takes no `racks` yet: the hall is {racks:,} flat copies "
              f"(RACKCAD_BENCH_FLAT_RACKS; the goal is measured on {RACKS:,} instanced racks)")
    with tempfile.TemporaryDirectory() as tmp:
        one = measure(1, Path(tmp) / "one")
        hall = measure(racks, Path(tmp) / "hall")
    for line in report(one, hall):
        print(line)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        print(json.dumps(worker(int(sys.argv[2]), Path(sys.argv[3]))))
    elif len(sys.argv) == 5 and sys.argv[1] == "--export":
        print(json.dumps(export_worker(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))))
    else:
        run()
