"""The editor's first frame on GB200 NVL72, as a whole process (imports, catalog, one read of the file,
window, layout, first painted canvas), against `rackcad validate` of the same file measured in the same run.
The checks then run in the background; they are not part of the first frame."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.timing import measure

ROOT = Path(__file__).resolve().parents[1]
NVL72 = ROOT / "examples" / "gb200-nvl72.rackcad"
FIRST_FRAME = """
import sys
from benchmarks.timing import wait_first_paint
from rackcad.cli.common import load_design
from rackcad.gui.app import application
app = application()
from rackcad.gui.main_window import MainWindow
design = load_design(sys.argv[1])
window = MainWindow(restore_layout=False)
window.resize(1600, 1000)
window.open_path(sys.argv[1], interactive=False, design=design)
wait_first_paint(app, window.view.viewport())
window.shutdown()
"""


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache"), "XDG_STATE_HOME": str(Path(tmp) / "state"),
               "XDG_CONFIG_HOME": str(Path(tmp) / "config"), "QT_QPA_PLATFORM": "offscreen"}

        def proc(*argv: str):
            return lambda: subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=False, cwd=ROOT)

        script = Path(sys.executable).parent / "rackcad"
        rackcad = [str(script)] if script.exists() else [sys.executable, "-m", "rackcad"]
        proc(*rackcad, "parts")()  # warm the catalog cache, as on a user's machine after the first run
        floor = measure("rackcad validate gb200-nvl72 (floor)", proc(*rackcad, "validate", str(NVL72)), repeat=5)
        best = measure("editor first frame, gb200-nvl72", proc(sys.executable, "-c", FIRST_FRAME, str(NVL72)),
                       repeat=5)
        print(f"  {'':<52} {best / floor:5.2f} x the floor (goal: at most 1.5 x)")
