"""Editing the way a CAD user expects, by keys, mouse and menus: shortcuts that never destroy silently,
copy/paste of populated trays and whole racks (also into another window), duplicate, arrays, fill rack,
context menus, bulk wiring."""

from __future__ import annotations

import rackcad
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from rackcad.gui.dialogs.shortcuts import shortcut_rows

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def click_item(window, item_id: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Click an item: a tray on its name at the left end (its middle is a bay), anything else in its middle."""
    box = window.scene.layout.by_id[item_id]
    x = box.x + 12 if window.doc.find(item_id) is not None and window.doc.children(item_id) else box.x + box.w / 2
    window.view.centerOn(QPointF(x, box.y + box.h / 2))
    point = window.view.mapFromScene(QPointF(x, box.y + box.h / 2))
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, modifier, point)


def key(window, k, mods=Qt.KeyboardModifier.NoModifier) -> None:
    window.view.setFocus()
    QTest.keyClick(window.view, k, mods)


def test_no_key_is_bound_to_two_actions_and_the_help_page_lists_them(window):
    seen: dict[str, str] = {}
    for menu, action, keys in shortcut_rows(window.menuBar()):
        for sequence in filter(None, keys.split(", ")):
            assert sequence not in seen, f"{sequence} is bound to both {seen[sequence]} and {action}"
            seen[sequence] = action
    native = QKeySequence.SequenceFormat.NativeText
    assert seen[QKeySequence("Ctrl+D").toString(native)] == "Duplicate"
    assert seen[QKeySequence("Delete").toString(native)] == "Delete"
    assert seen[QKeySequence("Backspace").toString(native)] == "Delete"
    assert seen[QKeySequence("Ctrl+Y").toString(native)] == "Redo"
    assert seen[QKeySequence("Ctrl+Shift+Z").toString(native)] == "Redo"


def test_ctrl_d_duplicates_delete_deletes_and_both_redo_keys_redo(small):
    window, ids, _ = small
    click_item(window, ids["tray"])
    assert window.selected_ids() == [ids["tray"]]
    nodes = len(window.doc.design.nodes)
    key(window, Qt.Key.Key_D, CTRL)
    assert len(window.doc.design.nodes) == nodes + 3  # CT1 holds a CPU and a GPU: three new parts
    copy = window.selected_ids()[0]
    assert window.doc.get(copy).name == "CT02" and window.doc.get(copy).u == 11  # the scheme's next name after CT1
    assert window.doc.find(ids["tray"]) is not None  # never deletes
    key(window, Qt.Key.Key_Z, CTRL)
    assert len(window.doc.design.nodes) == nodes
    key(window, Qt.Key.Key_Y, CTRL)
    assert len(window.doc.design.nodes) == nodes + 3
    key(window, Qt.Key.Key_Z, CTRL)
    key(window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert len(window.doc.design.nodes) == nodes + 3
    click_item(window, copy)
    key(window, Qt.Key.Key_Delete)
    assert window.doc.find(copy) is None and len(window.doc.design.nodes) == nodes
    click_item(window, ids["gpu"])
    key(window, Qt.Key.Key_Backspace)
    assert window.doc.find(ids["gpu"]) is None


def test_copy_paste_a_populated_tray_and_a_rack_into_another_window(example, qtbot):
    from rackcad.gui.main_window import MainWindow

    window = example("gb200-nvl72")
    tray = next(n for n in window.doc.design.nodes if n.name == "CT18")
    rack = window.doc.design.racks[0]
    window.doc.remove(*[n.id for n in window.doc.design.nodes if n.name.startswith("MGMT")])  # free 2U on top
    click_item(window, tray.id)
    key(window, Qt.Key.Key_C, CTRL)
    assert "Copied CT18 (13 parts, 4 links)" in window.statusBar().currentMessage()
    click_item(window, f"{rack.id}#title")
    key(window, Qt.Key.Key_V, CTRL)
    pasted = window.doc.get(window.selected_ids()[0])
    assert pasted.name == "CT19" and pasted.parent == rack.id and len(window.doc.children(pasted.id)) == 12
    inside = {c.id for c in window.doc.descendants(pasted.id)}
    assert sum(1 for link in window.doc.design.links if link.a.node in inside) == 4  # its NVLink-C2C

    click_item(window, f"{rack.id}#title")
    key(window, Qt.Key.Key_C, CTRL)
    other = MainWindow(restore_layout=False)
    other.resize(1200, 800)
    other.show()
    qtbot.waitExposed(other)
    other.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is other)
    try:
        other.view.setFocus()
        QTest.keyClick(other.view, Qt.Key.Key_V, CTRL)
        assert len(other.doc.design.racks) == 1
        summary = rackcad.summary(other.doc.design)
        assert summary["counts"]["gpu"] == 76  # 72 + the 4 of the pasted CT19
        assert summary["links"] == 72 * 18 + 76  # every GPU's 18 NVLink (CT19's are free) + one C2C per GPU
        assert len(other.doc.history) == 1
    finally:
        other.doc.mark_clean()
        other.close()
        other.deleteLater()
