"""Floor-plan geometry: real footprints, rotation, overlap and hall checks, cross-rack cable runs."""

from __future__ import annotations

import pytest

from rackcad import Document
from rackcad.figures.lengths import link_length_m
from rackcad.layout.floor import floor_layout
from rackcad.model import FloorPosition
from rackcad.topology import DesignIndex


def test_gb200_nvl576_row_and_runs(built):
    design = built("gb200-nvl576")
    layout = floor_layout(design)
    assert (layout.width_mm, layout.depth_mm, layout.grid_mm) == (20_000, 12_000, 600)
    # 12 MGX racks (600 x 1,068 mm, S16) side by side, the row 1,200 mm in from both walls.
    assert [r.polygon[0] for r in layout.racks] == [(1200.0 + 600.0 * i, 1200.0) for i in range(12)]
    assert all((r.w, r.d) == (600, 1068) for r in layout.racks)
    assert layout.overlaps == [] and layout.outside == []
    # Runs: each of 8 compute racks to each of 4 spine racks; 288 x 36 = 10,368 optical links in all.
    assert len(layout.runs) == 32
    assert sum(r.count for r in layout.runs) == 10_368 and sum(r.gbps for r in layout.runs) == 10_368 * 400
    assert all(r.media == {"pluggable-optic": r.count} for r in layout.runs)
    index = DesignIndex(design)
    first = layout.runs[0]
    lengths = [link_length_m(index, link) for link in design.links
               if {index.rack_of[link.a.node], index.rack_of[link.b.node]} == {first.a, first.b}]
    assert (first.min_length_m, first.max_length_m) == (min(lengths), max(lengths))
    assert first.points[0] == layout.by_id[first.a].center and first.points[-1] == layout.by_id[first.b].center
    lanes = [r.points[1][1] for r in layout.runs]
    assert len(set(lanes)) == len(lanes)  # every run on its own lane


def test_rotation_overlap_outside_and_hit_testing():
    doc = Document()
    a = doc.add_rack("rack-42u-air", position=FloorPosition(x_mm=1000, y_mm=1000))
    b = doc.add_rack("rack-42u-air", position=FloorPosition(x_mm=1300, y_mm=1000))  # 300 mm into a
    c = doc.add_rack("rack-42u-air", position=FloorPosition(x_mm=19_800, y_mm=5000))  # past the 20 m wall
    d = doc.add_rack("mgx-nvl72-rack", position=FloorPosition(x_mm=5000, y_mm=5000, rotation_deg=90))
    layout = floor_layout(doc.design, runs=False)
    assert layout.overlaps == [(a, b)] and layout.outside == [c]
    # 90 degrees clockwise (y down) about the front-left corner: the 600 mm front now runs along +y.
    assert layout.by_id[d].polygon == ((5000, 5000), (5000, 5600), (3932, 5600), (3932, 5000))
    assert layout.rack_at(4000, 5300) == d and layout.rack_at(4000, 4000) is None
    assert layout.rack_at(1400, 1500) == b  # the later rack is on top where two overlap
    assert layout.runs == []
    assert layout.by_id[a].center == pytest.approx((1300, 1600))
