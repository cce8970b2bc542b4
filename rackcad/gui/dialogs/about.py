"""Help > About: what RackCAD is, its version, the catalog it runs on and the Qt it uses."""

from __future__ import annotations

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

import rackcad
from rackcad.catalog import Catalog


class AboutDialog(QDialog):
    def __init__(self, catalog: Catalog, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About RackCAD")
        estimates = sum(1 for part in catalog for f in part.figures().values() if f.is_estimate)
        text = QLabel(
            f"<h2>RackCAD {rackcad.__version__}</h2>"
            "<p>Desktop CAD for rack-scale AI systems: lay out NVLink racks of GPUs, CPUs, custom XPUs, switch "
            "trays, NICs and optics; check ports, power, cooling and bandwidth as you edit.</p>"
            f"<p>Catalog: {len(catalog)} parts, {len(catalog.sources)} sources; {estimates} figures are "
            "estimates and are marked as such.</p>"
            f"<p>Qt {qVersion()}, PySide6 {PySide6.__version__}. Licensed under the Apache License 2.0.</p>"
        )
        text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.resize(460, 260)
