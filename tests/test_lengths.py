"""Cable lengths from positions, checked by hand."""

from __future__ import annotations

import pytest

from rackcad import Document
from rackcad.figures.lengths import OVERHEAD_TRAY_M, link_length_m
from rackcad.topology import DesignIndex


def test_in_rack_cross_rack_and_override():
    doc = Document()
    r1 = doc.add_rack("mgx-nvl72-rack", name="R1")  # 600 mm wide, 2,236 mm tall, at x = 0
    r2 = doc.add_rack("mgx-nvl72-rack", name="R2")  # next to it: x = 600 mm
    t1 = doc.place("nvlink5-switch-tray", r1, u=5)
    t2 = doc.place("nvlink5-switch-tray", r1, u=25)
    t3 = doc.place("nvlink5-switch-tray", r2, u=25)
    chips = [doc.place("nvlink5-switch", t, bay=0) for t in (t1, t2, t3)]
    inside = doc.connect(chips[0], chips[1], protocol="nvlink5")
    across = doc.connect(chips[1], chips[2], protocol="nvlink5", medium="pluggable-optic")
    fixed = doc.connect(chips[0], chips[2], protocol="nvlink5", length_m=7.5)
    index = DesignIndex(doc.design)
    # 20 U x 44.45 mm + half of a 600 mm rack + 0.5 m slack
    assert link_length_m(index, index.links[inside]) == pytest.approx(0.889 + 0.3 + 0.5)
    # each end climbs 2.236 - 24 x 0.04445 m + 0.6 m tray; 0.6 m across; + 0.5 m slack
    climb = 2.236 - 24 * 0.04445 + OVERHEAD_TRAY_M
    assert link_length_m(index, index.links[across]) == pytest.approx(2 * climb + 0.6 + 0.5)
    assert link_length_m(index, index.links[fixed]) == 7.5


def test_rotated_rack_measures_from_its_turned_front_edge():
    from rackcad.model import FloorPosition

    doc = Document()
    r1 = doc.add_rack("mgx-nvl72-rack", position=FloorPosition(x_mm=1000, y_mm=1000))
    # turned 90 degrees clockwise about (4,000, 1,000): its 600 mm front edge now runs down the y axis
    r2 = doc.add_rack("mgx-nvl72-rack", position=FloorPosition(x_mm=4000, y_mm=1000, rotation_deg=90))
    chips = []
    for rack in (r1, r2):
        tray = doc.place("nvlink5-switch-tray", rack, u=48)
        chips.append(doc.place("nvlink5-switch", tray, bay=0))
    link = doc.connect(chips[0], chips[1], protocol="nvlink5", medium="pluggable-optic")
    index = DesignIndex(doc.design)
    # front centres (1.3, 1.0) and (4.0, 1.3): Manhattan 2.7 + 0.3 = 3.0 m; each end climbs from U48
    climb = 2.236 - 47 * 0.04445 + OVERHEAD_TRAY_M
    assert link_length_m(index, index.links[link]) == pytest.approx(2 * climb + 3.0 + 0.5)
