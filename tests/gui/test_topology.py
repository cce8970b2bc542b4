"""The topology tab: every part and link of the design drawn from the topology layout, selection shared with
the elevation both ways, tooltips with the figures, and no rebuild for edits the topology does not show."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from rackcad.gui.canvas.topology_items import EdgeItem, PartItem, edge_width

from .conftest import viewport_point

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


def click_scene(view, x: float, y: float) -> None:
    view.centerOn(x, y)
    QTest.mouseClick(view.viewport(), LEFT, NONE, view.mapFromScene(QPointF(x, y)))


def test_nvl72_topology_draws_every_accelerator_and_the_1296_nvlink_links(example):
    window = example("gb200-nvl72")
    window.show_tab("topology")
    scene = window.topology_scene
    gpus = [n.id for n in window.doc.design.nodes if n.part == "b200-gb200"]
    parts = [i for i in scene.items() if isinstance(i, PartItem)]
    assert len(gpus) == 72 and set(gpus) <= {p.model_id for p in parts}
    assert len(parts) == 72 + 36 + 18  # GPUs, Grace CPUs, NVLink switch chips
    edges = [i for i in scene.items() if isinstance(i, EdgeItem)]
    assert not scene.layout.bundled and len(edges) == 1368  # one item per linked pair of parts
    assert sum(e.edge.count for e in edges if e.edge.protocol == "nvlink5") == 1296
    assert sum(e.edge.count for e in edges if e.edge.protocol == "nvlink-c2c") == 72
    nvlink = next(e for e in edges if e.edge.protocol == "nvlink5")
    assert nvlink.pen().widthF() == edge_width(400) == 1.0 and nvlink.pen().isCosmetic()
    shown = window.topology_view.tag_layer.shown()
    assert ("1,296 NVLink 5 links · 518.4 Tb/s",) in shown and ("NVL72 accelerators (72)",) in shown
    assert [e.label for e in window.topology_legend.entries] == ["GPU", "CPU", "Switch chip", "NVLink 5",
                                                                 "NVLink-C2C"]
    tip = scene.part_tooltip(gpus[0])
    assert "B200" in tip and "scale-up 7,200 Gb/s per direction" in tip
    assert "links: 19 (1 NVLink-C2C, 18 NVLink 5)" in tip
    assert "1 NVLink 5 link<br>400 Gb/s per direction" in scene.edge_tooltip(nvlink.edge)


def test_selection_is_shared_between_topology_and_elevation(example):
    window = example("gb200-nvl72")
    window.show_tab("topology")
    scene, view = window.topology_scene, window.topology_view
    gpu = next(n.id for n in window.doc.design.nodes if n.part == "b200-gb200")
    click_scene(view, *scene.layout.by_id[gpu].center)
    assert scene.selected_ids() == [gpu]
    assert window.scene.selected_ids() == [gpu] and window.inspector.ids == [gpu]

    window.show_tab("elevation")
    other = [n.id for n in window.doc.design.nodes if n.part == "b200-gb200"][5]
    QTest.mouseClick(window.view.viewport(), LEFT, NONE, viewport_point(window, other))
    assert window.scene.selected_ids() == [other] and scene.selected_ids() == [other]

    tray = window.doc.get(other).parent  # a tray on the elevation: its GPUs and CPUs on the topology
    window.select([tray])
    inside = {n.id for n in window.doc.children(tray) if window.doc.part_of(n.id).kind in ("gpu", "cpu")}
    assert set(scene.selected_ids()) == inside and len(inside) == 6

    window.show_tab("topology")
    switches = next(g for g in scene.layout.groups if g.band == "switch-tier-1")
    click_scene(view, switches.x + switches.w / 2, switches.y + 10)  # its title strip: the whole group
    assert len(scene.selected_ids()) == 18 and window.scene.selected_ids() == scene.selected_ids()
    edge = next(i for i in scene.edge_items if i.edge.protocol == "nvlink-c2c")
    (x1, y1), (x2, y2) = edge.edge.points[:2]
    click_scene(view, (x1 + x2) / 2, (y1 + y2) / 2)  # an edge: its two ends
    assert set(window.scene.selected_ids()) == {edge.edge.a, edge.edge.b}


def test_rebuilds_only_for_what_the_topology_shows(example):
    window = example("mesh-4gpu")
    window.show_tab("topology")
    scene = window.topology_scene
    before = scene.items()
    first = scene.part_items[0]
    rack = window.doc.design.racks[0].id
    gpu = next(n for n in window.doc.design.nodes if window.doc.part_of(n.id).kind == "gpu")
    window.doc.set(rack, power_budget_w=50_000)  # neither is drawn here: the same items stay
    window.doc.set(gpu.id, overrides={"power_w": 1100})
    window.doc.set(gpu.id, name="SLED1/renamed")  # only relabelled
    assert scene.items() == before and scene.part_item(gpu.id).node.label == "SLED1/renamed"
    assert scene.layout.by_id[gpu.id].label == "SLED1/renamed"
    window.doc.set(rack, name="Rack A")  # in the group titles: laid out again
    assert scene.part_items[0] is not first and ("Rack A accelerators (4)",) in window.topology_view.tag_layer.shown()
    edges = scene.edge_items
    assert len(edges) == 6 and {e.edge.count for e in edges} == {6}  # 6 links per pair, 4 GPUs in a full mesh
    assert window.topology_view.tag_layer.shown().count(("6",)) == 6  # few edges: each shows its count


def test_zoom_actions_act_on_the_current_tab(example):
    window = example("hgx-b200-8gpu")
    window.show_tab("topology")
    view = window.topology_view
    fitted, elevation = view.zoom, window.view.zoom
    window.zoom_in_action.trigger()
    assert abs(view.zoom - fitted * 1.25) < 1e-9 and window.view.zoom == elevation
    window.fit_action.trigger()
    assert abs(view.zoom - fitted) < 1e-6
    assert window.topology_legend._zoom == f"zoom {view.zoom * 100:.0f} %"


def test_selection_lights_its_links_and_each_nvlink_domain_is_outlined(example):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from rackcad.gui.canvas.topology_scene import DIMMED

    window = example("gb200-nvl72")
    window.show_tab("topology")
    scene, view = window.topology_scene, window.topology_view
    assert [size for _, size in scene.domains] == [72]  # one NVLink domain of 72 GPUs
    assert any(t.lines[0] == "NVLink domain · 72 accelerators" for t in scene.tags)
    gpu = next(n.id for n in window.doc.design.nodes if n.name == "CT01/GPU1")
    item = scene.part_item(gpu)
    view.ensureVisible(item)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.mapFromScene(item.sceneBoundingRect().center()))
    assert window.selected_ids() == [gpu]
    lit = [e for e in scene.edge_items if e.opacity() == 1.0]
    assert len(lit) == 19 and all(gpu in (e.edge.a, e.edge.b) for e in lit)  # 18 NVLink + 1 C2C
    assert all(e.opacity() == DIMMED for e in scene.edge_items if e not in lit)
    window.select([])  # nothing selected: every link as usual
    assert all(e.opacity() == 1.0 for e in scene.edge_items)


def test_bulk_wire_by_dragging_in_the_topology_view(example, monkeypatch):
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest

    window = example("gb200-nvl72")
    doc = window.doc
    doc.remove(*[link.id for link in doc.design.links if link.protocol == "nvlink5"])
    window.show_tab("topology")
    scene, view = window.topology_scene, window.topology_view
    view.fit_all()
    viewport = view.viewport()

    def title_point(group):
        return view.mapFromScene(QPointF(group.x + group.w / 2, group.y + 10))

    gpus_group = next(g for g in scene.layout.groups if "accelerators" in g.label)
    chips_group = next(g for g in scene.layout.groups if "switches" in g.label)
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, title_point(gpus_group))
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     title_point(chips_group))
    assert len(window.selected_ids()) == 72 + 18
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 1 and view.wiring  # the tool works here: no jump to the elevation
    monkeypatch.setattr(window.edits, "ask_int", lambda title, label, value, low, high: value)
    gpu = next(n.id for n in doc.design.nodes if n.name == "CT05/GPU3")
    chip = next(n.id for n in doc.design.nodes if n.name == "ST07/SW2")
    start = view.mapFromScene(scene.part_item(gpu).sceneBoundingRect().center())
    end = view.mapFromScene(scene.part_item(chip).sceneBoundingRect().center())
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert sum(link.count for link in doc.design.links if link.protocol == "nvlink5") == 1296
