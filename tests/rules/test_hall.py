"""Hall rules on rows and aisles worked by hand: both directions (a clean hall raises nothing, each mistake
exactly its code).

Rows of MGX NVL72 racks (600 x 1,068 mm); row A's band at y 1,200-2,268, row B's `aisle` behind it."""

from __future__ import annotations

import pytest

import rackcad
from rackcad import Document
from rackcad.editing import hall as hall_edits
from rackcad.figures import hall
from rackcad.model import FloorPosition

DEPTH = 1068.0
HALL_CODES = {"geometry.hot_aisle_front", "geometry.aisle_width", "geometry.row_slot", "geometry.tray_fill"}


def two_rows(aisle: float, cold_a: str, cold_b: str, direction_b: float = 0.0):
    doc = Document()
    a = hall_edits.add_row(doc, (1200, 1200), name="A", slots=3, depth_mm=DEPTH, cold_aisle=cold_a)
    origin_b = (1200, 1200 + DEPTH + aisle) if direction_b == 0 else (1200 + 1800, 1200 + 2 * DEPTH + aisle)
    b = hall_edits.add_row(doc, origin_b, name="B", slots=3, depth_mm=DEPTH, cold_aisle=cold_b,
                           direction_deg=direction_b)
    for row, prefix in ((a, "A"), (b, "B")):
        hall_edits.snap(doc, [doc.add_rack("mgx-nvl72-rack", name=f"{prefix}{i + 1}") for i in range(3)], row)
    return doc, a, b


def hall_codes(doc: Document) -> list[str]:
    return sorted(v.code for v in rackcad.validate(doc.design).violations if v.code in HALL_CODES)


def test_back_to_back_rows_make_one_hot_aisle_and_raise_nothing():
    doc, a, b = two_rows(1200, "front", "back")
    (aisle,) = hall.aisles(doc.design.floor)
    assert (aisle.kind, aisle.width_mm, aisle.sides) == ("hot", 1200.0, ("back", "front"))
    assert aisle.polygon == ((1200, 2268), (3000, 2268), (3000, 3468), (1200, 3468))
    assert hall_codes(doc) == []
    # the same hall with row B given as a row running the other way (direction 180, origin at its far corner)
    doc, a, b = two_rows(1200, "front", "front", direction_b=180)
    (aisle,) = hall.aisles(doc.design.floor)
    assert (aisle.kind, aisle.width_mm) == ("hot", 1200.0)
    assert hall_codes(doc) == []


def test_front_to_front_rows_share_a_cold_aisle():
    doc, a, b = two_rows(1200, "back", "front")
    (aisle,) = hall.aisles(doc.design.floor)
    assert (aisle.kind, aisle.width_mm) == ("cold", 1200.0)
    assert hall_codes(doc) == []


def test_rows_facing_the_same_way_blow_exhaust_into_the_next_rows_intake():
    doc, a, b = two_rows(1200, "front", "front")
    (aisle,) = hall.aisles(doc.design.floor)
    assert aisle.kind == "mixed"
    report = rackcad.validate(doc.design)
    found = [v for v in report.violations if v.code == "geometry.hot_aisle_front"]
    # row B's three racks face the aisle row A exhausts into; row A's face the open hall
    assert sorted(doc.get(v.subjects[0]).name for v in found) == ["B1", "B2", "B3"]
    assert "draws exhaust air" in found[0].message


def test_a_rack_turned_round_in_its_slot_faces_the_hot_aisle():
    doc, a, b = two_rows(1200, "front", "back")
    rack = hall_edits.members(doc, a)[1]
    pos = rack.position
    doc.set(rack.id, position=pos.model_copy(update={"x_mm": pos.x_mm + 600, "y_mm": pos.y_mm + DEPTH,
                                                     "rotation_deg": 180.0}))
    report = rackcad.validate(doc.design)
    assert hall_codes(doc) == ["geometry.hot_aisle_front"]  # same footprint: still in its slot
    assert report.errors[0].subjects == (rack.id,)
    assert "faces the hot aisle side (back) of row A" in report.errors[0].message
    # a rack in no row left of the rows, turned 90 degrees: its front edge runs down x 1,100 (y 2,568-3,168)
    # and faces +x, into the hot aisle's end (x 1,200-3,000, y 2,268-3,468): its intake point (1,400, 2,868)
    free = doc.add_rack("mgx-nvl72-rack", name="Loose", position=FloorPosition(x_mm=1100, y_mm=2568,
                                                                               rotation_deg=90))
    assert hall.front_point(doc.get(free), doc.part_of(free)) == pytest.approx((1400, 2868))
    found = [v for v in rackcad.validate(doc.design).violations if v.code == "geometry.hot_aisle_front"]
    assert [v.subjects for v in found] == [(rack.id,), (free,)]
    # turned the other way (front facing -x, away from the aisle) it is fine
    doc.set(free, position=FloorPosition(x_mm=32, y_mm=3168, rotation_deg=270))
    found = [v for v in rackcad.validate(doc.design).violations if v.code == "geometry.hot_aisle_front"]
    assert [v.subjects for v in found] == [(rack.id,)]


def test_aisle_width_against_the_default_and_the_design_setting():
    doc, a, b = two_rows(1199, "back", "front")
    report = rackcad.validate(doc.design)
    (found,) = [v for v in report.violations if v.code == "geometry.aisle_width"]
    assert (found.severity, found.measured, found.limit) == ("warning", 1199.0, 1200.0)
    assert "cold aisle between rows A and B is 1.20 m wide, below the 1.20 m minimum" in found.message
    doc.set_design(rules=doc.design.rules.model_copy(update={"min_aisle_mm": 900.0}))
    assert hall_codes(doc) == []
    doc, a, b = two_rows(1200, "back", "front")  # exactly the minimum: no warning
    assert hall_codes(doc) == []


def test_row_slot_finds_missing_rows_and_racks_moved_off_their_slot():
    doc, a, b = two_rows(1200, "front", "back")
    rack = hall_edits.members(doc, a)[0]
    doc.set(rack.id, position=rack.position.model_copy(update={"x_mm": rack.position.x_mm + 50}))
    (found,) = [v for v in rackcad.validate(doc.design).violations if v.code == "geometry.row_slot"]
    assert (found.severity, found.measured) == ("warning", pytest.approx(50))
    doc.set(rack.id, position=rack.position.model_copy(update={"row": "nowhere"}))
    (found,) = [v for v in rackcad.validate(doc.design).violations if v.code == "geometry.row_slot"]
    assert found.severity == "error" and "row 'nowhere'" in found.message
    doc.set(rack.id, position=FloorPosition(x_mm=rack.position.x_mm, y_mm=rack.position.y_mm))
    assert hall_codes(doc) == []  # taken out of the row: nothing to check


def test_checker_follows_row_edits():
    doc, a, b = two_rows(1200, "front", "back")
    checker = rackcad.Checker(doc)
    hall_edits.set_row(doc, b, cold_aisle="front")  # B's racks turn round: the aisle becomes mixed
    assert "geometry.hot_aisle_front" in checker.report.codes()
    assert checker.report == rackcad.validate(doc.design)
    doc.undo()
    assert checker.report == rackcad.validate(doc.design)
    assert "geometry.hot_aisle_front" not in checker.report.codes()
