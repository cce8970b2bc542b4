"""The floor plan's hall actions in its context menu: add a row or a cable tray where the pointer is, put
the selected racks into a row, change a row's cold side or slots, move it (dx, dy), a tray's level and size,
delete either.

Each action is one Document edit through rackcad.editing.hall (one undo step); refused edits show their
reason in the status bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF
from PySide6.QtGui import QAction

from rackcad.document import EditError
from rackcad.editing import hall as hall_edits
from rackcad.figures.hall import name_of
from rackcad.model import Rack

if TYPE_CHECKING:
    from rackcad.gui.main_window import MainWindow

ROW_SLOTS = 10
ROW_DEPTH_MM = 1200.0
TRAY_WIDTH_MM = 600.0


def _snap(value: float, grid: float) -> float:
    return round(value / grid) * grid if grid > 0 else value


class HallMenu:
    """Builds the hall actions for a right-click at a floor point."""

    def __init__(self, window: "MainWindow"):
        self.window = window

    @property
    def doc(self):
        return self.window.doc

    def _run(self, text: str, edit) -> None:
        try:
            edit()
        except EditError as exc:
            self.window._status(str(exc), 8000)
            return
        self.window._status(text, 8000)

    def _action(self, text: str, slot, enabled: bool = True) -> QAction:
        action = QAction(text, self.window)
        action.setEnabled(enabled)
        action.triggered.connect(slot)
        return action

    def actions(self, point: QPointF) -> list[QAction | None]:
        """The hall actions for a right-click at scene point `point` (hall mm)."""
        scene = self.window.floor_scene
        floor = self.doc.design.floor
        x, y = _snap(point.x(), floor.grid_mm), _snap(point.y(), floor.grid_mm)
        out: list[QAction | None] = [
            self._action("Add Row Here", lambda: self.add_row(x, y)),
            self._action("Add Tray Along Here (across the hall)", lambda: self.add_tray(y=y)),
            self._action("Add Tray Down Here (front to back)", lambda: self.add_tray(x=x)),
        ]
        row_item = scene.row_at(point.x(), point.y())
        if row_item is not None:
            row = hall_edits.row(self.doc, row_item.row.id)
            name = name_of(row)
            racks = [i for i in self.window.selected_ids() if isinstance(self.doc.find(i), Rack)]
            other = "back" if row.cold_aisle == "front" else "front"
            out += [None,
                    self._action(f"Put Selected Racks in {name}", lambda: self.put(row.id, racks), bool(racks)),
                    self._action(f"Cold Aisle of {name} at the {other.title()}",
                                 lambda: self._run(f"{name}: cold aisle at the {other}",
                                                   lambda: hall_edits.set_row(self.doc, row.id, cold_aisle=other))),
                    self._action(f"Slots of {name}...", lambda: self.ask_slots(row.id)),
                    self._action(f"Move {name}...", lambda: self.ask_move(row.id)),
                    self._action(f"Add Tray Over {name}", lambda: self.tray_over(row.id)),
                    self._action(f"Delete {name}", lambda: self._run(f"Deleted {name}",
                                                                       lambda: hall_edits.remove_row(self.doc, row.id)))]
        tray_item = scene.tray_at(point.x(), point.y(), 5 / max(self.window.floor_view.zoom, 1e-6))
        if tray_item is not None:
            tray = hall_edits.tray(self.doc, tray_item.tray.id)
            name = name_of(tray)
            level = "underfloor" if tray.level == "overhead" else "overhead"
            out += [None,
                    self._action(f"Make {name} {'Under-floor' if level == 'underfloor' else 'Overhead'}",
                                 lambda: self._run(f"{name}: {level}",
                                                   lambda: hall_edits.set_tray(self.doc, tray.id, level=level))),
                    self._action(f"Width of {name}...", lambda: self.ask_tray_width(tray.id)),
                    self._action(f"Delete {name}", lambda: self._run(f"Deleted {name}",
                                                                       lambda: hall_edits.remove_tray(self.doc, tray.id)))]
        return out

    # ------------------------------------------------------------------ edits
    def add_row(self, x: float, y: float) -> None:
        self._run(f"Added a row of {ROW_SLOTS} slots at x {x / 1000:.1f} m, y {y / 1000:.1f} m",
                  lambda: hall_edits.add_row(self.doc, (x, y), slots=ROW_SLOTS, depth_mm=ROW_DEPTH_MM))

    def add_tray(self, x: float | None = None, y: float | None = None) -> None:
        """A straight tray across the whole hall through the point, along x (`y` given) or along y."""
        floor = self.doc.design.floor
        points = [(0.0, y), (floor.width_mm, y)] if y is not None else [(x, 0.0), (x, floor.depth_mm)]
        self._run("Added a cable tray", lambda: hall_edits.add_tray(self.doc, points, width_mm=TRAY_WIDTH_MM))

    def tray_over(self, row_id: str) -> None:
        """A tray along the middle of the row, from end to end."""
        from rackcad.figures.hall import row_corners

        fl, fr, br, bl = row_corners(hall_edits.row(self.doc, row_id))
        points = [((fl[0] + bl[0]) / 2, (fl[1] + bl[1]) / 2), ((fr[0] + br[0]) / 2, (fr[1] + br[1]) / 2)]
        self._run("Added a cable tray over the row",
                  lambda: hall_edits.add_tray(self.doc, points, width_mm=TRAY_WIDTH_MM))

    def put(self, row_id: str, racks: list[str]) -> None:
        self._run(f"Put {len(racks)} rack{'s' if len(racks) != 1 else ''} in the row",
                  lambda: hall_edits.snap(self.doc, racks, row_id))

    def ask_slots(self, row_id: str) -> None:
        row = hall_edits.row(self.doc, row_id)
        slots = self.window.edits.ask_int("Row slots", f"Slots in {name_of(row)}:", row.slots, 1, 1000)
        if slots is not None:
            self._run(f"{name_of(row)}: {slots} slots", lambda: hall_edits.set_row(self.doc, row_id, slots=slots))

    def ask_move(self, row_id: str) -> None:
        """Move a row by dx, dy (the Move Row dialog): the racks and placed blocks in its slots move with it,
        one undo step (`rackcad.editing.hall.set_row`); a refused move says why in the status bar."""
        from rackcad.gui.dialogs.move_row import MoveRowDialog

        row = hall_edits.row(self.doc, row_id)
        name = name_of(row)
        dialog = MoveRowDialog(name, len(hall_edits.placed(self.doc, row_id)), self.window)
        if dialog.exec() != MoveRowDialog.DialogCode.Accepted:
            return
        dx, dy = dialog.offset_mm()
        if not dx and not dy:
            return
        x, y = row.origin
        self._run(f"Moved {name} by {dx / 1000:+.2f} m, {dy / 1000:+.2f} m",
                  lambda: hall_edits.set_row(self.doc, row_id, origin=[x + dx, y + dy]))

    def ask_tray_width(self, tray_id: str) -> None:
        tray = hall_edits.tray(self.doc, tray_id)
        width = self.window.edits.ask_int("Tray width", f"Width of {name_of(tray)} (mm):",
                                          int(tray.width_mm), 50, 3000)
        if width is not None:
            self._run(f"{name_of(tray)}: {width} mm wide",
                      lambda: hall_edits.set_tray(self.doc, tray_id, width_mm=float(width)))
