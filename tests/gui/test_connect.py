"""The connect tool (click a part, pick a port group, click another) and the Auto-wire NVLink command."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from rackcad.gui.canvas.tools import port_choices

from .conftest import viewport_point


def click(window, item_id: str) -> None:
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     viewport_point(window, item_id))


def test_connect_tool_links_gpu_to_switch_with_the_free_port_count(small):
    window, ids, _ = small
    asked = []

    def choose(title, choices, where):
        asked.append((title, [(c.port, c.protocol, c.free, c.enabled) for c in choices]))
        return next((c for c in choices if c.enabled and c.protocol == "nvlink5"), None)

    window.view.connect_tool.choose = choose
    window.connect_action.trigger()
    assert window.connect_action.isChecked() and window.view.connect_tool.active
    click(window, ids["gpu"])
    assert asked == [("CT1/GPU1: port group", [("nvlink", "nvlink5", 18, True), ("c2c", "nvlink-c2c", 1, True)])]
    assert "click the part to connect to" in window.statusBar().currentMessage()
    click(window, ids["switch"])  # one port group: no menu
    assert len(asked) == 1
    link = window.doc.design.links[-1]
    assert (link.a.node, link.a.port, link.b.node, link.b.port) == (ids["gpu"], "nvlink", ids["switch"], "nvlink")
    assert link.protocol == "nvlink5" and link.count == 18  # min(18 free on the GPU, 72 on the chip)
    assert "Connected CT1/GPU1 nvlink - ST1/SW1 nvlink: 18 x nvlink5" in window.statusBar().currentMessage()
    assert window.undo_action.text() == "&Undo Connect CT1/GPU1 - ST1/SW1"
    gpu_item = window.scene.item(ids["gpu"])
    assert gpu_item.look.badge == "18/18" and gpu_item.look.badge_state == "full"
    assert window.scene.item(ids["switch"]).look.badge == "18/72"

    click(window, ids["gpu"])  # every NVLink port of the GPU is used now: only c2c is offered
    assert asked[-1][1][0] == ("nvlink", "nvlink5", 0, False)
    QTest.keyClick(window.view, Qt.Key.Key_Escape)  # cancel the pick
    QTest.keyClick(window.view, Qt.Key.Key_Escape)  # leave the tool
    assert not window.view.connect_tool.active and not window.connect_action.isChecked()
    window.undo_action.trigger()
    assert window.doc.design.links == [] and window.scene.item(ids["gpu"]).look.badge == "0/18"


def test_connect_refuses_a_part_without_matching_free_ports(small):
    window, ids, _ = small
    window.view.connect_tool.choose = lambda title, choices, where: next(
        (c for c in choices if c.enabled and c.protocol == "nvlink-c2c"), None)
    window.connect_action.trigger()
    click(window, ids["gpu"])
    click(window, ids["switch"])  # the chip has no nvlink-c2c ports
    assert "ST1/SW1 has no free nvlink-c2c ports" in window.statusBar().currentMessage()
    click(window, ids["cpu"])
    link = window.doc.design.links[-1]
    assert link.protocol == "nvlink-c2c" and link.count == 1 and {link.a.node, link.b.node} == {ids["gpu"], ids["cpu"]}
    assert [c.free for c in port_choices(window.doc, ids["cpu"])] == [1, 4]


def test_auto_wire_spreads_free_ports_over_the_rack_switches_in_one_step(small):
    window, ids, _ = small
    doc = window.doc
    second = doc.place("b200-gb200", ids["tray"], bay=3, name="CT1/GPU2")
    chip2 = doc.place("nvlink5-switch", ids["switch_tray"], bay=1, name="ST1/SW2")
    depth = len(doc.history)
    window.autowire_action.trigger()
    assert len(doc.history) == depth + 1 and doc.history.undo_label == "Auto-wire NVLink"
    per_pair = {(link.a.node, link.b.node): link.count for link in doc.design.links}
    assert per_pair == {(ids["gpu"], ids["switch"]): 9, (ids["gpu"], chip2): 9,
                        (second, ids["switch"]): 9, (second, chip2): 9}
    assert "36 links" in window.statusBar().currentMessage()
    window.autowire_action.trigger()  # nothing left to wire: no undo step
    assert len(doc.history) == depth + 1 and "nothing to wire" in window.statusBar().currentMessage()
    window.undo_action.trigger()
    assert doc.design.links == []
