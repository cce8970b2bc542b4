"""CLI start-up as whole processes: `rackcad --version`, `parts` (cold and warm catalog cache) and
`validate` of GB200 NVL72, each against `python -c pass` measured in the same run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.timing import measure

ROOT = Path(__file__).resolve().parents[1]
NVL72 = ROOT / "examples" / "gb200-nvl72.rackcad"


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        env = {**os.environ, "XDG_CACHE_HOME": str(cache), "XDG_STATE_HOME": str(Path(tmp) / "state"),
               "QT_QPA_PLATFORM": "offscreen"}

        def proc(*argv: str):
            return lambda: subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=False)

        script = Path(sys.executable).parent / "rackcad"  # the installed entry point, as a user runs it
        rackcad = [str(script)] if script.exists() else [sys.executable, "-m", "rackcad"]
        floor = measure("python -c pass (floor)", proc(sys.executable, "-c", "pass"), repeat=7)
        cases = [("rackcad --version", proc(*rackcad, "--version"), None),
                 ("rackcad parts (cold catalog cache)", proc(*rackcad, "parts"), lambda: shutil.rmtree(cache, True)),
                 ("rackcad parts (warm catalog cache)", proc(*rackcad, "parts"), None),
                 ("rackcad validate gb200-nvl72", proc(*rackcad, "validate", str(NVL72)), None)]
        for label, fn, before in cases:
            if before is None:
                best = measure(label, fn, repeat=7)
            else:
                def cold(fn=fn, before=before):
                    before()
                    fn()
                best = measure(label, cold, repeat=5)
            print(f"  {'':<52} {best / floor:5.1f} x the floor")
