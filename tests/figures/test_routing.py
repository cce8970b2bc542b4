"""Routed cable lengths through the hall's trays, worked by hand on a small hall: two rows, one tray across.

The hall: row A at y = 1,200 mm faces its cold aisle in front (-y); row B behind it faces the other way, so
the two stand back to back across a 1,200 mm hot aisle. MGX NVL72 racks are 600 x 1,068 mm and 2,236 mm
tall. Row A's band spans y 1,200-2,268, the hot aisle 2,268-3,468, row B's band 3,468-4,536 (its racks'
fronts on y = 4,536). One overhead tray runs across both rows at x = 1,200 mm, from y = 600 to 5,100.
"""

from __future__ import annotations

import math

import pytest

import rackcad
from rackcad import Document
from rackcad.editing import hall as hall_edits
from rackcad.export.cables import cable_rows
from rackcad.figures import Figures
from rackcad.figures.lengths import OVERHEAD_TRAY_M, link_length_m, link_route
from rackcad.figures.routing import tray_fill
from rackcad.model import FloorPosition
from rackcad.units import U_MM

DEPTH = 1068.0
HEIGHT_M = 2.236


def _switch(doc: Document, rack: str, u: int) -> str:
    tray = doc.place("nvlink5-switch-tray", rack, u=u)
    return doc.place("nvlink5-switch", tray, bay=0)


def small_hall(medium: str = "pluggable-optic", u: int = 25):
    doc = Document()
    row_a = hall_edits.add_row(doc, (1200, 1200), name="A", slots=4, depth_mm=DEPTH)
    row_b = hall_edits.add_row(doc, (1200, 1200 + DEPTH + 1200), name="B", slots=4, depth_mm=DEPTH,
                               cold_aisle="back")
    hall_edits.add_tray(doc, [(1200, 600), (1200, 5100)], name="Across")
    a = doc.add_rack("mgx-nvl72-rack", name="A1")
    b = doc.add_rack("mgx-nvl72-rack", name="B3")
    hall_edits.snap(doc, [a], row_a, 0)
    hall_edits.snap(doc, [b], row_b, 2)
    link = doc.connect(_switch(doc, a, u), _switch(doc, b, u), protocol="nvlink5", medium=medium)
    return doc, row_a, row_b, a, b, link


def test_routed_length_is_the_sum_of_its_parts_and_longer_than_the_straight_line():
    doc, _, _, a, b, link = small_hall()
    # snapping: A1 turned like row A at slot 0; B3 in slot 2 of row B, turned 180 degrees, front on y 4,536
    assert doc.get(a).position.model_dump() == {"x_mm": 1200.0, "y_mm": 1200.0, "rotation_deg": 0.0,
                                                "row": "ROW1", "slot": 0}
    pb = doc.get(b).position
    assert (pb.x_mm, pb.y_mm, pb.rotation_deg, pb.slot) == (3000.0, 1200 + DEPTH + 1200 + DEPTH, 180.0, 2)
    figures = Figures(doc.design)
    routed = link_route(figures, figures.links[link])
    # front centres (1,500, 1,200) and (2,700, 4,536); spurs to the tray at x 1,200: 300 and 1,500 mm;
    # along the tray from y 1,200 to 4,536: 3,336 mm
    assert routed.path.spur_a_mm == pytest.approx(300)
    assert routed.path.spur_b_mm == pytest.approx(1500)
    assert routed.path.trays_mm == pytest.approx(3336)
    assert routed.path.horizontal_mm == pytest.approx(300 + 3336 + 1500)
    assert routed.path.points == ((1500, 1200), (1200, 1200), (1200, 4536), (2700, 4536))
    # drops from U25 (24 x 44.45 mm = 1,066.8 mm up) to 600 mm above the 2,236 mm rack top
    drop = HEIGHT_M - 24 * U_MM / 1000 + OVERHEAD_TRAY_M
    assert drop == pytest.approx(1.7692)
    assert (routed.drop_a, routed.drop_b, routed.slack) == (pytest.approx(drop), pytest.approx(drop), 0.5)
    expected = 2 * 1.7692 + (300 + 3336 + 1500) / 1000 + 0.5
    assert expected == pytest.approx(9.1744)
    assert link_length_m(figures, figures.links[link]) == pytest.approx(expected)
    assert figures.link_figure(link).length_m == pytest.approx(expected)
    straight = math.hypot(2700 - 1500, 4536 - 1200) / 1000
    assert routed.straight_m == pytest.approx(straight)
    assert expected > straight + 2 * drop  # longer than the straight line, even counting the drops
    # without the tray the old model: Manhattan 1.2 + 3.336 m between the front centres
    hall_edits.remove_tray(doc, doc.design.floor.trays[0].id)
    plain = Figures(doc.design)
    assert link_length_m(plain, plain.links[link]) == pytest.approx(2 * 1.7692 + 1.2 + 3.336 + 0.5)
    assert link_route(plain, plain.links[link]) is None


def test_the_shorter_of_two_trays_and_crossings_join():
    doc, _, _, a, b, link = small_hall()
    # a second tray along the hot aisle (y 2,868), crossing the first at (1,200, 2,868), ending at x 2,700:
    # the route takes it only where it is shorter; here the across tray still wins (spur 1,500 either way)
    hall_edits.add_tray(doc, [(1200, 2868), (2700, 2868)], name="Hot aisle")
    figures = Figures(doc.design)
    assert link_route(figures, figures.links[link]).path.horizontal_mm == pytest.approx(300 + 3336 + 1500)
    # a tray over row B's fronts from x 1,200 to 3,000 (joining the across tray at its end point):
    # B3 now joins it 0 mm away, so the route is a 300 mm spur, 3,336 along the across tray and 1,500 along it
    hall_edits.add_tray(doc, [(1200, 4536), (3000, 4536)], name="Row B front")
    figures = Figures(doc.design)
    routed = link_route(figures, figures.links[link])
    assert routed.path.spur_b_mm == pytest.approx(0)
    assert routed.path.trays_mm == pytest.approx(3336 + 1500)
    assert routed.path.horizontal_mm == pytest.approx(300 + 3336 + 1500)
    assert {e.tray for e in routed.path.edges} == {"TR1", "TR3"}


def test_under_floor_tray_drops_from_the_port_down():
    doc, _, _, a, b, link = small_hall()
    tray_id = doc.design.floor.trays[0].id
    hall_edits.set_tray(doc, tray_id, level="underfloor")
    figures = Figures(doc.design)
    routed = link_route(figures, figures.links[link])
    # down from U25 (1.0668 m) to 0.3 m under the floor
    assert routed.drop_a == pytest.approx(1.0668 + 0.3)
    hall_edits.set_tray(doc, tray_id, level="overhead", elevation_mm=3000)
    figures = Figures(doc.design)
    assert link_route(figures, figures.links[link]).drop_a == pytest.approx(3.0 - 1.0668)


def test_moving_a_rack_reroutes_and_changes_schedule_and_reach_in_one_undo_step():
    # active copper reaches 5 m; ports at U48 drop 2.236 - 47 x 0.04445 + 0.6 = 0.74685 m each
    doc, row_a, row_b, a, b, link = small_hall(medium="active-copper", u=48)
    hall_edits.snap(doc, [b], row_a, 1)  # B3 next to A1 in row A (slot 1): front centre (2,100, 1,200)
    checker = rackcad.Checker(doc)
    drop = HEIGHT_M - 47 * U_MM / 1000 + OVERHEAD_TRAY_M
    short = 2 * drop + (300 + 900) / 1000 + 0.5
    assert short == pytest.approx(3.1937)
    assert cable_rows(doc.design)[0]["length_m"] == round(short, 2)
    assert "reach.copper" not in checker.report.codes()
    steps = doc.history._index
    # into slot 0 of row B: its front centre (1,500, 4,536), spur 300, along the tray 3,336
    hall_edits.snap(doc, [b], row_b, 0)
    far = 2 * drop + (300 + 3336 + 300) / 1000 + 0.5
    assert far == pytest.approx(5.9297)
    assert checker.figures.link_figure(link).length_m == pytest.approx(far)
    assert cable_rows(doc.design)[0]["length_m"] == round(far, 2)
    assert [v.code for v in checker.report.errors] == ["reach.copper"]
    assert "5.93 m of active copper" in checker.report.errors[0].message
    assert checker.report == rackcad.validate(doc.design)
    assert doc.history._index == steps + 1
    doc.undo()  # one step puts it back
    assert checker.figures.link_figure(link).length_m == pytest.approx(short)
    assert "reach.copper" not in checker.report.codes()
    assert checker.report == rackcad.validate(doc.design)


def test_routes_are_cached_per_rack_pair_and_moving_one_rack_reroutes_only_its_pairs():
    doc, row_a, row_b, a, b, link = small_hall()
    c = doc.add_rack("mgx-nvl72-rack", name="A2")
    hall_edits.snap(doc, [c], row_a, 1)
    other = doc.connect(_switch(doc, c, 30), _switch(doc, b, 30), protocol="nvlink5", medium="pluggable-optic")
    checker = rackcad.Checker(doc)
    pairs = checker.figures.route_cache["pairs"]
    kept = pairs[(a, b)]
    hall_edits.snap(doc, [c], row_a, 3)
    assert pairs[(a, b)] is kept  # A1 - B3 was not routed again
    # A2 in slot 3: front centre x 3,300, spur 2,100 (was 900)
    assert checker.figures.link_figure(other).length_m == pytest.approx(
        2 * (HEIGHT_M - 29 * U_MM / 1000 + OVERHEAD_TRAY_M) + (2100 + 3336 + 1500) / 1000 + 0.5)
    assert checker.report == rackcad.validate(doc.design)


def test_tray_fill_counts_the_cables_of_every_link_routed_along_each_segment():
    doc, _, _, a, b, link = small_hall()
    # 72 parallel NVLink 5 links over single-mode fibre: 4 links per 1.6T twin-port module, 18 fibres
    doc.set(link, count=72)
    figures = Figures(doc.design)
    choice = figures.link_figure(link).choice
    assert (choice.cable, choice.cables) == ("fiber-sm-mpo", 18)
    fills = tray_fill(figures)
    # the tray is cut at A1's (y 1,200) and B3's (y 4,536) attachment points only in the route, not the graph:
    # its one edge (600 - 5,100) carries the 18 cables of 3 mm
    assert [(f.edge.p, f.edge.q, f.cables) for f in fills] == [((1200, 600), (1200, 5100), 18)]
    area = 18 * math.pi * 1.5 ** 2
    assert fills[0].area_mm2 == pytest.approx(area)
    assert fills[0].ratio == pytest.approx(area / (600 * 100))
    assert "geometry.tray_fill" not in rackcad.validate(doc.design).codes()
    # a 20 x 5 mm tray (100 mm²) with a 50 % fill limit holds 50 mm²; 18 x 7.07 = 127 mm² is too much
    hall_edits.set_tray(doc, doc.design.floor.trays[0].id, width_mm=20, height_mm=5)
    report = rackcad.validate(doc.design)
    found = [v for v in report.violations if v.code == "geometry.tray_fill"]
    assert len(found) == 1 and found[0].measured == pytest.approx(area / 100)
    assert "18 cables" in found[0].message and "(127%, limit 50%)" in found[0].message
    assert found[0].subjects == ("TR1", link)
    # the fibre diameter is an estimate, and the check says it used it
    assert any(v.code == "catalog.estimate" and "diameter" in v.message for v in report.violations)


def test_racks_snap_to_rows_and_rows_carry_their_racks():
    doc, row_a, row_b, a, b, link = small_hall()
    hall_edits.set_row(doc, row_a, origin=[1800.0, 1200.0])
    assert (doc.get(a).position.x_mm, doc.get(a).position.slot) == (1800.0, 0)
    doc.undo()
    assert doc.get(a).position.x_mm == 1200.0
    with pytest.raises(rackcad.EditError, match="holds a rack already"):
        hall_edits.snap(doc, [b], row_a, 0)
    with pytest.raises(rackcad.EditError, match="beyond 2 slots"):
        hall_edits.set_row(doc, row_b, slots=2)
    hall_edits.remove_row(doc, row_b)
    assert doc.get(b).position.row is None and doc.get(b).position.x_mm == 3000.0
