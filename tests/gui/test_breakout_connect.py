"""Breakout in the editor: connecting a 200G DPU port to an 800G SN5600 port with the connect tool lands it on
a sub-port of a 4-way split port (F4), and the inspector and tooltip show the split port's free sub-ports."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLabel

from rackcad import Document
from rackcad.files import save

from .conftest import viewport_point


def click(window, item_id: str) -> None:
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     viewport_point(window, item_id))


def _open(window, tmp_path):
    doc = Document()
    rack = doc.add_rack("rack-48u-network", name="N1")
    ids = {"switch": doc.place("spectrum-4-sn5600", rack, u=40, name="SW1")}
    box = doc.place("dgx-b200", rack, u=10, name="DGX1")
    ids["dpu"] = doc.place("bluefield-3", box, bay=20, name="DGX1/DPU1")
    ids["dpu2"] = doc.place("bluefield-3", box, bay=21, name="DGX1/DPU2")
    path = tmp_path / "breakout.rackcad"
    save(doc.design, path)
    assert window.open_path(str(path))
    window.wait_for_checks()
    return ids


def test_connect_tool_splits_a_faster_switch_port_and_the_inspector_shows_free_sub_ports(window, tmp_path):
    ids = _open(window, tmp_path)
    asked = []

    def choose(title, choices, where):
        asked.append([(c.port, c.free, c.enabled) for c in choices])
        return next((c for c in choices if c.enabled and c.port == "net"), None)

    window.view.connect_tool.choose = choose
    window.connect_action.trigger()
    click(window, ids["dpu"])  # BlueField-3: net (2 x 200G) and host: a menu
    click(window, ids["switch"])  # one port group: no menu
    link = window.doc.design.links[-1]
    assert (link.a.node, link.b.node, link.count, link.b.split, link.a.split) == (ids["dpu"], ids["switch"], 2, 4, None)
    assert "2 x ethernet on 4-way split port (breakout)" in window.statusBar().currentMessage()
    click(window, ids["dpu2"])
    click(window, ids["switch"])
    assert [lk.count for lk in window.doc.design.links] == [2, 2]
    QTest.keyClick(window.view, Qt.Key.Key_Escape)
    window.wait_for_checks()

    window.select([ids["switch"]])
    text = "".join(label.text() for label in window.inspector.findChildren(QLabel))
    assert "net (ethernet): 1/64 ports used (1 split 4 ways: 4 sub-links, 0 sub-ports free; 8/512 lanes)" in text
    assert not [v for v in window.checker.report.violations if v.code.startswith("ports.b")]

    window.undo_action.trigger()  # one leg pair off: 2 legs on the split port, 2 sub-ports free
    window.wait_for_checks()
    assert "1/64 ports used (1 split 4 ways: 2 sub-links, 2 sub-ports free; 4/512 lanes)" in window.scene.tooltip(
        ids["switch"])


def test_link_page_breakout_choice_splits_and_joins_the_switch_end(window, tmp_path):
    ids = _open(window, tmp_path)
    link = window.doc.connect(ids["dpu"], ids["switch"], protocol="ethernet", port_a="net", port_b="net", index_a=0)
    window.wait_for_checks()
    window.select([link])
    combo = window.inspector.findChild(QComboBox, "split_b")
    assert combo is not None and window.inspector.findChild(QComboBox, "split_a") is None  # a DPU port does not split
    assert [combo.itemText(i) for i in range(combo.count())] == ["whole port", "2 ways (400 Gb/s legs)", "4 ways (200 Gb/s legs)"]
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_End)  # the last choice: 4 ways
    assert window.doc.get(link).b.split == 4
    window.wait_for_checks()
    assert window.index.used_ports(ids["switch"], "net") == 1
    window.undo_action.trigger()
    assert window.doc.get(link).b.split is None
