"""The Site plan tab and the inspector's hall and transceiver fields, driven by real clicks and keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QTableWidget

from rackcad.figures import Figures
from tests.rules.conftest import only


def _edit_cell(qtbot, table: QTableWidget, row: int, column: int, text: str, until) -> None:
    """Double-click a cell, type `text` over it, press Return; wait until `until()` (the page applies the
    edit once the view has committed the cell)."""
    table.scrollToItem(table.item(row, column))
    point = table.visualItemRect(table.item(row, column)).center()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not table
    QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(until, timeout=10_000)


@pytest.fixture
def campus(example, qtbot):
    window = example("campus")
    bar = window.tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, bar.tabRect(3).center())
    assert window.tabs.currentWidget() is window.site_page
    return window


def _dci(window):
    return [link.id for link in window.doc.design.links if link.name.startswith("DCI")]


def test_the_site_tab_lists_buildings_routes_and_budgets(campus):
    page = campus.site_page
    assert page.buildings.rowCount() == 2 and page.routes.rowCount() == 1
    assert [page.buildings.item(r, 1).text() for r in range(2)] == ["Agents building", "Cluster building"]
    assert "5.00 km" in page.distances.text()
    assert [page.budgets.item(r, 4).text() for r in range(2)] == ["25.443", "25.443"]
    texts = [item.toPlainText() for item in page.scene.items() if hasattr(item, "toPlainText")]
    assert any("5.00 km fibre" in t and "16 x qsfp-dd-400g-lr4" in t for t in texts)


def test_typing_a_longer_route_changes_optics_and_latency_in_one_undo_step(campus, qtbot):
    page = campus.site_page
    _edit_cell(qtbot, page.routes, 0, 2, "150", lambda: campus.doc.history.can_undo)
    campus.wait_for_checks()
    assert campus.doc.design.site.routes[0].length_km == 150.0
    choice = Figures(campus.doc.design).link_figure(_dci(campus)[0]).choice
    assert choice.optic == "qsfp-dd-400zr-plus"  # past 400ZR's 120 km
    assert float(page.budgets.item(0, 4).text()) > 150 * 4.9  # the fibre alone: 735 us
    assert only(campus.checker.report, "reach.optic") == []
    QTest.keyClick(campus, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert campus.doc.design.site.routes[0].length_km == 5.0
    assert page.routes.item(0, 2).text() == "5"


def test_a_refused_value_warns_and_keeps_the_design(campus, qtbot, monkeypatch):
    page = campus.site_page
    warned = []
    monkeypatch.setattr("rackcad.gui.panels.site.QMessageBox.warning", lambda *a: warned.append(a[2]))
    before = campus.doc.design.site
    _edit_cell(qtbot, page.routes, 0, 2, "far", lambda: bool(warned))
    assert warned and "far" in warned[0]
    assert campus.doc.design.site is before and not campus.doc.history.can_undo


def test_relaxing_a_budget_clears_its_error(campus, qtbot):
    page = campus.site_page
    assert len(only(campus.checker.report, "latency.budget")) == 1
    _edit_cell(qtbot, page.budgets, 1, 3, "30", lambda: campus.doc.history.can_undo)
    campus.wait_for_checks()
    assert campus.doc.design.latency_budgets[1].max_us == 30.0
    assert only(campus.checker.report, "latency.budget") == []
    QTest.keyClick(campus, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert campus.doc.design.latency_budgets[1].max_us == 20.0
    assert len(only(campus.checker.report, "latency.budget")) == 1


def test_budget_groups_from_the_selection(campus, qtbot):
    page = campus.site_page
    leaf = next(n.id for n in campus.doc.design.nodes if n.name == "LEAF-A")
    page.budgets.selectRow(0)
    campus.select([leaf])
    QTest.mouseClick(page.set_to, Qt.MouseButton.LeftButton)
    assert campus.doc.design.latency_budgets[0].to_ids == [leaf]
    # the leaf stands for itself (a switch has no accelerators)
    # agent GPU -> NIC -> fibre to LEAF-A: well under a microsecond
    assert float(page.budgets.item(0, 4).text()) < 0.2


def test_add_building_then_undo(campus, qtbot):
    page = campus.site_page
    QTest.mouseClick(page.add_building, Qt.MouseButton.LeftButton)
    assert [b.id for b in campus.doc.design.site.buildings] == ["A", "B", "B2"]  # B1 is a hall's id
    assert campus.doc.design.site.buildings[2].halls[0].id == "B2-H1"
    assert page.buildings.rowCount() == 3
    QTest.keyClick(campus, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(campus.doc.design.site.buildings) == 2


def test_inspector_moves_a_rack_to_another_hall(campus, qtbot):
    rack = next(r for r in campus.doc.design.racks if r.name == "B1-NVL72")
    campus.select([rack.id])
    combo = campus.inspector.findChild(QComboBox, "position.hall")
    assert combo is not None and combo.currentData() == "B1"
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Up)
    campus.wait_for_checks()
    assert campus.doc.get(rack.id).position.hall == "A1"
    # the cluster now shares hall A1 with the agents' rack at the same spot
    assert len(only(campus.checker.report, "geometry.floor_overlap")) == 1


def test_inspector_forces_a_transceiver(campus, qtbot):
    link = _dci(campus)[0]
    campus.select([link])
    combo = campus.inspector.findChild(QComboBox, "optic")
    assert combo is not None and combo.currentData() == ""
    index = combo.findData("osfp-800g-fr4")
    combo.setFocus()
    for _ in range(index):
        QTest.keyClick(combo, Qt.Key.Key_Down)
    campus.wait_for_checks()
    assert campus.doc.get(link).optic == "osfp-800g-fr4"
    [violation] = only(campus.checker.report, "reach.optic")
    assert "2,000 m reach of its osfp-800g-fr4" in violation.message


def test_the_topology_view_reports_latency(campus, qtbot):
    bar = campus.tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, bar.tabRect(1).center())
    text = campus.latency_label.text()
    assert "inside an NVLink domain 0.115 / 0.118 us" in text
    assert "between buildings 25.439 / 25.443 us" in text


def test_the_floor_plan_shows_one_hall_at_a_time(campus, qtbot):
    bar = campus.tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, bar.tabRect(2).center())
    combo = campus.hall_combo
    assert combo.isVisible() and combo.currentData() == "A1"
    names = lambda: sorted(r.name for r in campus.floor_scene.layout.racks)  # noqa: E731
    assert names() == ["A1-AGENTS", "A1-NET"]
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == "B1" and names() == ["B1-NET", "B1-NVL72"]
    # a nudge on the floor keeps the rack in its hall
    rack = next(r for r in campus.doc.design.racks if r.name == "B1-NET")
    campus.select([rack.id])
    campus.floor_view.setFocus()
    QTest.keyClick(campus.floor_view, Qt.Key.Key_Right)
    moved = campus.doc.get(rack.id).position
    assert moved.hall == "B1" and moved.x_mm == rack.position.x_mm + 600.0
