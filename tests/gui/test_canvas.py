"""The elevation canvas: items from the layout, drag to move (snapping, one undo step), rubber band and
Delete, zoom and pan, badges, tooltips."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QGraphicsView

from rackcad.files import dumps
from rackcad.gui.canvas.items import BoxItem
from rackcad.units import U_MM

from .conftest import viewport_point

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


def drag(window, start: QPoint, end: QPoint) -> None:
    viewport = window.view.viewport()
    QTest.mousePress(viewport, LEFT, NONE, start)
    for step in range(1, 6):
        QTest.mouseMove(viewport, start + (end - start) * step / 5)
    QTest.mouseRelease(viewport, LEFT, NONE, end)


def test_scene_draws_every_layout_box(small):
    window, ids, _ = small
    items = [i for i in window.scene.items() if isinstance(i, BoxItem)]
    assert sorted(i.box.id for i in items) == sorted(b.id for b in window.scene.layout.boxes)
    assert {i.model_id for i in items if i.role == "node"} == {n.id for n in window.doc.design.nodes}
    assert window.scene.kinds == ["cpu", "gpu", "switch", "tray"]
    gpu = window.scene.item(ids["gpu"])
    assert gpu.look.badge == "0/18" and gpu.look.badge_state == "none"
    assert "nvlink (nvlink5): 0/18 ports used" in window.scene.tooltip(ids["gpu"])
    assert window.scene.item(ids["cpu"]).look.badge == ""  # CPUs have no scale-up ports


def test_drag_moves_a_tray_to_the_u_under_it_in_one_step(small):
    window, ids, _ = small
    body = window.scene.layout.bodies[ids["rack"]]
    tray = window.scene.layout.by_id[ids["switch_tray"]]
    start = window.view.mapFromScene(QPointF(tray.x + 40, tray.center[1]))  # its name strip, not a chip
    target_y = body.y + (48 - 25) * U_MM + U_MM / 2  # the middle of U25
    end = window.view.mapFromScene(QPointF(tray.x + 40, target_y))
    depth = len(window.doc.history)
    drag(window, start, end)
    assert window.doc.get(ids["switch_tray"]).u == 25
    assert len(window.doc.history) == depth + 1 and window.doc.history.undo_label == "Move ST1"
    assert window.doc.get(ids["switch"]).parent == ids["switch_tray"]  # the chip moved with its tray
    assert "Moved ST1 to U25" in window.statusBar().currentMessage()
    window.undo_action.trigger()
    assert window.doc.get(ids["switch_tray"]).u == 20


def test_drag_moves_a_chip_to_a_free_bay_and_refuses_a_wrong_one(small):
    window, ids, _ = small
    layout = window.scene.layout
    free_gpu_bay = QPointF(*layout.by_id[f"{ids['tray']}#4"].center)
    drag(window, viewport_point(window, ids["gpu"]), window.view.mapFromScene(free_gpu_bay))
    assert window.doc.get(ids["gpu"]).bay == 4
    before = dumps(window.doc.design)
    cpu_bay = QPointF(*layout.by_id[f"{ids['tray']}#1"].center)
    drag(window, viewport_point(window, ids["gpu"]), window.view.mapFromScene(cpu_bay))
    assert dumps(window.doc.design) == before
    assert "Cannot move CT1/GPU1" in window.statusBar().currentMessage()
    assert "takes cpu, not gpu" in window.statusBar().currentMessage()


def test_rubber_band_selects_outermost_items_and_delete_key_removes_them(small):
    window, ids, _ = small
    scene_rect = window.scene.rect_of([ids["tray"], ids["switch_tray"]]).adjusted(-5, -5, 5, 5)
    view = window.view
    start, end = view.mapFromScene(scene_rect.topLeft()), view.mapFromScene(scene_rect.bottomRight())
    drag(window, start, end)
    assert window.scene.selected_ids() == [ids["tray"], ids["switch_tray"]]  # chips inside are implied
    assert window.inspector.ids == window.scene.selected_ids()
    before = dumps(window.doc.design)
    view.setFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    assert window.doc.find(ids["tray"]) is None and window.doc.find(ids["gpu"]) is None
    assert window.doc.history.undo_label == "Delete 2 items"
    window.undo_action.trigger()
    assert dumps(window.doc.design) == before

    window.select_all_action.trigger()
    assert window.scene.selected_ids() == [ids["rack"]]


def test_zoom_by_wheel_keys_and_fit_and_space_pan(small):
    window, _, _ = small
    view = window.view
    fitted = view.zoom
    assert view.fit_mode
    center = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(center, view.viewport().mapToGlobal(center), QPoint(), QPoint(0, 240), Qt.MouseButton.NoButton,
                        NONE, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)
    assert abs(view.zoom - fitted * 1.15 ** 2) < 1e-6 and not view.fit_mode
    QTest.keyClick(view, Qt.Key.Key_Minus)
    assert abs(view.zoom - fitted * 1.15 ** 2 * 0.8) < 1e-6
    QTest.keyClick(view, Qt.Key.Key_Plus)
    window.zoom_in_action.trigger()
    assert view.zoom > fitted * 1.15 ** 2
    window.fit_action.trigger()
    assert abs(view.zoom - fitted) < 1e-3
    assert window.legend._zoom == f"zoom {view.zoom * 100:.0f} %"

    QTest.keyPress(view, Qt.Key.Key_Space)
    assert view.dragMode() == QGraphicsView.DragMode.ScrollHandDrag and not view.isInteractive()
    QTest.keyRelease(view, Qt.Key.Key_Space)
    assert view.dragMode() == QGraphicsView.DragMode.RubberBandDrag and view.isInteractive()


def test_empty_window_shows_the_hint_and_no_racks(window):
    assert window.windowTitle() == "Untitled[*] - RackCAD"
    assert window.scene.layout.bodies == {} and window.gpu_label.text() == "0 GPUs"
    image = window.view.viewport().grab().toImage()
    assert image.width() > 0  # the hint is painted in drawForeground without errors


def test_view_tooltip_names_the_part_under_the_pointer(small):
    window, ids, _ = small
    view = window.view
    on_gpu = viewport_point(window, ids["gpu"])
    assert "nvlink (nvlink5)" in view.tooltip_at(on_gpu) and "ports used" in view.tooltip_at(on_gpu)
    far = view.mapFromScene(QPointF(-5000, -5000))
    assert view.tooltip_at(far) == ""
