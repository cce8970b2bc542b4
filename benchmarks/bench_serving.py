"""The serving search (layouts x batch sizes, Pareto frontier) per design, against the design's own fabric
analysis, which it needs first."""

from __future__ import annotations

from benchmarks.timing import measure
from rackcad.analysis import domain_fabrics
from rackcad.analysis.serving import serving
from rackcad.figures import Figures
from rackcad.templates import build


def run() -> None:
    for name in ("mesh-4gpu", "hgx-b200-8gpu", "gb200-nvl72", "gb200-nvl576"):
        design = build(name)
        figures = Figures(design)
        fabrics = domain_fabrics(design, index=figures)
        result = serving(design, "deepseek-r1", "fp4", index=figures, fabrics=fabrics)
        print(f"  {name}: {len(result.frontier)} frontier points, up to {result.max_interactivity:,.0f} "
              "tokens/s per user")
        measure(f"domain_fabrics {name}", lambda: domain_fabrics(design, index=figures), repeat=3)
        measure(f"serving deepseek-r1 fp4 {name}",
                lambda: serving(design, "deepseek-r1", "fp4", index=figures, fabrics=fabrics), repeat=3)
