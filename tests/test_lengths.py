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


def test_between_buildings_routes_each_end_through_its_halls_trays_to_the_exit():
    """Each end's in-building run is the tray route to the hall's fibre exit where the hall has trays, the
    straight climb + Manhattan run where it has none; the building-to-building fibre sits between them."""
    from rackcad.model import Building, FibreRoute, FloorPlan, FloorPosition, Hall, Site, Tray

    doc = Document()
    # hall A1: a U-shaped tray from R1's front centre (3.3 m, 2.0 m) out to y = 6 m, across to x = 0 and
    # back up to the exit at the hall's corner: 4 + 3.3 + 6 = 13.3 m of tray (Manhattan would be 5.3 m)
    tray = Tray(id="T1", points=[[3300.0, 2000.0], [3300.0, 6000.0], [0.0, 6000.0], [0.0, 0.0]])
    doc.set_design(site=Site(
        buildings=[Building(id="A", halls=[Hall(id="A1", entrance_m=50.0,
                                               floor=FloorPlan(width_mm=10_000, depth_mm=10_000, trays=[tray]))]),
                   Building(id="B", x_km=2.0, halls=[Hall(id="B1", entrance_m=50.0)])],
        routes=[FibreRoute(a="A", b="B", length_km=2.0)]))
    r1 = doc.add_rack("mgx-nvl72-rack", name="R1")
    r2 = doc.add_rack("mgx-nvl72-rack", name="R2")
    doc.set(r1, position=FloorPosition(x_mm=3000.0, y_mm=2000.0, hall="A1"))
    doc.set(r2, position=FloorPosition(x_mm=1000.0, y_mm=1000.0, hall="B1"))  # front centre (1.3 m, 1.0 m)
    chips = [doc.place("nvlink5-switch", doc.place("nvlink5-switch-tray", r, u=25), bay=0) for r in (r1, r2)]
    link = doc.connect(chips[0], chips[1], protocol="nvlink5", medium="pluggable-optic")
    index = DesignIndex(doc.design)
    climb = 2.236 - 24 * 0.04445 + OVERHEAD_TRAY_M  # port at U25 up to 600 mm above the rack top
    end_a = climb + 13.3 + 50.0  # routed: drop + trays to the exit + entrance
    end_b = climb + 1.3 + 1.0 + 50.0  # no trays in B1: climb + Manhattan to (0, 0) + entrance
    assert link_length_m(index, index.links[link]) == pytest.approx(end_a + 2000.0 + end_b + 0.5)
