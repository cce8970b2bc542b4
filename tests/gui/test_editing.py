"""Editing the way a CAD user expects, by keys, mouse and menus: shortcuts that never destroy silently,
copy/paste of populated trays and whole racks (also into another window), duplicate, arrays, fill rack,
context menus, bulk wiring."""

from __future__ import annotations

import rackcad
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QContextMenuEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

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
    """A key press on the canvas; shortcuts need the window active (a window manager may not make it so)."""
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        QTest.qWaitForWindowActive(window, 2000)
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


def test_bulk_wire_72_gpus_to_18_chips_in_one_drag(example):
    window = example("gb200-nvl72")
    doc = window.doc
    doc.remove(*[link.id for link in doc.design.links if link.protocol == "nvlink5"])
    rack = doc.design.racks[0]
    gpu = next(n for n in doc.design.nodes if n.name == "CT01/GPU1")
    chip = next(n for n in doc.design.nodes if n.name == "ST01/SW1")
    click_item(window, f"{rack.id}#title")
    assert window.selected_ids() == [rack.id]
    key(window, Qt.Key.Key_K, CTRL)  # Connect Ports
    assert window.connect_action.isChecked()
    asked = []
    window.edits.ask_int = lambda title, label, value, low, high: asked.append((label, value)) or value
    steps = len(doc.history)
    key(window, Qt.Key.Key_Home)  # zoom to fit: the whole rack in view
    start, end = (view_point(window, gpu.id), view_point(window, chip.id))
    viewport = window.view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, (start + end) / 2)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert asked and asked[0][1] == 1 and asked[0][0].startswith("72 x B200")  # 18 free ports over 18 chips
    assert sum(link.count for link in doc.design.links if link.protocol == "nvlink5") == 1296
    assert len(doc.history) == steps + 1 and window.undo_action.text().startswith("&Undo Wire 72 B200")
    key(window, Qt.Key.Key_Z, CTRL)
    assert not [link for link in doc.design.links if link.protocol == "nvlink5"]


def view_point(window, item_id: str):
    """A part's centre on the viewport, with the whole rack in view."""
    box = window.scene.layout.by_id[item_id]
    return window.view.mapFromScene(QPointF(box.x + box.w / 2, box.y + box.h / 2))


def open_menu(window, monkeypatch, right_click) -> QMenu:
    """Right-click (the `right_click` callable sends it), then return the menu shown."""
    shown = []

    def popup(menu, where):
        menu.popup(where)
        shown.append(menu)

    monkeypatch.setattr(window.edits, "exec_menu", popup)
    right_click()
    assert shown, "no context menu"
    return shown[-1]


def pick(menu, text: str) -> None:
    """Click the menu entry whose text starts with `text`."""
    action = next(a for a in menu.actions() if a.text().replace("&", "").startswith(text))
    assert action.isEnabled(), text
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     menu.actionGeometry(action).center())


def right_click(widget, point) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, point)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, widget.mapToGlobal(point))
    QApplication.sendEvent(widget, event)


def test_context_menus_on_canvas_item_palette_and_checks(small, monkeypatch):
    window, ids, _ = small
    click_item(window, ids["tray"])
    box = window.scene.layout.by_id[ids["tray"]]
    point = window.view.mapFromScene(QPointF(box.x + 12, box.y + box.h / 2))
    menu = open_menu(window, monkeypatch, lambda: right_click(window.view.viewport(), point))
    assert window.selected_ids() == [ids["tray"]]  # the right press kept the selection
    texts = [a.text().replace("&", "") for a in menu.actions() if a.text()]
    assert {"Delete", "Copy", "Paste", "Duplicate", "Array...", "Fill Rack...", "Rename..."} <= set(texts)
    monkeypatch.setattr(window.edits, "ask_int", lambda title, label, value, low, high: 2)
    pick(menu, "Array")
    assert [n.name for n in window.doc.children(ids["rack"]) if n.part == "gb200-compute-tray"] == \
        ["CT1", "CT02", "CT03"]

    window.select([ids["rack"]])
    tree = window.palette.tree
    row = window.palette.part_items()["power-shelf-33kw"]
    tree.scrollToItem(row)
    menu = open_menu(window, monkeypatch, lambda: right_click(tree.viewport(), tree.visualItemRect(row).center()))
    pick(menu, "Place")
    shelf = window.doc.get(window.selected_ids()[0])
    assert shelf.part == "power-shelf-33kw" and shelf.u == 1 and shelf.name == "PS1"

    window.wait_for_checks()
    view = window.checks.list
    point = view.visualRect(window.checks.model.index(0, 0)).center()
    menu = open_menu(window, monkeypatch, lambda: right_click(view.viewport(), point))
    subjects = [s for s in window.checks.model.rows[0].subjects if window.doc.find(s)]
    pick(menu, "Show on the canvas")
    assert window.selected_ids() == subjects


def test_rule_reference_from_the_checks_dock_and_the_user_guide(small, monkeypatch):
    from rackcad.rules.engine import RULES
    from rackcad.rules.reference import NOTES

    assert set(NOTES) <= {rule.code for rule in RULES}  # no notes for rules that are gone
    window, ids, _ = small
    view = window.checks.list
    point = view.visualRect(window.checks.model.index(0, 0)).center()
    code = window.checks.model.rows[0].code
    menu = open_menu(window, monkeypatch, lambda: right_click(view.viewport(), point))
    pick(menu, f"About {code}")
    page = window.help_page
    assert page.isVisible() and page.windowTitle() == "Rule Reference"
    text = page.browser.toPlainText()
    assert code in text and "How to fix:" in text and text.count("Figures used:") == len(RULES)
    page.close()
    window.guide_action.trigger()
    assert "Bulk wiring" in window.help_page.browser.toPlainText()


def test_bottom_docks_open_tabbed_at_a_sensible_height_and_the_toolbar_keeps_its_width(small, qtbot):
    window, ids, _ = small
    width = window.toolbar.sizeHint().width()
    for dock in (window.charts_dock, window.analysis_dock):
        button = window.toolbar.widgetForAction(dock.toggleViewAction())
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.charts_dock.isVisible() and window.analysis_dock.isVisible())
    assert window.analysis_dock in window.tabifiedDockWidgets(window.charts_dock)  # one tab group
    assert window.charts_dock.height() <= 0.3 * window.height() + 1
    assert window.view.height() >= 0.5 * window.height()  # the canvas keeps most of the window
    window.doc.set(ids["rack"], power_budget_w=120_000)  # a long undo label
    assert window.undo_action.text() == "&Undo Set power budget of R1 to 120.0 kW"
    assert window.toolbar.sizeHint().width() == width
