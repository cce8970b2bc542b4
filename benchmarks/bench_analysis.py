"""Summary (with the fabric keys), fabric analysis and the topology and floor layouts on the largest designs."""

from __future__ import annotations

from benchmarks.timing import measure
from rackcad.analysis import design_optics, domain_fabrics, summary
from rackcad.layout import floor_layout, topology_layout
from rackcad.templates import build
from rackcad.units import fmt_gbps


def run() -> None:
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
