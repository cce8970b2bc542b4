"""Palette drops on the canvas: a free bay or U places the part, an occupied one is refused with the reason;
undo and redo through the Edit actions."""

from __future__ import annotations

from PySide6.QtTest import QTest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from rackcad.files import dumps
from rackcad.gui.canvas.view import PART_MIME
from rackcad.units import U_MM


def drag_and_drop(window, part_id: str, scene_point: tuple[float, float], drop: bool = True) -> None:
    """Send the drag-enter, drag-move and drop events a real drag from the palette delivers."""
    view = window.view
    point = view.mapFromScene(QPointF(*scene_point))  # drag enter/move events take a QPoint, QDropEvent a QPointF
    pos = QPointF(point)
    mime = QMimeData()
    mime.setData(PART_MIME, part_id.encode())
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(view.viewport(), QDragEnterEvent(point, Qt.DropAction.CopyAction, mime, buttons, mods))
    QApplication.sendEvent(view.viewport(), QDragMoveEvent(point, Qt.DropAction.CopyAction, mime, buttons, mods))
    if drop:
        QApplication.sendEvent(view.viewport(), QDropEvent(pos, Qt.DropAction.CopyAction, mime, buttons, mods))


def test_drop_into_free_bay_places_part_and_undo_redo_through_actions(small):
    window, ids, _ = small
    tray = ids["tray"]
    before = {n.id for n in window.doc.design.nodes}
    drag_and_drop(window, "b200-gb200", window.scene.layout.by_id[f"{tray}#3"].center)
    new = [n for n in window.doc.design.nodes if n.id not in before]
    assert len(new) == 1 and new[0].parent == tray and new[0].bay == 3 and new[0].part == "b200-gb200"
    assert "Placed B200" in window.statusBar().currentMessage()
    assert window.scene.selected_ids() == [new[0].id]  # the new part is selected
    assert not window.view._ghost.isVisible()
    assert window.isWindowModified()

    assert window.undo_action.isEnabled() and window.undo_action.text() == "&Undo Place B200 (in GB200 Grace Blackwell Superchip)"
    window.undo_action.trigger()
    assert window.doc.find(new[0].id) is None
    assert window.scene.box_item(f"{tray}#3") is not None  # the empty bay is back on the canvas
    assert window.redo_action.text().startswith("&Redo Place B200")
    window.redo_action.trigger()
    assert window.doc.get(new[0].id).bay == 3
    assert window.scene.item(new[0].id) is not None


def test_drop_on_a_tray_name_uses_the_first_free_bay_and_racks_take_u(small):
    window, ids, _ = small
    tray_box = window.scene.layout.by_id[ids["tray"]]
    drag_and_drop(window, "connectx-7", (tray_box.x + 40, tray_box.y + tray_box.h / 2))
    nic = window.doc.design.nodes[-1]
    assert nic.part == "connectx-7" and nic.parent == ids["tray"] and nic.bay == 6  # first NIC bay
    body = window.scene.layout.bodies[ids["rack"]]
    u30 = body.y + (48 - 30) * U_MM + U_MM / 2
    steps = len(window.doc.history)
    drag_and_drop(window, "nvlink5-switch-tray", (body.x + body.w / 2, u30))
    placed = window.doc.design.nodes[-3]
    assert placed.part == "nvlink5-switch-tray" and placed.parent == ids["rack"] and placed.u == 30
    assert placed.name == "ST02"  # ST1 is there already, as ST1: the scheme numbers ST01, ST02 ...
    chips = window.doc.children(placed.id)  # a stock tray arrives with its catalog contents, one undo step
    assert [c.name for c in chips] == ["ST02/SW1", "ST02/SW2"] and len(window.doc.history) == steps + 1

    QTest.mouseClick(window.palette.empty_trays, Qt.MouseButton.LeftButton)  # the palette's bare-sled option
    assert window.view.empty_trays
    drag_and_drop(window, "nvlink5-switch-tray", (body.x + body.w / 2, u30 + U_MM))
    bare = window.doc.design.nodes[-1]
    assert bare.part == "nvlink5-switch-tray" and bare.u == 29 and not window.doc.children(bare.id)


def test_drop_on_occupied_slot_shows_red_ghost_and_is_refused(small):
    window, ids, _ = small
    before = dumps(window.doc.design)
    depth = len(window.doc.history)
    gpu_center = window.scene.layout.by_id[ids["gpu"]].center
    drag_and_drop(window, "b200-gb200", gpu_center, drop=False)
    ghost = window.view._ghost
    assert ghost.isVisible() and ghost.brush().color().red() > 200  # red: does not fit
    assert "already holds CT1/GPU1" in window.statusBar().currentMessage()
    drag_and_drop(window, "b200-gb200", gpu_center)
    assert dumps(window.doc.design) == before and len(window.doc.history) == depth
    message = window.statusBar().currentMessage()
    assert message.startswith("Cannot place B200") and "already holds CT1/GPU1" in message
    assert not ghost.isVisible()

    tray_center = window.scene.layout.by_id[ids["tray"]].center  # a 1U tray onto the compute tray's U10
    drag_and_drop(window, "grace", window.scene.layout.by_id[f"{ids['tray']}#3"].center)  # GPU bay: wrong kind
    assert "takes gpu, xpu, not cpu" in window.statusBar().currentMessage()
    body = window.scene.layout.bodies[ids["rack"]]
    drag_and_drop(window, "nvlink5-switch-tray", (body.x + 5, tray_center[1]))
    assert "overlaps CT1" in window.statusBar().currentMessage()
    assert dumps(window.doc.design) == before


def test_drop_rack_part_adds_a_rack(small):
    window, _, _ = small
    drag_and_drop(window, "rack-42u-air", (20, 20))
    assert [r.part for r in window.doc.design.racks] == ["mgx-nvl72-rack", "rack-42u-air"]
    assert len(window.scene.layout.bodies) == 2
    window.undo_action.trigger()
    assert len(window.doc.design.racks) == 1
