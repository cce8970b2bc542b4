"""The editor at hall scale: racks on the floor plan coloured by power or by check status with a key, a
double-click that opens a rack's elevation, one rack at a time on the elevation, repeated violations as one
group row whose click selects every subject, and the progress dialog whose Cancel changes nothing.

The hall: 26 copies of the GB200 NVL72 example rack (125.3 kW each, `rackcad info`), with power budgets in
turn of 150 kW (83.5 %), 120 kW (over: power.rack_budget error), 135 kW (92.8 %, above the 90 % warning
line: power.rack_budget warning) and 250 kW (50.1 %).
"""

from __future__ import annotations

import os
import time

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from benchmarks.halls import flat_hall
from rackcad.files import save
from rackcad.gui import progress_dialog
from rackcad.gui.canvas.floor_scene import CHECK_FILLS, OVER_FILL, POWER_BANDS
from rackcad.gui.panels.checks import ViolationGroup
from rackcad.progress import Cancelled

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
RACKS = 26
BUDGETS = [150_000.0, 120_000.0, 135_000.0, 250_000.0]
OVER = [f"R1.{k}" for k in range(2, RACKS + 1, 4)]  # 7 racks on a 120 kW budget
NEAR = [f"R1.{k}" for k in range(3, RACKS + 1, 4)]  # 6 racks on 135 kW


@pytest.fixture(scope="module")
def hall_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("hall") / "hall.rackcad"
    save(flat_hall(RACKS, per_row=13, budgets_w=BUDGETS), path)
    return path


@pytest.fixture
def hall(window, hall_file):
    assert window.open_path(str(hall_file))
    assert window.wait_for_checks()
    return window


def fill(window, rack_id: str) -> str:
    return window.floor_scene.rack_item(rack_id).brush.color().name()


def group_row(window, code: str, severity: str) -> int:
    rows = window.checks.model.rows
    return next(i for i, r in enumerate(rows) if isinstance(r, ViolationGroup) and r.code == code
                and r.severity == severity)


def click_row(window, row: int, x: int | None = None, double: bool = False) -> None:
    view = window.checks.list
    rect = view.visualRect(window.checks.model.index(row, 0))
    point = QPoint(rect.left() + x, rect.center().y()) if x is not None else rect.center()
    (QTest.mouseDClick if double else QTest.mouseClick)(view.viewport(), LEFT, NONE, point)


def test_repeated_violations_are_one_group_row_whose_click_selects_every_subject(hall):
    window = hall
    window.raise_dock("checks")
    assert window.checks.counts()["error"] == 7 and window.checks.counts()["warning"] == 6
    row = group_row(window, "power.rack_budget", "error")
    group = window.checks.model.rows[row]
    assert len(group.members) == 7 and set(group.subjects) == set(OVER)
    assert group.message == "Rack … draws 125.3 kW, budget 120.0 kW"  # the names differ, the figures do not
    assert window.checks.model.index(row, 0).data(Qt.ItemDataRole.UserRole + 1) == "7 times in 7 racks"
    warnings = window.checks.model.rows[group_row(window, "power.rack_budget", "warning")]
    assert set(warnings.subjects) == set(NEAR)
    assert not any(isinstance(r, ViolationGroup) and r.code == "power.rack_budget" and r is not group
                   and r is not warnings for r in window.checks.model.rows)

    window.show_tab("floor")
    click_row(window, row)
    assert sorted(window.selected_ids()) == sorted(OVER)
    assert sorted(window.floor_scene.selected_ids()) == sorted(OVER)

    before = window.checks.model.rowCount()
    click_row(window, row, x=10)  # the arrow
    assert window.checks.model.rowCount() == before + 7
    member = window.checks.model.rows[row + 1]
    assert member.subjects == (OVER[0],) and member.message == "Rack NVL72-0002 draws 125.3 kW, budget 120.0 kW"
    click_row(window, row + 2)
    assert window.selected_ids() == [OVER[1]]
    window.checks.list.setFocus()
    window.checks.list.setCurrentIndex(window.checks.model.index(row, 0))
    QTest.keyClick(window.checks.list, Qt.Key.Key_Left)
    assert window.checks.model.rowCount() == before
    click_row(window, row, double=True)
    assert window.checks.model.rowCount() == before + 7


def test_floor_colours_racks_by_power_share_or_by_check_status_with_a_key(hall):
    window = hall
    window.show_tab("floor")
    bands = {label: colour for _, label, colour in POWER_BANDS}
    assert fill(window, "R1.1") == bands["80–90 %"]  # 125.3 of 150 kW
    assert fill(window, "R1.2") == OVER_FILL.lower()
    assert fill(window, "R1.3") == bands["90–100 %"]
    assert fill(window, "R1.4") == bands["50–80 %"]  # 50.1 % of 250 kW
    labels = [e.label for e in window.floor_legend.entries]
    assert labels[:4] == ["Power of budget: 50–80 %", "80–90 %", "90–100 %", "over budget"]

    combo = window.floor_colors
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == "checks"
    assert fill(window, "R1.2") == CHECK_FILLS["error"]
    assert fill(window, "R1.3") == CHECK_FILLS["warning"]
    assert fill(window, "R1.1") == CHECK_FILLS["info"]  # the estimates of its parts
    assert [e.label for e in window.floor_legend.entries][:3] == ["Checks: errors", "warnings", "info only"]

    window.doc.set("R1.2", power_budget_w=200_000.0)  # fixed: only its estimates are left
    assert fill(window, "R1.2") == CHECK_FILLS["info"]
    assert QColor(fill(window, "R1.2")) != QColor(CHECK_FILLS["error"])


def test_elevation_draws_one_rack_at_hall_scale_and_a_floor_double_click_opens_another(hall):
    window = hall
    scene = window.scene
    assert scene.shown == ["R1.1"]
    assert set(scene.layout.bodies) == {"R1.1"}
    assert scene.item("T1.1") is not None and scene.item("T1.5") is None

    window.show_tab("floor")
    view = window.floor_view
    view.fit_all()
    QApplication.processEvents()
    item = window.floor_scene.rack_item("R1.5")
    point = view.mapFromScene(item.mapToScene(item.rect().center()))
    QTest.mouseDClick(view.viewport(), LEFT, NONE, point)
    assert window.tabs.currentIndex() == 0
    assert scene.shown == ["R1.5"] and set(scene.layout.bodies) == {"R1.5"}
    assert window.selected_ids() == ["R1.5"] and scene.selected_ids() == ["R1.5"]
    assert scene.item("T1.5") is not None and scene.item("T1.1") is None
    assert "NVL72-0005" in window.statusBar().currentMessage()

    tray = scene.item("T1.5").sceneBoundingRect()
    window.view.ensureVisible(tray)
    click = window.view.mapFromScene(tray.left() + 20, tray.center().y())  # its name strip
    QTest.mouseClick(window.view.viewport(), LEFT, NONE, click)
    assert window.selected_ids() == ["T1.5"]
    window.doc.set("T1.5", name="CT01-renamed")
    assert scene.shown == ["R1.5"]


def _cancel_when_shown(qtbot, meanwhile=None) -> list[str]:
    """Click Cancel on the progress dialog as soon as it shows (after `meanwhile()`); returns the labels it
    showed."""
    seen: list[str] = []

    def press() -> None:
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)
                       and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(10, press)
            return
        seen.append(dialog.labelText())
        if meanwhile is not None:
            meanwhile()
        button = dialog.findChild(QPushButton)
        QTest.mouseClick(button, LEFT)

    QTimer.singleShot(0, press)
    return seen


def test_cancel_in_the_progress_dialog_stops_work_that_reports_progress(window, qtbot, monkeypatch):
    monkeypatch.setattr(progress_dialog, "SHOW_AFTER_MS", 0)
    steps: list[int] = []

    def work(progress):
        for i in range(10_000):
            progress(i, 10_000, f"step {i}")
            steps.append(i)
            time.sleep(0.002)
        return "finished"

    combo = window.floor_colors
    before = combo.currentIndex()
    seen = _cancel_when_shown(qtbot, meanwhile=lambda: QTest.keyClick(combo, Qt.Key.Key_Down))
    with pytest.raises(Cancelled):
        progress_dialog.run_with_progress(window, "Long work", work)
    assert seen and len(steps) < 10_000  # it stopped at the next progress call after Cancel
    assert combo.currentIndex() == before  # the window took no input while the work ran
    assert not any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_cancelled_export_and_open_change_nothing(hall, hall_file, tmp_path, qtbot, monkeypatch):
    window = hall
    monkeypatch.setattr(progress_dialog, "SHOW_AFTER_MS", 0)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "cables.csv"
    target.write_text("old schedule\n")
    import rackcad.export as export

    real = export.export_cables

    def held(design, path, progress=None):
        """The real export, held at its first step until Cancel (or 10 s): a fast machine would otherwise
        finish the schedule before the click lands. It has begun its file, which Cancel must remove."""
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("partial")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            progress(0, 0, "cable schedule: deriving figures")
            time.sleep(0.01)
        return real(design, path, progress=progress)

    monkeypatch.setattr(export, "export_cables", held)
    seen = _cancel_when_shown(qtbot)
    assert window.export("export_cables", str(target)) is False
    assert len(seen) == 1 and seen[0] in ("Writing cables.csv…", "cable schedule: deriving figures")
    assert target.read_text() == "old schedule\n" and os.listdir(out) == ["cables.csv"]
    assert "cancelled" in window.statusBar().currentMessage()
    monkeypatch.setattr(export, "export_cables", real)

    assert window.export("export_cables", str(target)) is True  # not cancelled: written
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("id,name,from_rack") and len(lines) == 1 + RACKS * 1368  # a row per link
    assert os.listdir(out) == ["cables.csv"]

    window.doc.set("R1.1", name="Renamed")
    _cancel_when_shown(qtbot)
    assert window.open_path(str(hall_file)) is False  # cancelled while reading
    assert window.doc.get("R1.1").name == "Renamed" and window.doc.is_dirty


def test_topology_draws_rack_tiles_at_hall_scale_and_expands_a_rack_on_double_click(hall):
    window = hall
    window.show_tab("topology")
    scene, view = window.topology_scene, window.topology_view
    assert scene.hall is not None and len(scene.hall.tiles) == RACKS
    assert {t.tier for t in scene.hall.tiles} == {"compute"}
    assert scene.tile("R1.5").tile.lines == ("NVL72-0005", "72 GPUs · 36 CPUs", "1,368 links")
    assert scene.part_items == []  # no part drawn until a rack is expanded

    view.fit_all()
    QApplication.processEvents()
    tile = scene.tile("R1.5")
    point = view.mapFromScene(tile.sceneBoundingRect().center())
    QTest.mouseClick(view.viewport(), LEFT, NONE, point)
    assert window.selected_ids() == ["R1.5"]
    QTest.mouseDClick(view.viewport(), LEFT, NONE, point)
    assert scene.expanded == ["R1.5"]
    gpus = [p for p in scene.part_items if p.node.kind == "gpu"]
    assert len(gpus) == 72 and all(p.model_id.endswith(".5") for p in scene.part_items)
    assert len(scene.part_items) == 72 + 36 + 18  # GPUs, Grace CPUs, NVLink switch chips

    view.fit_all()
    QApplication.processEvents()
    point = view.mapFromScene(scene.tile("R1.5").sceneBoundingRect().center())
    QTest.mouseDClick(view.viewport(), LEFT, NONE, point)
    assert scene.expanded == [] and scene.part_items == []


@pytest.fixture(scope="module")
def instance_hall_file(tmp_path_factory):
    """`rackcad new --template gb200-nvl72 --set racks=26`: 26 instances of one NVL72 block."""
    from rackcad import templates

    path = tmp_path_factory.mktemp("instances") / "hall.rackcad"
    save(templates.build("gb200-nvl72", racks=RACKS), path)
    return path


def test_a_hall_of_instances_draws_every_rack_and_an_edit_in_one_becomes_its_override(window, instance_hall_file):
    assert window.open_path(str(instance_hall_file))
    assert window.wait_for_checks()
    design = window.doc.design
    assert len(design.instances) == RACKS and not design.racks  # stored once, placed 26 times
    window.show_tab("floor")
    floor = window.floor_scene
    assert len(floor.layout.racks) == RACKS and floor.rack_item("I5/R1") is not None
    assert fill(window, "I5/R1") == dict((label, c) for _, label, c in POWER_BANDS)["80–90 %"]  # 125.3 of 150 kW

    view = window.floor_view
    view.fit_all()
    QApplication.processEvents()
    item = floor.rack_item("I5/R1")
    QTest.mouseDClick(view.viewport(), LEFT, NONE, view.mapFromScene(item.mapToScene(item.rect().center())))
    scene = window.scene
    assert window.tabs.currentIndex() == 0 and scene.shown == ["I5/R1"]
    tray = scene.item("I5/T1").sceneBoundingRect()
    window.view.ensureVisible(tray)
    point = window.view.mapFromScene(tray.left() + 20, tray.center().y())  # the tray's name strip
    QTest.mouseClick(window.view.viewport(), LEFT, NONE, point)
    assert window.selected_ids() == ["I5/T1"]
    gpus = window.gpu_label.text()
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    assert window.doc.find("I5/T1") is None and window.doc.find("I4/T1") is not None
    assert "T1" in window.doc.design.instance("I5").removed  # the instance records it; the block is untouched
    assert not window.doc.design.instance("I4").removed
    assert window.gpu_label.text() == f"{RACKS * 72 - 4:,} GPUs"  # a compute tray holds 4 Blackwell GPUs
    assert scene.item("I5/T1") is None and scene.shown == ["I5/R1"]
    window.undo_action.trigger()
    assert window.doc.find("I5/T1") is not None and window.gpu_label.text() == gpus
