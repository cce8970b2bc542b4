"""Run every benchmark module (or those named) and print its figures; `--quick` sets RACKCAD_BENCH_QUICK=1,
which the slow benchmarks read to take shorter runs (`make bench` passes it)."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path


def main(selected: list[str]) -> None:
    here = Path(__file__).parent
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda m: m.name):
        if not info.name.startswith("bench_") or (selected and info.name not in selected):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        print(f"== {info.name}")
        module.run()


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--quick" in args:
        args.remove("--quick")
        os.environ["RACKCAD_BENCH_QUICK"] = "1"
    main(args)
