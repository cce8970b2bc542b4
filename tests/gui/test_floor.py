"""The floor-plan tab: racks at their real footprints on the hall, dragged on the snap grid in one undo step,
overlaps flagged (here and by the rules), and cable runs whose lengths follow the racks' positions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from rackcad import Document
from rackcad.figures.lengths import link_length_m
from rackcad.files import save
from rackcad.gui.canvas.floor_scene import RackItem, length_text
from rackcad.topology import DesignIndex

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def two_racks(window, tmp_path):
    """Two 600 mm racks side by side (R1 at x 1.2 m, R2 at x 1.8 m, both at y 1.2 m), a GPU in R1 linked to a
    switch chip in R2 by 2 NVLink 5 links; opened on the floor-plan tab. Returns (window, ids)."""
    doc = Document()
    r1 = doc.add_rack("mgx-nvl72-rack", name="R1")
    r2 = doc.add_rack("mgx-nvl72-rack", name="R2")
    tray = doc.place("gb200-compute-tray", r1, u=10, name="CT1")
    gpu = doc.place("b200-gb200", tray, bay=2, name="CT1/GPU1")
    switch_tray = doc.place("nvlink5-switch-tray", r2, u=20, name="ST1")
    chip = doc.place("nvlink5-switch", switch_tray, bay=0, name="ST1/SW1")
    link = doc.connect(gpu, chip, protocol="nvlink5", count=2)
    path = tmp_path / "two.rackcad"
    save(doc.design, path)
    assert window.open_path(str(path))
    window.wait_for_checks()
    window.show_tab("floor")
    return window, {"r1": r1, "r2": r2, "link": link}


def footprint(scene, rack_id: str):
    """A rack's footprint on the floor (its item's bounds also hold the name in front of it)."""
    item = scene.rack_item(rack_id)
    return item.mapToScene(item.rect()).boundingRect()


def drag(view, start: QPointF, end: QPointF) -> None:
    """A mouse drag from scene point `start` to `end` on the floor view."""
    viewport = view.viewport()
    a, b = view.mapFromScene(start), view.mapFromScene(end)
    QTest.mousePress(viewport, LEFT, NONE, a)
    for step in range(1, 6):
        QTest.mouseMove(viewport, a + (b - a) * step / 5)
    QTest.mouseRelease(viewport, LEFT, NONE, b)


def test_racks_stand_at_their_footprints_with_the_run_between_them(two_racks):
    window, ids = two_racks
    scene = window.floor_scene
    racks = [i for i in scene.items() if isinstance(i, RackItem)]
    assert sorted(r.model_id for r in racks) == sorted([ids["r1"], ids["r2"]])
    assert footprint(scene, ids["r2"]).getRect() == (1800, 1200, 600, 1068)  # MGX rack: 600 x 1,068 mm
    [run] = scene.run_items
    assert (run.run.count, run.run.gbps) == (2, 800)
    length = link_length_m(DesignIndex(window.doc.design), window.doc.get(ids["link"]))
    assert run.run.min_length_m == pytest.approx(length)
    assert (length_text(run.run),) in window.floor_view.tag_layer.shown()
    assert "2 NVLink 5 links · 800 Gb/s per direction" in scene.run_tooltip(run)
    assert not any(r.problem for r in racks)  # side by side: touching is not overlapping


def test_drag_moves_a_rack_on_the_grid_in_one_undo_step_and_lengths_follow(two_racks):
    window, ids = two_racks
    view, scene = window.floor_view, window.floor_scene
    before = scene.run_items[0].run.min_length_m
    depth = len(window.doc.history)
    centre = footprint(scene, ids["r2"]).center()
    drag(view, centre, centre + QPointF(1700, 1150))  # 1,700 x 1,150 mm: snapped to the 600 mm grid
    position = window.doc.get(ids["r2"]).position
    assert (position.x_mm, position.y_mm) == (1800 + 1800, 1200 + 1200)
    assert len(window.doc.history) == depth + 1 and window.doc.history.undo_label == "Set floor position of R2 to x 3.6 m, y 2.4 m"
    assert "Moved R2 at x 3.60 m, y 2.40 m" in window.statusBar().currentMessage()
    assert scene.rack_item(ids["r2"]).pos() == QPointF(3600, 2400)
    assert scene.run_items[0].run.min_length_m > before  # cable lengths come from the positions
    assert scene.selected_ids() == [ids["r2"]] and window.scene.selected_ids() == [ids["r2"]]
    window.undo_action.trigger()
    position = window.doc.get(ids["r2"]).position
    assert (position.x_mm, position.y_mm) == (1800, 1200)
    assert scene.run_items[0].run.min_length_m == pytest.approx(before)


def test_an_overlapping_drop_is_flagged_here_and_by_the_rules(two_racks):
    window, ids = two_racks
    view, scene = window.floor_view, window.floor_scene
    centre = footprint(scene, ids["r2"]).center()
    drag(view, centre, centre - QPointF(650, 0))  # one 600 mm grid step left: onto R1
    assert window.doc.get(ids["r2"]).position.x_mm == 1200
    assert scene.rack_item(ids["r1"]).problem and scene.rack_item(ids["r2"]).problem
    assert "R2 overlaps R1" in window.statusBar().currentMessage()
    assert "overlaps R2" in scene.rack_tooltip(ids["r1"])
    window.wait_for_checks()
    [overlap] = [v for v in window.report.violations if v.code == "geometry.floor_overlap"]
    assert set(overlap.subjects) == {ids["r1"], ids["r2"]}
    window.undo_action.trigger()
    assert not scene.rack_item(ids["r1"]).problem and not scene.rack_item(ids["r2"]).problem


def test_a_drag_outside_the_hall_is_flagged_and_a_click_moves_nothing(two_racks):
    window, ids = two_racks
    view, scene = window.floor_view, window.floor_scene
    depth = len(window.doc.history)
    centre = footprint(scene, ids["r1"]).center()
    QTest.mouseClick(view.viewport(), LEFT, NONE, view.mapFromScene(centre))
    assert len(window.doc.history) == depth and scene.selected_ids() == [ids["r1"]]
    drag(view, centre, centre + QPointF(0, -1800))
    assert window.doc.get(ids["r1"]).position.y_mm == -600
    assert scene.rack_item(ids["r1"]).problem and "stands outside the hall" in scene.rack_tooltip(ids["r1"])


def test_rotate_nudge_position_fields_hall_size_and_rows(two_racks, monkeypatch):
    from tests.gui.test_inspector import type_into

    window, ids = two_racks
    view = window.floor_view
    centre = view.mapFromScene(footprint(window.floor_scene, ids["r2"]).center())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    assert window.selected_ids() == [ids["r2"]]
    start = window.doc.get(ids["r2"]).position
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # Rotate 90°
    assert window.doc.get(ids["r2"]).position.rotation_deg == 90
    assert window.doc.history.undo_label == "Rotate R2 by 90°"
    QTest.keyClick(view, Qt.Key.Key_Right)
    QTest.keyClick(view, Qt.Key.Key_Down)
    moved = window.doc.get(ids["r2"]).position
    assert (moved.x_mm - start.x_mm, moved.y_mm - start.y_mm) == (600, 600)  # one 600 mm tile each way
    assert window.selected_ids() == [ids["r2"]]  # the selection stays for the next nudge

    type_into(window.inspector.editor("position.x_mm"), "4.8")
    assert window.doc.get(ids["r2"]).position.x_mm == 4800
    type_into(window.inspector.editor("position.rotation_deg"), "45")
    assert "steps of 90 degrees" in window.inspector.error.text()
    assert window.doc.get(ids["r2"]).position.rotation_deg == 90

    window.select([])
    type_into(window.inspector.editor("floor.width_mm"), "30")
    assert window.doc.design.floor.width_mm == 30_000 and window.doc.history.undo_label == "Set hall width to 30 m"

    window.select([ids["r1"], ids["r2"]])
    monkeypatch.setattr(window.edits, "ask_int", lambda *args: 1)
    window.edits.rows.trigger()
    r1, r2 = (window.doc.get(ids[k]).position for k in ("r1", "r2"))
    # one rack per row: R1 front up at y 1.2 m; R2 turned 180 degrees behind it across a 2-tile hot aisle,
    # its corner point bottom right: x 1.2 + 0.6 m, y 1.2 + 1.068 (rack depth) + 1.2 (aisle) + 1.068 m
    assert (r1.x_mm, r1.y_mm, r1.rotation_deg) == (1200, 1200, 0)
    assert (r2.x_mm, r2.y_mm, r2.rotation_deg) == (1800, 4536, 180)
