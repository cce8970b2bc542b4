"""Opening a hall of instances: the first frame comes from the block's figures (no instance expanded but the
rack the elevation draws), the checks follow, and the instance a user looks at or edits is expanded then.

The hall: 64 instances of the GB200 NVL72 block (`rackcad new --template gb200-nvl72 --set racks=64`), the
block's rack on a 120 kW budget, so each rack's 125.3 kW (`rackcad info`) is one power.rack_budget error:
64 equal findings, one group row in the Checks dock.
"""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from rackcad import templates
from rackcad.figures import Figures
from rackcad.figures import model as figures_model
from rackcad.files import load, save
from rackcad.gui.canvas.floor_scene import POWER_BANDS
from rackcad.gui.panels.checks import ViolationGroup
from rackcad.model import expand, expanded
from rackcad.units import fmt_power

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
RACKS = 64
RACK_IDS = [f"I{k}/R1" for k in range(1, RACKS + 1)]


@pytest.fixture(scope="module")
def hall_file(tmp_path_factory):
    design = templates.build("gb200-nvl72", racks=RACKS)
    [block] = design.blocks
    rack = block.racks[0].model_copy(update={"power_budget_w": 120_000.0})
    design = design.model_copy(update={"blocks": [block.model_copy(update={"racks": [rack]})]})
    path = tmp_path_factory.mktemp("hall64") / "hall.rackcad"
    save(design, path)
    return path


@pytest.fixture(scope="module")
def flat(hall_file):
    """The Figures of the expanded hall (the test expands it, to compare; before anything is counted)."""
    return Figures(expanded(load(hall_file)))


@pytest.fixture
def built(monkeypatch):
    """Counts what the editor builds: instances expanded, flat expansions of the whole design, link figures."""
    counts: Counter[str] = Counter()
    build, add, flat = expand._build_instance, figures_model.Figures._add_link, expand.expanded

    def counted_build(instance, block):
        counts["instances"] += 1
        return build(instance, block)

    def counted_add(self, link):
        counts["link figures"] += 1
        return add(self, link)

    def counted_expanded(design):
        counts["expanded"] += bool(design.instances)
        return flat(design)

    monkeypatch.setattr(expand, "_build_instance", counted_build)
    monkeypatch.setattr(figures_model.Figures, "_add_link", counted_add)
    for module in (expand, figures_model):
        monkeypatch.setattr(module, "expanded", counted_expanded)
    return counts


@pytest.fixture
def hall(window, hall_file, built):
    window.resize(1400, 900)
    window.show()
    assert window.open_path(str(hall_file))
    return window


def click_rack(window, rack_id: str, double: bool = False) -> None:
    view, item = window.floor_view, window.floor_scene.rack_item(rack_id)
    point = view.mapFromScene(item.mapToScene(item.rect().center()))
    (QTest.mouseDClick if double else QTest.mouseClick)(view.viewport(), LEFT, NONE, point)


def test_the_first_frame_expands_one_instance_and_shows_the_whole_halls_figures(flat, hall, built):
    window = hall
    per_rack = len(window.doc.design.blocks[0].links)
    assert built["expanded"] == 0  # never the flat hall
    assert built["instances"] <= 2  # the block's stand-in and the rack the elevation draws
    assert built["link figures"] <= 2 * per_rack
    assert window.checks_label.text() == "checking…"  # the checks run once the first frame is painted
    assert window.gpu_label.text() == f"{RACKS * 72:,} GPUs" == f"{flat.kind_counts()['gpu']:,} GPUs"
    assert window.links_label.text() == f"{flat.link_count:,} links"
    assert window.power_label.text() == f"Power {fmt_power(flat.total_power_w())} / {fmt_power(RACKS * 120_000)} budget"
    assert window.scene.shown == ["I1/R1"] and window.scene.item("I1/T1") is not None

    window.show_tab("floor")
    window.floor_colors.setCurrentIndex(0)
    over = dict((label, c) for _, label, c in POWER_BANDS)
    assert all(window.floor_scene.rack_fill(r)[0] == "over budget" for r in RACK_IDS)  # 125.3 of 120 kW
    assert window.floor_scene.rack_item("I64/R1").brush.color().name() != over.get("50–80 %")
    assert window.wait_for_checks()
    assert window.checks.counts()["error"] == RACKS
    assert "error" in window.checks_label.text() and built["expanded"] == 0 and built["instances"] <= 2


def test_a_click_on_the_floor_opens_that_rack_and_a_deleted_tray_is_its_override_undone_in_one_step(hall, built):
    window = hall
    assert window.wait_for_checks()
    window.show_tab("floor")
    window.floor_view.fit_all()
    QApplication.processEvents()
    click_rack(window, "I37/R1")
    assert window.selected_ids() == ["I37/R1"]
    assert window.scene.shown == ["I37/R1"] and window.scene.item("I37/T1") is not None
    assert "I37" in window.index.opened and len(window.index.opened) <= 2
    click_rack(window, "I37/R1", double=True)
    assert window.tabs.currentIndex() == 0

    scene, view = window.scene, window.view
    tray = scene.item("I37/T1").sceneBoundingRect()
    view.ensureVisible(tray)
    QTest.mouseClick(view.viewport(), LEFT, NONE, view.mapFromScene(tray.left() + 20, tray.center().y()))
    assert window.selected_ids() == ["I37/T1"]
    depth = len(window.doc.history)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert len(window.doc.history) == depth + 1
    assert window.doc.design.instance("I37").removed == ["T1"] and not window.doc.design.instance("I36").removed
    assert window.gpu_label.text() == f"{RACKS * 72 - 4:,} GPUs"  # a compute tray holds 4 Blackwell GPUs
    assert scene.item("I37/T1") is None and scene.shown == ["I37/R1"]
    assert window.index.load("I37/R1").power_w < 120_000.0 < window.index.load("I36/R1").power_w
    assert window.report is window.checker.report and window.checks.counts()["error"] == RACKS - 1  # under budget
    assert "I37/R1" not in {s for v in window.report.errors for s in v.subjects}
    window.undo_action.trigger()
    assert window.doc.design.instance("I37").plain and scene.item("I37/T1") is not None
    assert window.gpu_label.text() == f"{RACKS * 72:,} GPUs" and window.checks.counts()["error"] == RACKS
    assert built["expanded"] == 0 and built["instances"] <= 8  # stand-in, I1, I37 and its override and undo


def test_the_grouped_check_selects_every_rack_and_a_drag_moves_one_as_its_instances_override(hall, built):
    window = hall
    assert window.wait_for_checks()
    window.show_tab("floor")
    window.raise_dock("checks")
    rows = window.checks.model.rows
    row = next(i for i, r in enumerate(rows) if isinstance(r, ViolationGroup) and r.code == "power.rack_budget")
    assert len(rows[row].members) == RACKS
    rect = window.checks.list.visualRect(window.checks.model.index(row, 0))
    QTest.mouseClick(window.checks.list.viewport(), LEFT, NONE, rect.center())
    assert sorted(window.selected_ids()) == sorted(RACK_IDS)
    assert sorted(window.floor_scene.selected_ids()) == sorted(RACK_IDS)
    assert len(window.index.opened) <= 4  # the elevation draws the first four racks of the selection

    view, scene = window.floor_view, window.floor_scene
    view.fit_all()
    QApplication.processEvents()
    item = scene.rack_item("I5/R1")
    start = item.mapToScene(item.rect().center())
    before = window.doc.find("I5/R1").position
    window.floor_scene.clearSelection()
    viewport = view.viewport()
    a = view.mapFromScene(start)
    b = view.mapFromScene(start + QPointF(0, -900))  # into the margin in front of the first row
    QTest.mousePress(viewport, LEFT, NONE, a)
    for step in range(1, 6):
        QTest.mouseMove(viewport, a + (b - a) * step / 5)
    QTest.mouseRelease(viewport, LEFT, NONE, b)
    after = window.doc.find("I5/R1").position
    assert (after.x_mm, after.y_mm) == (before.x_mm, before.y_mm - 600)  # one 600 mm tile: the snap grid
    assert window.doc.design.instance("I5").changed["R1"]["position"]["y_mm"] == -600  # its override
    assert window.doc.find("I6/R1").position == before.model_copy(update={"x_mm": before.x_mm + 600})
    assert scene.rack_item("I5/R1").pos().y() == before.y_mm - 600
    window.undo_action.trigger()
    assert window.doc.design.instance("I5").plain and window.doc.find("I5/R1").position == before
    assert scene.rack_item("I5/R1").pos().y() == before.y_mm
    assert built["expanded"] == 0


def test_an_edited_hall_saves_with_ctrl_s_and_exports_its_bill_of_materials(hall, hall_file, tmp_path, built):
    window = hall
    assert window.wait_for_checks()
    path = tmp_path / "edited.rackcad"
    assert window.save_to(str(path))  # the window's file from now on
    window.select(["I9/T2"])
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    assert window.isWindowModified()
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not window.isWindowModified()
    saved = load(path)
    assert saved.instance("I9").removed == ["T2"] and len(saved.instances) == RACKS and not saved.racks

    assert built["expanded"] == 0
    bom = tmp_path / "bom.csv"
    assert window.export("export_bom", str(bom))
    rows = {line.split(",")[0]: line.split(",")[4] for line in bom.read_text(encoding="utf-8-sig").splitlines()[1:]}
    assert rows["b200-gb200"] == str(RACKS * 72 - 4) and rows["gb200-compute-tray"] == str(RACKS * 18 - 1)
