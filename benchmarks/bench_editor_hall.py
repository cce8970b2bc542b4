"""The editor's first frame on a hall of 1,024 GB200 NVL72 racks against one NVL72 rack, in one run.

Each case runs in a fresh process (the catalog cache warm, as on a user's machine): from reading the file to
the first painted canvas of a MainWindow (load, window, figures, canvases, first paint), then the checks,
which the editor runs after the first frame, then a click's worth of work: select the last rack (its
elevation), delete a tray of it (an override of its instance, checked), undo; then show the topology tab
(per block and fabric tier), the charts dock and the site plan, none of which expands the hall. The json.loads of the same
file is printed as the floor. The hall is `rackcad new --template gb200-nvl72 --set
racks=1024`; where that template cannot build it, the NVL72 example rack copied 1,024 times (flat, every part
and link stored), built in memory before the clock starts, since such a file is beyond what `load` reads.
Goal: the hall's first frame within 3 x the one-rack figure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NVL72 = ROOT / "examples" / "gb200-nvl72.rackcad"
RACKS = 1024
FIRST_FRAME = """
import json, sys, time
from benchmarks.timing import wait_first_paint
from rackcad.gui.app import application
app = application()
from rackcad.files import load
from rackcad.gui.main_window import MainWindow
source = sys.argv[1]
design = None
if source.startswith("flat:"):
    from benchmarks.halls import flat_hall
    design = flat_hall(int(source[5:]))
start = time.perf_counter()
if design is None:
    design = load(source)
loaded = time.perf_counter()
window = MainWindow(restore_layout=False)
window.resize(1600, 1000)
window.open_path(source, interactive=False, design=design)
opened = time.perf_counter()
wait_first_paint(app, window.view.viewport())
frame = time.perf_counter()
window.wait_for_checks()
checked = time.perf_counter()
rack = window.index.design.racks[-1].id
window.select([rack])  # the last rack: at hall scale its instance is expanded now, for the elevation
app.processEvents()
selected = time.perf_counter()
tray = next(n.id for n in window.doc.children(rack) if window.doc.part_of(n.id).bays)
window.doc.remove(tray)  # an instance's tray: an override of that instance, checked at once
app.processEvents()
edited = time.perf_counter()
window.doc.undo()
app.processEvents()
undone = time.perf_counter()
window.show_tab("topology")  # a hall's topology per block and fabric tier, never expanded
wait_first_paint(app, window.topology_view.viewport())
topology = time.perf_counter()
window.raise_dock("charts")  # the charts per class of instances
app.processEvents()
charts = time.perf_counter()
window.show_tab("site")
app.processEvents()
site = time.perf_counter()
floor = float("inf")
if not source.startswith("flat:"):
    for _ in range(5):
        t = time.perf_counter()
        json.loads(open(source, encoding="utf-8").read())
        floor = min(floor, time.perf_counter() - t)
print(json.dumps({"load": loaded - start, "open": opened - loaded, "paint": frame - opened,
                  "first_frame": frame - start, "checks": checked - frame, "select": selected - checked,
                  "edit": edited - selected, "undo": undone - edited, "topology": topology - undone,
                  "charts": charts - topology, "site": site - charts, "json": floor,
                  "racks": len(window.index.design.racks), "errors": len(window.checker.report.errors),
                  "expanded": sorted(getattr(window.index, "opened", ()))}))
window.shutdown()
"""


def _first_frame(source: str, env: dict) -> dict:
    done = subprocess.run([sys.executable, "-c", FIRST_FRAME, source], env=env, capture_output=True, text=True,
                          check=False, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"first frame of {source} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _hall(tmp: Path, env: dict) -> tuple[str, str]:
    """(source for the script, what it is): the template's hall file, else the flat copy built in memory."""
    path = tmp / f"hall-{RACKS}.rackcad"
    made = subprocess.run([sys.executable, "-m", "rackcad", "new", "--template", "gb200-nvl72", "--set",
                           f"racks={RACKS}", "-o", str(path)], env=env, capture_output=True, text=True, check=False)
    if made.returncode == 0 and path.exists():
        return str(path), f"template gb200-nvl72 racks={RACKS}, {path.stat().st_size / 2**20:.1f} MiB file"
    return f"flat:{RACKS}", f"{RACKS} flat copies of the NVL72 rack, in memory (no template with racks=N)"


def _row(label: str, figures: dict) -> None:
    print(f"  {label:<34} first frame {figures['first_frame'] * 1000:8.0f} ms  (load {figures['load'] * 1000:6.0f}, "
          f"open {figures['open'] * 1000:6.0f}, paint {figures['paint'] * 1000:5.0f})  then checks "
          f"{figures['checks'] * 1000:7.0f} ms")
    print(f"  {'':<34} select a rack {figures['select'] * 1000:6.0f} ms, delete a tray {figures['edit'] * 1000:6.0f} ms, "
          f"undo {figures['undo'] * 1000:6.0f} ms (checks included)")
    print(f"  {'':<34} show the topology tab {figures['topology'] * 1000:6.0f} ms, the charts "
          f"{figures['charts'] * 1000:6.0f} ms, the site plan {figures['site'] * 1000:6.0f} ms")


def run(repeat: int = 3) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache"), "XDG_STATE_HOME": str(tmp / "state"),
               "XDG_CONFIG_HOME": str(tmp / "config"), "QT_QPA_PLATFORM": "offscreen",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))}
        subprocess.run([sys.executable, "-m", "rackcad", "parts"], env=env, stdout=subprocess.DEVNULL, check=False)
        source, what = _hall(tmp, env)
        ones, halls = [], []
        for _ in range(repeat):  # in turn, so that a busy moment of the machine falls on both alike
            ones.append(_first_frame(str(NVL72), env))
            halls.append(_first_frame(source, env))
        one = min(ones, key=lambda f: f["first_frame"])
        hall = min(halls, key=lambda f: f["first_frame"])
        _row("one GB200 NVL72 rack", one)
        _row(f"hall of {hall['racks']:,} racks", hall)
        print(f"  hall: {what}")
        ratio = hall["first_frame"] / one["first_frame"]
        print(f"  {'':<34} {ratio:6.2f} x the one-rack first frame (goal: at most 3 x)")
        if hall["json"] != float("inf"):
            print(f"  {'':<34} {hall['first_frame'] / hall['json']:6.1f} x json.loads of the hall file "
                  f"({hall['json'] * 1000:.1f} ms; one rack's file {one['json'] * 1000:.1f} ms)")
        for key, what in (("topology", "topology tab"), ("charts", "charts")):
            print(f"  {'':<34} {hall[key] / one[key]:6.2f} x the one-rack {what}")
        print(f"  {'':<34} instances expanded at the end: {len(hall['expanded']):,} of {hall['racks']:,}")


if __name__ == "__main__":
    run()
