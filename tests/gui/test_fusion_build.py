"""Build a custom NVLink Fusion rack from scratch in the editor, counting every GUI action: a blank design,
a rack and an empty sled from the palette, custom CPUs and XPUs into its bays, Ctrl+D for the second sled,
a stock switch tray, Array for the other eight, the NVLink wiring in one drag, power shelves by Array."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import rackcad
from rackcad.units import U_MM
from tests.gui.test_drop import drag_and_drop

CTRL = Qt.KeyboardModifier.ControlModifier


class Run:
    """The window plus a count of the user's actions (a drop, a click, a key, a dialog answer)."""

    def __init__(self, window):
        self.window = window
        self.actions = 0

    def key(self, key, mods=Qt.KeyboardModifier.NoModifier) -> None:
        if QApplication.activeWindow() is not self.window:
            self.window.activateWindow()
            QTest.qWaitForWindowActive(self.window, 2000)
        self.window.view.setFocus()
        QTest.keyClick(self.window.view, key, mods)
        self.actions += 1

    def drop(self, part_id: str, point: tuple[float, float]) -> str:
        before = {n.id for n in self.window.doc.design.nodes} | {r.id for r in self.window.doc.design.racks}
        drag_and_drop(self.window, part_id, point)
        self.actions += 1
        new = [i.id for i in [*self.window.doc.design.racks, *self.window.doc.design.nodes] if i.id not in before]
        assert new, self.window.statusBar().currentMessage()
        return new[0]

    def at_u(self, rack: str, u: int) -> tuple[float, float]:
        body = self.window.scene.layout.bodies[rack]
        return body.x + body.w / 2, body.y + (self.window.doc.rack_height(self.window.doc.get(rack)) - u) * U_MM \
            + U_MM / 2

    def bay(self, tray: str, bay: int) -> tuple[float, float]:
        return self.window.scene.layout.by_id[f"{tray}#{bay}"].center

    def click(self, item_id: str, x_offset: float | None = None) -> None:
        box = self.window.scene.layout.by_id[item_id]
        point = QPointF(box.x + (x_offset if x_offset is not None else box.w / 2), box.y + box.h / 2)
        QTest.mouseClick(self.window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         self.window.view.mapFromScene(point))
        self.actions += 1

    def answer(self, value: int):
        """The next number dialog is answered with `value` (typing it and Enter: one action)."""
        def ask(title, label, default, low, high):
            self.actions += 1
            return value
        self.window.edits.ask_int = ask


def test_custom_fusion_rack_in_under_40_actions(window):
    run = Run(window)
    window.new_blank()  # File > New
    run.actions += 1
    key_fit = lambda: run.key(Qt.Key.Key_Home)  # noqa: E731
    rack = run.drop("mgx-nvl72-rack", (500, 400))
    key_fit()
    sled = run.drop("custom-compute-sled", run.at_u(rack, 10))
    for bay in (0, 1):
        run.drop("custom-cpu-c2c", run.bay(sled, bay))
    for bay in (2, 3, 4, 5):
        run.drop("custom-xpu-fusion", run.bay(sled, bay))
    run.click(sled, x_offset=12)  # select the sled by its name
    run.key(Qt.Key.Key_D, CTRL)  # Duplicate: the second sled, with its CPUs and XPUs, at U11
    switch_tray = run.drop("nvlink5-switch-tray", run.at_u(rack, 20))  # arrives with its 2 chips
    run.click(switch_tray, x_offset=12)
    run.answer(8)
    run.key(Qt.Key.Key_D, CTRL | Qt.KeyboardModifier.ShiftModifier)  # Array... x 8: ST02-ST09 at U21-U28
    shelf = run.drop("power-shelf-33kw", run.at_u(rack, 1))
    run.click(shelf)
    run.answer(3)
    run.key(Qt.Key.Key_D, CTRL | Qt.KeyboardModifier.ShiftModifier)  # 4 power shelves
    key_fit()
    run.click(f"{rack}#title")  # select the rack: a drag now stands for its groups
    run.key(Qt.Key.Key_K, CTRL)  # Connect Ports
    run.answer(1)
    doc = window.doc
    xpu = next(n.id for n in doc.design.nodes if n.part == "custom-xpu-fusion")
    chip = next(n.id for n in doc.design.nodes if n.part == "nvlink5-switch")
    viewport = window.view.viewport()
    start = window.view.mapFromScene(QPointF(*window.scene.layout.by_id[xpu].center))
    end = window.view.mapFromScene(QPointF(*window.scene.layout.by_id[chip].center))
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    run.actions += 1

    summary = rackcad.summary(doc.design)
    assert summary["counts"]["cpu"] == 4 and summary["counts"]["xpu"] == 8 and summary["counts"]["switch"] == 18
    parts = [n.part for n in doc.design.nodes]
    assert parts.count("custom-compute-sled") == 2 and parts.count("nvlink5-switch-tray") == 9
    assert parts.count("power-shelf-33kw") == 4
    nvlink = [link for link in doc.design.links if link.protocol == "nvlink5"]
    assert sum(link.count for link in nvlink) == 8 * 18  # every XPU's 18 NVLink ports, one to each chip
    assert summary["nvlink_domains"] == [8]
    names = sorted(n.name for n in doc.design.nodes if n.part == "custom-compute-sled")
    assert names == ["CT01", "CT02"]
    assert run.actions < 40, run.actions
    print(f"custom Fusion rack: {run.actions} GUI actions")
