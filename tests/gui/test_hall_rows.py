"""Rows moved from the floor plan's menu (Move Row: dx, dy; the racks in its slots move with it, one undo
step; a refused move says why and changes nothing) and cable trays of stacked tiers drawn and labelled.

The hall of tests/figures/test_routing.py: row A (origin 1.2 m, 1.2 m) holds rack A1 in slot 0, standing at
the row's origin; tray "Across" runs along x = 1.2 m.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDoubleSpinBox

from rackcad.editing import hall as hall_edits
from tests.gui.test_editing import open_menu, pick, right_click
from tests.gui.test_hall_floor import hall_window  # noqa: F401 - the fixture

NONE = Qt.KeyboardModifier.NoModifier


def answer_move(dx: str, dy: str) -> list:
    """Type dx and dy (metres) into the Move Row dialog once it shows, then press Enter; returns the list
    that gets the dialog's title."""
    seen: list[str] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, fill)
            return
        seen.append(dialog.windowTitle())
        for name, text in (("dx", dx), ("dy", dy)):
            box = dialog.findChild(QDoubleSpinBox, name)
            box.setFocus()
            box.lineEdit().selectAll()
            QTest.keyClicks(box.lineEdit(), text)
        QTest.keyClick(dialog, Qt.Key.Key_Return, NONE)

    QTimer.singleShot(0, fill)
    return seen


def row_menu(window, monkeypatch):
    view = window.floor_view
    view.fit()
    inside = view.mapFromScene(QPointF(1500, 1800))  # in row A, on rack A1
    return open_menu(window, monkeypatch, lambda: right_click(view.viewport(), inside))


def test_move_row_moves_the_row_and_its_racks_in_one_undo_step(hall_window, monkeypatch):  # noqa: F811
    window, ids = hall_window
    doc = window.doc
    rack_before = doc.get(ids["a"]).position
    other = doc.get(ids["b"]).position
    menu = row_menu(window, monkeypatch)
    seen = answer_move("1.2", "0.6")
    pick(menu, "Move A...")
    assert seen == ["Move A"]
    row = hall_edits.row(doc, ids["row_a"])
    assert row.origin == [2400.0, 1800.0]
    rack = doc.get(ids["a"]).position
    assert (rack.x_mm, rack.y_mm, rack.row, rack.slot) == (2400.0, 1800.0, ids["row_a"], 0)
    assert doc.get(ids["b"]).position == other  # row B's rack stays
    assert doc.history.undo_label == "Change row A"
    assert doc.undo()
    assert hall_edits.row(doc, ids["row_a"]).origin == [1200.0, 1200.0]
    assert doc.get(ids["a"]).position == rack_before


def test_a_move_beyond_the_floor_limit_is_refused_with_its_reason(hall_window, monkeypatch):  # noqa: F811
    window, ids = hall_window
    doc = window.doc
    before = doc.design.model_dump()
    steps = doc.history.can_undo, doc.history.undo_label
    menu = row_menu(window, monkeypatch)
    answer_move("1000", "0")  # 1,000 m more than the 1.2 m it stands at: past the 1 km bound of a hall
    pick(menu, "Move A...")
    assert doc.design.model_dump() == before and (doc.history.can_undo, doc.history.undo_label) == steps
    message = window.statusBar().currentMessage()
    assert message and "Moved" not in message


def test_a_tray_of_stacked_tiers_is_drawn_with_its_tiers_and_labelled(hall_window):  # noqa: F811
    window, _ = hall_window
    doc = window.doc
    tray = doc.design.floor.trays[0]
    [item] = window.floor_scene.tray_items
    assert item.tray.tiers == 1 and item._tiers == []
    hall_edits.set_tray(doc, tray.id, tiers=3)
    [item] = window.floor_scene.tray_items
    assert item.tray.tiers == 3 and len(item._tiers) == 2  # the top tray's band, and one inset per tier below
    window.floor_view.fit()
    shown = [line for lines in window.floor_view.tag_layer.shown() for line in lines]
    assert "Across · 3 tiers" in shown
