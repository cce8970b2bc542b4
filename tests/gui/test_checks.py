"""The checks panel: live violations after each edit (the window's Checker), markers on the canvas, clicking
selects and centres the subjects, filtering, waivers as undoable edits, and a failing incremental check."""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog

import rackcad


def click_row(window, row: int) -> None:
    view = window.checks.list
    index = window.checks.model.index(row, 0)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.visualRect(index).center())


def codes(window) -> list[str]:
    return [v.code for v in window.checks.model.rows]


def test_violation_after_edit_marks_items_and_click_selects_and_centres(small):
    window, ids, _ = small
    assert window.checks.counts() == {"error": 0, "warning": 1, "info": 5}
    assert window.checks_label.text() == "⚠ 0 errors · 1 warning"
    window.doc.set(ids["rack"], power_budget_w=1000)  # the rack draws 2.7 kW
    assert window.wait_for_checks()
    assert window.checks.counts()["error"] == 1 and codes(window)[0] == "power.rack_budget"
    assert window.checks_label.text() == "✖ 1 error · 1 warning"
    assert window.scene.box_item(f"{ids['rack']}#title").look.severity == "error"
    assert window.scene.item(ids["gpu"]).look.severity == "warning"  # 18 unconnected NVLink ports
    assert "power.rack_budget" in window.scene.tooltip(ids["rack"])

    window.view.zoom_by(4)
    window.view.centerOn(0, 0)
    click_row(window, 0)
    assert window.inspector.ids == [ids["rack"]] and window.scene.selected_ids() == [ids["rack"]]
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert visible.contains(window.scene.rect_of([ids["rack"]]).center())

    click_row(window, 1)
    assert window.inspector.ids == [ids["gpu"]] and window.scene.selected_ids() == [ids["gpu"]]


def test_severity_filter_and_waiver_is_undoable(small, monkeypatch):
    window, ids, _ = small
    panel = window.checks
    panel.severity.setCurrentIndex(panel.severity.findData("info"))
    assert set(codes(window)) == {"catalog.estimate"} and len(codes(window)) == 5
    panel.severity.setCurrentIndex(panel.severity.findData("warning"))
    assert codes(window) == ["ports.unconnected"]

    click_row(window, 0)
    assert panel.waive.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("test rig, NVLink later", True)))
    panel.waive.click()
    waiver = window.doc.design.waivers[0]
    assert (waiver.code, waiver.subjects, waiver.reason) == ("ports.unconnected", [ids["gpu"]], "test rig, NVLink later")
    assert window.undo_action.text() == "&Undo Waive ports.unconnected"
    assert window.wait_for_checks()
    assert panel.counts()["warning"] == 0 and codes(window) == []
    assert window.scene.item(ids["gpu"]).look.severity == ""
    panel.show_waived.setChecked(True)
    assert codes(window) == ["ports.unconnected"] and panel.model.rows[0].waived
    window.undo_action.trigger()
    assert window.doc.design.waivers == []
    assert window.wait_for_checks() and panel.counts()["warning"] == 1


def test_a_failing_incremental_check_falls_back_to_a_full_one(small, monkeypatch):
    window, ids, _ = small
    from rackcad.rules.checker import Checker

    def broken(self, change):
        raise RuntimeError("patch bug")

    monkeypatch.setattr(Checker, "_update", broken)
    window.doc.set(ids["rack"], name="R-A")
    assert window.doc.get(ids["rack"]).name == "R-A"  # editing goes on
    assert window.wait_for_checks()
    assert window.report.to_dict() == rackcad.validate(window.doc.design).to_dict()