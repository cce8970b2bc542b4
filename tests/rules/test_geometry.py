"""Geometry rules: U overlaps, rack height, bays, missing containers, floor plan (shapely areas by hand)."""

from __future__ import annotations

import pytest

from rackcad import Document, validate
from tests.rules import make_broken
from tests.rules.conftest import only


def test_parts_sharing_u():
    found = only(validate(make_broken.geometry_overlap()), "geometry.overlap")
    # reports list a rule's findings in the natural order of their subjects
    assert [(v.subjects, v.measured) for v in found] == [(("CDU1", "T3"), 1), (("T1", "T2"), 1)]
    assert found[0].message == "CDU CDU (U20-U23) and tray R1-SLED3 (U22) share 1 U in rack R1"


def test_outside_the_rack():
    found = only(validate(make_broken.geometry_out_of_rack()), "geometry.out_of_rack")
    by_subject = {v.subjects[0]: (v.measured, v.limit) for v in found}
    assert by_subject == {"CDU1": (49, 48), "T2": (None, None)}  # 4U at U46 tops out at U49


def test_bays():
    found = only(validate(make_broken.geometry_bay()), "geometry.bay")
    messages = {v.subjects: v.message for v in found}
    assert set(messages) == {("C2",), ("N3",), ("N4",), ("T3",), ("N1", "N2")}
    assert "is a cpu in gpu 1 of tray CT01, which takes gpu, xpu" in messages[("C2",)]
    assert "which has bays 0-11" in messages[("N3",)]
    assert "goes in a tray bay, not directly in rack R1" in messages[("N4",)]
    assert "mounts in a rack, not in a bay" in messages[("T3",)]
    assert "holds 2 parts in nic 1" in messages[("N1", "N2")]


def test_missing_container_and_loops():
    [violation] = only(validate(make_broken.geometry_orphan()), "geometry.orphan")
    assert violation.subjects == ("N1",) and "'T404'" in violation.message
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack")
    pod = doc.place("kyber-pod", rack, u=1)
    blade = doc.place("rubin-ultra-blade", pod, bay=0)
    doc.place("rubin-ultra-blade", pod, bay=1)  # hangs below the loop: not reported itself
    node = doc.get(pod)
    node.parent, node.u, node.bay = blade, None, 0  # the pod now sits in its own blade
    found = only(validate(doc.design), "geometry.orphan")
    assert {v.subjects for v in found} == {(pod,), (blade,)}
    assert all("form a loop" in v.message for v in found)


def test_racks_overlapping_on_the_floor():
    found = only(validate(make_broken.geometry_floor_overlap()), "geometry.floor_overlap")
    # A and B: 300 mm of A's 600 mm width x 1,068 mm depth; D turned 270 degrees covers 600 x 468 mm of C
    assert [(v.subjects, v.measured) for v in found] == [
        (("R1", "R2"), pytest.approx(0.3 * 1.068)), (("R3", "R4"), pytest.approx(0.6 * 0.468))]
    assert all(v.unit == "m²" for v in found)


def test_racks_in_a_row_touch_without_overlapping(built):
    assert not only(validate(built("gb200-nvl576")), "geometry.floor_overlap")  # 12 racks side by side


def test_off_the_floor():
    [violation] = only(validate(make_broken.geometry_off_floor()), "geometry.off_floor")
    assert violation.severity == "warning" and violation.measured == pytest.approx(0.4 * 1.068)


def test_keepout_columns_and_hall_outline():
    from rackcad.model import KeepOut

    design = make_broken.geometry_keepout()
    [violation] = only(validate(design), "geometry.keepout")
    rack_a = next(r.id for r in design.racks if r.name == "A")
    # rack A: x 6,000-6,600, y 2,400-3,468 (MGX 600 x 1,068 mm); the column 6,400-6,900 x 3,200-3,700
    # overlaps it by 200 x 268 mm = 0.0536 m²; rack B (from x 7,200) is clear
    assert violation.subjects == (rack_a,) and violation.measured == pytest.approx(0.0536)
    assert "column C3" in violation.message
    design.floor.keepouts = [KeepOut(points=[[0, 0], [100, 0], [100, 100]])]
    assert not [v for v in validate(design).violations if v.code == "geometry.keepout"]
    # an L-shaped hall: the 7.2 m wide wing is only 3 m deep, so rack B (to x 7,800) sticks out of it
    design.floor.outline = [[0, 0], [7_000, 0], [7_000, 3_000], [20_000, 3_000], [20_000, 12_000], [0, 12_000]]
    [off] = only(validate(design), "geometry.off_floor")
    assert "the hall outline" in off.message
    rack_b = next(r.id for r in design.racks if r.name == "B")
    assert off.subjects == (rack_b,) and off.measured == pytest.approx(0.6 * 0.6)  # 600 mm x (3,000-2,400)
