"""Rule engine: full validation of GB200 NVL72 and NVL576, re-validation after one edit, and how the cost
grows with the number of link records (one Context and its indexes are built per run: O(nodes + links))."""

from __future__ import annotations

from benchmarks.timing import measure
from rackcad import Document, validate
from rackcad.templates import build


def run() -> None:
    designs = {name: build(name) for name in ("gb200-nvl72", "gb200-nvl576")}
    for name, design in designs.items():
        print(f"  {name}: {len(design.nodes):,} nodes, {len(design.links):,} link records")
        measure(f"validate {name}", lambda: validate(design), repeat=7)

    doc = Document(designs["gb200-nvl576"])  # the same design object: edited from here on
    rack = doc.design.racks[0].id
    budgets = iter([140_000.0, 150_000.0] * 10)
    link = next(link for link in doc.design.links if link.medium == "pluggable-optic")
    lengths = iter([12.0, None] * 10)
    measure("gb200-nvl576: doc.set(rack budget) + validate", lambda: (
        doc.set(rack, power_budget_w=next(budgets)), validate(doc.design)), repeat=7)
    measure("gb200-nvl576: doc.set(link length) + validate", lambda: (
        doc.set(link.id, length_m=next(lengths)), validate(doc.design)), repeat=7)

    print("  cost per link record (gb200-nvl576 with 2, 4 and 8 compute racks):")
    for racks in (2, 4, 8):
        design = build("gb200-nvl576", racks=racks, spine_racks=max(racks // 2, 1))
        best = measure(f"validate {racks} racks, {len(design.links):,} link records", lambda: validate(design),
                       repeat=5)
        print(f"    {best * 1e6 / len(design.links):.1f} us per link record")
