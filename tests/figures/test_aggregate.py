"""The aggregated topology of a hall of instances (rackcad.figures.aggregate) against its expanded design.

GB200 NVL72 (`rackcad info`): 72 GPUs, 36 Grace CPUs, 18 NVLink switch chips, 1,368 links per rack. A
compute tray holds 4 GPUs and 2 CPUs; taking one out takes its 72 NVLink links (4 GPUs x 18) and its 4
NVLink-C2C links along: 1,368 - 76 = 1,292.
"""

from __future__ import annotations

import math

from rackcad import Document, templates
from rackcad.figures import Figures
from rackcad.figures.aggregate import hall_aggregate
from rackcad.model import expanded


def test_an_instance_without_a_tray_counts_its_own_parts_and_links_and_the_totals_are_the_expanded_designs():
    doc = Document(templates.build("gb200-nvl72", racks=3))
    doc.remove("I2/T1")
    doc.set("I3/R1", power_budget_w=120_000.0)  # a rack field only: read on the block's stand-in
    aggregate = hall_aggregate(doc.design)
    [item] = aggregate.items
    assert (item.title, item.count) == ("GB200 NVL72 × 3", 3)
    assert (item.kinds["gpu"], item.kinds["cpu"], item.kinds["switch"]) == (3 * 72 - 4, 3 * 36 - 2, 3 * 18)
    assert item.rack_lines == {"I1/R1": ("72 GPUs · 36 CPUs", "1,368 links"),
                               "I2/R1": ("68 GPUs · 34 CPUs", "1,292 links"),
                               "I3/R1": ("72 GPUs · 36 CPUs", "1,368 links")}
    flat = Figures(expanded(doc.design))
    assert item.links == flat.link_count == 3 * 1_368 - 76
    assert math.isclose(item.gbps, math.fsum(f.gbps for f in flat.link_figures.values()), rel_tol=1e-12)


def test_a_design_without_instances_has_no_aggregate():
    assert hall_aggregate(templates.build("gb200-nvl72")) is None
