"""Summary (with the fabric keys), fabric analysis and the topology and floor layouts on the largest designs."""

from __future__ import annotations

from benchmarks.timing import measure
from rackcad.analysis import design_optics, domain_fabrics, summary
from rackcad.layout import floor_layout, topology_layout
from rackcad.templates import build
from rackcad.units import fmt_gbps


def twin() -> None:
    """The CPO twin the Analysis dock shows, at 2 GB200 SUs, against json.loads of the same design's file.
    Before: `compare(design)` built its own Figures (and walked the switch tiers twice) after the dock had
    built one; now the dock passes its Figures and both sides share one walk; a revision analysed before
    (an undo, a parameter change) comes from the dock's cache and costs nothing here."""
    import json

    from rackcad.analysis.cpo import compare
    from rackcad.figures import Figures
    from rackcad.files.format import dumps

    design = build("gb200-superpod", sus=2)
    text = dumps(design)
    floor = measure("floor: json.loads of the 2-SU file", lambda: json.loads(text), repeat=3)
    figures = Figures(design)
    before = measure("twin 2 SUs, own Figures build (before)", lambda: compare(design), repeat=3)
    after = measure("twin 2 SUs, the dock's Figures (now)", lambda: compare(design, figures), repeat=3)
    print(f"  twin: before {before / floor:.1f}x json.loads, now {after / floor:.1f}x ({before / after:.2f}x faster)")


def run() -> None:
    twin()
    for name in ("gb200-nvl72", "gb200-nvl576"):
        design = build(name)
        info = summary(design)
        top = info["domains"][0]
        print(f"  {name}: {len(design.links):,} link records; largest domain {top['size']} GPUs, {top['tiers']} "
              f"tier(s); bisection {fmt_gbps(info['bisection_gbps'])}, all-to-all "
              f"{fmt_gbps(info['alltoall_gbps_per_gpu'])} per GPU")
        measure(f"summary {name}", lambda: summary(design), repeat=5)
        measure(f"domain_fabrics {name}", lambda: domain_fabrics(design), repeat=5)
        measure(f"design_optics {name}", lambda: design_optics(design), repeat=5)
        layout = topology_layout(design)
        print(f"  topology: {len(layout.nodes):,} boxes, {len(layout.edges):,} "
              f"{'bundles' if layout.bundled else 'edges'}, {layout.width_mm:,.0f} x {layout.height_mm:,.0f} mm")
        measure(f"topology_layout {name}", lambda: topology_layout(design), repeat=5)
        measure(f"floor_layout {name}", lambda: floor_layout(design), repeat=5)
