"""The floor plan's hall: rows, aisles and trays drawn; a click on a cable run selects its links and draws
their route; a rack dragged onto a row snaps into the slot (one undo step, length and reach follow); rows and
trays added and changed from the context menu, each one undo step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from rackcad.files import save
from rackcad.gui.canvas.hall_items import AisleItem, RouteItem, RowItem, TrayItem
from tests.figures.test_routing import small_hall
from tests.gui.test_editing import open_menu, pick, right_click
from tests.gui.test_floor import drag

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def hall_window(window, tmp_path):
    """The two-row hall of tests/figures/test_routing.py (active copper at U48 between A1 and B3), opened on
    the floor plan."""
    doc, row_a, row_b, a, b, link = small_hall(medium="active-copper", u=48)
    path = tmp_path / "hall.rackcad"
    save(doc.design, path)
    assert window.open_path(str(path))
    window.wait_for_checks()
    window.show_tab("floor")
    return window, {"row_a": row_a, "row_b": row_b, "a": a, "b": b, "link": link}


def test_rows_aisles_and_trays_are_drawn_and_a_clicked_run_shows_its_route(hall_window):
    window, ids = hall_window
    scene = window.floor_scene
    assert sorted(i.row.name for i in scene.items() if isinstance(i, RowItem)) == ["A", "B"]
    assert [i.kind for i in scene.items() if isinstance(i, AisleItem)] == ["hot"]
    assert [i.tray.name for i in scene.items() if isinstance(i, TrayItem)] == ["Across"]
    assert any("hot aisle 1.20 m" in t.lines[0] for t in scene.tags)
    # the run follows the route: A1's front centre, along the tray at x 1.2 m, B3's front centre
    (run,) = scene.run_items
    assert run.run.points == ((1500, 1200), (1200, 1200), (1200, 4536), (2700, 4536))
    window.floor_view.fit()
    point = window.floor_view.mapFromScene(QPointF(1200, 3000))  # on the run, in the hot aisle
    QTest.mouseClick(window.floor_view.viewport(), LEFT, NONE, point)
    assert window.selected_ids() == [ids["link"]]
    assert isinstance(scene.route_item, RouteItem) and scene.route_ids == [ids["link"]]
    # 2 x 0.74685 drops + (300 + 3,336 + 1,500) mm + 0.5 slack = 7.13 m, labelled on the route
    assert any(t.lines[0].endswith("7.13 m = drops 0.75 + 0.75, run 5.14, slack 0.50") for t in scene.tags)


def test_dragging_a_rack_onto_a_row_snaps_it_and_reroutes_in_one_undo_step(hall_window):
    window, ids = hall_window
    doc = window.doc
    view = window.floor_view
    view.fit()
    assert "reach.copper" in window.checker.report.codes()  # 7.13 m of active copper, beyond 5 m
    # drag B3 (front-right corner at 3,000, 4,536, turned 180) from the middle of its footprint to slot 1 of
    # row A (x 1,800-2,400 at y 1,200-2,268)
    start = QPointF(2700, 4000)
    drag(view, start, QPointF(2100 + 12, 1734 - 536 + 536 + 40))
    pos = doc.get(ids["b"]).position
    assert (pos.row, pos.slot, pos.x_mm, pos.y_mm, pos.rotation_deg) == (ids["row_a"], 1, 1800.0, 1200.0, 0.0)
    window.wait_for_checks()
    # now 2 x 0.74685 + (300 + 900) mm + 0.5 = 3.19 m: within active copper's 5 m
    assert window.checker.figures.link_figure(ids["link"]).length_m == pytest.approx(3.1937)
    assert "reach.copper" not in window.checker.report.codes()
    assert doc.undo() and doc.get(ids["b"]).position.row == ids["row_b"]
    window.wait_for_checks()
    assert "reach.copper" in window.checker.report.codes()


def test_context_menu_adds_a_row_and_a_tray_and_changes_them(hall_window, monkeypatch):
    window, ids = hall_window
    doc = window.doc
    view = window.floor_view
    view.fit()
    empty = view.mapFromScene(QPointF(6000, 6000))
    menu = open_menu(window, monkeypatch, lambda: right_click(view.viewport(), empty))
    pick(menu, "Add Row Here")
    row = doc.design.floor.rows[-1]
    assert (row.origin, row.slots, row.name) == ([6000.0, 6000.0], 10, "Row 3")
    menu = open_menu(window, monkeypatch, lambda: right_click(view.viewport(), view.mapFromScene(QPointF(7000, 6500))))
    pick(menu, "Add Tray Over Row 3")
    tray = doc.design.floor.trays[-1]
    assert tray.points == [[6000.0, 6600.0], [12000.0, 6600.0]]
    assert [i.tray.id for i in window.floor_scene.tray_items][-1] == tray.id  # drawn at once
    menu = open_menu(window, monkeypatch, lambda: right_click(view.viewport(), view.mapFromScene(QPointF(7000, 6500))))
    pick(menu, "Cold Aisle of Row 3 at the Back")
    assert doc.design.floor.rows[-1].cold_aisle == "back"
    monkeypatch.setattr(window.edits, "ask_int", lambda title, label, value, low, high: 4)
    menu = open_menu(window, monkeypatch, lambda: right_click(view.viewport(), view.mapFromScene(QPointF(7000, 6500))))
    pick(menu, "Slots of Row 3")
    assert doc.design.floor.rows[-1].slots == 4
    for _ in range(4):  # slots, cold aisle, tray, row: one undo step each
        assert doc.undo()
    assert [r.id for r in doc.design.floor.rows] == [ids["row_a"], ids["row_b"]]
    assert len(doc.design.floor.trays) == 1


def test_turning_a_superpod_row_from_the_menu_turns_its_compute_instances_one_undo_step(window, tmp_path,
                                                                                        monkeypatch):
    """The floor menu's cold-aisle action on a 1-SU SuperPOD's SU row turns the 8 compute-rack instances
    standing in it with the row, into the same slots; one undo restores them."""
    from rackcad import templates
    from rackcad.figures.hall import slot_position

    path = tmp_path / "su1.rackcad"
    save(templates.build("gb200-superpod", sus=1), path)
    assert window.open_path(str(path))
    window.wait_for_checks()
    window.show_tab("floor")
    doc = window.doc
    row = next(r for r in doc.design.floor.rows if r.name == "SU1 row")
    before = {i.id: i.position for i in doc.design.instances if i.position.row == row.id}
    assert len(before) == 8
    view = window.floor_view
    view.fit()
    inside = QPointF(row.origin[0] + (row.slots - 0.5) * row.pitch_mm, row.origin[1] + row.depth_mm / 2)
    other = "Back" if row.cold_aisle == "front" else "Front"
    menu = open_menu(window, monkeypatch, lambda: right_click(view.viewport(), view.mapFromScene(inside)))
    pick(menu, f"Cold Aisle of SU1 row at the {other}")
    new = next(r for r in doc.design.floor.rows if r.id == row.id)
    assert new.cold_aisle == other.lower()
    part = doc.catalog.find(doc.design.blocks[0].racks[0].part)
    for inst in doc.design.instances:
        if inst.id in before:
            assert inst.position == slot_position(new, before[inst.id].slot, part)
            assert inst.position != before[inst.id]
    assert doc.undo()
    assert {i.id: i.position for i in doc.design.instances if i.id in before} == before
