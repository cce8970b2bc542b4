"""Clicking a row of every list and table in the inspector and the checks dock, with the mouse.

A click that makes the inspector show something else rebuilds its page from inside the clicked widget's own
signal; the old page must outlive that click (it used to be deleted at once and the process died).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QPushButton


def click_index(view: QAbstractItemView, row: int, double: bool = False) -> None:
    index = view.model().index(row, 0)
    view.scrollTo(index)
    point = view.visualRect(index).center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    if double:
        QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def test_clicking_every_row_of_the_links_list_opens_that_link(example, qtbot):
    window = example("gb200-nvl72")
    gpu = next(n for n in window.doc.design.nodes if n.part == "b200-gb200")
    links = window.doc.links_of(gpu.id)
    assert len(links) == 19  # 18 NVLink (one per switch chip) + 1 NVLink-C2C to its Grace
    for row in range(len(links)):
        window.select([gpu.id])
        view = window.inspector.findChild(QListWidget, "links")
        assert view.count() == 19
        click_index(view, row)
        qtbot.wait(1)  # let the old page's deferred deletion run
        assert window.inspector.ids == [links[row].id]
        assert window.inspector.editor("count").value() == links[row].count


def test_double_click_and_end_buttons_on_a_link_page(example, qtbot):
    window = example("gb200-nvl72")
    gpu = next(n for n in window.doc.design.nodes if n.part == "b200-gb200")
    window.select([gpu.id])
    view = window.inspector.findChild(QListWidget, "links")
    click_index(view, 0, double=True)
    qtbot.wait(1)
    link = window.doc.get(window.inspector.ids[0])
    end_a, end_b = [b for b in window.inspector.findChildren(QPushButton) if b.isFlat()]
    assert end_b.text() == f"{window.doc.get(link.b.node).name} · {link.b.port}"
    QTest.mouseClick(end_b, Qt.MouseButton.LeftButton)
    qtbot.wait(1)
    assert window.inspector.ids == [link.b.node]


def test_clicking_every_row_of_the_checks_list_selects_its_subjects(example, qtbot):
    window = example("gb200-nvl72")
    view = window.checks.list
    rows = window.checks.model.rowCount()
    assert rows > 0
    for row in range(rows):
        click_index(view, row)
        qtbot.wait(1)
        violation = window.checks.model.rows[row]
        shown = [s for s in violation.subjects if window.doc.find(s) is not None]
        assert window.inspector.ids == shown


def test_links_list_context_menu_deletes_a_link(example, monkeypatch, qtbot):
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication

    window = example("gb200-nvl72")
    gpu = next(n for n in window.doc.design.nodes if n.part == "b200-gb200")
    window.select([gpu.id])
    view = window.inspector.findChild(QListWidget, "links")
    first = view.item(0).data(Qt.ItemDataRole.UserRole)
    shown = []
    monkeypatch.setattr(window.inspector, "exec_menu", lambda menu, where: (menu.popup(where), shown.append(menu)))
    point = view.visualItemRect(view.item(0)).center()
    QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point,
                                                              view.viewport().mapToGlobal(point)))
    menu = shown[0]
    action = next(a for a in menu.actions() if a.text() == "Delete link")
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     menu.actionGeometry(action).center())
    qtbot.wait(1)
    assert window.doc.find(first) is None and len(window.doc.links_of(gpu.id)) == 18
    assert window.undo_action.text().startswith("&Undo Delete")
