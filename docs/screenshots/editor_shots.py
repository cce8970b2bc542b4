"""Render the editing screenshots of the README: a context menu, a bulk-wire drag, a floor plan in rows and
the print preview. Popups are separate windows off screen, so each is grabbed and laid over the window's
grab where it opens.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/editor_shots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="rackcad-shots-")

from PySide6.QtCore import QPoint, QPointF, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QPainter  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QInputDialog  # noqa: E402

from rackcad.gui.app import application  # noqa: E402

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parents[1] / "examples"


def window_on(name: str):
    from rackcad.gui.main_window import MainWindow

    window = MainWindow(restore_layout=False)
    window.resize(1600, 1000)
    window.open_path(str(EXAMPLES / f"{name}.rackcad"), interactive=False)
    window.show()
    window.wait_for_checks()
    return window


def compose(window, popups: list[tuple[object, QPoint]], out: str) -> None:
    """The window's grab with each popup's grab painted at `where` (window coordinates)."""
    app = application()
    app.processEvents()
    image = window.grab().toImage()
    painter = QPainter(image)
    for widget, where in popups:
        painter.drawPixmap(where, widget.grab())
    painter.end()
    image.save(str(HERE / out))
    print(HERE / out)


def context_menu() -> None:
    window = window_on("gb200-nvl72")
    tray = next(n for n in window.doc.design.nodes if n.name == "CT17")
    window.select([tray.id])
    menu = window.context_menu()
    box = window.scene.layout.by_id[tray.id]
    at = window.view.mapTo(window, window.view.mapFromScene(QPointF(box.x + 40, box.y + box.h / 2)))
    menu.popup(window.mapToGlobal(at))
    application().processEvents()
    compose(window, [(menu, at)], "context-menu.png")
    menu.close()
    window.shutdown()


def bulk_wire() -> None:
    window = window_on("gb200-nvl72")
    doc = window.doc
    doc.remove(*[link.id for link in doc.design.links if link.protocol == "nvlink5"])
    rack = doc.design.racks[0]
    window.select([rack.id])
    window.connect_action.trigger()
    window.view.fit_all()
    gpu = next(n for n in doc.design.nodes if n.name == "CT03/GPU2")
    chip = next(n for n in doc.design.nodes if n.name == "ST05/SW1")
    start = window.view.mapFromScene(QPointF(*window.scene.layout.by_id[gpu.id].center))
    end = window.view.mapFromScene(QPointF(*window.scene.layout.by_id[chip.id].center))
    viewport = window.view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, end)
    window.statusBar().showMessage("Connect: release on a switch chip to wire 72 GPUs to 18 switch chips")
    dialog = QInputDialog(window)
    dialog.setWindowTitle("Wire groups")
    dialog.setLabelText("72 x B200 (in GB200 Grace Blackwell Superchip) (nvlink) to 18 x NVLink 5 Switch ASIC "
                        "(nvlink), nvlink5.\nLinks per pair:")
    dialog.setInputMode(QInputDialog.InputMode.IntInput)
    dialog.setIntRange(1, 18)
    dialog.setIntValue(1)
    dialog.show()
    application().processEvents()
    at = window.view.mapTo(window, end) + QPoint(40, -60)
    compose(window, [(dialog, at)], "bulk-wire.png")
    dialog.close()
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    window.shutdown()


def floor_rows() -> None:
    from rackcad.editing.floor import arrange_rows

    window = window_on("gb200-nvl576")
    doc = window.doc
    doc.set_design(floor=doc.design.floor.model_copy(update={"width_mm": 14_400.0, "depth_mm": 9_600.0}))
    arrange_rows(doc, [r.id for r in doc.design.racks], per_row=7)
    window.show_tab("floor")
    window.select([doc.design.racks[0].id])
    application().processEvents()
    window.floor_view.fit()
    compose(window, [], "floor-rows.png")
    window.shutdown()


def hall_routes() -> None:
    """The 2-SU GB200 SuperPOD hall: rows, hot and cold aisles, trays and the route of one leaf-to-spine
    link."""
    from rackcad import save, templates
    from rackcad.gui.main_window import MainWindow

    path = Path(os.environ["XDG_STATE_HOME"]) / "superpod2.rackcad"
    save(templates.build("gb200-superpod", sus=2), path)
    window = MainWindow(restore_layout=False)
    window.resize(1600, 1000)
    window.open_path(str(path), interactive=False)
    window.show()
    window.wait_for_checks()
    doc = window.doc
    window.show_tab("floor")
    spine = next(r.id for r in doc.design.racks if r.name == "SPINE-1")
    index = window.checker.figures
    link = next(f.link.id for f in index.link_figures.values()
                if f.rack_b == spine and doc.get(f.rack_a).name.startswith("NET2-"))
    window.select([link])
    application().processEvents()
    window.floor_view.fit()
    application().processEvents()
    compose(window, [], "hall-routes.png")
    window.shutdown()


def print_preview() -> None:
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    from rackcad.gui.printing import PageSetup, paint

    window = window_on("gb200-nvl72")
    window.page = PageSetup("A3", True, True, ["elevation", "topology", "floor"])
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintPreviewDialog(printer, window)
    dialog.paintRequested.connect(lambda p: paint(p, window.doc.design, window.page))
    dialog.resize(1400, 900)
    dialog.show()
    application().processEvents()
    image = dialog.grab().toImage()
    image.save(str(HERE / "print-preview.png"))
    print(HERE / "print-preview.png")
    dialog.close()
    window.shutdown()


if __name__ == "__main__":
    app = application()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, os.environ["XDG_STATE_HOME"])
    for shot in sys.argv[1:] or ["context_menu", "bulk_wire", "floor_rows", "hall_routes", "print_preview"]:
        globals()[shot]()
