"""The topology, charts and site plan of a hall of instances, without expanding it.

The halls: `rackcad new --template gb200-nvl72 --set racks=N` (N instances of one GB200 NVL72 block: 72 GPUs,
36 Grace CPUs, 18 NVLink switch chips and 1,368 links each, `rackcad info`) and `gb200-superpod --set sus=2`
(two scalable units of 8 such racks, each SU in its own floor row, wired by InfiniBand patterns to 36 leaf
and 18 spine switches: one NIC link per GPU, 8 x 72 = 576 per SU; each leaf's 32 uplinks to the spines,
36 x 32 = 1,152).
"""

from __future__ import annotations

import math
from collections import Counter

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from rackcad import summary, templates
from rackcad.figures import Figures
from rackcad.figures import model as figures_model
from rackcad.figures import partial
from rackcad.files import save
from rackcad.gui.main_window import TABS
from rackcad.gui.panels.site import latency_text
from rackcad.model import expand

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


def hall_file(tmp_path_factory, template: str, **params):
    path = tmp_path_factory.mktemp(template) / "hall.rackcad"
    save(templates.build(template, **params), path)
    return path


@pytest.fixture(scope="module")
def four(tmp_path_factory):
    return hall_file(tmp_path_factory, "gb200-nvl72", racks=4)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    return hall_file(tmp_path_factory, "gb200-nvl72", racks=256)


@pytest.fixture(scope="module")
def superpod(tmp_path_factory):
    return hall_file(tmp_path_factory, "gb200-superpod", sus=2)


@pytest.fixture
def expansions(monkeypatch):
    """Counts expansions of a whole design with instances and of every instance of a hall's figures."""
    counts: Counter[str] = Counter()
    flat, open_all = expand.expanded, partial.HallFigures.open_all

    def counted_expanded(design):
        counts["expanded"] += bool(design.instances)
        return flat(design)

    def counted_open_all(self):
        counts["open_all"] += 1
        return open_all(self)

    for module in (expand, figures_model, partial):
        monkeypatch.setattr(module, "expanded", counted_expanded)
    monkeypatch.setattr(partial.HallFigures, "open_all", counted_open_all)
    return counts


def click_tab(window, name: str) -> None:
    bar = window.tabs.tabBar()
    QTest.mouseClick(bar, LEFT, NONE, bar.tabRect(TABS.index(name)).center())
    QApplication.processEvents()


def box_point(window, item_id: str) -> QPoint:
    view, box = window.topology_view, window.topology_scene.box(item_id)
    view.centerOn(box)
    return view.mapFromScene(box.sceneBoundingRect().center())


def tile_point(window, rack_id: str) -> QPoint:
    view, tile = window.topology_view, window.topology_scene.tile(rack_id)
    view.centerOn(tile)
    return view.mapFromScene(tile.sceneBoundingRect().center())


def expanded_totals(path) -> tuple[int, float]:
    from rackcad.files import load

    figures = Figures(expand.expanded(load(path)))
    return figures.link_count, math.fsum(f.gbps for f in figures.link_figures.values())


def test_the_topology_of_four_racks_is_one_block_box_whose_links_are_the_expanded_designs(window, four):
    links, gbps = expanded_totals(four)
    assert links == 4 * 1_368
    assert window.open_path(str(four))
    click_tab(window, "topology")
    scene = window.topology_scene
    aggregate = scene.aggregate
    assert [(i.title, i.count) for i in aggregate.items] == [("GB200 NVL72 × 4", 4)]
    [item] = aggregate.items
    assert item.kinds["gpu"] == 4 * 72 and item.kinds["cpu"] == 4 * 36 and item.kinds["switch"] == 4 * 18
    assert aggregate.bundles == [] and item.links == links and math.isclose(item.gbps, gbps, rel_tol=1e-12)
    assert len(scene.boxes) == 1 and scene.part_items == [] and scene.hall.tiles == []
    shown = [line for lines in window.topology_view.tag_layer.shown() for line in lines]
    assert "GB200 NVL72 × 4" in shown and "288 GPUs · 144 CPUs" in shown


def test_a_double_click_on_a_box_draws_its_racks_and_one_on_a_rack_draws_its_parts_and_back(window, four):
    assert window.open_path(str(four))
    click_tab(window, "topology")
    scene, view = window.topology_scene, window.topology_view
    QTest.mouseDClick(view.viewport(), LEFT, NONE, box_point(window, "block:BLK1"))
    assert scene.opened_groups == ["block:BLK1"]
    assert [t.tile.lines for t in map(scene.tile, ["I1/R1", "I4/R1"])] == [
        ("R0001", "72 GPUs · 36 CPUs", "1,368 links"), ("R0004", "72 GPUs · 36 CPUs", "1,368 links")]
    assert scene.part_items == []
    QTest.mouseDClick(view.viewport(), LEFT, NONE, tile_point(window, "I3/R1"))
    assert scene.expanded == ["I3/R1"]
    parts = scene.part_items
    assert len(parts) == 72 + 36 + 18 and all(p.model_id.startswith("I3/") for p in parts)
    assert "I3" in window.index.opened and len(window.index.opened) <= 2  # and the elevation's rack, if any
    QTest.mouseDClick(view.viewport(), LEFT, NONE, tile_point(window, "I3/R1"))
    assert scene.expanded == [] and scene.part_items == []
    QTest.mouseDClick(view.viewport(), LEFT, NONE, box_point(window, "block:BLK1"))
    assert scene.opened_groups == [] and scene.hall.tiles == []
    QTest.mouseClick(view.viewport(), LEFT, NONE, box_point(window, "block:BLK1"))
    assert window.selected_ids() == ["I1/R1", "I2/R1", "I3/R1", "I4/R1"]  # a box selects its racks
    assert scene.box("block:BLK1").isSelected()


def test_the_superpods_topology_is_its_switch_tiers_and_scalable_units_with_their_bundles(window, superpod,
                                                                                           monkeypatch):
    links, gbps = expanded_totals(superpod)
    assert window.open_path(str(superpod))
    click_tab(window, "topology")
    aggregate = window.topology_scene.aggregate
    titles = [(i.title, i.count) for i in aggregate.items]
    assert titles == [("Spine switches × 18", 18), ("Leaf switches × 36", 36), ("Compute rack × 8 · SU1 row", 8),
                      ("Compute rack × 8 · SU2 row", 8)]
    bundles = {(b.a, b.b): (b.links, b.gbps, b.protocols) for b in aggregate.bundles}
    spine, leaf, su1, su2 = (i.id for i in aggregate.items)
    assert bundles[(spine, leaf)] == (1_152, 1_152 * 400.0, frozenset({"infiniband"}))
    assert bundles[(leaf, su1)] == bundles[(leaf, su2)] == (576, 576 * 400.0, frozenset({"infiniband"}))
    assert aggregate.link_count == links and math.isclose(aggregate.gbps, gbps, rel_tol=1e-12)

    shown = []
    monkeypatch.setattr(window.edits, "exec_menu", lambda menu, where: (menu.popup(where), shown.append(menu)))
    view = window.topology_view
    point = box_point(window, leaf)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.RightButton, NONE, point)
    QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point,
                                                              view.viewport().mapToGlobal(point)))
    menu = shown[-1]
    action = next(a for a in menu.actions() if a.text() == "Expand Leaf switches × 36")
    QTest.mouseClick(menu, LEFT, NONE, menu.actionGeometry(action).center())
    scene = window.topology_scene
    switches = [p for p in scene.part_items if p.node.kind == "network-switch"]
    assert len(switches) == 36 and scene.is_open(leaf)


def test_topology_charts_and_site_of_256_racks_never_expand_the_hall(window, big, expansions):
    assert window.open_path(str(big))
    window.wait_for_checks()
    opened = set(window.index.opened)
    click_tab(window, "topology")
    [item] = window.topology_scene.aggregate.items
    assert item.count == 256 and item.links == 256 * 1_368
    expected = summary(window.doc.design)["latency"]
    assert window.latency_label.text() == latency_text(expected)

    button = window.toolbar.widgetForAction(window.charts_dock.toggleViewAction())
    QTest.mouseClick(button, LEFT, NONE)
    QApplication.processEvents()
    figures = window.charts.figures
    assert len(figures.racks) == 256 and len(figures.switches) == 256 * 18
    assert len(figures.gpu_gbps) == 256 * 72 and set(figures.gpu_gbps) == {7_200.0}  # 18 x 400 Gb/s each way
    assert {s.used for s in figures.switches} == {72}  # each chip: one link from each of the rack's 72 GPUs
    assert math.isclose(sum(r.power_w for r in figures.racks), window.index.total_power_w(), rel_tol=1e-12)
    click_tab(window, "site")
    assert window.site_page.scene.items()  # its message: one hall
    assert expansions == Counter() and set(window.index.opened) == opened


@pytest.fixture(scope="module")
def budgeted(tmp_path_factory):
    """4 NVL72 instances and a latency budget inside rack I1 (its 72 GPUs, one NVLink switch hop apart)."""
    from rackcad.model import LatencyBudget

    design = templates.build("gb200-nvl72", racks=4)
    design = design.model_copy(update={"latency_budgets": [
        LatencyBudget(name="inside I1", from_ids=["I1/R1"], to_ids=["I1/R1"], max_us=10.0)]})
    path = tmp_path_factory.mktemp("budget") / "hall.rackcad"
    save(design, path)
    return path


def test_a_halls_latency_budget_is_worked_out_on_the_expanded_design_under_a_cancellable_dialog(
        window, budgeted, qtbot, monkeypatch):
    """The budget's paths need every part: the site plan expands a copy under the progress dialog (the
    hall's own figures stay per block); Cancel leaves the row blank and says so."""
    import time

    from rackcad.analysis.latency import Latency, check_budget
    from rackcad.files import load
    from rackcad.gui import main_window, progress_dialog
    from tests.gui.test_hall import _cancel_when_shown

    flat = Figures(expand.expanded(load(budgeted)))
    worst = check_budget(Latency(flat), flat.design.latency_budgets[0]).worst
    assert worst is not None and worst.us < 10.0
    assert window.open_path(str(budgeted))
    click_tab(window, "site")
    table = window.site_page.budgets
    assert table.item(0, 4).text() == f"{worst.us:,.3f}" and table.item(0, 4).toolTip() == "holds"
    assert not window.index.complete  # a copy was expanded, not the hall's figures

    class Slow(Figures):
        def __init__(self, *args, **kwargs):
            time.sleep(0.5)  # long enough for the click on Cancel to land
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(main_window, "Figures", Slow)
    monkeypatch.setattr(progress_dialog, "SHOW_AFTER_MS", 0)
    seen = _cancel_when_shown(qtbot)
    window.doc.set("I2/R1", name="Renamed")  # an edit while the site plan is shown: it is worked out again
    assert seen == ["Expanding 4 instances for the latency budgets…"]
    assert table.item(0, 4).text() == "not computed"
    assert "Cancelled" in window.statusBar().currentMessage()
