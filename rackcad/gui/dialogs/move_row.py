"""Hall > Move Row: how far to move a row (and everything standing in its slots), in metres along x and y."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QWidget

from rackcad.model.design import MAX_HALL_MM

STEP_M = 0.6
"""A spin step: one floor tile, a rack's pitch."""


def _metres(name: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox(objectName=name)
    box.setDecimals(3)
    box.setRange(-MAX_HALL_MM / 1000, MAX_HALL_MM / 1000)
    box.setSingleStep(STEP_M)
    box.setSuffix(" m")
    box.setValue(0.0)
    return box


class MoveRowDialog(QDialog):
    """dx and dy (metres, + is right and down on the floor plan) for one row; `offset_mm()` after OK."""

    def __init__(self, name: str, racks: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Move {name}")
        self.dx = _metres("dx")
        self.dy = _metres("dy")
        form = QFormLayout(self)
        what = f"{racks} rack{'s' if racks != 1 else ''} in its slots move with it" if racks else "no racks in it"
        form.addRow(QLabel(f"Move {name} by ({what}):"))
        form.addRow("Along x (→)", self.dx)
        form.addRow("Along y (↓)", self.dy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.dx.setFocus()
        self.dx.selectAll()

    def offset_mm(self) -> tuple[float, float]:
        return self.dx.value() * 1000, self.dy.value() * 1000
